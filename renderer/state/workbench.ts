import { markRaw, reactive } from 'vue'
import type {
  Comparison,
  Hello,
  Problem,
  Project,
  ProjectTrust,
  ReloadMode,
  RunEnded,
  RunControl,
  RunInfo,
  RunStatus,
  Speed,
  TemplateId,
  TraceChunk,
  TypingFile,
} from '../../main/contract/api.js'
import type { SourceLocation, SwapResult } from '../../main/contract/report.js'
import type { BackendClient } from '../../main/contract/rpc.js'
import type { EventDetails } from '../timeline/traceStore.js'
import { formatDuration } from '../timeline/timeFormat.js'
import { BufferSet, normalizeProjectPath } from './buffers.js'
import { DraftSaver, type Timers } from './draftSaver.js'
import { sortProblems, stepIndex } from './problems.js'
import { pushRecent } from './projectPaths.js'
import { DEFAULT_STEP_NS, checkDuration } from './runOptions.js'
import { RunTraces, type RunTrace } from './runTraces.js'
import { statusFromReport, type Connection } from './statusText.js'
import { Tabs } from './tabs.js'

/**
 * The page's one store: everything the backend told us (project, runs, status, trace, problems) and
 * everything the user has in hand (buffers, tabs, run options, cursor, selection). Components read
 * it and call its actions; only the actions call the backend. Trace stores stay out of Vue's
 * reactivity (typed arrays behind proxies are slow): `trace.version` moves when they change.
 */

export interface Notice {
  id: number
  tone: 'info' | 'success' | 'error'
  text: string
}

export interface RunOptions {
  scenario: string
  seed: number
  speed: Speed
  duration: string
  reloadMode: ReloadMode
  stepNs: number
}

/** A request for the editor to show a place (seq changes on every request, even to the same place). */
export interface RevealRequest {
  path: string
  line: number
  column: number
  seq: number
}

/** A request for the timeline to centre a time (zoomed in to about `spanNs` around it when given). */
export interface JumpRequest {
  ns: number
  spanNs: number | null
  seq: number
}

/** The question "Run code from this folder?" on screen (workspace trust, restricted mode). */
export interface TrustPrompt {
  /** The folder it names (its real path) and the project root the answer goes to. */
  folder: string
  root: string
  /** Why nothing is trusted (the trust file was unreadable), when that is the case. */
  problem: string | null
}

/** How much trace a jump to a problem or a divergence shows around it when the view is wider. */
export const JUMP_WINDOW_NS = 4_000_000

export interface WorkbenchOptions {
  /** Quiet period before an unsaved buffer is sent as a draft. */
  draftDelayMs?: number
  /** Quiet period before a scenario file being edited is validated. */
  checkDelayMs?: number
  timers?: Timers
  /** Runs whose traces stay in memory. */
  keepTraces?: number
}

const NOTICE_LIMIT = 4
const DEFAULT_OPTIONS: RunOptions = { scenario: 'capture', seed: 1, speed: 1, duration: '2s', reloadMode: 'replay', stepNs: DEFAULT_STEP_NS }

export class Workbench {
  connection: Connection = 'connecting'
  connectionError: string | null = null
  hello: Hello | null = null
  typings: TypingFile[] = []
  project: Project | null = null
  /** Workspace trust of the open project (null: the backend did not say, it decides at every run). */
  trust: ProjectTrust | null = null
  /** The trust question while it is on screen. */
  trustPrompt: TrustPrompt | null = null
  recent: string[] = []
  readonly buffers = new BufferSet()
  readonly tabs = new Tabs()
  options: RunOptions = { ...DEFAULT_OPTIONS }

  /** Runs this page has seen, oldest first. */
  runs: RunInfo[] = []
  currentRunId: number | null = null
  status: RunStatus | null = null
  /** The last report of each run that ended. */
  ended: Record<number, RunEnded> = {}
  /** A run or reload call is on its way. */
  starting = false

