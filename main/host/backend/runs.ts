import type {
  AudioLevel,
  BackendEventName,
  BackendEvents,
  Comparison,
  FaultRequest,
  FaultResult,
  FramePreview,
  InspectRequest,
  InspectResult,
  Problem,
  ReloadMode,
  ReloadResult,
  RunControl,
  RunInfo,
  RunRequest,
  RunStarted,
  RunStatus,
  RunSummary,
  SourceBuffer,
  Speed,
} from '../../contract/api.js'
import { errorFindingTotal, findingTotal, type RunReport } from '../../contract/report.js'
import type { TraceRecorder } from '../../sim/trace/recorder.js'
import type { FrameHistory } from '../inspect/frameHistory.js'
import { Sandbox, type SandboxOptions, type SandboxResult, type SandboxRun, type SandboxRunEvents, type SandboxRunRequest } from '../sandbox/sandbox.js'
import { diffRuns, formatDiff } from '../traceDiff.js'
import { reportProblems } from './problemsOfRun.js'
import { checkSpeed, compileProject, paceOf, prepareRun, type ProjectContext, type RunSetup } from './runSetup.js'
import { LatestThrottle } from './throttle.js'
import { recorderChunks, TraceChunker } from './traceChunks.js'

/** Runs kept for `runs()`, comparisons, frames and exports (the live one included). */
export const KEPT_RUNS = 8
/** Live frame previews a second at most (the page shows the newest; the rest would only queue up). */
export const FRAMES_PER_SECOND = 15
/** Audio level updates a second at most. */
export const AUDIO_LEVELS_PER_SECOND = 30
/** Frame previews a run keeps for `frameAt` (the sandbox drops the oldest beyond it). */
export const FRAME_BUDGET_BYTES = 32 * 1024 * 1024
/** Runs whose frame previews are kept (the newest ones): the rest keep trace and report only. */
export const RUNS_WITH_FRAMES = 3

/** Sends an event to every attached page. */
export type Emit = <K extends BackendEventName>(name: K, payload: BackendEvents[K], options?: { transfer?: boolean }) => void

/** A run the manager remembers: what it was, and once it ended its trace, report and problems. */
export interface KeptRun {
  info: RunInfo
  /** Null while it runs. */
  trace: TraceRecorder | null
  report: RunReport | null
  problems: Problem[]
  /** The user stopped it before its scenario ended. */
  stopped: boolean
  /** How it was set up (replays reuse its scenario and seed); null for a trace opened from a file. */
  setup: RunSetup | null
  /** Its delivered frames' previews (the newest RUNS_WITH_FRAMES runs), for `frameAt`. */
  frames: FrameHistory | null
}

/** The run in progress: its sandbox run, and what the page is told about it. */
class LiveRun {
  state: RunStatus['state']
  stoppedByUser = false
  lastReport: RunReport | null = null
  /** Wall ms spent running (pauses excluded), up to `runningSince`. */
  private wallMs = 0
  private runningSince: number | null
  readonly ended: Promise<void>
  markEnded!: () => void

  constructor(
    readonly kept: KeptRun,
    readonly run: SandboxRun,
    readonly trace: TraceChunker,
    readonly frames: LatestThrottle<FramePreview>,
    readonly audio: LatestThrottle<AudioLevel>,
    public speed: Speed,
    paused: boolean,
  ) {
    this.state = paused ? 'paused' : 'running'
    this.runningSince = paused ? null : performance.now()
    this.ended = new Promise((resolve) => (this.markEnded = resolve))
  }

  get runId(): number {
    return this.kept.info.runId
  }

  setPaused(paused: boolean): void {
    if (paused && this.runningSince !== null) {
      this.wallMs += performance.now() - this.runningSince
      this.runningSince = null
    } else if (!paused && this.runningSince === null) this.runningSince = performance.now()
    this.state = paused ? 'paused' : 'running'
  }

