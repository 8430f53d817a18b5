import type { ClockSource } from '../classdriver/masterClock.js'
import { TIME_GET_STREAM_TIME, type HW_TIME_CONTEXT } from '../classdriver/wdk/strminiTypes.js'
import type { Kernel } from '../sim/kernel.js'

/**
 * The filter graph's reference clock as the client offers it through SRB_INDICATE_MASTER_CLOCK: stream
 * time runs while the graph runs, stops in PAUSE, and restarts from 0 after STOP (DirectShow semantics).
 * Times are 100 ns units.
 */
export class GraphClock implements ClockSource {
  readonly name = 'system clock'
  private runningSince = -1
  private accumulated = 0

  constructor(private readonly kernel: Kernel) {}

  run(): void {
    if (this.runningSince < 0) this.runningSince = this.kernel.now()
  }

  pause(): void {
    if (this.runningSince < 0) return
    this.accumulated += this.kernel.now() - this.runningSince
    this.runningSince = -1
  }

  stop(): void {
    this.runningSince = -1
    this.accumulated = 0
  }

  /** Stream time in 100 ns units. */
  streamTime(): number {
    const now = this.kernel.now()
    return Math.floor((this.accumulated + (this.runningSince >= 0 ? now - this.runningSince : 0)) / 100)
  }

  read(context: HW_TIME_CONTEXT): void {
    context.Time = context.Function === TIME_GET_STREAM_TIME ? this.streamTime() : Math.floor(this.kernel.now() / 100)
  }
}
