/**
 * npm run bench:compare [-- <rev>] [--rounds N]: the emulation's speed (bench/index.ts --core) of this
 * checkout against another commit, measured in the same run so that both see the same machine.
 *
 * The other commit is checked out in a temporary git worktree that shares this checkout's node_modules.
 * The two trees take turns round by round (A B, B A, A B...), so a machine that slows down during the
 * comparison slows both; each figure is the median over the rounds of each run's own median. Without
 * <rev>: HEAD when the working tree has changes, else HEAD~1 (the previous commit). A figure more than
 * 10% below the other commit's fails the comparison (exit code 1); smaller differences are this
 * machine's noise (about 10-20% on two busy cores).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
/** What a figure may lose before the comparison fails. */
const TOLERANCE = 0.9
/** The files of bench/index.ts --core, copied into a commit whose bench predates --core. */
const CORE_BENCH_FILES = ['bench/index.ts', 'bench/dataPath.ts', 'bench/controlDriver.ts']

type Figures = Record<string, number>

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
}

function parseArgs(argv: string[]): { rev: string; rounds: number } {
  let rev: string | null = null
  let rounds = 5
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') {
      rounds = Number(argv[++i])
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds needs a whole number of at least 1, not ${JSON.stringify(argv[i])}`)
    } else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]} (usage: bench:compare [-- <rev>] [--rounds N])`)
    else rev = argv[i]
  }
  rev ??= git('status', '--porcelain').length > 0 ? 'HEAD' : 'HEAD~1'
  return { rev, rounds }
}

/** One `bench/index.ts --core` run in `tree`: its figures (the last line of its output). */
function runCore(tree: string, label: string): Figures {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', '--core'], { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 24 })
  const last = r.stdout.trim().split('\n').pop() ?? ''
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`the bench of ${label} failed (exit ${r.status}):\n${r.stderr.trim().slice(-2000)}`)
  return JSON.parse(last) as Figures
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function main(): void {
  const { rev, rounds } = parseArgs(process.argv.slice(2))
  const commit = git('rev-parse', '--short', rev)
  const other = mkdtempSync(path.join(tmpdir(), `mdwb-bench-${commit}-`))
  git('worktree', 'add', '--detach', '--force', other, commit)
  try {
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(other, 'node_modules'), 'dir')
    const otherIndex = path.join(other, 'bench/index.ts')
    if (!existsSync(otherIndex) || !readFileSync(otherIndex, 'utf8').includes("'--core'")) {
      for (const file of CORE_BENCH_FILES) copyFileSync(path.join(ROOT, file), path.join(other, file))
      console.log(`(${commit}'s bench has no --core: this checkout's ${CORE_BENCH_FILES.join(', ')} measure it)`)
    }
    const trees = [
      { label: `${commit} (${rev})`, dir: other, runs: [] as Figures[] },
      { label: 'this checkout', dir: ROOT, runs: [] as Figures[] },
    ]
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? trees : [...trees].reverse()
      for (const tree of order) {
        tree.runs.push(runCore(tree.dir, tree.label))
        console.log(`round ${round + 1}/${rounds}: ${tree.label} measured`)
      }
    }
    const [before, after] = trees
    let worse = 0
    console.log(`\nbench --core medians over ${rounds} rounds (higher is faster)`)
    console.log(`${'figure'.padEnd(24)}${before.label.padStart(22)}${'this checkout'.padStart(16)}   ratio`)
    for (const key of Object.keys(after.runs[0])) {
      const a = median(before.runs.map((f) => f[key]).filter((v) => typeof v === 'number'))
      const b = median(after.runs.map((f) => f[key]))
      const ratio = b / a
      if (!(ratio >= TOLERANCE)) worse++
      const shown = (v: number) => (v >= 1000 ? Math.round(v).toLocaleString('en') : v.toFixed(2))
      console.log(`${key.padEnd(24)}${shown(a).padStart(22)}${shown(b).padStart(16)}   ${ratio.toFixed(2)}${ratio >= TOLERANCE ? '' : '  WORSE'}`)
    }
    console.log(worse === 0 ? `\nnot worse than ${commit} (every figure at least ${TOLERANCE * 100}% of it)` : `\n${worse} figure(s) more than ${Math.round((1 - TOLERANCE) * 100)}% below ${commit}`)
    process.exitCode = worse === 0 ? 0 : 1
  } finally {
    rmSync(path.join(other, 'node_modules'), { force: true })
    git('worktree', 'remove', '--force', other)
  }
}

main()
