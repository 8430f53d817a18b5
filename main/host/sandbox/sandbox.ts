import * as esbuild from 'esbuild'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ClassDriverSettings } from '../../classdriver/settings.js'
import type { Scenario, StepOf } from '../../client/scenario/schema.js'
import { BUGCHECK, bugcheckName, type SourceLocation } from '../../sim/bugcheck.js'
import { TraceRecorder } from '../../sim/trace/recorder.js'
import type { CompiledDriver } from '../compiledDriver.js'
import { newScriptName } from '../driverLoader.js'
import { BUILTINS, driverWrapperSource } from '../driverModule.js'
import { bugcheckForReport, type RunReport } from '../report.js'
import { DEFAULT_LOOP_BUDGET_MS, type SwapResult } from '../sessionCore.js'
import { CRASH, type HostMessage, type TraceDelta, type WorkerMessage } from './protocol.js'
import type { RunConfig } from './simulation.js'

/** Limits of the sandbox (engineering-notes.md 4d). */
export interface SandboxOptions {
  /** V8 old-generation heap of the worker in MB (default 256). */
  heapMb?: number
  /** Stack size of the worker in MB (default 4). */
  stackMb?: number
  /** Wall ms a callback may spend in loops (the loop watchdog; default 2000). */
  loopBudgetMs?: number
  /** Wall ms per simulation slice (default 20). */
  sliceMs?: number
  /** A slice that has not yielded after this many wall ms is cut short (default loop budget + 3000). */
  backstopMs?: number
  /** The worker is killed when it has said nothing for this many wall ms (default backstop + 5000). */
  silenceMs?: number
}

/** One run, as `mdwb run` or the workbench asks for it. */
export interface SandboxRunRequest {
  driver: CompiledDriver
  scenario: Scenario
  seed?: number
  timeLimitNs: number
  sync?: 'on' | 'off'
  settings?: Partial<ClassDriverSettings>
  faults?: StepOf<'fault'>[]
  /** Record the trace (default true). */
  trace?: boolean
  /** Virtual ns per wall ns: 1 is real time; Infinity (default) as fast as possible. */
  pace?: number
  /** Start paused (the workbench's step mode). */
  paused?: boolean
}

export interface SandboxRunEvents {
  /** New trace rows as the run goes (also appended to the result's recorder). */
  onTrace?: (delta: TraceDelta) => void
  /** The report so far, about ten times a second. */
  onStatus?: (report: RunReport) => void
}

/** How a sandboxed run ended: its report, and its trace rebuilt on the host. */
export interface SandboxResult {
  report: RunReport
  trace: TraceRecorder
}

/** A run in progress. */
export interface SandboxRun {
  readonly result: Promise<SandboxResult>
  /** Hot swap: the running session takes the new code (SessionCore.swap). */
  swap(driver: CompiledDriver): Promise<SwapResult>
  setPace(pace: number): void
  pause(paused: boolean): void
  /** Advances a paused run by `ns` of virtual time. */
  step(ns: number): void
  /** Ends the run now (the report says where it was). */
  stop(): void
}

interface Bundles {
  worker: string
  simulation: string
}

let bundles: Promise<Bundles> | null = null


/**
 * The worker and the simulation as scripts, bundled once per process from their sources with esbuild.
 * The simulation becomes one expression whose value is its API: nothing lands on the context's global
 * object.
 */
