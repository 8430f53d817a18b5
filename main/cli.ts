/**
 * mdwb: the Minidriver Workbench command line (`mdwb --help`; README, "Running a driver").
 *
 *   mdwb run <driver.ts> [--scenario <preset|file.json>] [--seed N] [--duration 2s] [--trace out.json]
 *                        [--srb-csv out.csv] [--report out.json] [--fault <spec>]... [--sync on|off]
 *                        [--vcd out.vcd [--vcd-wires]] [--frames out.y4m] [--audio out.wav]
 *                        [--watch [--reload replay|swap] [--speed N|fast]]
 *   mdwb check <driver.ts> [--report out.json]
 *   mdwb validate <trace.json>
 *
 * Exit status: 0 when the run completed with no verifier error and the expectations held; 1 for a
 * verifier error, a bug check, a failed expectation or a run that did not complete (the wall-clock
 * limit included); 2 for a usage error, an invalid scenario or a driver that does not compile.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { SETTINGS_DOCS, DEFAULT_SETTINGS, settingProblem, type ClassDriverSettings } from './classdriver/settings.js'
import { durationOverLimit, formatLimit, MAX_VIRTUAL_NS } from './client/scenario/limits.js'
import { PRESETS, presetNames } from './client/scenario/presets.js'
import { OPS, type StepOf } from './client/scenario/schema.js'
import { closest, ScenarioError, validateScenario } from './client/scenario/validate.js'
import { parseDuration } from './contract/time.js'
import { compileDriver, formatCompileErrors, type CompiledDriver } from './host/compile.js'
import { writeChromeTraceFile } from './host/chromeTrace/chromeTraceFile.js'
import { writePerfettoFile } from './host/export/perfettoFile.js'
import { exportSrbCsv } from './host/export/srbCsv.js'
import { exportVcd } from './host/export/vcd.js'
import { CaptureSink } from './host/export/captureSink.js'
import { findingTotal } from './contract/report.js'
import { formatSummary, type RunReport } from './host/reportBuilder.js'
import { resolveScenario } from './host/scenarioSource.js'
import { LiveRunner, type ReloadMode } from './host/liveRunner.js'
import { Sandbox, type SandboxResult } from './host/sandbox/sandbox.js'
import { formatDiff } from './host/traceDiff.js'
import { validateChromeTraceFile } from './host/chromeTrace/chromeTraceValidateFile.js'

const COMMANDS = `Usage:
  mdwb run <driver.ts> [options]     run a driver against a scenario
  mdwb check <driver.ts> [options]   the compliance suite: every preset, a pass/fail table
  mdwb validate <trace.json>         strict validation of a Chrome trace JSON
  mdwb <command> --help              the usage of one command`

const RUN_OPTIONS_HELP = `Options of run:
  --scenario <preset|file.json>  preset (${presetNames().join(', ')}) or scenario file; default capture
  --seed N                       seed of every random choice (default: the scenario's, else 1)
  --duration 2s                  how long a preset streams; for a scenario file, the virtual time bound
                                 (at most 10 min)
  --trace out.json               write the Chrome trace JSON (Perfetto, chrome://tracing)
  --srb-csv out.csv              write one row per SRB
  --perfetto out.pftrace         write the Perfetto protobuf trace (ui.perfetto.dev, trace_processor)
  --vcd out.vcd                  write the VCAP-1 card's signals as a VCD (GTKWave, PulseView)
  --vcd-wires                    with --vcd: only the 1-bit wires (sigrok-cli and PulseView's importer
                                 stop at the first vector)
  --frames out.y4m               write the delivered video frames as Y4M 4:2:0 (ffmpeg, mpv, VLC)
  --audio out.wav                write the captured audio as WAV PCM (any player, ffmpeg, sox)
  --report out.json              write the report JSON (also printed as a summary)
  --fault <spec>                 inject a card fault: name[@time][,count=N][,probability=P][,value=V]
                                 [,duration=D][,register=R,access=M] (repeatable; a preset then no longer
                                 expects every frame). Faults: docs/vcap1-faults.md
  --sync on|off                  force class synchronization on or off
  --card vcap1|stub|none         override the scenario's card
  --setting key=value            override a class driver setting (repeatable; see docs/settings.md)
  --loop-budget 2000             wall ms a callback may loop before the watchdog bug-checks (10 to 600000)
  --watch                        run again whenever a file of the driver changes (Ctrl+C ends)
  --reload replay|swap           with --watch: replay from t=0 and show the difference (default), or
                                 hot-swap the new code into the running session
  --speed N|fast                 virtual seconds per wall second (default fast; with --reload swap, 1)
  --quiet                        print only the result line`

const SANDBOX_NOTE = `Runs happen in a sandbox (a worker with memory limits, the driver in a context without Node), so a
driver that loops, throws or exhausts memory ends in a bug check report, never a hung command. A run
whose simulation takes more than 10 minutes of wall time ends as not completed (exit 1; the setting
wallClockLimitSeconds changes the limit).`

const USAGE = `${COMMANDS}

${RUN_OPTIONS_HELP}

${SANDBOX_NOTE}`

/** `mdwb <command> --help`: the usage of each command. */
const COMMAND_USAGE: Record<'run' | 'check' | 'validate', string> = {
  run: `Usage: mdwb run <driver.ts> [options]

Runs a driver against a scenario and prints the summary. Exit status: 0 passed, 1 a verifier error,
bug check, failed expectation or run that did not complete, 2 a usage error, an invalid scenario or a
driver that does not compile.

${RUN_OPTIONS_HELP}

${SANDBOX_NOTE}`,
  check: `Usage: mdwb check <driver.ts> [options]

Runs the driver through every preset and prints a pass/fail table.
Presets: ${presetNames().join(', ')}.
Exit status: 0 when no preset failed (a preset that does not apply is skipped), 1 otherwise, 2 for a
usage error or a driver that does not compile.

Options of check:
  --report out.json              write every preset's report
  --seed N                       seed of every random choice (default: each preset's, else 1)
  --duration 2s                  how long each preset streams (at most 10 min)
  --sync on|off                  force class synchronization on or off
  --card vcap1|stub|none         override every preset's card
  --setting key=value            override a class driver setting (repeatable; see docs/settings.md)
  --loop-budget 2000             wall ms a callback may loop before the watchdog bug-checks (10 to 600000)`,
  validate: `Usage: mdwb validate <trace.json>

Strict validation of a Chrome trace JSON (what mdwb run --trace writes): prints its counts, warnings
and errors. Exit status: 0 valid, 1 invalid, 2 a usage error or a file that cannot be read.`,
}

