import type { Snapshot } from '../../src/snapshot.ts'
import type { Api } from '../api.ts'
import { HistoryChart } from './chart.tsx'
import { ActionButton, Announcer, Badge } from './common.tsx'

export function ConsistencyView({ snapshot, client }: { snapshot: Snapshot; client: Api }) {
  const unresolved = snapshot.deadLetters.filter((letter) => letter.resolvedAt === null)
  return (
    <section aria-labelledby="consistency-title">
      <h1 id="consistency-title">Consistency</h1>
      <Announcer />
      <h2>Read models and consumers</h2>
      <div class="scroll">
        <table data-testid="consumers-table">
          <thead>
            <tr>
              <th scope="col">consumer</th>
              <th scope="col">follows</th>
              <th scope="col">state</th>
              <th scope="col">lag (events)</th>
              <th scope="col">lag (ms)</th>
              <th scope="col">events/s</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.consumers.map((consumer) => (
              <tr key={consumer.name} data-consumer={consumer.name}>
                <th scope="row">{consumer.name}</th>
                <td>{consumer.source}</td>
                <td>
                  {consumer.paused ? (
                    <Badge health="warning">paused</Badge>
                  ) : consumer.refused !== null ? (
                    <Badge health="down">refused</Badge>
                  ) : consumer.failures > 0 ? (
                    <Badge health="down">{`${consumer.failures} failed reads`}</Badge>
                  ) : (
                    <Badge health="ok">following</Badge>
                  )}
                </td>
                <td data-testid="lag-events">{consumer.lagEvents}</td>
                <td>{Math.round(consumer.lagSeconds * 1000)}</td>
                <td>{consumer.eventsPerSecond}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <HistoryChart history={snapshot.history} field="lagEvents" title="Consumer lag" unit="events" />
      <h2>Outbox backlog</h2>
      <ul class="inline">
        {snapshot.services
          .filter((service) => service.outboxBacklog !== null)
          .map((service) => (
            <li key={service.name}>
              {service.name}: <strong>{service.outboxBacklog}</strong> not yet in the feed
            </li>
          ))}
      </ul>
      <h2>
        Dead letters <span class="muted">({unresolved.length} unresolved)</span>
      </h2>
      {snapshot.deadLetters.length === 0 ? (
        <p>No dead letters: every event was applied.</p>
      ) : (
        <div class="scroll">
          <table data-testid="dead-letters">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">consumer</th>
                <th scope="col">event</th>
                <th scope="col">error</th>
                <th scope="col">attempts</th>
                <th scope="col">state</th>
                <th scope="col">
                  <span class="visually-hidden">action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {snapshot.deadLetters.map((letter) => (
                <tr key={`${letter.service}-${letter.id}`} data-dead-letter={letter.id} data-service={letter.service}>
                  <th scope="row">{letter.id}</th>
                  <td>{letter.consumer}</td>
                  <td>
                    {letter.type} <span class="muted">{letter.subject}</span>
                  </td>
                  <td class="error-text">{letter.error}</td>
                  <td>{letter.attempts}</td>
                  <td data-testid="dead-letter-state">
                    {letter.resolvedAt === null ? (
                      <Badge health="down">unresolved</Badge>
                    ) : (
                      <Badge health="ok">resolved</Badge>
                    )}
                  </td>
                  <td>
                    {letter.resolvedAt === null && (
                      <ActionButton
                        label={`Retry #${letter.id}`}
                        onAction={() => client.retry(letter.service, [letter.id])}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Rebuilds</h2>
      <ul>
        {Object.entries(snapshot.rebuilds).map(([model, state]) => {
          const [service, projection] = model.split('.') as [string, string]
          return (
            <li key={model}>
              {model}:{' '}
              {state === null
                ? 'not rebuilt since this console started'
                : state.running
                  ? 'rebuilding now ...'
                  : state.error !== null
                    ? `failed: ${state.error}`
                    : `rebuilt, finished ${new Date(state.finishedAt ?? '').toLocaleTimeString()}`}{' '}
              <ActionButton label={`Rebuild ${projection}`} onAction={() => client.rebuild(service, projection)} />
            </li>
          )
        })}
      </ul>
      <h2>Parked keys</h2>
      <p class="muted">Not tracked yet: consumers do not park keys (issue #9).</p>
    </section>
  )
}