  finish(): void {
    this.setPaused(true)
    this.state = 'finished'
  }

  activeWallMs(): number {
    return this.wallMs + (this.runningSince === null ? 0 : performance.now() - this.runningSince)
  }
}

/**
 * The workbench's runs, one at a time on one sandbox (a new run stops the one before): compile with
 * the unsaved buffers, start, relay the run to the pages (trace chunks at most 30 a second, status,
 * frames at most 15 a second, audio levels, hot swaps, the end with its problems and, for a replay,
 * the comparison with the run it replays), pause/step/resume/stop/speed, reload by hot swap or
 * replay. The last KEPT_RUNS runs stay for `runs()`, comparisons and exports.
 */
export class RunManager {
  private readonly sandbox: Sandbox
  private live: LiveRun | null = null
  /** The newest run, ended or not: the one the sandbox can still inspect. */
  private newestRun: LiveRun | null = null
  private readonly kept: KeptRun[] = []
  private nextRunId = 1
  private chain: Promise<unknown> = Promise.resolve()
  private closed = false

  constructor(
    private readonly emit: Emit,
    sandboxOptions: SandboxOptions = {},
  ) {
    this.sandbox = new Sandbox(sandboxOptions)
  }

  /** Compiles and starts a run of the project (stopping the one in progress). */
  run(project: ProjectContext, request: RunRequest): Promise<RunStarted> {
    return this.serial(async () => {
      const prepared = await prepareRun(project, request)
      if (!prepared.ok) return { ok: false, problems: prepared.problems }
      await this.stopLive()
      const info = this.launch(prepared.setup, 'run', null, request.paused ?? false)
      return { ok: true, run: info }
    })
  }

  /** Pause, resume, step (paused only), stop, speed: of the run in progress. */
  async control(control: RunControl): Promise<void> {
    const live = this.live
    if (live === null || live.state === 'finished') throw new Error(`no run is going on to ${control.op}`)
    switch (control.op) {
      case 'pause':
        live.run.pause(true)
        live.setPaused(true)
        break
      case 'resume':
        live.run.pause(false)
        live.setPaused(false)
        break
      case 'step':
        if (live.state !== 'paused') throw new Error('step needs a paused run: pause first')
        if (!(typeof control.ns === 'number' && control.ns > 0 && Number.isFinite(control.ns))) throw new Error(`step takes a positive number of virtual ns, got ${JSON.stringify(control.ns)}`)
        live.run.step(control.ns)
        return
      case 'stop':
        live.stoppedByUser = true
        live.run.stop()
        return
      case 'speed':
        live.speed = checkSpeed(control.speed)
        live.run.setPace(paceOf(live.speed))
        break
      default:
        throw new Error(`unknown run control ${JSON.stringify((control as { op?: unknown }).op)}`)
    }
    this.emitStatus(live)
  }

  /**
   * The code changed (Ctrl+S): compile with the buffers; on errors nothing else changes. 'swap' puts
   * the new code into the run in progress (a refused swap, or no run going on, becomes a replay);
   * 'replay' runs the last run's scenario and seed again from t = 0, and its end brings the comparison.
   */
  reload(project: ProjectContext, buffers: SourceBuffer[], mode: ReloadMode): Promise<ReloadResult> {
    return this.serial(async () => {
      if (mode !== 'swap' && mode !== 'replay') throw new Error(`reload mode must be 'swap' or 'replay', got ${JSON.stringify(mode)}`)
      const compiled = await compileProject(project, buffers)
      if (!compiled.ok) return { mode, ok: false, problems: compiled.problems }
      const live = this.live
      if (mode === 'swap' && live !== null && live.state !== 'finished') {
        const swap = await live.run.swap(compiled.driver)
        this.emit('swapped', { runId: live.runId, result: swap })
        if (swap.ok) {
          if (live.kept.setup !== null) live.kept.setup = { ...live.kept.setup, driver: compiled.driver }
          return { mode: 'swap', ok: true, problems: [], swap }
        }
        const replay = await this.replay(project, buffers, compiled.driver)
        if (!replay.ok) return { mode: 'replay', ok: false, problems: replay.problems, swap }
        const note: Problem = { source: 'project', severity: 'info', message: `hot swap refused (${swap.error ?? 'no reason given'}): replayed from t = 0 instead` }
        return { mode: 'replay', ok: true, problems: [note], swap, run: replay.run }
      }
      const replay = await this.replay(project, buffers, compiled.driver)
      return replay.ok ? { mode: 'replay', ok: true, problems: [], run: replay.run } : { mode: 'replay', ok: false, problems: replay.problems }
    })
  }