/** `--help` or `-h` among a command's arguments (before a `--`, after which words are positionals). */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--')
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h')
}

/** A usage error: exit status 2. */
class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    if ((command === 'run' || command === 'check' || command === 'validate') && wantsHelp(rest)) {
      console.log(COMMAND_USAGE[command])
      return 0
    }
    switch (command) {
      case 'run':
        return await runCommand(rest)
      case 'check':
        return await checkCommand(rest)
      case 'validate':
        return await validateCommand(rest)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE)
        return command === undefined ? 2 : 0
      default:
        throw new UsageError(`unknown command '${command}'`)
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`mdwb: ${e.message}\n\n${USAGE}`)
      return 2
    }
    if (e instanceof ScenarioError) {
      console.error(e.message)
      return 2
    }
    console.error(`mdwb: ${e instanceof Error ? e.message : String(e)}`)
    return 2
  }
}

const RUN_OPTIONS = {
  scenario: { type: 'string' },
  seed: { type: 'string' },
  duration: { type: 'string' },
  trace: { type: 'string' },
  perfetto: { type: 'string' },
  vcd: { type: 'string' },
  frames: { type: 'string' },
  audio: { type: 'string' },
  'srb-csv': { type: 'string' },
  'vcd-wires': { type: 'boolean' },
  report: { type: 'string' },
  fault: { type: 'string', multiple: true },
  sync: { type: 'string' },
  card: { type: 'string' },
  setting: { type: 'string', multiple: true },
  'loop-budget': { type: 'string' },
  watch: { type: 'boolean' },
  reload: { type: 'string' },
  speed: { type: 'string' },
  quiet: { type: 'boolean' },
} as const

