/**
 * Passes on at most `perSecond` values a second of wall time, always the newest: a value that comes
 * too soon waits, and is replaced by any newer one before its turn. For live previews (frames, audio
 * levels) where the page needs the latest, not every one.
 */
export class LatestThrottle<T> {
  private pending: T | null = null
  private last = -Infinity
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly intervalMs: number

  constructor(
    perSecond: number,
    private readonly send: (value: T) => void,
  ) {
    this.intervalMs = 1000 / perSecond
  }

  push(value: T): void {
    this.pending = value
    const wait = this.last + this.intervalMs - performance.now()
    if (wait <= 0) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), wait)
  }

  /** Sends the waiting value now (the run ended: the last frame must show). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    const value = this.pending
    if (value === null) return
    this.pending = null
    this.last = performance.now()
    this.send(value)
  }

  /** Drops the waiting value. */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.pending = null
  }
}