  compileProblems: Problem[] = []
  runProblems: Problem[] = []
  /** Scenario files being edited, validated as the user types. */
  scenarioProblems: Record<string, Problem[]> = {}
  /** The editor's own TypeScript diagnostics per file (already markers in the editor). */
  typeProblems: Record<string, Problem[]> = {}
  /** Index into `problems` of the one last shown (F8 steps from it). */
  problemIndex = -1

  /** The timeline's trace: which run, and a counter that moves on every change to its store. */
  trace = { runId: null as number | null, version: 0 }
  cursorNs: number | null = null
  selection: EventDetails | null = null
  comparison: Comparison | null = null

  reveal: RevealRequest | null = null
  jump: JumpRequest | null = null
  notices: Notice[] = []

  client: BackendClient | null = null
  readonly traces: RunTraces
  /** Made on attach, so that its callbacks reach the reactive store. */
  private drafts: DraftSaver | null = null
  private readonly statusByRun = markRaw(new Map<number, RunStatus>())
  private readonly checkTimers = markRaw(new Map<string, unknown>())
  private readonly timers: Timers
  private readonly checkDelayMs: number
  private readonly draftDelayMs: number
  private seq = 0
  /** The pending answer to the trust question (one question at a time). */
  private trustAnswer: ((trust: boolean) => void) | null = null
  private trustAsked: Promise<boolean> | null = null
  private unsubscribe: (() => void)[] = []
  /** False while the backend replays what happened before this page connected (no notices for it). */
  private caughtUp = false

