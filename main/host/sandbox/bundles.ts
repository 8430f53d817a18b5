import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The sandbox's scripts: the run process's entry and the worker (CommonJS), and the simulation (one expression). */
export interface SandboxBundleTexts {
  process: string
  worker: string
  simulation: string
}

/** File names of the prebuilt bundles (the electron-vite build writes them next to out/main/index.js). */
export const SANDBOX_BUNDLE_FILES = { process: 'sandbox-process.cjs', worker: 'sandbox-worker.cjs', simulation: 'sandbox-simulation.js' } as const

let prebuiltDir: string | null = null

/**
 * Use the bundles prebuilt in `dir` instead of bundling the TypeScript sources at run time (the
 * production build has no sources next to it). Also settable with MDWB_SANDBOX_BUNDLES; null
 * goes back to the sources.
 */
export function useSandboxBundlesFrom(dir: string | null): void {
  prebuiltDir = dir
}

/** The prebuilt bundles when a folder is set, else null (sandboxBundles() then bundles the sources). */
export function prebuiltSandboxBundles(): Promise<SandboxBundleTexts> | null {
  const dir = prebuiltDir ?? (process.env['MDWB_SANDBOX_BUNDLES'] || null)
  if (dir === null) return null
  const read = (name: string): Promise<string> =>
    readFile(join(dir, name), 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new Error(`the sandbox bundle ${join(dir, name)} cannot be read (${error.code ?? error.message}): rebuild with npm run build`)
    })
  // Read side by side, but a missing file is named in the table's order, whichever read fails first.
  return Promise.allSettled([read(SANDBOX_BUNDLE_FILES.process), read(SANDBOX_BUNDLE_FILES.worker), read(SANDBOX_BUNDLE_FILES.simulation)]).then((results) => {
    const [process, worker, simulation] = results.map((r) => {
      if (r.status === 'rejected') throw r.reason
      return r.value
    })
    return { process, worker, simulation }
  })
}
