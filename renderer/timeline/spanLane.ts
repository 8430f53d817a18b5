import { grow, lowerBound, upperBound } from './columns.js'
import { settleTail } from './settleTail.js'

/** Told about every change of a lane, from the first changed index on (the lane's mipmap). */
export interface LaneListener {
  invalidateFrom(index: number): void
}

/**
 * One row of spans on the timeline, sorted by start: the slices of one depth of a slices track, the
 * spans placed on one row of an async track, or the instants of a track (spans of length zero).
 *
 * Columns: start, end, maxEnd (running maximum of end, so the first span that can reach a time is
 * found by binary search even when spans overlap), name (string id), row (the trace row, for the
 * selection) and ref (what the owner wants to find again: an async span's index).
 */
export class SpanLane {
  n = 0
  start = new Float64Array(16)
  end = new Float64Array(16)
  maxEnd = new Float64Array(16)
  name = new Uint32Array(16)
  row = new Uint32Array(16)
  ref = new Uint32Array(16)
  /** The level-of-detail summaries of this lane, attached by mipmap.ts on first use. */
  listener: LaneListener | null = null
  private sorted = 0

  /** Appends a span at the tail; `settle` puts it in place. */
  push(start: number, end: number, name: number, row: number, ref = 0): void {
    const i = this.n
    if (i === this.start.length) this.reserve(i + 1)
    this.start[i] = start
    this.end[i] = end
    this.name[i] = name
    this.row[i] = row
    this.ref[i] = ref
    this.n = i + 1
  }

  /** Sorts what was pushed since the last call into place. Returns the first changed index (n when none). */
  settle(): number {
    const n = this.n
    if (this.sorted === n) return n
    const p = settleTail(this.start, this.row, this.sorted, n, [this.end, this.name, this.ref])
    this.sorted = n
    let m = p > 0 ? this.maxEnd[p - 1] : -Infinity
    for (let i = p; i < n; i++) {
      const e = this.end[i]
      if (e > m) m = e
      this.maxEnd[i] = m
    }
    this.listener?.invalidateFrom(p)
    return p
  }

  /** Drops the spans from index `n` on (async rows are re-placed from a point). */
  truncate(n: number): void {
    if (n >= this.n) return
    this.n = n
    this.sorted = Math.min(this.sorted, n)
    this.listener?.invalidateFrom(n)
  }

  /** First index whose span can reach time t or later (end >= t), by the running maximum. */
  firstEndingAtOrAfter(t: number): number {
    return lowerBound(this.maxEnd, t, 0, this.n)
  }

  /** Number of spans starting at or before t (the index of the first starting after it). */
  countStartingBy(t: number): number {
    return upperBound(this.start, t, 0, this.n)
  }

  private reserve(need: number): void {
    this.start = grow(this.start, need)
    this.end = grow(this.end, need)
    this.maxEnd = grow(this.maxEnd, need)
    this.name = grow(this.name, need)
    this.row = grow(this.row, need)
    this.ref = grow(this.ref, need)
  }
}
