/** Minimal SVG line charts for the report: no dependency, readable in any browser or Markdown viewer. */
export interface Series {
  name: string
  points: readonly (readonly [number, number])[]
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf']

export function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly Series[],
  options: { logX?: boolean } = {},
): string {
  const width = 760
  const height = 340
  const margin = { left: 60, right: 160, top: 30, bottom: 40 }
  const all = series.flatMap((line) => line.points)
  if (all.length === 0)
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60">` +
      `<text x="10" y="30">${title}: no data</text></svg>`
    )
  const fx = (x: number) => (options.logX === true ? Math.log10(x) : x)
  const xs = all.map(([x]) => fx(x))
  const minX = Math.min(...xs)
  const maxX = Math.max(...xs)
  const maxY = Math.max(...all.map(([, y]) => y)) * 1.1 || 1
  const px = (x: number) => margin.left + ((fx(x) - minX) / (maxX - minX || 1)) * (width - margin.left - margin.right)
  const py = (y: number) => height - margin.bottom - (y / maxY) * (height - margin.top - margin.bottom)
  const ticks = Array.from({ length: 5 }, (_, index) => (maxY * index) / 4)
  const lines = series.map((line, index) => {
    const path = line.points
      .map(([x, y], at) => `${at === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
      .join(' ')
    const color = palette[index % palette.length]
    return (
      `<path d="${path}" fill="none" stroke="${color}" stroke-width="1.6"/>` +
      `<text x="${width - margin.right + 10}" y="${margin.top + 16 * index}" fill="${color}" font-size="12">` +
      `${line.name}</text>`
    )
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left}" y="18" font-size="14" font-weight="bold">${title}</text>`,
    ...ticks.map(
      (tick) =>
        `<line x1="${margin.left}" x2="${width - margin.right}" y1="${py(tick)}" y2="${py(tick)}" stroke="#eee"/>` +
        `<text x="${margin.left - 6}" y="${py(tick) + 4}" font-size="11" text-anchor="end">` +
        `${tick.toFixed(tick < 10 ? 1 : 0)}</text>`,
    ),
    `<text x="${(width - margin.right + margin.left) / 2}" y="${height - 8}" font-size="12" text-anchor="middle">` +
      `${xLabel}</text>`,
    `<text x="14" y="${height / 2}" font-size="12" transform="rotate(-90 14 ${height / 2})" text-anchor="middle">` +
      `${yLabel}</text>`,
    ...lines,
    `</svg>`,
  ].join('\n')
}
