import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export interface ConsoleBundle {
  html: string
  js: string
  css: string
}

const webDir = fileURLToPath(new URL('../web/', import.meta.url))

/**
 * Builds the web app in memory with esbuild when the console starts (a few hundred milliseconds): no build
 * step to remember after `npm install`, no committed output to go stale, and nothing fetched at run time.
 */
export async function bundleConsole(): Promise<ConsoleBundle> {
  const result = await build({
    entryPoints: [`${webDir}main.tsx`],
    bundle: true,
    write: false,
    outdir: '/console-assets',
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
    legalComments: 'none',
  })
  const output = (extension: string) => result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? ''
  return { html: await readFile(`${webDir}index.html`, 'utf8'), js: output('.js'), css: output('.css') }
}