/** The longest --loop-budget: 10 minutes, the default wall-clock limit of a whole run. */
const MAX_LOOP_BUDGET_MS = 600_000

/** What a valid value of each option that takes one is (messages say it, like the checks in runConfig). */
const VALUE_HINTS: Record<string, string> = {
  scenario: `a preset (${presetNames().join(', ')}) or a scenario file`,
  seed: 'an integer from 0 to 4294967295',
  duration: `a duration such as 2s or 500ms, at most ${formatLimit(MAX_VIRTUAL_NS)}`,
  trace: 'a file name such as out.json',
  perfetto: 'a file name such as out.pftrace',
  vcd: 'a file name such as out.vcd',
  frames: 'a file name such as out.y4m',
  audio: 'a file name such as out.wav',
  'srb-csv': 'a file name such as out.csv',
  report: 'a file name such as out.json',
  fault: 'a fault: name[@time][,count=N][,probability=P][,value=V][,duration=D][,register=R,access=M]',
  sync: 'on or off',
  card: 'vcap1, stub or none',
  setting: 'key=value (docs/settings.md)',
  'loop-budget': `wall milliseconds from 10 to ${MAX_LOOP_BUDGET_MS}`,
  reload: 'replay or swap',
  speed: 'a positive number (virtual seconds per wall second) or fast',
}

/**
 * parseArgs, after taking the word after an option that needs a value as its value even when it
 * starts with '-' (`--seed -1`: parseArgs would call it ambiguous), so the option's own check can say
 * what a valid value is. A missing value, or another option where the value should be, says so.
 */
function parse(args: string[]) {
  const words: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') {
      words.push(...args.slice(i))
      break
    }
    const option = /^--([^=]+)(=.*)?$/.exec(arg)
    if (option === null) {
      if (/^-[^-]/.test(arg) && arg !== '-') throw new UsageError(`unknown option '${arg}' (options are spelled out: --seed, --duration...)`)
      words.push(arg)
      continue
    }
    const name = option[1]
    const spec = (RUN_OPTIONS as Record<string, { type: string }>)[name]
    if (spec === undefined) {
      const near = closest(name, Object.keys(RUN_OPTIONS))
      throw new UsageError(`unknown option '--${name}'${near ? ` (did you mean '--${near}'?)` : ''}`)
    }
    if (spec.type === 'boolean') {
      if (option[2] !== undefined) throw new UsageError(`--${name} takes no value, got '${option[2].slice(1)}'`)
      words.push(arg)
      continue
    }
    if (option[2] !== undefined) {
      words.push(arg)
      continue
    }
    const value = args[i + 1]
    if (value === undefined || /^--[^-]/.test(value)) throw new UsageError(`--${name} needs a value: ${VALUE_HINTS[name]}${value === undefined ? '' : `, got the option '${value}'`}`)
    words.push(`--${name}=${value}`)
    i++
  }
  try {
    return parseArgs({ args: words, options: RUN_OPTIONS, allowPositionals: true, strict: true })
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
}

async function compileOrExit(file: string | undefined): Promise<CompiledDriver | number> {
  if (!file) throw new UsageError('missing <driver.ts>')
  const result = await compileDriver(file)
  if (!result.ok) {
    console.error(formatCompileErrors(result.errors))
    return 2
  }
  return result.driver
}

interface RunConfig {
  seed?: number
  duration?: number
  loopBudgetMs?: number
  reload: ReloadMode
  /** Virtual ns per wall ns, or Infinity. */
  pace?: number
  sync?: 'on' | 'off'
  card?: 'vcap1' | 'stub' | 'none'
  settings: Partial<ClassDriverSettings>
  faults: StepOf<'fault'>[]
}