export function sandboxBundles(): Promise<Bundles> {
  bundles ??= (async () => {
    const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
    const [worker, simulation] = await Promise.all([
      esbuild.build({ entryPoints: [here('./worker.ts')], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' }),
      esbuild.build({ entryPoints: [here('./contextEntry.ts')], bundle: true, write: false, platform: 'neutral', format: 'iife', globalName: 'mdwbSimulation', target: 'es2022', logLevel: 'silent', mainFields: ['module', 'main'] }),
    ])
    // The JavaScript builtins become parameters: inside a vm context a global name is looked up
    // through the context's interceptor on every use, a parameter is a plain local.
    const builtins = BUILTINS.join(', ')
    return {
      worker: worker.outputFiles[0].text,
      simulation: `((${builtins}) => {\n${simulation.outputFiles[0].text}\nreturn mdwbSimulation.SimulationApi\n})(${builtins})`,
    }
  })()
  return bundles
}

/**
 * Runs sessions in a worker_threads worker with resource limits, the simulation and the driver in a
 * vm context of their own (see worker.ts). Whatever the driver does (throw, loop, exhaust the heap,
 * overflow the stack, reach for `process`), the run ends in a bug check report and the workbench
 * lives on; after a bug check the next run gets a fresh worker.
 */
export class Sandbox {
  private worker: Worker | null = null
  /** Workers started so far (a bug check retires one; tests and the status bar read it). */
  workersStarted = 0
  private nextId = 1
  private current: RunState | null = null
  private readonly options: Required<SandboxOptions>

  constructor(options: SandboxOptions = {}) {
    const loopBudgetMs = options.loopBudgetMs ?? DEFAULT_LOOP_BUDGET_MS
    const backstopMs = options.backstopMs ?? loopBudgetMs + 3000
    this.options = {
      heapMb: options.heapMb ?? 256,
      stackMb: options.stackMb ?? 4,
      loopBudgetMs,
      sliceMs: options.sliceMs ?? 20,
      backstopMs,
      silenceMs: options.silenceMs ?? backstopMs + 5000,
    }
  }

  /** Starts a run; one at a time. */
  run(request: SandboxRunRequest, events: SandboxRunEvents = {}): SandboxRun {
    if (this.current !== null) throw new Error('the sandbox is already running a session')
    const id = this.nextId++
    const state = new RunState(id, request, events)
    this.current = state
    const scriptName = newScriptName()
    const config: RunConfig = {
      driver: request.driver,
      scenario: request.scenario,
      seed: request.seed,
      timeLimitNs: request.timeLimitNs,
      sync: request.sync,
      settings: request.settings,
      faults: request.faults,
      trace: request.trace,
      loopBudgetMs: this.options.loopBudgetMs,
    }
    const message: HostMessage = {
      type: 'run',
      id,
      config: JSON.stringify(config),
      wrapperSource: driverWrapperSource(request.driver),
      scriptName,
      pace: request.pace ?? Infinity,
      paused: request.paused ?? false,
      sliceMs: this.options.sliceMs,
      backstopMs: this.options.backstopMs,
    }
    void this.start(state, message)
    const result = state.done.then((r) => {
      this.current = null
      return r
    })
    // Commands wait until the run message is with the worker (it starts asynchronously).
    const send = (m: HostMessage): void => void state.started.then(() => this.send(m))
    return {
      result,
      swap: (driver) => state.started.then(() => this.swap(state, driver)),
      setPace: (pace) => send({ type: 'pace', id, pace }),
      pause: (paused) => send({ type: 'pause', id, paused }),
      step: (ns) => send({ type: 'step', id, ns }),
      stop: () => send({ type: 'stop', id }),
    }
  }

  /** Ends the worker (and any run: it ends as cut short). */
  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w !== null) await w.terminate()
  }

  private async start(state: RunState, message: HostMessage): Promise<void> {
    let worker: Worker
    try {
      worker = await this.ensureWorker()
    } catch (error) {
      state.fail(`the sandbox worker could not start: ${String(error)}`)
      return
    }
    state.worker = worker
    state.watch(this.options.silenceMs, () => this.kill(state, 'silent'))
    worker.postMessage(message)
    state.markStarted()
  }

  private async ensureWorker(): Promise<Worker> {
    if (this.worker !== null) return this.worker
    const { worker: source, simulation } = await sandboxBundles()
    const o = this.options
    const worker = new Worker(source, {
      eval: true,
      workerData: { simulation, heapMb: o.heapMb },
      env: {},
      resourceLimits: { maxOldGenerationSizeMb: o.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: o.stackMb },
    })
    this.workersStarted++
    worker.on('message', (m: WorkerMessage) => this.onMessage(m))
    worker.on('error', (error) => this.onWorkerGone(worker, error))
    worker.on('exit', (code) => this.onWorkerGone(worker, new Error(`the sandbox worker exited with code ${code}`)))
    this.worker = worker
    return worker
  }

  private send(message: HostMessage): void {
    this.worker?.postMessage(message)
  }

  private swap(state: RunState, driver: CompiledDriver): Promise<SwapResult> {
    return new Promise((resolve) => {
      if (this.current !== state || this.worker === null) {
        resolve({ ok: false, error: 'the run is over: replay instead', replaced: [], kept: [], timeNs: state.virtualTimeNs })
        return
      }
      state.swaps.push(resolve)
      const scriptName = newScriptName()
      this.send({ type: 'swap', id: state.id, wrapperSource: driverWrapperSource(driver), driverJson: JSON.stringify(driver), scriptName })
    })
  }

  private onMessage(m: WorkerMessage): void {
    const state = this.current
    if (state === null || state.id !== m.id) return
    state.heard()
    switch (m.type) {
      case 'crash':
        state.crash = new Int32Array(m.buffer)
        return
      case 'name':
        state.names[m.nameId] = m.name
        return
      case 'trace':
        state.addTrace(m.delta)
        return
      case 'status':
        state.virtualTimeNs = m.virtualTimeNs
        state.lastStatus = JSON.parse(m.status) as RunReport
        state.events.onStatus?.(state.lastStatus)
        return
      case 'swapped':
        state.swaps.shift()?.(JSON.parse(m.result) as SwapResult)
        return
      case 'done': {
        const report = JSON.parse(m.report) as RunReport
        if (m.cutShort !== null) this.cutShort(state, report, m.cutShort, m.callback)
        // A bug check leaves the context and the worker's heap untrusted: the next run gets a new one.
        if (report.bugcheck !== null) void this.retire()
        state.finish(report)
        return
      }
      case 'failed':
      case 'refused':
        void this.retire()
        state.fail(m.reason)
        return
    }
  }

  /** The backstop cut a slice short: a loop the watchdog does not see (or the simulation's own). */
  private cutShort(state: RunState, report: RunReport, why: string, callback: string | null): void {
    const location = state.loopLocation() ?? (callback !== null ? (state.request.driver.functionSites[callback] ?? null) : null)
    const code = BUGCHECK.DPC_WATCHDOG_VIOLATION
    report.bugcheck = bugcheckForReport({
      code,
      name: bugcheckName(code),
      message: `${callback ?? 'the simulation'}: ${why} (an infinite loop?)`,
      callback,
      location,
      stack: null,
      timeNs: report.virtualTimeNs,
    })
    markFailed(report, `bug check ${bugcheckName(code)}`)
  }

  private kill(state: RunState, why: 'silent'): void {
    const worker = this.worker
    this.worker = null
    void worker?.terminate()
    this.crashed(state, why === 'silent' ? `the sandbox stopped answering for ${this.options.silenceMs} ms` : why, BUGCHECK.DPC_WATCHDOG_VIOLATION)
  }

  private onWorkerGone(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = null
    const state = this.current
    // A retired worker's exit concerns nobody; only the worker of the run in progress matters.
    if (state === null || state.settled || state.worker !== worker) return
    const oom = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
    if (oom) this.crashed(state, `the driver exhausted the sandbox's memory (${this.options.heapMb} MB heap)`, BUGCHECK.MEMORY_MANAGEMENT)
    else this.crashed(state, `the sandbox worker died: ${error.message}`, BUGCHECK.DPC_WATCHDOG_VIOLATION)
  }

  /** The worker is gone: the report comes from the last status and the crash record. */
  private crashed(state: RunState, why: string, code: number): void {
    const report = state.lastStatus ?? emptyReport(state.request)
    const callback = state.crashCallback()
    const location = state.loopLocation() ?? (callback !== null ? (state.request.driver.functionSites[callback] ?? null) : null)
    report.bugcheck = bugcheckForReport({
      code,
      name: bugcheckName(code),
      message: `${why}${callback ? ` in ${callback}` : ''}${location ? ` (last in the loop at ${location.file}:${location.line})` : ''}`,
      callback,
      location,
      stack: null,
      timeNs: state.crashVirtualNs() ?? report.virtualTimeNs,
    })
    markFailed(report, `bug check ${bugcheckName(code)}`)
    // What the worker shipped before it died is the trace there is.
    report.traceEvents = state.trace.count
    state.finish(report)
  }

  private async retire(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w !== null) await w.terminate()
  }
}

