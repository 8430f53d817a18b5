// The built renderer (out/renderer) that web mode serves: is it there and newer than its sources,
// and if not, build it with electron-vite (which builds main and preload as well).
//
// The build shows a line per stage with its time on stderr, as it goes (the first build takes about
// 20 s on a 2-core machine, nearly all of it the renderer with Monaco's workers):
//   Building the app into out/ (out/renderer does not exist yet):
//     1/3 main process and sandbox bundles... 2.9 s
//     2/3 preload... 0.1 s
//     3/3 renderer (the page, Monaco and its workers)... 17.6 s
//   Built the app in 20.6 s
// `node scripts/rendererBuild.mjs [reason]` is that build with its progress (what buildApp runs).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))
const BUILT = join(root, 'out', 'renderer', 'index.html')
/** What the renderer build is made from (the renderer imports main/contract). */
const SOURCES = ['renderer', 'main/contract', 'electron.vite.config.ts', 'package.json']
const THIS_FILE = fileURLToPath(import.meta.url)
/** electron-vite's stages, in the order it builds them. */
const STAGES = ['main process and sandbox bundles', 'preload', 'renderer (the page, Monaco and its workers)']

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

/**
 * Runs `electron-vite build`, writing a line per stage with its time to stderr; returns the wall time
 * in seconds. Throws when it fails (its whole output is on stderr by then).
 */
export function buildApp(why = null) {
  const started = performance.now()
  const result = spawnSync(process.execPath, [THIS_FILE, ...(why === null ? [] : [why])], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (result.error) throw result.error
  if (result.status !== 0) throw new Error(`electron-vite build failed (exit ${result.status}): its output is above`)
  return (performance.now() - started) / 1000
}

/** buildApp without blocking: resolves with the seconds, rejects when it fails; `cancel()` stops it. */
export function buildAppAsync(why = null) {
  const started = performance.now()
  const child = spawn(process.execPath, [THIS_FILE, ...(why === null ? [] : [why])], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  const done = new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      if (code === 0) resolve((performance.now() - started) / 1000)
      else reject(new Error(`electron-vite build failed (${code ?? signal}): its output is above`))
    })
  })
  return { done, cancel: () => child.kill() }
}

/** Builds when out/renderer is missing or older than its sources, with its progress on stderr. */
export function ensureRendererBuilt() {
  const why = rendererStaleness()
  if (why !== null) buildApp(why)
}

/**
 * The build itself, with progress: electron-vite's output is kept, and only a line per stage is
 * written (a stage starts where electron-vite says "building ... for production"); the whole output
 * goes to stderr when the build fails.
 */
async function buildWithProgress(why) {
  const started = performance.now()
  const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1)
  process.stderr.write(`Building the app into out/${why ? ` (${why})` : ''}:\n`)
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const child = spawn(process.execPath, [cli, 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } })
  let output = ''
  let pending = ''
  let stage = -1
  let stageStarted = started
  const endStage = () => {
    if (stage >= 0) process.stderr.write(`${seconds(stageStarted)} s\n`)
  }
  const onLine = (line) => {
    if (!/\bbuilding\b.*\bfor production\b/.test(line.replace(/\x1b\[[0-9;]*m/g, ''))) return
    endStage()
    stage++
    // The first stage's time includes electron-vite's start (loading the config).
    if (stage > 0) stageStarted = performance.now()
    process.stderr.write(`  ${stage + 1}/${STAGES.length} ${STAGES[stage] ?? `stage ${stage + 1}`}... `)
  }
  const collect = (data) => {
    const text = data.toString()
    output += text
    pending += text
    let i
    while ((i = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, i))
      pending = pending.slice(i + 1)
    }
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  // Stopped (buildAppAsync's cancel): stop electron-vite too, rather than leave it writing into out/.
  process.once('SIGTERM', () => {
    child.kill()
    process.exit(143)
  })
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (c, signal) => resolve(c ?? signal))
  })
  if (code !== 0) {
    if (stage >= 0) process.stderr.write('failed\n')
    process.stderr.write(`electron-vite build failed (${code}):\n${output}`)
    return 1
  }
  endStage()
  process.stderr.write(`Built the app in ${seconds(started)} s\n`)
  return 0
}

/** Whether `file` (import.meta.url's path, which has its symlinks resolved) is the script node was started with. */
export function isMainScript(file) {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === file
  } catch {
    return false
  }
}

if (isMainScript(THIS_FILE)) {
  process.exitCode = await buildWithProgress(process.argv[2] ?? null)
}