function runConfig(values: ReturnType<typeof parse>['values']): RunConfig {
  if (values['vcd-wires'] && values.vcd === undefined) throw new UsageError('--vcd-wires goes with --vcd')
  // The frames and audio are captured as the run delivers them: one file per run, so not with --watch.
  for (const flag of ['frames', 'audio'] as const) {
    if (values[flag] !== undefined && values.watch) throw new UsageError(`--${flag} does not go with --watch (the file is written during the run)`)
  }
  for (const flag of ['scenario', 'trace', 'srb-csv', 'report', 'vcd', 'frames', 'audio'] as const) {
    if (values[flag] === '') throw new UsageError(`--${flag} needs a value: ${VALUE_HINTS[flag]}`)
  }
  const config: RunConfig = { settings: {}, faults: [], reload: 'replay' }
  if (values['loop-budget'] !== undefined) {
    const text = values['loop-budget']
    const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN
    if (!(ms >= 10 && ms <= MAX_LOOP_BUDGET_MS)) throw new UsageError(`--loop-budget must be ${VALUE_HINTS['loop-budget']}, got '${text}'`)
    config.loopBudgetMs = ms
  }
  if (values.reload !== undefined) {
    if (values.reload !== 'replay' && values.reload !== 'swap') throw new UsageError(`--reload must be replay or swap, got '${values.reload}'`)
    if (!values.watch) throw new UsageError('--reload goes with --watch')
    config.reload = values.reload
  }
  if (values.speed !== undefined) {
    const n = /^\d+(\.\d+)?(e[+-]?\d+)?$/i.test(values.speed) ? Number(values.speed) : NaN
    if (values.speed !== 'fast' && !(n > 0)) throw new UsageError(`--speed must be ${VALUE_HINTS.speed}, got '${values.speed}'`)
    config.pace = values.speed === 'fast' ? Infinity : n
  }
  if (values.seed !== undefined) {
    const n = /^\d+$/.test(values.seed) ? Number(values.seed) : NaN
    if (!(n <= 0xffffffff)) throw new UsageError(`--seed must be ${VALUE_HINTS.seed}, got '${values.seed}'`)
    config.seed = n
  }
  if (values.duration !== undefined) {
    const d = parseDuration(values.duration)
    if (Number.isNaN(d) || d <= 0) throw new UsageError(`--duration must be ${VALUE_HINTS.duration}, got '${values.duration}'`)
    const over = durationOverLimit(d)
    if (over !== null) throw new UsageError(`--duration ${values.duration} is ${over}`)
    config.duration = d
  }
  if (values.sync !== undefined) {
    if (values.sync !== 'on' && values.sync !== 'off') throw new UsageError(`--sync must be on or off, got '${values.sync}'`)
    config.sync = values.sync
  }
  if (values.card !== undefined) {
    if (!['vcap1', 'stub', 'none'].includes(values.card)) throw new UsageError(`--card must be vcap1, stub or none, got '${values.card}'`)
    config.card = values.card as RunConfig['card']
  }
  for (const s of values.setting ?? []) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(s)
    if (!m || !(m[1] in DEFAULT_SETTINGS)) throw new UsageError(`--setting ${s}: expected key=value with a key of: ${Object.keys(SETTINGS_DOCS).join(', ')}`)
    const key = m[1] as keyof ClassDriverSettings
    const def = DEFAULT_SETTINGS[key]
    const text = m[2]
    const value = typeof def === 'number' ? (text.trim() === '' ? NaN : Number(text)) : typeof def === 'boolean' ? (text === 'true' ? true : text === 'false' ? false : text) : text
    const problem = settingProblem(key, value)
    if (problem !== null) throw new UsageError(`--setting ${s}: ${key} ${problem}`)
    ;(config.settings as Record<string, unknown>)[key] = value
  }
  for (const spec of values.fault ?? []) config.faults.push(parseFault(spec))
  return config
}