function markFailed(report: RunReport, failure: string): void {
  report.result = 'fail'
  report.exitCode = 1
  if (!report.failures.includes(failure)) report.failures.push(failure)
}

/** A report for a run that died before it said anything. */
function emptyReport(request: SandboxRunRequest): RunReport {
  return {
    driver: request.driver.name,
    scenario: request.scenario.name,
    seed: request.scenario.seed ?? request.seed ?? 1,
    card: 'unknown',
    synchronization: null,
    virtualTimeNs: 0,
    wallTimeMs: 0,
    result: 'fail',
    exitCode: 1,
    failures: [],
    run: { completed: false, step: null, reason: null },
    frames: { delivered: 0, dropped: 0, torn: 0, stale: 0 },
    audio: { buffers: 0, bytes: 0 },
    srbs: { total: 0, byCommand: {}, completed: 0, cancelled: 0, timedOut: 0, outstanding: 0 },
    interrupts: { raised: 0, claimed: 0, spurious: 0 },
    verifier: [],
    findingCounts: {},
    bugcheck: null,
    expectations: [],
    debugOutput: [],
    traceEvents: 0,
  }
}

/** The host's record of one run: trace so far, last status, crash record, watchdog. */
class RunState {
  readonly trace = new TraceRecorder()
  readonly names: string[] = []
  readonly swaps: ((r: SwapResult) => void)[] = []
  crash: Int32Array | null = null
  worker: Worker | null = null
  lastStatus: RunReport | null = null
  virtualTimeNs = 0
  settled = false
  readonly done: Promise<SandboxResult>
  /** Settles once the run message has been posted to the worker (or the run failed to start). */
  readonly started: Promise<void>
  markStarted!: () => void
  private resolve!: (r: SandboxResult) => void
  private timer: ReturnType<typeof setTimeout> | null = null
  private silenceMs = 0
  private onSilence: (() => void) | null = null

