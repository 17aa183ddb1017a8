import { readFileSync } from 'node:fs'

// Prints where a Node CPU profile (--cpu-prof) spent its time: self time per function, and per package.
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount: number
}
const profile = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { nodes: ProfileNode[]; samples: number[] }
const total = profile.samples.length
const root = process.cwd() + '/'
const byFunction = new Map<string, number>()
const byPackage = new Map<string, number>()
for (const node of profile.nodes) {
  const url = node.callFrame.url.replace(/^file:\/\//, '')
  const where = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.startsWith(root) ? url.slice(root.length).split('/').slice(0, 2).join('/') : url || '(native)')
  const name = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + node.hitCount)
  byPackage.set(where, (byPackage.get(where) ?? 0) + node.hitCount)
}
const top = (map: Map<string, number>, count: number) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)} %  ${name}`).join('\n')
console.log(`${total} samples\n\nBy package:\n${top(byPackage, 25)}\n\nBy function (self):\n${top(byFunction, 40)}`)