/** "name[@time][,key=value...]" as a fault step, validated like a scenario step. */
export function parseFault(spec: string): StepOf<'fault'> {
  const [head, ...pairs] = spec.split(',')
  const [name, at, ...more] = head.split('@')
  if (name === '') throw new UsageError(`--fault '${spec}': needs a fault name first (${VALUE_HINTS.fault}; the faults: docs/vcap1-faults.md)`)
  if (more.length > 0) throw new UsageError(`--fault ${spec}: one '@time' at most`)
  const step: Record<string, unknown> = { op: 'fault', fault: name }
  if (at !== undefined) step.at = at
  const keys = Object.keys(OPS.fault.properties).filter((k) => k !== 'op' && k !== 'fault' && k !== 'at')
  for (const p of pairs) {
    const eq = p.indexOf('=')
    if (eq < 0) throw new UsageError(`--fault ${spec}: '${p}' is not key=value (keys: ${keys.join(', ')})`)
    const k = p.slice(0, eq)
    const v = p.slice(eq + 1)
    if (!keys.includes(k)) throw new UsageError(`--fault ${spec}: unknown key '${k}' (keys: ${keys.join(', ')})`)
    step[k] = /^-?\d+(\.\d+)?$/.test(v) && k !== 'duration' ? Number(v) : v
  }
  try {
    validateScenario({ name: 'fault', steps: [step] }, `--fault ${spec}`)
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e
    throw new UsageError(`--fault ${spec}: ${e.problems.map((p) => p.replace(/^step 1 \(fault\): /, '')).join('; ')}`)
  }
  return step as StepOf<'fault'>
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, text)
  await rename(tmp, file)
}

