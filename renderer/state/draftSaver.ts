/**
 * Keeps unsaved buffers safe across a crash: each edit schedules `storeDraft(path, content)` after a
 * quiet period (per file), a buffer that is clean again sends `null`, and a save cancels what was
 * pending. Failures go to `onError` (a lost draft is worth a notice, not a stopped editor).
 */

export interface Timers {
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

export class DraftSaver {
  private readonly pending = new Map<string, { handle: unknown; content: string | null }>()

  constructor(
    private readonly store: (path: string, content: string | null) => Promise<void>,
    private readonly delayMs = 500,
    private readonly onError: (path: string, error: Error) => void = () => {},
    private readonly timers: Timers = realTimers,
  ) {}

  /** A buffer changed: its draft is `content` (or nothing, when the buffer matches the file again). */
  changed(path: string, content: string, dirty: boolean): void {
    this.cancel(path)
    const value = dirty ? content : null
    const handle = this.timers.set(() => {
      this.pending.delete(path)
      this.send(path, value)
    }, this.delayMs)
    this.pending.set(path, { handle, content: value })
  }

  /** The file was saved: drop any pending draft and tell the backend the buffer is clean. */
  saved(path: string): Promise<void> {
    this.cancel(path)
    return this.send(path, null)
  }

  /** Sends every pending draft now (the page is going away). */
  flush(): Promise<void> {
    const all = [...this.pending.entries()]
    for (const [, p] of all) this.timers.clear(p.handle)
    this.pending.clear()
    return Promise.all(all.map(([path, p]) => this.send(path, p.content))).then(() => undefined)
  }

  /** Forgets pending drafts without sending them (another project was opened). */
  reset(): void {
    for (const p of this.pending.values()) this.timers.clear(p.handle)
    this.pending.clear()
  }

  get pendingPaths(): string[] {
    return [...this.pending.keys()]
  }

  private cancel(path: string): void {
    const p = this.pending.get(path)
    if (p === undefined) return
    this.timers.clear(p.handle)
    this.pending.delete(path)
  }

  private send(path: string, content: string | null): Promise<void> {
    return this.store(path, content).catch((e: unknown) => this.onError(path, e instanceof Error ? e : new Error(String(e))))
  }
}
