import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import type { HistoryPoint } from '../../src/snapshot.ts'

const palette = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#0a7ea4', '#bf3989', '#57606a']

/** A live line chart of one field of the snapshots' history, one series per key. */
export function HistoryChart(props: {
  history: HistoryPoint[]
  field: 'requestsPerSecond' | 'lagEvents'
  title: string
  unit: string
}) {
  const host = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | undefined>(undefined)
  const keys = [...new Set(props.history.flatMap((point) => Object.keys(point[props.field])))].sort()
  const signature = keys.join(',')
  useEffect(() => {
    if (host.current === null) return
    const width = () => Math.max(280, host.current?.clientWidth ?? 600)
    plot.current = new uPlot(
      {
        title: props.title,
        width: width(),
        height: 220,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [{ stroke: '#24292f' }, { stroke: '#24292f', label: props.unit }],
        series: [{}, ...keys.map((key, index) => ({ label: key, stroke: palette[index % palette.length], width: 2 }))],
      },
      [[]],
      host.current,
    )
    const resize = () => plot.current?.setSize({ width: width(), height: 220 })
    addEventListener('resize', resize)
    return () => {
      removeEventListener('resize', resize)
      plot.current?.destroy()
    }
  }, [signature])
  useEffect(() => {
    plot.current?.setData([
      props.history.map((point) => point.t / 1000),
      ...keys.map((key) => props.history.map((point) => point[props.field][key] ?? null)),
    ])
  })
  return (
    <div
      class="chart"
      ref={host}
      role="img"
      aria-label={`${props.title}, one line per ${props.field === 'lagEvents' ? 'consumer' : 'service'}`}
    />
  )
}