async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args)
  if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`)
  const config = runConfig(values)
  const resolved = await resolveScenario(values.scenario, config.duration)
  if (config.card) resolved.scenario.device = { ...resolved.scenario.device, card: config.card }
  // A preset's frame-count expectations describe the fault-free run; with injected faults only the
  // ones that still hold (nothing torn, nothing stale) are kept.
  if (config.faults.length > 0 && resolved.source in PRESETS && resolved.scenario.expect) {
    delete resolved.scenario.expect.minFrames
    delete resolved.scenario.expect.maxDropped
  }
  if (!positionals[0]) throw new UsageError('missing <driver.ts>')
  const request = {
    scenario: resolved.scenario,
    seed: config.seed,
    timeLimitNs: resolved.timeLimitNs,
    sync: config.sync,
    settings: config.settings,
    faults: config.faults,
    pace: config.pace ?? (values.watch && config.reload === 'swap' ? 1 : Infinity),
  }
  const sandbox = new Sandbox({ loopBudgetMs: config.loopBudgetMs })
  // --frames/--audio: the sandbox ships every delivered buffer, written to disk as it arrives.
  let pauseRun: (paused: boolean) => void = () => {}
  const capture = values.frames !== undefined || values.audio !== undefined ? new CaptureSink({ frames: values.frames, audio: values.audio }, (paused) => pauseRun(paused)) : null
  const finished = async (result: SandboxResult): Promise<number> => {
    const { report, trace } = result
    if (capture !== null) for (const problem of (await capture.finish()).problems) console.error(`mdwb: ${problem}`)
    if (values.vcd) await exportVcd(trace, values.vcd, { wiresOnly: values['vcd-wires'] === true, metadata: { driver: report.driver, scenario: report.scenario, seed: report.seed } })
    if (values.trace) await writeChromeTraceFile(values.trace, trace, { metadata: { driver: report.driver, scenario: report.scenario, seed: report.seed } })
    if (values.perfetto) await writePerfettoFile(values.perfetto, trace, { metadata: { driver: report.driver, scenario: report.scenario, seed: report.seed, card: report.card } })
    if (values['srb-csv']) await writeAtomic(values['srb-csv'], exportSrbCsv(trace))
    if (values.report) await writeAtomic(values.report, `${JSON.stringify(report, null, 2)}\n`)
    console.log(values.quiet ? formatSummary(report).split('\n')[0] : formatSummary(report))
    return report.exitCode
  }
  if (!values.watch) {
    const driver = await compileOrExit(positionals[0])
    if (typeof driver === 'number') return driver
    try {
      const run = sandbox.run({ ...request, driver, ...(capture !== null ? { taps: { capture: capture.options } } : {}) }, capture !== null ? { onCaptured: (buffer) => capture.add(buffer) } : {})
      pauseRun = (paused) => run.pause(paused)
      return await finished(await run.result)
    } catch (e) {
      await capture?.abandon()
      throw e
    } finally {
      await sandbox.close()
    }
  }
  // Watch mode: every change of a driver file swaps or replays; Ctrl+C ends it.
  const runner = new LiveRunner(sandbox, positionals[0], request, config.reload, {
    compileFailed: (errors) => console.error(formatCompileErrors(errors)),
    runStarted: (_run, driver) => console.log(`-- running ${driver.name} (${config.reload === 'swap' ? 'saves are hot-swapped in' : 'saves replay the scenario'})`),
    runFinished: (result, diff) => {
      void finished(result).then(() => {
        if (diff !== null) console.log(formatDiff(diff))
        console.log('-- waiting for changes (Ctrl+C ends)')
      })
    },
    swapped: (r) => console.log(r.ok ? `-- hot swap at ${(r.timeNs / 1e6).toFixed(3)} ms: replaced ${r.replaced.join(', ') || 'nothing'}${r.kept.length ? `; kept old code: ${r.kept.join(', ')}` : ''}` : `-- hot swap refused: ${r.error}`),
  })
  runner.watchFiles()
  await runner.start()
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()))
  runner.close()
  await sandbox.close()
  return 0
}

async function checkCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args)
  const config = runConfig(values)
  const driver = await compileOrExit(positionals[0])
  if (typeof driver === 'number') return driver
  const sandbox = new Sandbox({ loopBudgetMs: config.loopBudgetMs })
  const rows: { preset: string; result: 'pass' | 'fail' | 'skip'; report: RunReport }[] = []
  for (const name of presetNames()) {
    const resolved = await resolveScenario(name, config.duration)
    if (config.card) resolved.scenario.device = { ...resolved.scenario.device, card: config.card }
    const { report } = await sandbox.run({ driver, scenario: resolved.scenario, seed: config.seed, timeLimitNs: resolved.timeLimitNs, sync: config.sync, settings: config.settings, trace: false }).result
    const skip = report.run.unsupported === true && report.failures.length === 1
    rows.push({ preset: name, result: skip ? 'skip' : report.result, report })
  }
  const width = Math.max(...rows.map((r) => r.preset.length))
  console.log(`${'preset'.padEnd(width)}  result  frames  dropped  findings  notes`)
  for (const r of rows) {
    const findings = findingTotal(r.report)
    const note = r.result === 'skip' ? (r.report.run.reason ?? '') : r.report.failures.join('; ')
    console.log(`${r.preset.padEnd(width)}  ${r.result.padEnd(6)}  ${String(r.report.frames.delivered).padStart(6)}  ${String(r.report.frames.dropped).padStart(7)}  ${String(findings).padStart(8)}  ${note}`)
  }
  await sandbox.close()
  const failed = rows.filter((r) => r.result === 'fail').length
  const skipped = rows.filter((r) => r.result === 'skip').length
  console.log(`${rows.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`)
  if (values.report) {
    const out = { driver: driver.name, presets: rows.map((r) => ({ preset: r.preset, result: r.result, report: r.report })) }
    await writeAtomic(values.report, `${JSON.stringify(out, null, 2)}\n`)
  }
  return failed > 0 ? 1 : 0
}

async function validateCommand(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('validate takes one <trace.json>')
  let result: Awaited<ReturnType<typeof validateChromeTraceFile>>
  try {
    // Read and checked a piece at a time: a trace of millions of events is never one string.
    result = await validateChromeTraceFile(args[0])
  } catch (e) {
    throw new UsageError(`${args[0]}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`)
  }
  const s = result.stats
  for (const w of result.warnings) console.log(`warning: ${w}`)
  for (const e of result.errors) console.log(`error: ${e}`)
  console.log(
    `${result.ok ? 'valid' : 'INVALID'}: ${args[0]}: ${s.events} events (${s.slices} slices, ${s.asyncSpans} async spans, ${s.flows} flows, ${s.counters} counter samples, ${s.instants} instants) on ${s.threads} threads${result.ok ? '' : `, ${result.errors.length} error(s)`}`,
  )
  return result.ok ? 0 : 1
}

