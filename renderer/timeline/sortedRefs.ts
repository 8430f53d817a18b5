import { grow, lowerBound, upperBound } from './columns.js'
import { settleTail } from './settleTail.js'

/**
 * References (indexes into some other columns) kept sorted by a time key, ties broken by trace row:
 * the async spans of a track by begin time, the flow points by time.
 */
export class SortedRefs {
  n = 0
  key = new Float64Array(16)
  row = new Uint32Array(16)
  ref = new Uint32Array(16)
  private sorted = 0

  push(key: number, row: number, ref: number): void {
    const i = this.n
    if (i === this.key.length) {
      this.key = grow(this.key, i + 1)
      this.row = grow(this.row, i + 1)
      this.ref = grow(this.ref, i + 1)
    }
    this.key[i] = key
    this.row[i] = row
    this.ref[i] = ref
    this.n = i + 1
  }

  /** Sorts what was pushed since the last call into place. Returns the first changed index (n when none). */
  settle(): number {
    const n = this.n
    if (this.sorted === n) return n
    const p = settleTail(this.key, this.row, this.sorted, n, [this.ref])
    this.sorted = n
    return p
  }

  /** First position with key >= t. */
  lowerBound(t: number): number {
    return lowerBound(this.key, t, 0, this.n)
  }

  /** First position with key > t. */
  upperBound(t: number): number {
    return upperBound(this.key, t, 0, this.n)
  }
}