  /** A catalogue fault into the run in progress, now or at a virtual time. */
  async injectFault(request: FaultRequest): Promise<FaultResult> {
    const live = this.live
    if (live === null || live.state === 'finished') return { ok: false, error: 'no run is going on: start one, then inject the fault', timeNs: 0 }
    return live.run.injectFault(request)
  }

  /** Registers, rings or memory of the newest run (going, paused, or ended until the next one starts). */
  async inspect(request: InspectRequest): Promise<InspectResult> {
    const newest = this.newestRun
    if (newest === null || newest.runId !== request.runId) {
      return { what: 'none', reason: `run ${request.runId} is not the newest run: the inspectors show the newest run only` }
    }
    return newest.run.inspect(request)
  }

  /** The newest kept frame preview delivered at or before `timeNs`, of a kept run. */
  async frameAt(runId: number, timeNs: number): Promise<FramePreview | null> {
    const kept = this.find(runId)
    const frame = kept.frames?.at(timeNs) ?? null
    return frame === null ? null : { ...frame, runId }
  }

  /**
   * A page connects: first everything waiting goes to the pages already there (`flush`), then this
   * page alone gets the run in progress so far (`catchUp`): its start, its trace from row 0, its
   * status. From then on it gets the same events as the others, without a gap or a repeat.
   */
  flush(): void {
    this.live?.trace.flush()
  }

  catchUp(emit: Emit): void {
    const live = this.live
    if (live !== null) {
      emit('runStarted', live.kept.info)
      for (const chunk of recorderChunks(live.runId, live.run.trace)) emit('trace', chunk, { transfer: true })
      emit('status', this.status(live))
      return
    }
    // No run going on: a reloaded page finds the last run it was looking at, trace and problems.
    const last = this.kept.findLast((k) => k.trace !== null)
    if (last === undefined || last.trace === null) return
    emit('runStarted', last.info)
    for (const chunk of recorderChunks(last.info.runId, last.trace)) emit('trace', chunk, { transfer: true })
    if (last.report !== null) emit('runEnded', { runId: last.info.runId, report: last.report, problems: last.problems, stopped: last.stopped, comparison: null })
  }

  /** A kept run's trace for an export: a running run's trace as it is now. */
  traceOf(kept: KeptRun): TraceRecorder | null {
    return kept.trace ?? (this.live?.kept === kept ? this.live.run.trace : null)
  }

  runs(): RunSummary[] {
    return this.kept.map((k) => ({ run: k.info, report: k.report }))
  }

  /** A kept run (for exports); an error names what happened to it otherwise. */
  find(runId: number): KeptRun {
    const k = this.kept.find((x) => x.info.runId === runId)
    if (k === undefined) throw new Error(`run ${runId} is not kept (the last ${KEPT_RUNS} runs are)`)
    return k
  }

  compare(before: number, after: number): Comparison {
    const a = this.ended(before)
    const b = this.ended(after)
    const diff = diffRuns(a, b)
    return { before, after, diff, text: formatDiff(diff) }
  }

