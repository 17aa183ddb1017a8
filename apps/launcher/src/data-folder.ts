import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { readSecrets, type ShopSecrets } from './secrets.ts'

/** What a data folder (`SEAMS_DATA_DIR`) already holds from earlier starts. */
export interface DataFolder {
  path: string
  /** The secrets file's contents and permission bits, when there is one. */
  secrets?: { contents: ShopSecrets; mode: number } | undefined
  /** An embedded PostgreSQL cluster was made there before. */
  hasCluster: boolean
}

export const secretsFileOf = (folder: string) => join(folder, 'secrets.json')

export async function inspectDataFolder(path: string): Promise<DataFolder> {
  const contents = await readSecrets(secretsFileOf(path))
  const secrets = contents === undefined ? undefined : { contents, mode: (await stat(secretsFileOf(path))).mode }
  return { path, secrets, hasCluster: existsSync(join(path, 'pg', 'PG_VERSION')) }
}
