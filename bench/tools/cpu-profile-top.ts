import { readFileSync } from 'node:fs'

// Prints where a Node CPU profile (--cpu-prof) spent its busy time: per package, per function (self) and per
// function including what it called (inclusive; recursion counted once per stack).
// Usage: tsx bench/tools/cpu-profile-top.ts <file.cpuprofile> [--last <seconds>] (only the profile's last seconds,
// e.g. the measured run without startup and setup) [--callers <function name>] (who calls it, and how much)
// [--depth <frames>] (how far up the callers' stacks go; 8 by default).
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount: number
  children?: number[]
}
const profile = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}
const lastIndex = process.argv.indexOf('--last')
if (lastIndex > 0) {
  // Hit counts are recounted from the samples inside the window.
  const windowMicros = Number(process.argv[lastIndex + 1]) * 1_000_000
  const times: number[] = []
  profile.timeDeltas.reduce((time, delta) => (times.push(time + delta), time + delta), 0)
  const from = times[times.length - 1]! - windowMicros
  for (const node of profile.nodes) node.hitCount = 0
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  profile.samples.forEach((id, index) => {
    if (times[index]! >= from) byId.get(id)!.hitCount += 1
  })
}
const root = process.cwd() + '/'
const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const whereOf = (node: ProfileNode) => {
  const url = node.callFrame.url.replace(/^file:\/\//, '')
  return (
    /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
    (url.startsWith(root) ? url.slice(root.length).split('/').slice(0, 2).join('/') : url || '(native)')
  )
}
const nameOf = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${whereOf(node)}:${node.callFrame.lineNumber}`
const busy = (node: ProfileNode) => node.callFrame.functionName !== '(idle)'
const total = profile.nodes.filter(busy).reduce((sum, node) => sum + node.hitCount, 0)

const self = new Map<string, number>()
const byPackage = new Map<string, number>()
const inclusive = new Map<string, number>()
const add = (map: Map<string, number>, key: string, hits: number) => map.set(key, (map.get(key) ?? 0) + hits)
function walk(node: ProfileNode, stack: Set<string>): number {
  let hits = busy(node) ? node.hitCount : 0
  const name = nameOf(node)
  add(self, name, hits)
  add(byPackage, whereOf(node), hits)
  const recursive = stack.has(name)
  stack.add(name)
  for (const child of node.children ?? []) hits += walk(nodes.get(child)!, stack)
  if (!recursive) {
    stack.delete(name)
    add(inclusive, name, hits)
  }
  return hits
}
walk(profile.nodes[0]!, new Set())

const top = (map: Map<string, number>, count: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)} %  ${name}`)
    .join('\n')
console.log(
  `${total} busy samples\n\nBy package:\n${top(byPackage, 20)}\n\n` +
    `By function (self):\n${top(self, 35)}\n\nBy function (inclusive):\n${top(inclusive, 60)}`,
)

const callersIndex = process.argv.indexOf('--callers')
if (callersIndex > 0) {
  const wanted = process.argv[callersIndex + 1]!
  const depthIndex = process.argv.indexOf('--depth')
  const depth = depthIndex > 0 ? Number(process.argv[depthIndex + 1]) : 8
  const parents = new Map<number, ProfileNode>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node)
  const subtree = (node: ProfileNode): number =>
    node.hitCount + (node.children ?? []).reduce((sum, child) => sum + subtree(nodes.get(child)!), 0)
  const stacks = new Map<string, number>()
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== wanted) continue
    const chain: string[] = []
    for (
      let parent = parents.get(node.id);
      parent !== undefined && chain.length < depth;
      parent = parents.get(parent.id)
    )
      chain.push(nameOf(parent))
    add(stacks, chain.join(' < '), subtree(node))
  }
  console.log(`\nCallers of ${wanted}:\n${top(stacks, 15)}`)
}
