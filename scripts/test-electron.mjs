#!/usr/bin/env node
// `npm run test:electron`: the end-to-end suite (test/e2e) with Playwright's Electron launcher
// instead of Chromium on web mode. Needs the Electron binary; without it this says so and fails
// (exit 1): a suite that could not run has not passed.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { findElectron } from './electronBinary.mjs'
import { buildApp, root } from './rendererBuild.mjs'

const electron = findElectron()
if (electron === null) {
  console.error(`npm run test:electron cannot run here: the Electron binary is not installed (the
electron npm package installed without it; \`npx install-electron\` fetches it where the download
is allowed). The same end-to-end suite runs against web mode in Chromium with \`npx vitest run test/e2e\`.`)
  process.exit(1)
}

// Main, preload and renderer all matter here: always build.
buildApp()
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
const result = spawnSync(process.execPath, [vitest, 'run', 'test/e2e', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, MDWB_E2E_LAUNCHER: 'electron', MDWB_ELECTRON: electron },
})
if (result.error) throw result.error
process.exit(result.status ?? 1)
