import type { EdgeView, ServiceView, Snapshot } from '../../src/snapshot.ts'
import { HistoryChart } from './chart.tsx'
import { Badge, formatMs } from './common.tsx'

// Fixed places on a 1000 × 600 canvas: the edge on top, the owners in a row far enough below it that the longest
// stream's arc and label clear the gateway, each database below its owner.
const place: Record<string, { x: number; y: number }> = {
  gateway: { x: 500, y: 60 },
  users: { x: 110, y: 330 },
  catalog: { x: 305, y: 330 },
  orders: { x: 500, y: 330 },
  payments: { x: 695, y: 330 },
  'order-history': { x: 890, y: 330 },
}
const nodeWidth = 170
const nodeHeight = 96

function edgePath(edge: EdgeView): { d: string; labelX: number; labelY: number } {
  const from = place[edge.from]!
  const to = place[edge.to]!
  if (edge.kind === 'call' && edge.from === 'gateway')
    return { d: `M${from.x},${from.y + nodeHeight / 2} L${to.x},${to.y - nodeHeight / 2}`, labelX: 0, labelY: 0 }
  // Calls between owners curve below the row, event streams above it (or around the gateway).
  const span = Math.abs(to.x - from.x)
  if (edge.to === 'gateway' || edge.from === 'gateway') {
    const bend = from.x < to.x ? -1 : 1
    const cx = (from.x + to.x) / 2 + bend * 60
    const cy = (from.y + to.y) / 2
    const end = to.x + (to.x > from.x ? -nodeWidth / 2 : nodeWidth / 2)
    return {
      d: `M${from.x},${from.y - nodeHeight / 2} Q${cx},${cy} ${end},${to.y}`,
      labelX: cx,
      labelY: cy,
    }
  }
  // Left to right above the row, right to left below it (so a pair of opposite streams never overlaps), and
  // calls between owners in a shallow arc below.
  const forward = from.x < to.x ? 1 : -1
  const below = edge.kind === 'call' || forward < 0
  const y = below ? from.y + nodeHeight / 2 : from.y - nodeHeight / 2
  const depth = edge.kind === 'call' ? 18 + span * 0.08 : 30 + span * 0.2
  const height = below ? depth : -depth
  const fx = from.x + forward * (edge.kind === 'call' ? 45 : 25)
  const tx = to.x - forward * (edge.kind === 'call' ? 45 : 25)
  const cy = y + height
  return {
    d: `M${fx},${y} C${fx},${cy} ${tx},${cy} ${tx},${y}`,
    labelX: (fx + tx) / 2,
    labelY: y + height * 0.75,
  }
}

function Node({ service }: { service: ServiceView }) {
  const { x, y } = place[service.name]!
  const breakers = Object.entries(service.breakers).filter(([, state]) => state !== 'closed')
  return (
    <g class={`node ${service.health}`} data-service={service.name}>
      <rect x={x - nodeWidth / 2} y={y - nodeHeight / 2} width={nodeWidth} height={nodeHeight} rx={10} />
      <text x={x} y={y - 24} class="title">
        {service.name}
      </text>
      <text x={x} y={y - 4}>
        {service.health === 'down'
          ? (service.reasons[0]?.toUpperCase() ?? 'DOWN')
          : service.ready
            ? 'ready'
            : 'not ready'}
      </text>
      <text x={x} y={y + 16}>
        {service.requestsPerSecond} req/s · p99 {formatMs(service.p99Ms)}
      </text>
      {/* A breaker not closed takes CPU's line (the table keeps both): the box has room for one short line. */}
      <text x={x} y={y + 36} class={breakers.length > 0 ? 'breaker' : undefined}>
        {breakers.length > 0
          ? `breaker ${breakers.map(([dependency, state]) => `${dependency} ${state}`).join(', ')}`
          : `CPU ${service.cpuPercent} %`}
      </text>
      {service.database !== null && (
        <g class="database">
          <line x1={x} y1={y + nodeHeight / 2} x2={x} y2={y + nodeHeight / 2 + 150} />
          <ellipse cx={x} cy={y + nodeHeight / 2 + 160} rx={60} ry={14} />
          <text x={x} y={y + nodeHeight / 2 + 195}>
            db {service.database}
          </text>
        </g>
      )}
    </g>
  )
}

