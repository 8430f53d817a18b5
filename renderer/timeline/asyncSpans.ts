import { grow } from './columns.js'
import { SortedRefs } from './sortedRefs.js'
import { SpanLane } from './spanLane.js'

/**
 * The async spans of one track (SRB lifetimes): begin and end rows paired by id, instants attached to
 * the span they belong to, and the spans placed on rows so that spans on one row never overlap.
 *
 * Placement is greedy in begin order (the lowest row free at the span's begin), the classic interval
 * partition, which uses as few rows as the maximum overlap. A span without its end yet runs to the end
 * of the trace and keeps its row busy. When an end arrives, or a begin arrives out of order, placement
 * is redone from that span's position on, so a trace fed in pieces ends up placed exactly like the
 * same trace fed at once.
 */
export class AsyncSpans {
  /** Spans, in the order their begins arrived. */
  n = 0
  beginTs = new Float64Array(16)
  /** +Infinity while the span is open. */
  endTs = new Float64Array(16)
  name = new Uint32Array(16)
  beginRow = new Uint32Array(16)
  /** Trace row of the end, -1 while open. */
  endRow = new Int32Array(16)
  id = new Float64Array(16)
  /** The row of the lane the span is placed on. */
  lane = new Int32Array(16)
  /** Position in `order`. */
  pos = new Uint32Array(16)
  /** First of the span's instants (a list linked through instNext, in time order), -1 when none. */
  instHead = new Int32Array(16)

  /** AsyncInstant rows attached to their span. */
  instN = 0
  instTs = new Float64Array(16)
  instName = new Uint32Array(16)
  instRow = new Uint32Array(16)
  instNext = new Int32Array(16)

  /** Spans sorted by (begin, row). */
  readonly order = new SortedRefs()
  /** The placed rows, each a lane of non-overlapping spans (lane.ref is the span index). */
  readonly rows: SpanLane[] = []

  private readonly open = new Map<number, number>()
  private changed = new Uint32Array(16)
  private changedN = 0
  private rowEnd = new Float64Array(16)

  /** Records an AsyncBegin row. */
  addBegin(ts: number, name: number, id: number, row: number): void {
    const s = this.n
    if (s === this.beginTs.length) {
      const need = s + 1
      this.beginTs = grow(this.beginTs, need)
      this.endTs = grow(this.endTs, need)
      this.name = grow(this.name, need)
      this.beginRow = grow(this.beginRow, need)
      this.endRow = grow(this.endRow, need)
      this.id = grow(this.id, need)
      this.lane = grow(this.lane, need)
      this.pos = grow(this.pos, need)
      this.instHead = grow(this.instHead, need)
    }
    this.beginTs[s] = ts
    this.endTs[s] = Infinity
    this.name[s] = name
    this.beginRow[s] = row
    this.endRow[s] = -1
    this.id[s] = id
    this.lane[s] = -1
    this.instHead[s] = -1
    this.n = s + 1
    this.open.set(id, s)
    this.order.push(ts, row, s)
  }

  /** Records an AsyncEnd row; false when no span with that id is open (the caller keeps it as an instant). */
  addEnd(ts: number, id: number, row: number): boolean {
    const s = this.open.get(id)
    if (s === undefined) return false
    this.open.delete(id)
    this.endTs[s] = ts < this.beginTs[s] ? this.beginTs[s] : ts
    this.endRow[s] = row
    this.changed = grow(this.changed, this.changedN + 1)
    this.changed[this.changedN++] = s
    return true
  }

  /** Records an AsyncInstant row inside the open span with its id; false when there is none. */
  addInstant(ts: number, name: number, id: number, row: number): boolean {
    const s = this.open.get(id)
    if (s === undefined) return false
    const j = this.instN
    if (j === this.instTs.length) {
      this.instTs = grow(this.instTs, j + 1)
      this.instName = grow(this.instName, j + 1)
      this.instRow = grow(this.instRow, j + 1)
      this.instNext = grow(this.instNext, j + 1)
    }
    this.instTs[j] = ts
    this.instName[j] = name
    this.instRow[j] = row
    this.instN = j + 1
    let prev = -1
    let cur = this.instHead[s]
    while (cur >= 0 && (this.instTs[cur] < ts || (this.instTs[cur] === ts && this.instRow[cur] < row))) {
      prev = cur
      cur = this.instNext[cur]
    }
    this.instNext[j] = cur
    if (prev < 0) this.instHead[s] = j
    else this.instNext[prev] = j
    return true
  }

  /** Sorts new spans into place and re-places rows from the first span affected by this batch. */
  settle(): void {
    const order = this.order
    const before = order.n
    const p = order.settle()
    for (let i = p; i < order.n; i++) this.pos[order.ref[i]] = i
    let k = p
    for (let c = 0; c < this.changedN; c++) k = Math.min(k, this.pos[this.changed[c]])
    this.changedN = 0
    if (k >= order.n && before === order.n) return
    this.place(k)
  }

  private place(k: number): void {
    const rows = this.rows
    const pos = this.pos
    for (let r = 0; r < rows.length; r++) {
      const lane = rows[r]
      // Spans of a row are in begin order, so their positions increase: cut at the first one >= k.
      let lo = 0
      let hi = lane.n
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (pos[lane.ref[mid]] < k) lo = mid + 1
        else hi = mid
      }
      lane.truncate(lo)
    }
    while (rows.length > 0 && rows[rows.length - 1].n === 0) rows.pop()
    this.rowEnd = grow(this.rowEnd, rows.length + 1)
    for (let r = 0; r < rows.length; r++) this.rowEnd[r] = rows[r].end[rows[r].n - 1]
    const order = this.order
    for (let i = k; i < order.n; i++) {
      const s = order.ref[i]
      const b = this.beginTs[s]
      let r = 0
      while (r < rows.length && this.rowEnd[r] > b) r++
      if (r === rows.length) {
        rows.push(new SpanLane())
        this.rowEnd = grow(this.rowEnd, rows.length + 1)
      }
      rows[r].push(b, this.endTs[s], this.name[s], this.beginRow[s], s)
      this.rowEnd[r] = this.endTs[s]
      this.lane[s] = r
    }
    for (const lane of rows) lane.settle()
  }

  /** The index of the span whose begin or end is trace row `row`, found by its begin time; -1 when none. */
  spanOfRow(row: number, ts: number, id: number, isEnd: boolean): number {
    const order = this.order
    if (!isEnd) {
      for (let i = order.lowerBound(ts); i < order.n && order.key[i] === ts; i++) if (order.row[i] === row) return order.ref[i]
      return -1
    }
    // An end: the span with this id that began last at or before ts.
    for (let i = order.upperBound(ts) - 1; i >= 0; i--) {
      const s = order.ref[i]
      if (this.id[s] === id && this.endRow[s] === row) return s
    }
    return -1
  }
}
