// The runs in the store: those this page has seen and the one shown, their status and reports; starting,
// reloading, controlling, opening and comparing runs; and the backend's events about them.
import { markRaw } from 'vue'
import type { Comparison, RunControl, RunEnded, RunInfo, RunStatus, Speed, TraceChunk } from '../../main/contract/api.js'
import type { SwapResult } from '../../main/contract/report.js'
import { formatDuration } from '../timeline/timeFormat.js'
import { checkDuration } from './runOptions.js'
import { statusFromReport } from './statusText.js'
import { WorkbenchProblems } from './workbenchProblems.js'

export abstract class WorkbenchRuns extends WorkbenchProblems {
  /** Runs this page has seen, oldest first. */
  runs: RunInfo[] = []
  currentRunId: number | null = null
  status: RunStatus | null = null
  /** The last report of each run that ended. */
  ended: Record<number, RunEnded> = {}
  /** A run or reload call is on its way. */
  starting = false
  comparison: Comparison | null = null
  /** False while the backend replays what happened before this page connected (no notices for it). */
  protected caughtUp = false
  private readonly statusByRun = markRaw(new Map<number, RunStatus>())

  get currentRun(): RunInfo | null {
    return this.runs.find((r) => r.runId === this.currentRunId) ?? null
  }

  get runState(): 'idle' | 'starting' | 'running' | 'paused' | 'finished' | 'file' {
    if (this.starting) return 'starting'
    const run = this.currentRun
    if (run === null) return 'idle'
    if (run.origin === 'file') return 'file'
    return this.status?.runId === run.runId ? this.status.state : 'starting'
  }

  get canRun(): boolean {
    return this.connected && this.project !== null && !this.starting && this.trustPrompt === null
  }

  get canPause(): boolean {
    return this.connected && this.runState === 'running'
  }

  get canResume(): boolean {
    return this.connected && this.runState === 'paused'
  }

  get canStep(): boolean {
    return this.canResume
  }

  get canStop(): boolean {
    return this.connected && (this.runState === 'running' || this.runState === 'paused')
  }

  // ------------------------------------------------------------------------------ starting runs

  /** Ctrl+Enter: a new run with the editor's buffers (saved or not). */
  async run(paused = false): Promise<boolean> {
    if (!this.canRun) return false
    let duration: string
    try {
      duration = checkDuration(this.options.duration)
    } catch (e) {
      this.fail('Cannot run', e)
      return false
    }
    return this.whenTrusted('Not run', () => this.startRun(paused, duration))
  }

  private async startRun(paused: boolean, duration: string): Promise<boolean | 'untrusted'> {
    this.starting = true
    try {
      const r = await this.api().run({
        buffers: this.buffers.dirty(),
        scenario: this.options.scenario,
        seed: this.options.seed,
        speed: this.options.speed,
        duration,
        ...(paused ? { paused: true } : {}),
      })
      if (!r.ok && r.untrusted !== undefined) {
        this.trust = r.untrusted
        return 'untrusted'
      }
      if (!r.ok) {
        this.compileProblems = r.problems
        this.notify('error', `The run did not start: ${r.problems.length} problem(s)`)
        this.revealFirstError(r.problems)
        return false
      }
      this.compileProblems = []
      this.adoptRun(r.run)
      return true
    } catch (e) {
      this.fail('The run did not start', e)
      return false
    } finally {
      this.starting = false
    }
  }

  /** Ctrl+S's second half: the saved code reaches the run (hot swap or replay, by the toolbar's choice). */
  async reload(): Promise<boolean> {
    if (!this.connected) return false
    return this.whenTrusted('Not reloaded', () => this.reloadRun())
  }

  private async reloadRun(): Promise<boolean | 'untrusted'> {
    this.starting = true
    try {
      const r = await this.api().reload(this.buffers.driverSources(), this.options.reloadMode)
      if (!r.ok && r.untrusted !== undefined) {
        this.trust = r.untrusted
        return 'untrusted'
      }
      this.compileProblems = r.problems.filter((p) => p.source === 'compile' || p.source === 'project' || p.source === 'scenario')
      if (!r.ok) {
        this.notify('error', `Reload failed: ${r.problems[0]?.message ?? r.swap?.error ?? 'see Problems'}`)
        this.revealFirstError(r.problems)
        return false
      }
      if (r.run !== undefined) {
        this.adoptRun(r.run)
        if (r.mode === 'swap') this.notify('info', `Hot swap was not possible, replaying as run ${r.run.runId}`)
        else this.notify('info', `Replaying as run ${r.run.runId}`)
      }
      // A swap (done or refused) is told by the backend's `swapped` event, which reaches this page
      // too: a notice from the answer as well would show it twice.
      return true
    } catch (e) {
      this.fail('Reload failed', e)
      return false
    } finally {
      this.starting = false
    }
  }

  // ---------------------------------------------------------------------------- the run going

  pause(): Promise<boolean> {
    return this.control({ op: 'pause' }, this.canPause)
  }

  resume(): Promise<boolean> {
    return this.control({ op: 'resume' }, this.canResume)
  }

  step(): Promise<boolean> {
    return this.control({ op: 'step', ns: this.options.stepNs }, this.canStep)
  }

  stop(): Promise<boolean> {
    return this.control({ op: 'stop' }, this.canStop)
  }