  constructor(
    readonly id: number,
    readonly request: SandboxRunRequest,
    readonly events: SandboxRunEvents,
  ) {
    this.done = new Promise((resolve) => (this.resolve = resolve))
    this.started = new Promise((resolve) => (this.markStarted = resolve))
  }

  watch(silenceMs: number, onSilence: () => void): void {
    this.silenceMs = silenceMs
    this.onSilence = onSilence
    this.heard()
  }

  heard(): void {
    if (this.onSilence === null || this.settled) return
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(() => this.onSilence?.(), this.silenceMs)
  }

  addTrace(delta: TraceDelta): void {
    this.trace.append(delta.rows, delta.strings, JSON.parse(delta.details) as unknown[], delta.schema === null ? null : JSON.parse(delta.schema))
    this.events.onTrace?.(delta)
  }

  crashCallback(): string | null {
    const id = this.crash?.[CRASH.CALLBACK] ?? -1
    return id >= 0 ? (this.names[id] ?? `callback #${id}`) : null
  }

  crashVirtualNs(): number | null {
    const ms = this.crash?.[CRASH.VIRTUAL_MS] ?? -1
    return ms >= 0 ? ms * 1e6 : null
  }

  /** Where the last loop guard check was, if one ran in the current callback. */
  loopLocation(): SourceLocation | null {
    const site = this.crash?.[CRASH.LOOP_SITE] ?? -1
    return site >= 0 ? (this.request.driver.loopSites[site] ?? null) : null
  }

  finish(report: RunReport): void {
    if (this.settled) return
    this.settled = true
    if (this.timer !== null) clearTimeout(this.timer)
    for (const s of this.swaps.splice(0)) s({ ok: false, error: 'the run ended', replaced: [], kept: [], timeNs: report.virtualTimeNs })
    this.resolve({ report, trace: this.trace })
  }

  fail(reason: string): void {
    this.markStarted()
    const report = this.lastStatus ?? emptyReport(this.request)
    markFailed(report, reason)
    this.finish(report)
  }
}
