/**
 * The sandbox as the host sees it: workers started and retired, runs sent to them, every message
 * from them checked before use, and a bug check report whenever a run's worker misbehaves or dies.
 */
import * as esbuild from 'esbuild'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ClassDriverSettings } from '../../classdriver/settings.js'
import type { FaultRequest, FaultResult, InspectRequest, InspectResult, TraceUpdate } from '../../contract/api.js'
import type { Scenario, StepOf } from '../../client/scenario/schema.js'
import { BUGCHECK } from '../../sim/bugcheck.js'
import type { TraceRecorder } from '../../sim/trace/recorder.js'
import type { CompiledDriver } from '../compiledDriver.js'
import { newScriptName } from '../driverLoader.js'
import { BUILTINS, driverWrapperSource } from '../driverModule.js'
import type { RunReport } from '../reportBuilder.js'
import { DEFAULT_LOOP_BUDGET_MS, type SwapResult } from '../sessionCore.js'
import type { FrameHistory, FrameTap } from '../inspect/frameHistory.js'
import type { AudioTap, TapOptions } from '../inspect/liveTaps.js'
import type { CapturedBuffer } from '../export/captureTap.js'
import { prebuiltSandboxBundles, type SandboxBundleTexts } from './bundles.js'
import { FROZEN_INTRINSICS_SCRIPT } from './frozenIntrinsics.js'
import { checkInspectResult, checkWorkerMessage, MalformedMessage, parseFaultResult, parseReport, parseSwapResult } from './messageCheck.js'
import { RunProcess } from './runProcess.js'
import { RunState } from './runState.js'
import type { HostMessage, RunMessage, WorkerMessage } from './sandboxMessages.js'
import type { RunConfig } from './simulation.js'
import { WorkerCalls } from './workerCalls.js'

/** Either end of a run: its own OS process (the default), or a worker thread of this process. */
export type SandboxWorker = Worker | RunProcess

/** Limits of the sandbox (docs/sandbox.md). */
export interface SandboxOptions {
  /**
   * Where runs happen: 'process' (default), a process of their own under Node's permission model
   * (runProcess.ts), whose death or misbehaviour never reaches this one; 'thread', a worker thread of
   * this process (the benchmark's comparison, and hosts where child processes are not allowed).
   */
  isolation?: 'process' | 'thread'
  /** Resident memory of a run's process in MB past which it ends as out of memory (default 1024). */
  rssLimitMb?: number
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
  /** Previews of delivered frames and audio levels (`onFrame`, `onAudio`, `frameAt`); default off. */
  taps?: TapOptions
  /** Preview bytes `frameAt` keeps (default 64 MB; the oldest frames go first). */
  frameBudgetBytes?: number
}

export interface SandboxRunEvents {
  /** New trace rows as the run goes (also appended to the result's recorder). */
  onTrace?: (update: TraceUpdate) => void
  /** The report so far, about ten times a second. */
  onStatus?: (report: RunReport) => void
  /** Every delivered video frame, downscaled (with `taps.frames`). */
  onFrame?: (frame: FrameTap) => void
  /** Audio levels, at most one per stream per 20 ms of virtual time (with `taps.audio`). */
  onAudio?: (level: AudioTap) => void
  /** Every delivered buffer at full size, in delivery order (with `taps.capture`; checked by messageCheck.ts). */
  onCaptured?: (buffer: CapturedBuffer) => void
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
  /**
   * Injects a VCAP-1 catalogue fault now (`atNs` omitted: the run's virtual time when the worker gets
   * it) or at an absolute virtual time, as a scenario `fault` step would. A paused run arms it when
   * stepping reaches that time. Refused after the run ended, for a time in the past, an unknown fault
   * or a run without the VCAP-1 card.
   */
  injectFault(request: FaultRequest): Promise<FaultResult>
  /**
   * Registers (decoded, with who touched them), descriptor rings or physical memory, read without side
   * effects: while the run goes (answered between slices), while paused, and after it ended until the
   * next run starts (a bug-checked run too: its worker is kept for this until then). `runId` is ignored.
   */
  inspect(request: InspectRequest): Promise<InspectResult>
  /** The newest kept frame preview delivered at or before `timeNs` (null before the first, or without taps). */
  frameAt(timeNs: number): FrameTap | null
  /** The kept frame previews. */
  readonly frames: FrameHistory
  /** The trace so far, as the host has received it (the workbench exports a running run, and catches up a page that connects mid-run). */
  readonly trace: TraceRecorder
}

