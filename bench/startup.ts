/**
 * Start-up times of the two commands a user types first (issue 8), measured by running them as a
 * user does, in child processes:
 *
 * 1. `mdwb --help` through bin/mdwb.mjs from the prebuilt out/cli (built first if stale): the median
 *    of RUNS. Target: median under 0.3 s. For comparison, the same from the sources through tsx
 *    (MDWB_FROM_SOURCES=1, what the bin did before out/cli), fewer runs.
 * 2. The first `npm start` (or `npm run web` where the Electron binary is installed): from a state
 *    where out/ does not exist to its `Workbench: http://...` line, in a copy of the checkout in a
 *    temporary folder (node_modules linked, a fresh TMPDIR so tsx's cache is cold too), then Ctrl+C.
 *    Also the build's stage lines (scripts/rendererBuild.mjs) and the time of a second start, out/
 *    then current.
 */
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCli, cliStaleness, root } from '../scripts/cliBuild.mjs'
import { findElectron } from '../scripts/electronBinary.mjs'

/** Left out of the copy: installed, built or produced files. */
const NOT_COPIED = new Set(['node_modules', 'out', 'scratch', 'test-results', '.git'])
const URL_LINE = /^Workbench: http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/m

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * Wall seconds of `node bin/mdwb.mjs --help`, `runs` times (after one unmeasured run). A run that
 * rebuilt out/cli (a source changed meanwhile: it says so on stderr) is not counted.
 */
function helpTimes(runs: number, fromSources: boolean): number[] {
  const env = { ...process.env }
  delete env['MDWB_FROM_SOURCES']
  if (fromSources) env['MDWB_FROM_SOURCES'] = '1'
  const once = (): number | null => {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, [join(root, 'bin/mdwb.mjs'), '--help'], { cwd: root, env, encoding: 'utf8' })
    const seconds = (performance.now() - t0) / 1000
    if (r.status !== 0 || !r.stdout.startsWith('Usage:')) throw new Error(`mdwb --help failed (${r.status}):\n${r.stdout}${r.stderr}`)
    return fromSources || r.stderr === '' ? seconds : null
  }
  once()
  const times: number[] = []
  for (let attempt = 0; times.length < runs && attempt < runs * 3; attempt++) {
    const t = once()
    if (t !== null) times.push(t)
  }
  if (times.length < runs) throw new Error(`mdwb --help rebuilt out/cli on most runs: are the sources changing?`)
  return times
}

export async function helpStartup(runs = 15, sourceRuns = 3): Promise<{ built: { best: number; median: number }; sources: { median: number } }> {
  if (cliStaleness() !== null) await buildCli()
  const built = helpTimes(runs, false)
  const sources = helpTimes(sourceRuns, true)
  return { built: { best: Math.min(...built), median: median(built) }, sources: { median: median(sources) } }
}

interface StartResult {
  /** Seconds from the spawn of npm to the URL line. */
  seconds: number
  /** What it printed up to the URL (the build's stage lines among it). */
  output: string
}

/** Runs `npm <script>` in `cwd` until it prints the URL, then Ctrl+C to its process group. */
function startToUrl(cwd: string, script: string[], env: NodeJS.ProcessEnv): Promise<StartResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn('npm', script, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let done = false
    const timer = setTimeout(() => finish(new Error(`npm ${script.join(' ')} printed no URL in 300 s:\n${output}`)), 300_000)
    const finish = (error: Error | null) => {
      if (done) return
      done = true
      clearTimeout(timer)
      const seconds = (performance.now() - t0) / 1000
      try {
        process.kill(-child.pid!, 'SIGINT')
      } catch {
        // already gone
      }
      child.once('exit', () => (error ? reject(error) : resolve({ seconds, output })))
    }
    const collect = (d: Buffer) => {
      output += d.toString()
      if (URL_LINE.test(output)) finish(null)
    }
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)
    child.on('exit', (code) => {
      if (!done) {
        done = true
        clearTimeout(timer)
        reject(new Error(`npm ${script.join(' ')} exited (${code}) before printing a URL:\n${output}`))
      }
    })
  })
}

export async function firstStart(): Promise<{ script: string; first: StartResult; second: StartResult; stages: { name: string; seconds: number }[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'mdwb-bench-start-'))
  try {
    const copy = join(dir, 'checkout')
    for (const name of readdirSync(root)) if (!NOT_COPIED.has(name)) cpSync(join(root, name), join(copy, name), { recursive: true })
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir')
    const temp = join(dir, 'tmp')
    mkdirSync(temp)
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp, MDWB_STATE_DIR: join(dir, 'state'), MDWB_PROJECTS: join(dir, 'projects'), NO_COLOR: '1' }
    const script = findElectron() === null ? ['start'] : ['run', 'web']
    const first = await startToUrl(copy, script, env)
    const second = await startToUrl(copy, script, env)
    const stages = [...first.output.matchAll(/^ {2}\d+\/\d+ (.+?)\.\.\. (\d+\.\d) s$/gm)].map((m) => ({ name: m[1], seconds: Number(m[2]) }))
    return { script: `npm ${script.join(' ')}`, first, second, stages }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1]?.endsWith('startup.ts')) {
  const json = process.argv.includes('--json')
  const help = await helpStartup()
  const start = await firstStart()
  const result = {
    node: process.version,
    mdwbHelp: { bestSeconds: +help.built.best.toFixed(3), medianSeconds: +help.built.median.toFixed(3), fromSourcesMedianSeconds: +help.sources.median.toFixed(3), target: 0.3 },
    firstStart: { command: start.script, toUrlSeconds: +start.first.seconds.toFixed(1), stages: start.stages, secondToUrlSeconds: +start.second.seconds.toFixed(1) },
  }
  if (json) console.log(JSON.stringify(result, null, 2))
  else {
    console.log(`Start-up (${process.version})`)
    console.log(`  mdwb --help:         ${help.built.best.toFixed(2)} s best, ${help.built.median.toFixed(2)} s median   (target < 0.3 s: ${help.built.median < 0.3 ? 'meets' : 'ABOVE'}); from the sources through tsx ${help.sources.median.toFixed(2)} s`)
    console.log(`  first ${start.script} to the URL (no out/): ${start.first.seconds.toFixed(1)} s (${start.stages.map((s) => `${s.name} ${s.seconds.toFixed(1)} s`).join(', ')}); the next start ${start.second.seconds.toFixed(1)} s`)
  }
}