  /** Sets the speed for the next runs and, when one is going, for it too. */
  async setSpeed(speed: Speed): Promise<void> {
    this.options.speed = speed
    if (this.canStop) await this.control({ op: 'speed', speed }, true)
  }

  private async control(c: RunControl, allowed: boolean): Promise<boolean> {
    if (!allowed) return false
    try {
      await this.api().control(c)
      return true
    } catch (e) {
      this.fail(`Could not ${c.op}`, e)
      return false
    }
  }

  // ------------------------------------------------------------------------ runs seen and shown

  /** Opens a Chrome trace JSON as a read-only run. */
  async openTrace(path: string): Promise<boolean> {
    try {
      const run = await this.api().openTrace(path)
      this.adoptRun(run)
      const w = run.warnings ?? []
      this.notify('info', `Opened ${path} as run ${run.runId}${w.length > 0 ? ` (${w.length} warning(s): ${w[0]})` : ''}`)
      return true
    } catch (e) {
      this.fail(`Could not open the trace ${path}`, e)
      return false
    }
  }

  async listRuns(): Promise<RunInfo[]> {
    try {
      const list = await this.api().runs()
      for (const s of list) this.upsertRun(s.run)
      return list.map((s) => s.run)
    } catch (e) {
      this.fail('Could not list the runs', e)
      return []
    }
  }

  async compareRuns(before: number, after: number): Promise<Comparison | null> {
    try {
      const c = await this.api().compareRuns(before, after)
      this.comparison = c
      return c
    } catch (e) {
      this.fail(`Could not compare runs ${before} and ${after}`, e)
      return null
    }
  }

  /** Shows a run the page still holds the trace of. */
  showRun(runId: number): boolean {
    if (this.traces.get(runId) === undefined) {
      this.notify('error', `The trace of run ${runId} is no longer held by this page (only the last few are)`)
      return false
    }
    this.currentRunId = runId
    this.status = this.statusByRun.get(runId) ?? null
    this.runProblems = this.ended[runId]?.problems ?? []
    this.showTrace(runId)
    return true
  }

  hasTrace(runId: number): boolean {
    return this.traces.get(runId) !== undefined
  }

  /** A run (new, replayed or opened from a file) becomes the one shown. Safe to call twice. */
  private adoptRun(run: RunInfo): void {
    const known = this.runs.some((r) => r.runId === run.runId)
    this.upsertRun(run)
    if (!this.traces.get(run.runId)) this.traces.begin(run.runId)
    if (known && this.currentRunId === run.runId) return
    this.currentRunId = run.runId
    this.status = this.statusByRun.get(run.runId) ?? null
    this.runProblems = this.ended[run.runId]?.problems ?? []
    if (run.origin !== 'replay') this.comparison = null
    this.showTrace(run.runId)
  }

  private upsertRun(run: RunInfo): void {
    const i = this.runs.findIndex((r) => r.runId === run.runId)
    if (i >= 0) this.runs[i] = run
    else this.runs.push(run)
  }

  // ------------------------------------------------------------------------------ backend events

  protected onRunStarted(run: RunInfo): void {
    this.adoptRun(run)
  }

  protected onTrace(chunk: TraceChunk): void {
    this.traces.ingest(chunk)
    if (chunk.runId === this.trace.runId) this.trace.version++
  }

  protected onStatus(s: RunStatus): void {
    this.statusByRun.set(s.runId, s)
    if (s.runId === this.currentRunId) this.status = s
  }

  protected onRunEnded(e: RunEnded): void {
    this.ended[e.runId] = markRaw(e)
    if (this.statusByRun.get(e.runId)?.state !== 'finished') this.onStatus(statusFromReport(e.runId, e.report))
    if (e.runId !== this.currentRunId) return
    this.runProblems = e.problems
    if (e.comparison !== null) this.comparison = e.comparison
    if (!this.caughtUp) return
    const r = e.report
    const what = `${formatDuration(r.virtualTimeNs)} virtual, ${r.frames.delivered} frames`
    if (e.stopped) {
      // A stop is the user's, not the run's failure; problems the driver had until then still count.
      const errors = e.problems.filter((p) => p.severity === 'error').length
      this.notify(errors > 0 ? 'error' : 'info', `Run ${e.runId} stopped at ${formatDuration(r.virtualTimeNs)} (${r.frames.delivered} frames)${errors > 0 ? `; ${errors} problem(s) until then` : ''}`)
      return
    }
    const why = r.result === 'pass' ? 'passed' : `failed${r.failures.length > 0 ? `: ${r.failures[0]}` : ''}`
    this.notify(r.result === 'pass' ? 'success' : 'error', `Run ${e.runId} ${why} (${what})`)
  }

  protected onSwapped(runId: number, s: SwapResult): void {
    if (!s.ok) {
      this.notify('error', `Hot swap into run ${runId} failed: ${s.error ?? 'unknown error'}`)
      return
    }
    const kept = s.kept.length > 0 ? `; kept old code: ${s.kept.join(', ')}` : ''
    this.notify('success', `Hot-swapped at ${formatDuration(s.timeNs)}: ${s.replaced.length > 0 ? s.replaced.join(', ') : 'nothing replaced'}${kept}`)
  }
}
