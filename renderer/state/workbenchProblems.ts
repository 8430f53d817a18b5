// The problems in the store: of compiling, of the project, of scenario files as they are edited, of the
// run shown, and the editor's own diagnostics; the list they make, and stepping through it.
import { markRaw } from 'vue'
import type { Problem } from '../../main/contract/api.js'
import { sortProblems, stepIndex } from './problems.js'
import type { WorkbenchOptions } from './workbenchCore.js'
import { JUMP_WINDOW_NS, WorkbenchView } from './workbenchView.js'

export abstract class WorkbenchProblems extends WorkbenchView {
  compileProblems: Problem[] = []
  runProblems: Problem[] = []
  /** Scenario files being edited, validated as the user types. */
  scenarioProblems: Record<string, Problem[]> = {}
  /** The editor's own TypeScript diagnostics per file (already markers in the editor). */
  typeProblems: Record<string, Problem[]> = {}
  /** Index into `problems` of the one last shown (F8 steps from it). */
  problemIndex = -1
  private readonly checkTimers = markRaw(new Map<string, unknown>())
  private readonly checkDelayMs: number

  constructor(options: WorkbenchOptions) {
    super(options)
    this.checkDelayMs = options.checkDelayMs ?? 400
  }

  get problems(): Problem[] {
    return sortProblems([...this.markerProblems, ...Object.values(this.typeProblems).flat()])
  }

  /** The problems the editor marks itself (all but its own TypeScript diagnostics, which it already shows). */
  get markerProblems(): Problem[] {
    return [...this.compileProblems, ...Object.values(this.scenarioProblems).flat(), ...this.runProblems]
  }

  /** The editor's TypeScript diagnostics of a file, for the Problems list. */
  setTypeProblems(path: string, problems: Problem[]): void {
    // The editor reports on every marker change of a file (ours included): keep the list when it is the same.
    if (JSON.stringify(this.typeProblems[path] ?? []) === JSON.stringify(problems)) return
    if (problems.length === 0) delete this.typeProblems[path]
    else this.typeProblems[path] = problems
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

  /** Another project: the problems of the one before go (a run's stay until another run is shown). */
  protected forgetProjectProblems(): void {
    this.compileProblems = []
    this.scenarioProblems = {}
    this.typeProblems = {}
    this.problemIndex = -1
  }

  protected revealFirstError(problems: readonly Problem[]): void {
    const first = sortProblems(problems).find((p) => p.severity === 'error' && p.location !== undefined)
    if (first?.location !== undefined && this.buffers.has(first.location.file)) this.revealLocation(first.location)
  }

  /** Validates a scenario file once its edits have paused for the check delay. */
  protected scheduleScenarioCheck(path: string): void {
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
}
