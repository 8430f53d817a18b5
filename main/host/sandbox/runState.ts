/**
 * The host's record of one sandboxed run: the trace and frame previews received so far, the last
 * status, the crash record, the silence watchdog, and the report the run ends with.
 */
import { BUGCHECK, bugcheckName, type SourceLocation } from '../../sim/bugcheck.js'
import { TraceRecorder } from '../../sim/trace/recorder.js'
import { FrameHistory, type FrameTap } from '../inspect/frameHistory.js'
import type { AudioTap } from '../inspect/liveTaps.js'
import type { CapturedBuffer } from '../export/captureTap.js'
import { bugcheckForReport, type RunReport } from '../reportBuilder.js'
import type { SwapResult } from '../sessionCore.js'
import { checkTraceDelta } from './messageCheck.js'
import type { SandboxResult, SandboxRunEvents, SandboxRunRequest, SandboxWorker } from './sandbox.js'
import { CRASH, type TraceDelta } from './sandboxMessages.js'

/** The host's record of one run: trace so far, last status, crash record, watchdog. */
export class RunState {
  readonly trace = new TraceRecorder()
  readonly frames: FrameHistory
  /** Why the run can no longer be inspected (its worker is gone), or null. */
  gone: string | null = null
  readonly names: string[] = []
  readonly swaps: ((r: SwapResult) => void)[] = []
  crash: Int32Array | null = null
  worker: SandboxWorker | null = null
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
    this.frames = new FrameHistory(request.frameBudgetBytes)
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

  addTrace(value: TraceDelta): void {
    const t = this.trace
    const have = { count: t.count, strings: t.strings.size, details: t.details.length, tracks: t.tracks.length, argLayouts: t.argLayouts.length, knownString: (s: string) => t.strings.has(s) }
    const update = checkTraceDelta(value, have)
    this.trace.append(update.rows, update.strings, update.details, update.schema)
    this.events.onTrace?.(update)
  }

  addTaps(frames: FrameTap[], audio: AudioTap[], captured: CapturedBuffer[] = []): void {
    if (this.events.onCaptured !== undefined) for (const buffer of captured) this.events.onCaptured(buffer)
    for (const frame of frames) {
      this.frames.add(frame)
      this.events.onFrame?.(frame)
    }
    if (this.events.onAudio !== undefined) for (const level of audio) this.events.onAudio(level)
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

  /** The backstop cut a slice short: a loop the watchdog does not see (or the simulation's own). */
  markCutShort(report: RunReport, why: string, callback: string | null): void {
    this.bugcheck(report, BUGCHECK.DPC_WATCHDOG_VIOLATION, callback, this.culprit(callback), `${callback ?? 'the simulation'}: ${why} (an infinite loop?)`, report.virtualTimeNs)
  }

  /** The worker is gone: the report comes from the last status and the crash record. */
  finishCrashed(why: string, code: number): void {
    const report = this.lastStatus ?? emptyReport(this.request)
    const callback = this.crashCallback()
    const location = this.culprit(callback)
    const message = `${why}${callback ? ` in ${callback}` : ''}${location ? ` (last in the loop at ${location.file}:${location.line})` : ''}`
    this.bugcheck(report, code, callback, location, message, this.crashVirtualNs() ?? report.virtualTimeNs)
    // What the worker shipped before it died is the trace there is.
    report.traceEvents = this.trace.count
    this.finish(report)
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

  /** Where the host blames a stuck or dead run: the last loop checked, else the callback's function. */
  private culprit(callback: string | null): SourceLocation | null {
    const sites = this.request.driver.functionSites
    return this.loopLocation() ?? (callback !== null && Object.hasOwn(sites, callback) ? sites[callback] : null)
  }

  /** The run fails with bug check `code`, raised here because the worker could not raise it itself. */
  private bugcheck(report: RunReport, code: number, callback: string | null, location: SourceLocation | null, message: string, timeNs: number): void {
    report.bugcheck = bugcheckForReport({ code, name: bugcheckName(code), message, callback, location, stack: null, timeNs })
    markFailed(report, `bug check ${bugcheckName(code)}`)
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
    frames: { delivered: 0, dropped: 0, abortedAtStop: 0, torn: 0, stale: 0 },
    audio: { buffers: 0, bytes: 0 },
    srbs: { total: 0, byCommand: {}, completed: 0, cancelled: 0, timedOut: 0, outstanding: 0 },
    interrupts: { raised: 0, claimed: 0, spurious: 0 },
    verifier: [],
    findingCounts: {},
    verifierErrors: 0,
    bugcheck: null,
    expectations: [],
    debugOutput: [],
    traceEvents: 0,
  }
}
