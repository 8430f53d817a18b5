/**
 * Keeps a view current without flooding the backend: `request()` may be called on every status event;
 * the task runs at most once per `minIntervalMs`, never while the previous run is still waiting for its
 * answer, and a request made meanwhile is not lost (it runs as soon as it is allowed: the last state is
 * always fetched).
 */

/** The timer functions the scheduler uses (injectable so that tests drive time). */
export interface SchedulerClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const realClock: SchedulerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

export class RefreshScheduler {
  private pending = false
  private inFlight = false
  private timer: unknown = null
  private lastStart = -Infinity
  private disposed = false

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly minIntervalMs: number,
    private readonly clock: SchedulerClock = realClock,
  ) {}

  /** Asks for a run of the task: now if allowed, otherwise as soon as it is. */
  request(): void {
    if (this.disposed) return
    this.pending = true
    this.pump()
  }

  /** A request is waiting or the task is running. */
  get busy(): boolean {
    return this.pending || this.inFlight
  }

  /** Stops: no further runs (an answer still on its way is ignored by the caller's own checks). */
  dispose(): void {
    this.disposed = true
    this.pending = false
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
  }

  private pump(): void {
    if (this.disposed || this.inFlight || this.timer !== null || !this.pending) return
    const wait = this.lastStart + this.minIntervalMs - this.clock.now()
    if (wait > 0) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = null
        this.pump()
      }, wait)
      return
    }
    this.pending = false
    this.inFlight = true
    this.lastStart = this.clock.now()
    let result: Promise<unknown>
    try {
      result = Promise.resolve(this.task())
    } catch (error) {
      result = Promise.reject(error)
    }
    // The task reports its own errors; the scheduler only needs to know that it ended.
    result
      .catch(() => undefined)
      .then(() => {
        this.inFlight = false
        this.pump()
      })
  }
}