  constructor(options: WorkbenchOptions = {}) {
    this.timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) }
    this.checkDelayMs = options.checkDelayMs ?? 400
    this.draftDelayMs = options.draftDelayMs ?? 500
    this.traces = markRaw(new RunTraces(options.keepTraces ?? 4))
  }

  // ------------------------------------------------------------------------------------ derived

  get problems(): Problem[] {
    return sortProblems([...this.markerProblems, ...Object.values(this.typeProblems).flat()])
  }

  /** The problems the editor marks itself (all but its own TypeScript diagnostics, which it already shows). */
  get markerProblems(): Problem[] {
    return [...this.compileProblems, ...Object.values(this.scenarioProblems).flat(), ...this.runProblems]
  }

  get currentRun(): RunInfo | null {
    return this.runs.find((r) => r.runId === this.currentRunId) ?? null
  }

  /** The current run's trace (null before any run, or when it is no longer kept). */
  get currentTrace(): RunTrace | null {
    return this.traces.get(this.trace.runId) ?? null
  }

  get runState(): 'idle' | 'starting' | 'running' | 'paused' | 'finished' | 'file' {
    if (this.starting) return 'starting'
    const run = this.currentRun
    if (run === null) return 'idle'
    if (run.origin === 'file') return 'file'
    return this.status?.runId === run.runId ? this.status.state : 'starting'
  }

  get connected(): boolean {
    return this.connection === 'open'
  }

  get canRun(): boolean {
    return this.connected && this.project !== null && !this.starting && this.trustPrompt === null
  }

  /** Restricted mode: the open project's folder is not trusted, so nothing runs its code until the user trusts it. */
  get restricted(): boolean {
    return this.project !== null && this.trust?.trusted === false
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

  get activeBuffer() {
    return this.tabs.active === null ? undefined : this.buffers.get(this.tabs.active)
  }

  // ---------------------------------------------------------------------------------- connection

  /** Starts using a connected backend: listens to its events, then asks for the project. */
  async attach(client: BackendClient): Promise<void> {
    this.client = markRaw(client)
    this.connection = 'open'
    this.drafts = markRaw(
      new DraftSaver(
        (path, content) => client.api.storeDraft(path, content),
        this.draftDelayMs,
        (path, e) => this.notify('error', `Could not keep the unsaved changes of ${path}: ${e.message}`),
        this.timers,
      ),
    )
    this.unsubscribe = [
      client.on('runStarted', (r) => this.onRunStarted(r)),
      client.on('trace', (c) => this.onTrace(c)),
      client.on('status', (s) => this.onStatus(s)),
      client.on('runEnded', (e) => this.onRunEnded(e)),
      client.on('swapped', (s) => this.onSwapped(s.runId, s.result)),
    ]
    void client.closed.then((reason) => {
      this.connection = 'lost'
      this.connectionError = reason
      this.starting = false
    })
    try {
      const [hello, typings] = await Promise.all([client.api.hello(), client.api.typings()])
      // The backend sends a page what it missed as soon as it connects, before any answer.
      this.caughtUp = true
      this.hello = hello
      this.recent = [...hello.recent]
      this.typings = typings
      if (hello.project !== null) this.loadProject(hello.project)
    } catch (e) {
      this.caughtUp = true
      this.fail('Could not reach the backend', e)
    }
  }

  /** The connection could not be made at all. */
  connectFailed(reason: string): void {
    this.connection = 'lost'
    this.connectionError = reason
  }

  detach(): void {
    for (const off of this.unsubscribe) off()
    this.unsubscribe = []
    this.drafts?.reset()
  }

  /** Sends pending drafts now (the page is closing). */
  flushDrafts(): Promise<void> {
    return this.drafts?.flush() ?? Promise.resolve()
  }

  // ---------------------------------------------------------------------------- workspace trust

  /** True when the open project's code may run: trusted already, or the user answers Trust now. */
  async ensureTrusted(): Promise<boolean> {
    if (!this.restricted) return true
    return this.askTrust()
  }

  /** Shows the question "Run code from this folder?" (one at a time); resolves with whether it is trusted now. */
  askTrust(): Promise<boolean> {
    if (this.trustAsked !== null) return this.trustAsked
    const project = this.project
    if (project === null) return Promise.resolve(false)
    if (!this.restricted) return Promise.resolve(true)
    this.trustPrompt = { folder: this.trust?.folder ?? project.root, root: project.root, problem: this.trust?.problem ?? null }
    const asked = new Promise<boolean>((resolve) => (this.trustAnswer = resolve))
    this.trustAsked = asked
    return asked
  }

  /** The question's answer: Trust (remembered by the backend for the folder) or Cancel (nothing changes). */
  async answerTrust(trust: boolean): Promise<void> {
    const prompt = this.trustPrompt
    const answer = this.trustAnswer
    if (prompt === null || answer === null) return
    let trusted = false
    if (trust) {
      try {
        const t = await this.api().trustProject(prompt.root)
        if (this.project?.root === prompt.root) this.trust = t
        trusted = t.trusted
      } catch (e) {
        this.fail(`Could not trust ${prompt.folder}`, e)
      }
    }
    if (this.trustAnswer !== answer) return
    this.trustPrompt = null
    this.trustAnswer = null
    this.trustAsked = null
    answer(trusted)
  }

  /** Another project opens: a question about the one before is answered Cancel. */
  private cancelTrustPrompt(): void {
    const answer = this.trustAnswer
    this.trustPrompt = null
    this.trustAnswer = null
    this.trustAsked = null
    answer?.(false)
  }

  // ------------------------------------------------------------------------------------ projects

  async openProject(root: string): Promise<boolean> {
    return this.projectCall(`Could not open ${root}`, () => this.api().openProject(root))
  }

  async newProject(template: TemplateId, root: string): Promise<boolean> {
    return this.projectCall(`Could not create a project in ${root}`, () => this.api().newProject(template, root))
  }

  async saveProjectAs(root: string): Promise<boolean> {
    return this.projectCall(`Could not save the project to ${root}`, () => this.api().saveProjectAs(root, this.buffers.dirty()))
  }

  /** Asks the native folder picker (Electron) for a folder; null in web mode or when cancelled. */
  async chooseFolder(purpose: 'open' | 'new' | 'save-as'): Promise<string | null> {
    if (this.hello?.nativeDialogs !== true) return null
    try {
      return await this.api().chooseFolder(purpose)
    } catch (e) {
      this.fail('The folder picker failed', e)
      return null
    }
  }

  private async projectCall(what: string, call: () => Promise<Project>): Promise<boolean> {
    try {
      this.loadProject(await call())
      return true
    } catch (e) {
      this.fail(what, e)
      return false
    }
  }

  /** Shows a project: its files as buffers, its drafts recovered, its settings as the run options. */
  loadProject(project: Project): void {
    this.drafts?.reset()
    this.cancelTrustPrompt()
    this.project = markRaw(project)
    this.trust = project.trust ?? null
    if (project.trust?.problem) this.notify('error', `Workspace trust: ${project.trust.problem}`)
    this.buffers.load(project.files)
    this.tabs.clear()
    this.compileProblems = []
    this.scenarioProblems = {}
    this.typeProblems = {}
    this.problemIndex = -1
    const s = project.settings
    this.options = { scenario: s.scenario, seed: s.seed, speed: s.speed, duration: s.duration, reloadMode: s.reloadMode, stepNs: this.options.stepNs }
    this.recent = pushRecent(this.recent, project.root)
    const recovered = this.buffers.recover(project.drafts)
    const first = this.buffers.has(s.driver) ? s.driver : (this.buffers.order.find((p) => this.buffers.get(p)?.kind === 'driver') ?? this.buffers.order[0])
    if (first !== undefined) this.tabs.show(first)
    for (const p of recovered) this.tabs.show(p)
    if (recovered.length > 0) {
      this.tabs.show(recovered[0])
      this.notify('info', `Recovered ${recovered.length} unsaved file(s): ${recovered.join(', ')}`)
    }
    for (const p of this.buffers.order) if (this.buffers.get(p)?.kind === 'scenario') this.scheduleScenarioCheck(p)
  }

  // ------------------------------------------------------------------------------------- buffers

  openFile(path: string): void {
    if (!this.buffers.has(path)) {
      this.notify('error', `${path} is not a file of this project`)
      return
    }
    this.tabs.show(path)
  }

  closeTab(path: string): void {
    this.tabs.close(path)
  }

  /** The editor's TypeScript diagnostics of a file, for the Problems list. */
  setTypeProblems(path: string, problems: Problem[]): void {
    // The editor reports on every marker change of a file (ours included): keep the list when it is the same.
    if (JSON.stringify(this.typeProblems[path] ?? []) === JSON.stringify(problems)) return
    if (problems.length === 0) delete this.typeProblems[path]
    else this.typeProblems[path] = problems
  }

  /** A new, empty file in the project (saved on Ctrl+S). Returns its normalised path, or null. */
  createFile(input: string): string | null {
    try {
      const path = normalizeProjectPath(input)
      this.buffers.create(path)
      this.tabs.show(path)
      return path
    } catch (e) {
      this.fail('Could not make the file', e)
      return null
    }
  }

  /** The editor changed a buffer. */
  edit(path: string, content: string): void {
    const b = this.buffers.get(path)
    if (b === undefined || b.content === content) return
    const dirty = this.buffers.edit(path, content)
    // Without a connection a draft cannot be kept (the status bar says so once; no notice per keystroke).
    if (this.connected) this.drafts?.changed(path, content, dirty)
    if (b.kind === 'scenario') this.scheduleScenarioCheck(path)
  }

  /** Ctrl+S: saves one file (the active one by default), then reloads the run with it. */
  async save(path: string | null = this.tabs.active): Promise<boolean> {
    if (path === null) return false
    const saved = await this.saveFiles([path])
    if (saved.length === 0) return false
    await this.reloadAfterSave(saved)
    return true
  }

  /** Ctrl+Shift+S: saves every dirty file, then reloads once. */
  async saveAll(): Promise<boolean> {
    const dirty = this.buffers.order.filter((p) => this.buffers.isDirty(p))
    const saved = await this.saveFiles(dirty)
    if (saved.length > 0) await this.reloadAfterSave(saved)
    return saved.length === dirty.length
  }

  private async saveFiles(paths: string[]): Promise<string[]> {
    const saved: string[] = []
    for (const path of paths) {
      const b = this.buffers.get(path)
      if (b === undefined) continue
      const content = b.content
      try {
        await this.api().saveFile(path, content)
        this.buffers.markSaved(path, content)
        await this.drafts?.saved(path)
        saved.push(path)
        if (b.kind === 'settings') this.applySettingsText(content)
      } catch (e) {
        this.fail(`Could not save ${path}`, e)
      }
    }
    return saved
  }

  /** A saved workbench.json changes the run options at once (the backend validates it on the next open). */
  private applySettingsText(text: string): void {
    let s: Record<string, unknown>
    try {
      s = JSON.parse(text) as Record<string, unknown>
    } catch {
      return
    }
    const o = this.options
    if (typeof s.scenario === 'string') o.scenario = s.scenario
    if (typeof s.seed === 'number' && Number.isInteger(s.seed) && s.seed >= 0) o.seed = s.seed
    if (s.speed === 'fast' || (typeof s.speed === 'number' && s.speed > 0)) o.speed = s.speed
    if (typeof s.duration === 'string') o.duration = s.duration
    if (s.reloadMode === 'swap' || s.reloadMode === 'replay') o.reloadMode = s.reloadMode
  }

  private async reloadAfterSave(saved: string[]): Promise<void> {
    const run = this.currentRun
    const driverSaved = saved.some((p) => this.buffers.get(p)?.kind === 'driver')
    if (run === null || run.origin === 'file' || !driverSaved || !this.connected) return
    await this.reload()
  }

  // ---------------------------------------------------------------------------------------- runs

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
    // Restricted mode: ask first; a backend that refuses all the same (the answer changed elsewhere) asks once more.
    for (let attempt = 0; ; attempt++) {
      if (!(await this.ensureTrusted())) {
        this.notify('info', `Not run: ${this.trust?.folder ?? 'the folder'} is in restricted mode (its code runs once you trust the folder)`)
        return false
      }
      const r = await this.startRun(paused, duration)
      if (r === 'untrusted' && attempt === 0) continue
      return r === true
    }
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
    for (let attempt = 0; ; attempt++) {
      if (!(await this.ensureTrusted())) {
        this.notify('info', `Not reloaded: ${this.trust?.folder ?? 'the folder'} is in restricted mode (its code runs once you trust the folder)`)
        return false
      }
      const r = await this.reloadRun()
      if (r === 'untrusted' && attempt === 0) continue
      return r === true
    }
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

  // ----------------------------------------------------------------------- timeline and problems

  setCursor(ns: number | null): void {
    this.cursorNs = ns
  }

  select(details: EventDetails | null): void {
    this.selection = details
  }

  /** Centres a time on the timeline and puts the cursor there; `spanNs`: zoom in to about that much around it. */
  jumpTo(ns: number, spanNs: number | null = null): void {
    this.cursorNs = ns
    this.jump = { ns, spanNs, seq: ++this.seq }
  }

  /** Opens a file at a line in the editor. */
  revealLocation(loc: SourceLocation): void {
    if (!this.buffers.has(loc.file)) {
      this.notify('error', `${loc.file} is not a file of this project`)
      return
    }
    this.tabs.show(loc.file)
    this.reveal = { path: loc.file, line: loc.line, column: loc.column, seq: ++this.seq }
  }

  /** A click on a problem: its line in the editor and its time on the timeline. */
  showProblem(p: Problem): void {
    const i = this.problems.indexOf(p)
    if (i >= 0) this.problemIndex = i
    if (p.location !== undefined && this.buffers.has(p.location.file)) this.revealLocation(p.location)
    if (p.timeNs !== undefined && this.currentTrace !== null) this.jumpTo(p.timeNs, JUMP_WINDOW_NS)
  }

  /** F8 / Shift+F8. */
  stepProblem(delta: 1 | -1): void {
    const list = this.problems
    const i = stepIndex(this.problemIndex, delta, list.length)
    if (i < 0) return
    this.showProblem(list[i])
  }

  /** The detail object (finding, debug print) a selected row points at, if any. */
  detailOf(details: EventDetails | null): unknown {
    if (details === null || details.detail < 0) return null
    return this.currentTrace?.details[details.detail] ?? null
  }

  // ------------------------------------------------------------------------------------- notices

  notify(tone: Notice['tone'], text: string): void {
    this.notices.push({ id: ++this.seq, tone, text })
    if (this.notices.length > NOTICE_LIMIT) this.notices.splice(0, this.notices.length - NOTICE_LIMIT)
  }

  dismiss(id: number): void {
    const i = this.notices.findIndex((n) => n.id === id)
    if (i >= 0) this.notices.splice(i, 1)
  }

  // ------------------------------------------------------------------------------ backend events

  private onRunStarted(run: RunInfo): void {
    this.adoptRun(run)
  }

  private onTrace(chunk: TraceChunk): void {
    this.traces.ingest(chunk)
    if (chunk.runId === this.trace.runId) this.trace.version++
  }

  private onStatus(s: RunStatus): void {
    this.statusByRun.set(s.runId, s)
    if (s.runId === this.currentRunId) this.status = s
  }

  private onRunEnded(e: RunEnded): void {
    this.ended[e.runId] = markRaw(e)
    if (this.statusByRun.get(e.runId)?.state !== 'finished') this.onStatus(statusFromReport(e.runId, e.report))
    if (e.runId !== this.currentRunId) return
    this.runProblems = e.problems
    if (e.comparison !== null) this.comparison = e.comparison
    if (!this.caughtUp) return
    const r = e.report
    const why = r.result === 'pass' ? 'passed' : `failed${r.failures.length > 0 ? `: ${r.failures[0]}` : ''}`
    this.notify(r.result === 'pass' ? 'success' : 'error', `Run ${e.runId} ${why} (${formatDuration(r.virtualTimeNs)} virtual, ${r.frames.delivered} frames)`)
  }

  private onSwapped(runId: number, s: SwapResult): void {
    if (!s.ok) {
      this.notify('error', `Hot swap into run ${runId} failed: ${s.error ?? 'unknown error'}`)
      return
    }
    const kept = s.kept.length > 0 ? `; kept old code: ${s.kept.join(', ')}` : ''
    this.notify('success', `Hot-swapped at ${formatDuration(s.timeNs)}: ${s.replaced.length > 0 ? s.replaced.join(', ') : 'nothing replaced'}${kept}`)
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

  private showTrace(runId: number): void {
    this.trace.runId = runId
    this.trace.version++
    this.selection = null
    this.cursorNs = null
  }

  // ------------------------------------------------------------------------------------- helpers

  private scheduleScenarioCheck(path: string): void {
    const prev = this.checkTimers.get(path)
    if (prev !== undefined) this.timers.clear(prev)
    this.checkTimers.set(
      path,
      this.timers.set(() => {
        this.checkTimers.delete(path)
        void this.checkScenario(path)
      }, this.checkDelayMs),
    )
  }

  private async checkScenario(path: string): Promise<void> {
    const b = this.buffers.get(path)
    if (b === undefined || !this.connected) return
    const text = b.content
    try {
      const problems = await this.api().checkScenario(text, path)
      // A newer edit may have been checked meanwhile; keep the answer for the text on screen.
      if (this.buffers.get(path)?.content === text) this.scenarioProblems[path] = problems.map((p) => (p.location === undefined ? { ...p, location: { file: path, line: 1, column: 1 } } : p))
    } catch {
      // Validation is a convenience while typing; a run reports the same problems.
    }
  }

  private revealFirstError(problems: readonly Problem[]): void {
    const first = sortProblems(problems).find((p) => p.severity === 'error' && p.location !== undefined)
    if (first?.location !== undefined && this.buffers.has(first.location.file)) this.revealLocation(first.location)
  }

  private fail(what: string, e: unknown): void {
    this.notify('error', `${what}: ${e instanceof Error ? e.message : String(e)}`)
  }

  private api(): BackendClient['api'] {
    if (this.client === null) throw new Error('not connected to the backend')
    return this.client.api
  }
}

/** The store, reactive (what the page uses). */
export function createWorkbench(options: WorkbenchOptions = {}): Workbench {
  return reactive(new Workbench(options)) as Workbench
}