type Bundles = SandboxBundleTexts

let bundles: Promise<Bundles> | null = null

/**
 * The worker and the simulation as scripts, bundled once per process from their sources with esbuild.
 * The simulation becomes one expression whose value is its API: nothing lands on the context's global
 * object.
 */
export function sandboxBundles(): Promise<Bundles> {
  bundles ??= prebuiltSandboxBundles() ?? (async () => {
    const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
    const [entry, worker, simulation] = await Promise.all([
      esbuild.build({ entryPoints: [here('./processEntry.ts')], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' }),
      esbuild.build({ entryPoints: [here('./worker.ts')], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' }),
      esbuild.build({ entryPoints: [here('./contextEntry.ts')], bundle: true, write: false, platform: 'neutral', format: 'iife', globalName: 'mdwbSimulation', target: 'es2022', logLevel: 'silent', mainFields: ['module', 'main'] }),
    ])
    // The JavaScript builtins become parameters: inside a vm context a global name is looked up
    // through the context's interceptor on every use, a parameter is a plain local.
    const builtins = BUILTINS.join(', ')
    return {
      process: entry.outputFiles[0].text,
      worker: worker.outputFiles[0].text,
      // Hardened first (frozenIntrinsics.ts), so the builtins the simulation captures are the frozen ones.
      simulation: `${FROZEN_INTRINSICS_SCRIPT}\n((${builtins}) => {\n${simulation.outputFiles[0].text}\nreturn mdwbSimulation.SimulationApi\n})(${builtins})`,
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
  private worker: SandboxWorker | null = null
  /** Workers started so far (a bug check retires one; tests and the status bar read it). */
  workersStarted = 0
  private nextId = 1
  private current: RunState | null = null
  /** The newest run, finished or not (the only one that can still be inspected). */
  private newest: RunState | null = null
  /** A worker retired by a bug check, kept so the run can be inspected until the next one starts. */
  private spent: SandboxWorker | null = null
  /** Questions to the workers awaiting their answers. */
  private readonly calls = new WorkerCalls()
  /** The driver (as JSON) each worker got with its last run. */
  private readonly driverSent = new WeakMap<SandboxWorker, string>()
  private readonly options: Required<SandboxOptions>

  constructor(options: SandboxOptions = {}) {
    const loopBudgetMs = options.loopBudgetMs ?? DEFAULT_LOOP_BUDGET_MS
    const backstopMs = options.backstopMs ?? loopBudgetMs + 3000
    this.options = {
      isolation: options.isolation ?? 'process',
      rssLimitMb: options.rssLimitMb ?? 1024,
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
    if (this.newest !== null) this.newest.gone ??= 'a newer run has started: only the newest run can be inspected'
    this.newest = state
    const config: RunConfig = {
      scenario: request.scenario,
      seed: request.seed,
      timeLimitNs: request.timeLimitNs,
      sync: request.sync,
      settings: request.settings,
      faults: request.faults,
      trace: request.trace,
      loopBudgetMs: this.options.loopBudgetMs,
      taps: request.taps,
    }
    const message: RunMessage = {
      type: 'run',
      id,
      config: JSON.stringify(config),
      driver: null,
      pace: request.pace ?? Infinity,
      paused: request.paused ?? false,
      sliceMs: this.options.sliceMs,
      backstopMs: this.options.backstopMs,
      taps: request.taps?.frames === true || request.taps?.audio === true || request.taps?.capture !== undefined,
    }
    void this.start(state, message, request.driver)
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
      injectFault: (fault) => this.injectFault(state, fault),
      inspect: (what) => this.inspect(state, what),
      frameAt: (timeNs) => state.frames.at(timeNs),
      frames: state.frames,
      trace: state.trace,
    }
  }

  /** Ends the worker (and any run: it ends as cut short). */
  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (this.newest !== null) this.newest.gone ??= 'the sandbox was closed'
    await this.dropSpent()
    if (w !== null) {
      this.calls.dropAll(w)
      await w.terminate()
    }
  }

  private async start(state: RunState, message: RunMessage, driver: CompiledDriver): Promise<void> {
    let worker: SandboxWorker
    try {
      worker = await this.ensureWorker()
    } catch (error) {
      state.fail(`the sandbox worker could not start: ${String(error)}`)
      return
    }
    state.worker = worker
    state.watch(this.options.silenceMs, () => this.kill(state, 'silent'))
    // A rerun of unchanged code (the edit-run loop's common case) sends no driver: the worker has it.
    const json = JSON.stringify(driver)
    if (this.driverSent.get(worker) !== json) {
      message.driver = { json, wrapperSource: driverWrapperSource(driver), scriptName: newScriptName() }
      this.driverSent.set(worker, json)
    }
    worker.postMessage(message)
    state.markStarted()
  }

  private async ensureWorker(): Promise<SandboxWorker> {
    // The bug-checked run kept for inspection makes way for the new one.
    await this.dropSpent()
    if (this.worker !== null) return this.worker
    const sources = await sandboxBundles()
    const o = this.options
    const worker: SandboxWorker =
      o.isolation === 'process'
        ? new RunProcess({ entry: sources.process, worker: sources.worker, simulation: sources.simulation }, { heapMb: o.heapMb, stackMb: o.stackMb, rssLimitMb: o.rssLimitMb })
        : new Worker(sources.worker, {
            eval: true,
            workerData: { simulation: sources.simulation, heapMb: o.heapMb },
            env: {},
            resourceLimits: { maxOldGenerationSizeMb: o.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: o.stackMb },
          })
    this.workersStarted++
    worker.on('message', (m: unknown) => this.receive(worker, m))
    worker.on('error', (error: Error) => this.onWorkerGone(worker, error))
    worker.on('exit', (code: number | string) => this.onWorkerGone(worker, new Error(`the sandbox worker exited with code ${code}`)))
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

  private async injectFault(state: RunState, request: FaultRequest): Promise<FaultResult> {
    await state.started
    const over = { ok: false, error: 'the run is over', timeNs: state.virtualTimeNs }
    if (state.settled) return over
    const m = await this.call(state.worker, (call) => ({ type: 'inject', id: state.id, call, request: JSON.stringify(request) }))
    if (m?.type !== 'injected') return over
    try {
      return parseFaultResult(m.result)
    } catch (error) {
      this.malformed(state.worker!, String((error as Error).message))
      return { ok: false, error: 'the sandbox sent a malformed answer', timeNs: state.virtualTimeNs }
    }
  }

  private async inspect(state: RunState, request: InspectRequest): Promise<InspectResult> {
    await state.started
    if (state.gone !== null) return { what: 'none', reason: state.gone }
    const m = await this.call(state.worker, (call) => ({ type: 'inspect', id: state.id, call, request: JSON.stringify(request) }))
    return m?.type === 'inspected' ? m.result : { what: 'none', reason: state.gone ?? 'the sandbox worker of this run is gone' }
  }

  /** Sends a question to a worker and waits for its answer (null when the worker went away first). */
  private call(worker: SandboxWorker | null, message: (call: number) => HostMessage): Promise<WorkerMessage | null> {
    if (worker === null || (worker !== this.worker && worker !== this.spent)) return Promise.resolve(null)
    return this.calls.ask(worker, message)
  }

  private async dropSpent(): Promise<void> {
    const w = this.spent
    this.spent = null
    if (w === null) return
    this.calls.dropAll(w)
    await w.terminate()
  }

  /**
   * A message from a worker: untrusted input (the worker shares its realm with the driver). It is
   * checked (messageCheck.ts) before anything uses it; one that is malformed, too large, or that the
   * host cannot process ends the run with a report that says so and retires the worker. Nothing a
   * worker sends can throw out of here.
   */
  private receive(worker: SandboxWorker, m: unknown): void {
    try {
      if (worker !== this.worker && worker !== this.spent) return
      const wrong = checkWorkerMessage(m)
      if (wrong !== null) throw new MalformedMessage(wrong)
      this.onMessage(m as WorkerMessage)
    } catch (error) {
      const why = error instanceof MalformedMessage ? error.message : `the host could not process it (${error instanceof Error ? error.message : 'an exception'})`
      this.malformed(worker, why)
    }
  }

  /** The worker sent something it should not have: the run ends, and the worker goes. */
  private malformed(worker: SandboxWorker, why: string): void {
    if (this.worker === worker) this.worker = null
    if (this.spent === worker) this.spent = null
    this.calls.dropAll(worker)
    void worker.terminate()
    const state = this.current
    if (this.newest !== null && this.newest.worker === worker) this.newest.gone ??= 'the sandbox worker was terminated: it sent a malformed message'
    if (state === null || state.settled || state.worker !== worker) return
    state.fail(`the sandbox sent a malformed message (${why.slice(0, 500)}); the run was stopped and its worker terminated`)
  }

  private onMessage(m: WorkerMessage): void {
    if (m.type === 'injected' || m.type === 'inspected') {
      // Checked before the call is taken: a malformed answer ends the worker, and dropping its calls
      // then answers this one too (with null) instead of leaving the inspector waiting for ever.
      if (m.type === 'inspected') checkInspectResult(m.result)
      this.calls.take(m.call)?.(m)
      return
    }
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
      case 'taps':
        state.addTaps(m.frames, m.audio, m.captured)
        return
      case 'status':
        state.virtualTimeNs = m.virtualTimeNs
        state.lastStatus = parseReport(m.status, 'the status report')
        state.events.onStatus?.(state.lastStatus)
        return
      case 'swapped':
        state.swaps.shift()?.(parseSwapResult(m.result))
        return
      case 'done': {
        const report = parseReport(m.report)
        if (m.cutShort !== null) state.markCutShort(report, m.cutShort, m.callback)
        // A bug check leaves the context and the worker's heap untrusted: the next run gets a new one.
        // The spent worker stays until then, so the halted machine can still be inspected.
        if (report.bugcheck !== null) this.setAside()
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

  private kill(state: RunState, why: 'silent'): void {
    const worker = this.worker
    this.worker = null
    if (worker !== null) this.calls.dropAll(worker)
    state.gone = 'the sandbox worker was terminated when it stopped answering'
    void worker?.terminate()
    state.finishCrashed(why === 'silent' ? `the sandbox stopped answering for ${this.options.silenceMs} ms` : why, BUGCHECK.DPC_WATCHDOG_VIOLATION)
  }

  private onWorkerGone(worker: SandboxWorker, error: Error): void {
    if (this.worker === worker) this.worker = null
    if (this.spent === worker) this.spent = null
    this.calls.dropAll(worker)
    if (this.newest !== null && this.newest.worker === worker) this.newest.gone ??= `the run's sandbox worker is gone (${error.message})`
    const state = this.current
    // A retired worker's exit concerns nobody; only the worker of the run in progress matters.
    if (state === null || state.settled || state.worker !== worker) return
    const oom = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
    if (oom) state.finishCrashed(`the driver exhausted the sandbox's memory (${this.options.heapMb} MB heap)`, BUGCHECK.MEMORY_MANAGEMENT)
    else state.finishCrashed(`the sandbox worker died: ${error.message}`, BUGCHECK.DPC_WATCHDOG_VIOLATION)
  }

  private async retire(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w !== null) {
      this.calls.dropAll(w)
      await w.terminate()
    }
  }

  /** The worker is spent (a bug check): no new run goes to it, but inspectors may still ask it. */
  private setAside(): void {
    const w = this.worker
    this.worker = null
    if (w === null) return
    void this.dropSpent()
    this.spent = w
  }
}
