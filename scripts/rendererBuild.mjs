// The built renderer (out/renderer) that web mode serves: is it there and newer than its sources,
// and if not, build it with electron-vite (which builds main and preload as well).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))
const BUILT = join(root, 'out', 'renderer', 'index.html')
/** What the renderer build is made from (the renderer imports main/contract). */
const SOURCES = ['renderer', 'main/contract', 'electron.vite.config.ts', 'package.json']

function newestMtime(path) {
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

/** Why the renderer needs building, or null when out/renderer is current. */
export function rendererStaleness() {
  if (!existsSync(BUILT)) return 'out/renderer does not exist yet'
  const built = statSync(BUILT).mtimeMs
  const changed = SOURCES.filter((s) => existsSync(join(root, s)) && newestMtime(join(root, s)) > built)
  return changed.length > 0 ? `${changed.join(', ')} changed since the last build` : null
}

/** Runs `electron-vite build`; returns its wall time in seconds. Throws with its output when it fails. */
export function buildApp() {
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const started = performance.now()
  const result = spawnSync(process.execPath, [cli, 'build', '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' })
  if (result.error) throw result.error
  if (result.status !== 0) throw new Error(`electron-vite build failed (exit ${result.status}):\n${result.stdout}${result.stderr}`)
  return (performance.now() - started) / 1000
}

/** Builds when out/renderer is missing or older than its sources, saying so on stderr. */
export function ensureRendererBuilt() {
  const why = rendererStaleness()
  if (why === null) return
  process.stderr.write(`Building the app (${why})... `)
  const seconds = buildApp()
  process.stderr.write(`done in ${seconds.toFixed(1)} s\n`)
}
