import { useState } from 'preact/hooks'
import type { Snapshot } from '../../src/snapshot.ts'
import type { Api } from '../api.ts'
import { ActionButton, Announcer, Badge } from './common.tsx'

const knobs = [
  { key: 'latencyMs', label: 'Latency (ms)', step: 10, max: 10000 },
  { key: 'jitterMs', label: 'Jitter (ms)', step: 10, max: 10000 },
  { key: 'declineRate', label: 'Decline rate (0–1)', step: 0.05, max: 1 },
  { key: 'errorRate', label: 'Error rate (0–1)', step: 0.05, max: 1 },
  { key: 'hangRate', label: 'Hang rate (0–1)', step: 0.05, max: 1 },
] as const

function Simulator({ snapshot, client }: { snapshot: Snapshot; client: Api }) {
  const current = snapshot.simulator
  const [draft, setDraft] = useState<NonNullable<Snapshot['simulator']> | undefined>()
  if (current === null) return <p class="muted">The payment simulator does not answer (payments is down?).</p>
  const values = draft ?? current
  return (
    <form
      class="knobs"
      aria-label="Payment simulator"
      onSubmit={(event) => {
        event.preventDefault()
      }}
    >
      {knobs.map((knob) => (
        <label key={knob.key}>
          {knob.label}
          <input
            type="number"
            name={knob.key}
            min={0}
            max={knob.max}
            step={knob.step}
            value={values[knob.key]}
            onInput={(event) =>
              setDraft({ ...values, [knob.key]: Number((event.currentTarget as HTMLInputElement).value) })
            }
          />
        </label>
      ))}
      <ActionButton
        label="Apply to the simulator"
        onAction={async () => {
          await client.simulator(values)
          setDraft(undefined)
        }}
      />
      <ActionButton
        label="Reset"
        class="secondary"
        onAction={async () => {
          await client.simulator({ latencyMs: 20, jitterMs: 10, declineRate: 0, errorRate: 0, hangRate: 0 })
          setDraft(undefined)
        }}
      />
    </form>
  )
}

export function FaultsView({ snapshot, client }: { snapshot: Snapshot; client: Api }) {
  return (
    <section aria-labelledby="faults-title">
      <h1 id="faults-title">Faults</h1>
      <p>
        Every button acts through the services' own operator interfaces (or, to stop and start a process, the launcher's
        supervisor), and is logged below with who asked.
      </p>
      <Announcer />
      <h2>Services</h2>
      <ul class="cards">
        {snapshot.services.map((service) => (
          <li key={service.name} class={`card ${service.health}`} data-service={service.name}>
            <strong>{service.name}</strong>{' '}
            <Badge health={service.health}>
              {service.running ? (service.ready ? 'ready' : 'not ready') : 'stopped'}
            </Badge>
            <div class="buttons">
              <ActionButton
                label={`Stop ${service.name}`}
                disabled={!service.running}
                onAction={() => client.service(service.name, 'stop')}
              />
              <ActionButton
                label={`Start ${service.name}`}
                class="secondary"
                disabled={service.running}
                onAction={() => client.service(service.name, 'start')}
              />
            </div>
          </li>
        ))}
      </ul>
      <h2>Payment simulator</h2>
      <Simulator snapshot={snapshot} client={client} />
      <h2>Consumers</h2>
      <div class="scroll">
        <table data-testid="fault-consumers">
          <thead>
            <tr>
              <th scope="col">consumer</th>
              <th scope="col">lag (events)</th>
              <th scope="col">state</th>
              <th scope="col">
                <span class="visually-hidden">action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {snapshot.consumers.map((consumer) => (
              <tr key={consumer.name} data-consumer={consumer.name}>
                <th scope="row">{consumer.name}</th>
                <td data-testid="lag-events">{consumer.lagEvents}</td>
                <td>{consumer.paused ? <Badge health="warning">paused</Badge> : <Badge health="ok">running</Badge>}</td>
                <td>
                  {consumer.paused ? (
                    <ActionButton
                      label={`Resume ${consumer.name}`}
                      onAction={() => client.consumer(consumer.service, consumer.name, 'resume')}
                    />
                  ) : (
                    <ActionButton
                      label={`Pause ${consumer.name}`}
                      class="secondary"
                      onAction={() => client.consumer(consumer.service, consumer.name, 'pause')}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>JetStream connections</h2>
      {snapshot.transport === 'jetstream' ? (
        <div class="buttons">
          {snapshot.services
            .filter((service) => service.name !== 'gateway')
            .map((service) => (
              <ActionButton
                key={service.name}
                class="secondary"
                label={`Drop ${service.name}'s NATS connection`}
                disabled={!service.running}
                onAction={() => client.dropConnection(service.name)}
              />
            ))}
        </div>
      ) : (
        <p class="muted">The shop moves events over HTTP feeds: there is no NATS connection to drop.</p>
      )}
      <h2>Action log</h2>
      {snapshot.actions.length === 0 ? (
        <p>Nothing done yet.</p>
      ) : (
        <ol class="log" data-testid="action-log">
          {snapshot.actions.map((action, index) => (
            <li key={`${action.at}-${index}`} class={action.outcome}>
              <time dateTime={action.at}>{new Date(action.at).toLocaleTimeString()}</time> {action.by}:{' '}
              <strong>{action.action}</strong> {action.target} — {action.outcome}
              {action.detail !== undefined && <span class="error-text"> ({action.detail})</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
