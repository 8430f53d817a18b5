#!/usr/bin/env node
// `npm start`: build and launch the desktop app when the Electron binary is installed; otherwise
// say why not and serve the same workbench in web mode (scripts/web.mjs), printing the URL to open.
// Arguments after `npm start --` go to the app (e.g. --project <folder>; --port N in web mode).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { findElectron } from './electronBinary.mjs'
import { root } from './rendererBuild.mjs'
import { runWeb } from './web.mjs'

const args = process.argv.slice(2)
const electron = findElectron()
if (electron) {
  // `electron-vite preview` builds main, preload and renderer into out/ and starts Electron on it.
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const result = spawnSync(process.execPath, [cli, 'preview', ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_EXEC_PATH: electron },
  })
  if (result.error) throw result.error
  process.exit(result.status ?? 1)
}

console.log(`The Electron binary is not installed here, so the desktop window cannot open (the
electron npm package installs without it where its download is blocked; on a machine with
internet access, \`npx install-electron\` in this folder fetches it). Starting the same
workbench in web mode instead: open the URL below in a browser on this machine.`)
runWeb(args.filter((a) => a !== '--')).catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
