/** A minimal SVG bar chart, like bench/load/charts.ts's line charts: no dependency, readable anywhere. */
export function barChart(title: string, unit: string, bars: readonly { label: string; value: number }[]): string {
  const width = 560
  const rowHeight = 34
  const left = 170
  const height = 50 + rowHeight * bars.length
  const max = Math.max(1, ...bars.map((bar) => bar.value))
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e']
  const rows = bars.map((bar, index) => {
    const y = 36 + index * rowHeight
    const length = ((width - left - 80) * bar.value) / max
    return (
      `<text x="${left - 8}" y="${y + 16}" font-size="12" text-anchor="end">${escape(bar.label)}</text>` +
      `<rect x="${left}" y="${y}" width="${length.toFixed(1)}" height="22" ` +
      `fill="${palette[index % palette.length]}"/>` +
      `<text x="${left + length + 6}" y="${y + 16}" font-size="12">${bar.value} ${escape(unit)}</text>`
    )
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    ...rows,
    '</svg>',
  ].join('')
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
