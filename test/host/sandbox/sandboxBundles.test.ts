import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { prebuiltSandboxBundles, SANDBOX_BUNDLE_FILES, useSandboxBundlesFrom } from '../../../main/host/sandbox/bundles.js'
import { sandboxBundles } from '../../../main/host/sandbox/sandbox.js'

// The production build ships the sandbox's scripts prebuilt (electron.vite.config.ts writes them
// next to out/main/index.js); main/index.ts points the sandbox at them.
const dir = mkdtempSync(join(tmpdir(), 'mdwb-bundles-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('prebuilt sandbox bundles', () => {
  it('are not used unless a folder is set: the sandbox bundles its sources', () => {
    expect(prebuiltSandboxBundles()).toBeNull()
  })

  it('name the missing file when the folder lacks one', async () => {
    useSandboxBundlesFrom(dir)
    await expect(prebuiltSandboxBundles()).rejects.toThrow(`the sandbox bundle ${join(dir, SANDBOX_BUNDLE_FILES.process)} cannot be read (ENOENT): rebuild with npm run build`)
  })

  it('are what sandboxBundles() hands the worker once a folder is set', async () => {
    writeFileSync(join(dir, SANDBOX_BUNDLE_FILES.process), '// the prebuilt run process')
    writeFileSync(join(dir, SANDBOX_BUNDLE_FILES.worker), '// the prebuilt worker')
    writeFileSync(join(dir, SANDBOX_BUNDLE_FILES.simulation), '// the prebuilt simulation')
    useSandboxBundlesFrom(dir)
    expect(await sandboxBundles()).toEqual({ process: '// the prebuilt run process', worker: '// the prebuilt worker', simulation: '// the prebuilt simulation' })
  })
})
