import { fileURLToPath } from 'node:url'
import { freePort, startServiceProcess, type ServiceProcess } from '@seams/process-runner'

export interface Participant {
  process: ServiceProcess
  url: string
  post<T>(path: string, body?: unknown): Promise<T>
  get<T>(path: string): Promise<T>
}

/** Starts `producer.ts` or `consumer.ts` of this folder as its own process. */
export async function startParticipant(
  role: 'producer' | 'consumer',
  env: Record<string, string>,
): Promise<Participant> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const process = await startServiceProcess({
    name: role,
    entry: fileURLToPath(new URL(`./${role}.ts`, import.meta.url)),
    env: { ...env, PORT: String(port) },
    readyUrl: `${url}/health/ready`,
    onLine: (line) => {
      if (/error|Error/.test(line)) console.error(`[${role}] ${line}`)
    },
  })
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(600_000),
    })
    if (!response.ok) throw new Error(`${role} ${path} answered ${response.status}: ${await response.text()}`)
    return (await response.json()) as T
  }
  return { process, url, post: (path, body) => call('POST', path, body ?? {}), get: (path) => call('GET', path) }
}
