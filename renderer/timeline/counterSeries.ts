import { grow, upperBound } from './columns.js'
import { settleTail } from './settleTail.js'
import type { LaneListener } from './spanLane.js'

/**
 * The samples of one counter track, sorted by time: a sample's value holds until the next sample
 * (a step function), and the last one holds to the end of the trace.
 */
export class CounterSeries {
  n = 0
  ts = new Float64Array(16)
  value = new Float64Array(16)
  row = new Uint32Array(16)
  /** Smallest and largest value ever sampled (the track's vertical scale). */
  min = Infinity
  max = -Infinity
  /** The min/max pyramid of this series, attached by mipmap.ts on first use. */
  listener: LaneListener | null = null
  private sorted = 0

  push(ts: number, value: number, row: number): void {
    const i = this.n
    if (i === this.ts.length) {
      this.ts = grow(this.ts, i + 1)
      this.value = grow(this.value, i + 1)
      this.row = grow(this.row, i + 1)
    }
    this.ts[i] = ts
    this.value[i] = value
    this.row[i] = row
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
    this.n = i + 1
  }

  /** Sorts what was pushed since the last call into place. Returns the first changed index (n when none). */
  settle(): number {
    const n = this.n
    if (this.sorted === n) return n
    const p = settleTail(this.ts, this.row, this.sorted, n, [this.value])
    this.sorted = n
    this.listener?.invalidateFrom(p)
    return p
  }

  /** Index of the sample in force at time t (the last one at or before t), or -1 before the first. */
  indexAt(t: number): number {
    return upperBound(this.ts, t, 0, this.n) - 1
  }
}
