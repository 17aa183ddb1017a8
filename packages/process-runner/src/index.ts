export { startServiceProcess, stopServiceProcesses } from './service-process.ts'
export type { ServiceProcess, ServiceProcessSpec } from './service-process.ts'
export { freePort } from './free-port.ts'