  /** Keeps a run that did not come from the sandbox (a trace file opened for viewing). */
  keep(info: Omit<RunInfo, 'runId'>, trace: TraceRecorder, report: RunReport | null): KeptRun {
    const kept: KeptRun = { info: { ...info, runId: this.nextRunId++ }, trace, report, problems: [], stopped: false, setup: null, frames: null }
    this.remember(kept)
    return kept
  }

  /** Stops the run in progress and the sandbox worker. */
  async close(): Promise<void> {
    this.closed = true
    await this.chain
    await this.stopLive()
    await this.sandbox.close()
  }

  // ------------------------------------------------------------------------------------------------

  private serial<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the backend is closed'))
    const next = this.chain.then(task, task)
    this.chain = next.catch(() => {})
    return next
  }

  /** A kept run's trace and report (null for a trace opened from a file), once it has ended. */
  private ended(runId: number): { trace: TraceRecorder; report: RunReport | null } {
    const k = this.find(runId)
    if (k.trace === null) throw new Error(`run ${runId} has not ended yet`)
    return { trace: k.trace, report: k.report }
  }

  /** Ends the run in progress (another project opens); resolves when its end has been announced. */
  stop(): Promise<void> {
    return this.serial(() => this.stopLive())
  }

  /** Ends the run in progress (if any) and waits until its end has been announced. */
  private async stopLive(): Promise<void> {
    const live = this.live
    if (live === null) return
    if (live.state !== 'finished') {
      live.stoppedByUser = true
      live.run.stop()
    }
    await live.ended
  }

  /** The last run's scenario and seed again from t = 0 with new code; the comparison comes with its end. */
  private async replay(project: ProjectContext, buffers: SourceBuffer[], driver: RunSetup['driver']): Promise<{ ok: true; run: RunInfo } | { ok: false; problems: Problem[] }> {
    const previous = this.live?.kept ?? [...this.kept].reverse().find((k) => k.setup !== null) ?? null
    await this.stopLive()
    if (previous === null || previous.setup === null) {
      const prepared = await prepareRun(project, { buffers }, driver)
      if (!prepared.ok) return prepared
      return { ok: true, run: this.launch(prepared.setup, 'run', null, false) }
    }
    return { ok: true, run: this.launch({ ...previous.setup, driver }, 'replay', previous.info.runId, false) }
  }

  private launch(setup: RunSetup, origin: RunInfo['origin'], replayOf: number | null, paused: boolean): RunInfo {
    if (this.closed) throw new Error('the backend is closed')
    const runId = this.nextRunId++
    const info: RunInfo = { runId, driver: setup.driverPath, scenario: setup.scenarioName, seed: setup.seed, card: setup.card, startedAt: Date.now(), origin, replayOf }
    const kept: KeptRun = { info, trace: null, report: null, problems: [], stopped: false, setup, frames: null }
    const trace = new TraceChunker(runId, (chunk) => this.emit('trace', chunk, { transfer: true }))
    // The preview's bytes also stay in the run's frame history: the page gets its own copy to take.
    const frames = new LatestThrottle<FramePreview>(FRAMES_PER_SECOND, (f) => this.emit('frame', { ...f, data: f.data.slice() }, { transfer: true }))
    const audio = new LatestThrottle<AudioLevel>(AUDIO_LEVELS_PER_SECOND, (a) => this.emit('audio', a))
    const request: SandboxRunRequest = {
      driver: setup.driver,
      scenario: structuredClone(setup.scenario),
      seed: setup.seed,
      timeLimitNs: setup.timeLimitNs,
      sync: setup.sync,
      settings: setup.settings,
      pace: paceOf(setup.speed),
      paused,
      taps: { frames: true, audio: true },
      frameBudgetBytes: FRAME_BUDGET_BYTES,
    }
    let live: LiveRun | null = null
    const events: SandboxRunEvents = {
      onTrace: (update) => trace.add(update),
      onStatus: (report) => {
        if (live === null) return
        live.lastReport = report
        this.emitStatus(live)
      },
      onFrame: (frame) => frames.push({ ...frame, runId }),
      onAudio: (level) => audio.push({ ...level, runId }),
    }
    const run = this.sandbox.run(request, events)
    kept.frames = run.frames
    live = new LiveRun(kept, run, trace, frames, audio, setup.speed, paused)
    this.live = live
    this.newestRun = live
    this.remember(kept)
    this.emit('runStarted', info)
    const current = live
    void run.result.then(
      (result) => this.finished(current, result),
      (error: unknown) => this.finished(current, null, error),
    )
    return info
  }

  private finished(live: LiveRun, result: SandboxResult | null, error?: unknown): void {
    try {
      this.announceEnd(live, result, error)
    } finally {
      if (this.live === live) this.live = null
      live.markEnded()
    }
  }

  private announceEnd(live: LiveRun, result: SandboxResult | null, error?: unknown): void {
    live.trace.flush()
    live.frames.flush()
    live.audio.flush()
    live.finish()
    const kept = live.kept
    if (result !== null) {
      kept.trace = result.trace
      kept.report = result.report
      live.lastReport = result.report
      kept.problems = reportProblems(result.report, kept.setup?.scenarioText ?? null, live.stoppedByUser)
      kept.stopped = live.stoppedByUser && !result.report.run.completed
    } else {
      kept.problems = [{ source: 'scenario', severity: 'error', message: `the run failed: ${error instanceof Error ? error.message : String(error)}` }]
    }
    this.emitStatus(live)
    let comparison: Comparison | null = null
    const before = kept.info.replayOf === null ? null : this.kept.find((k) => k.info.runId === kept.info.replayOf)
    if (before && before.trace !== null && before.report !== null && kept.trace !== null && kept.report !== null) {
      const diff = diffRuns({ trace: before.trace, report: before.report }, { trace: kept.trace, report: kept.report })
      comparison = { before: before.info.runId, after: kept.info.runId, diff, text: formatDiff(diff) }
    }
    if (kept.report !== null) this.emit('runEnded', { runId: kept.info.runId, report: kept.report, problems: kept.problems, stopped: kept.stopped, comparison })
  }

  private emitStatus(live: LiveRun): void {
    this.emit('status', this.status(live))
  }

  private status(live: LiveRun): RunStatus {
    const r = live.lastReport
    const wallMs = live.activeWallMs()
    const virtualTimeNs = r?.virtualTimeNs ?? 0
    const status: RunStatus = {
      runId: live.runId,
      state: live.state,
      virtualTimeNs,
      wallMs,
      speedRatio: wallMs > 0 ? virtualTimeNs / 1e6 / wallMs : 0,
      frames: r?.frames ?? { delivered: 0, dropped: 0, torn: 0, stale: 0 },
      audio: r?.audio ?? { buffers: 0, bytes: 0 },
      srbs: r?.srbs ?? { total: 0, byCommand: {}, completed: 0, cancelled: 0, timedOut: 0, outstanding: 0 },
      interrupts: r?.interrupts ?? { raised: 0, claimed: 0, spurious: 0 },
      findings: r === null ? 0 : findingTotal(r),
      errors: r === null ? 0 : errorFindingTotal(r),
      bugcheck: r?.bugcheck?.name ?? null,
    }
    return status
  }

  /** Adds a run to the kept ones, dropping the oldest beyond KEPT_RUNS (never the live one). */
  private remember(kept: KeptRun): void {
    this.kept.push(kept)
    while (this.kept.length > KEPT_RUNS) {
      const i = this.kept.findIndex((k) => k !== this.live?.kept)
      this.kept.splice(i, 1)
    }
    const withFrames = this.kept.filter((k) => k.frames !== null)
    for (const k of withFrames.slice(0, Math.max(0, withFrames.length - RUNS_WITH_FRAMES))) k.frames = null
  }
}
