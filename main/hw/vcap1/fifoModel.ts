/**
 * The video FIFO as arithmetic (docs/vcap1.md, "Timing"): the source fills the FIFO at line rate from a
 * frame's SOF for the active time, the DMA engine drains it at the bus rate while a descriptor's
 * transfer runs. Levels are piecewise linear in time, so the card never simulates bytes one by one: it
 * asks when the level first passes the FIFO's depth and schedules one event for that moment.
 */

/** What the model reads of a frame (the video channel's Frame). */
export interface FifoFrame {
  active: boolean
  /** Virtual time of the frame's SOF. */
  sof: number
  /** Bytes the source produces. */
  payload: number
  /** Bytes placed in memory so far. */
  placed: number
}

export class FifoModel {
  /** Bytes of a whole frame, and how long the source takes to produce them. */
  frameSize = 0
  activeNs = 0
  /** Scratch for overflowTime's breakpoints (no allocation per descriptor). */
  private readonly points = new Float64Array(6)

  constructor(
    /** The FIFO's depth in bytes (a setting of the card). */
    public depth: number,
  ) {}

  /** When byte `offset` of frame `f` has entered the FIFO. */
  availableAt(f: FifoFrame, offset: number): number {
    return f.sof + (Math.min(offset, f.payload) / this.frameSize) * this.activeNs
  }

  /** Bytes of frame `f` the source has produced by `t`. */
  produced(f: FifoFrame, t: number): number {
    if (!f.active || t <= f.sof) return 0
    return Math.min(f.payload, ((t - f.sof) / this.activeNs) * this.frameSize)
  }

  /** The level at `t` if `f`'s current transfer of `xferBytes` runs from `xferStart` at `rate`, with `next` filling behind. */
  levelAt(t: number, f: FifoFrame, next: FifoFrame, xferStart: number, xferBytes: number, rate: number): number {
    let placed = f.placed
    if (t > xferStart) placed += Math.min(xferBytes, (t - xferStart) * rate)
    let level = Math.max(0, this.produced(f, t) - placed)
    if (next.active) level += this.produced(next, t)
    return level
  }

  /**
   * The first time in [from, to] at which the FIFO holds more than its depth, given a transfer of
   * `xferBytes` from `xferStart` at `rate`, frame `next` behind `f` (or, when it has not started, its
   * SOF at `nextSof`); -1 if it never does. The level is checked at the ends and the breakpoints and the
   * crossing found by bisection.
   */
  overflowTime(from: number, to: number, f: FifoFrame, next: FifoFrame, nextSof: number, xferStart: number, xferBytes: number, rate: number): number {
    const limit = this.depth
    // Cheap bound first (the usual case): even with nothing drained, could the FIFO exceed its depth?
    let bound = this.produced(f, to) - f.placed
    if (next.active) bound += this.produced(next, to)
    else if (nextSof < to) bound += this.frameSize * Math.min(1, (to - nextSof) / this.activeNs)
    if (bound <= limit) return -1
    const points = this.points
    let n = 0
    points[n++] = from
    points[n++] = xferStart
    points[n++] = to
    points[n++] = f.sof + this.activeNs
    if (next.active) {
      points[n++] = next.sof
      points[n++] = next.sof + this.activeNs
    }
    points.subarray(0, n).sort()
    let prev = from
    for (let i = 0; i < n; i++) {
      const p = points[i]
      if (p < from || p > to) continue
      if (this.levelAt(p, f, next, xferStart, xferBytes, rate) > limit) {
        let lo = prev
        let hi = p
        for (let j = 0; j < 40 && hi - lo > 1; j++) {
          const mid = (lo + hi) / 2
          if (this.levelAt(mid, f, next, xferStart, xferBytes, rate) > limit) hi = mid
          else lo = mid
        }
        return Math.ceil(hi)
      }
      prev = p
    }
    return -1
  }
}
