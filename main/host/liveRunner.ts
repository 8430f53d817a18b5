import { watch, type FSWatcher } from 'node:fs'
import { compileDriver } from './compile.js'
import type { CompileError, CompiledDriver } from './compiledDriver.js'
import type { Sandbox, SandboxResult, SandboxRun, SandboxRunRequest } from './sandbox/sandbox.js'
import type { SwapResult } from './sessionCore.js'
import { diffRuns, type RunDiff } from './traceDiff.js'

/** How saved code reaches the run: into the running session, or as a new run from t = 0. */
export type ReloadMode = 'swap' | 'replay'

export interface LiveRunnerEvents {
  compileFailed?: (errors: CompileError[]) => void
  runStarted?: (run: SandboxRun, driver: CompiledDriver) => void
  /** A run ended; `diff` compares it with the previous run (null for the first). */
  runFinished?: (result: SandboxResult, diff: RunDiff | null) => void
  swapped?: (result: SwapResult) => void
}

/**
 * Edit, save, see (issue 4): compiles the driver, runs it in the sandbox, and on every reload either
 * hot-swaps the new code into the running session or replays the scenario from t = 0 and diffs the
 * two runs. A hot swap when no run is going on becomes a replay. `mdwb run --watch` drives it from
 * file changes; the workbench from Ctrl+S.
 */
export class LiveRunner {
  private current: SandboxRun | null = null
  private previous: SandboxResult | null = null
  private watchers: FSWatcher[] = []
  private watchedFiles: string[] = []
  private watching = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly sandbox: Sandbox,
    private readonly entry: string,
    private readonly request: Omit<SandboxRunRequest, 'driver'>,
    public mode: ReloadMode,
    private readonly events: LiveRunnerEvents = {},
  ) {}

  /** Compiles and runs; resolves when the run has started (or compiling failed). */
  start(): Promise<void> {
    return this.enqueue(() => this.compileAndRun())
  }

  /** The code changed: swap it in or replay, per the mode. */
  reload(): Promise<void> {
    return this.enqueue(async () => {
      const compiled = await compileDriver(this.entry)
      if (!compiled.ok) {
        this.events.compileFailed?.(compiled.errors)
        return
      }
      this.follow(compiled.driver.files)
      if (this.mode === 'swap' && this.current !== null) {
        const result = await this.current.swap(compiled.driver)
        this.events.swapped?.(result)
        if (result.ok) return
      }
      this.current?.stop()
      await this.settled()
      this.launch(compiled.driver)
    })
  }

  /** Reloads on every change of the driver's files (debounced), until `close`. */
  watchFiles(): void {
    this.watching = true
    this.follow(this.watchedFiles)
  }

  /** The run in progress ends when its scenario does; this resolves then. */
  async settled(): Promise<void> {
    while (this.current !== null) await new Promise((r) => setTimeout(r, 10))
  }

  close(): void {
    for (const w of this.watchers) w.close()
    this.watchers = []
    if (this.timer !== null) clearTimeout(this.timer)
    this.current?.stop()
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(task, task)
    return this.chain
  }

  private async compileAndRun(): Promise<void> {
    const compiled = await compileDriver(this.entry)
    if (!compiled.ok) {
      this.events.compileFailed?.(compiled.errors)
      return
    }
    this.follow(compiled.driver.files)
    this.launch(compiled.driver)
  }

  private launch(driver: CompiledDriver): void {
    const run = this.sandbox.run({ ...this.request, driver })
    this.current = run
    this.events.runStarted?.(run, driver)
    void run.result.then((result) => {
      if (this.current === run) this.current = null
      const diff = this.previous === null ? null : diffRuns(this.previous, result)
      this.previous = result
      this.events.runFinished?.(result, diff)
    })
  }

  /** Follows these files (replacing earlier watches) once watching was asked for. */
  private follow(files: string[]): void {
    this.watchedFiles = files
    if (!this.watching) return
    for (const w of this.watchers) w.close()
    this.watchers = files.map((f) =>
      watch(f, () => {
        if (this.timer !== null) clearTimeout(this.timer)
        // Editors save in several writes: wait for the file to settle.
        this.timer = setTimeout(() => {
          this.timer = null
          void this.reload()
        }, 100)
      }),
    )
  }
}
