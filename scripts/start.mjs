#!/usr/bin/env node
// `npm start`: build and launch the desktop app when the Electron binary is installed; otherwise
// say so and run the default capture scenario headless through the mdwb command line.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const electronDir = join(root, 'node_modules', 'electron')

/** The Electron executable, found the way the `electron` package finds it, or null if it is not installed. */
function findElectron() {
  const pathTxt = join(electronDir, 'path.txt')
  const exe = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : ''
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const candidate = override ? join(override, exe || 'electron') : exe ? join(electronDir, 'dist', exe) : ''
  return candidate && existsSync(candidate) ? candidate : null
}

function run(args, env = process.env) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env })
  if (result.error) throw result.error
  return result.status ?? 1
}

const electron = findElectron()
if (electron) {
  // `electron-vite preview` builds main, preload and renderer into out/ and starts Electron on it.
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  process.exit(run([cli, 'preview'], { ...process.env, ELECTRON_EXEC_PATH: electron }))
}

console.log(`The Electron binary is not installed here, so the desktop app cannot start.
  (The electron npm package installs without it. On a machine with internet access,
   run \`npx install-electron\` in this folder to download it, then \`npm start\` again.)

The browser UI (editor, timeline) does not exist yet either, so running the default
scenario headless instead:
  node bin/mdwb.mjs run examples/vcap1-capture.ts --scenario capture --duration 2s
`)
process.exit(run(['bin/mdwb.mjs', 'run', 'examples/vcap1-capture.ts', '--scenario', 'capture', '--duration', '2s']))