function Edge({ edge }: { edge: EdgeView }) {
  const { d, labelX, labelY } = edgePath(edge)
  const labelled = edge.kind === 'events' && edge.consumers.length > 0
  return (
    <g class={`edge ${edge.kind} ${edge.health}`}>
      <path d={d} marker-end={`url(#arrow-${edge.kind})`} />
      {labelled && (
        <text x={labelX} y={labelY} class="edge-label">
          {edge.eventsPerSecond}/s · lag {edge.lagEvents}
        </text>
      )}
    </g>
  )
}

export function TopologyView({ snapshot }: { snapshot: Snapshot }) {
  const ready = snapshot.services.filter((service) => service.ready === true && service.health !== 'down').length
  return (
    <section aria-labelledby="topology-title">
      <h1 id="topology-title">Topology</h1>
      <p class="summary" data-testid="topology-summary">
        {ready} of {snapshot.services.length} services ready · events over {snapshot.transport}
      </p>
      <figure class="graph">
        <svg viewBox="0 0 1000 600" role="img" aria-labelledby="graph-caption">
          <defs>
            {(['events', 'call'] as const).map((kind) => (
              <marker
                id={`arrow-${kind}`}
                key={kind}
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M0,0 L10,5 L0,10 z" class={`arrow ${kind}`} />
              </marker>
            ))}
          </defs>
          {snapshot.edges.map((edge) => (
            <Edge key={`${edge.kind}-${edge.from}-${edge.to}`} edge={edge} />
          ))}
          {snapshot.services.map((service) => (
            <Node key={service.name} service={service} />
          ))}
        </svg>
        <figcaption id="graph-caption">
          Six processes and their databases. Solid lines: event streams (producer → consumer, events/s and lag); dashed:
          synchronous calls. Red: down or a breaker open; amber: lag growing or a consumer paused.
        </figcaption>
      </figure>
      <h2>Services</h2>
      <div class="scroll">
        <table data-testid="services-table">
          <thead>
            <tr>
              <th scope="col">service</th>
              <th scope="col">state</th>
              <th scope="col">req/s</th>
              <th scope="col">p99</th>
              <th scope="col">CPU</th>
              <th scope="col">breakers</th>
              <th scope="col">why</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.services.map((service) => (
              <tr key={service.name} data-service={service.name} data-health={service.health}>
                <th scope="row">{service.name}</th>
                <td>
                  <Badge health={service.health}>
                    {service.health === 'down' ? 'down' : service.ready ? 'ready' : 'not ready'}
                  </Badge>
                </td>
                <td>{service.requestsPerSecond}</td>
                <td>{formatMs(service.p99Ms)}</td>
                <td>{service.cpuPercent} %</td>
                <td data-testid="breakers">
                  {Object.entries(service.breakers)
                    .map(([dependency, state]) => `${dependency}: ${state}`)
                    .join(', ') || '–'}
                </td>
                <td>{service.reasons.join('; ') || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Event streams</h2>
      <div class="scroll">
        <table data-testid="streams-table">
          <thead>
            <tr>
              <th scope="col">producer → consumer</th>
              <th scope="col">state</th>
              <th scope="col">events/s</th>
              <th scope="col">lag (events)</th>
              <th scope="col">lag (s)</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.edges
              .filter((edge) => edge.kind === 'events')
              .map((edge) => (
                <tr key={`${edge.from}-${edge.to}`}>
                  <th scope="row">
                    {edge.from} → {edge.to}
                    {edge.consumers.length === 0 && <span class="muted"> (cache invalidation, from now)</span>}
                  </th>
                  <td>
                    <Badge health={edge.health} />
                  </td>
                  <td>{edge.eventsPerSecond}</td>
                  <td>{edge.lagEvents}</td>
                  <td>{edge.lagSeconds.toFixed(1)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      <HistoryChart history={snapshot.history} field="requestsPerSecond" title="Requests per second" unit="req/s" />
    </section>
  )
}
