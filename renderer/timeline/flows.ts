import { EventKind } from '../../main/contract/trace.js'
import { grow } from './columns.js'
import { SortedRefs } from './sortedRefs.js'

/**
 * Flows (SRB delivered -> DMA -> ISR -> completed): points (track, ts, row) chained by flow id. A
 * point binds to the slice that starts at its (ts, track), which the renderer looks up when it draws.
 *
 * The backend records a flow's points out of order (the steps as the card and the ISR run, the start
 * and end when the SRB completes), so each chain is a list linked through `next`, kept in time order
 * (start before step before end at equal times). `byTime` finds the points of a time window;
 * `maxSegment` bounds how far before a window an arrow crossing it can start.
 */
export class FlowIndex {
  /** Points, in arrival order. */
  n = 0
  track = new Uint32Array(16)
  ts = new Float64Array(16)
  kind = new Uint8Array(16)
  row = new Uint32Array(16)
  chain = new Uint32Array(16)
  /** Next point of the same chain in time order, -1 at its end. */
  next = new Int32Array(16)

  /** Chains (one per flow id). */
  chains = 0
  head = new Int32Array(16)
  length = new Uint32Array(16)
  id = new Float64Array(16)

  /** Points sorted by time. */
  readonly byTime = new SortedRefs()
  /** Longest time between two consecutive points of a chain. */
  maxSegment = 0
  private readonly byId = new Map<number, number>()

  /** The chain of flow `id`, or -1. */
  chainOf(id: number): number {
    return this.byId.get(id) ?? -1
  }

  /** Records a FlowStart, FlowStep or FlowEnd row. */
  add(kind: number, track: number, ts: number, id: number, row: number): void {
    let c = this.byId.get(id)
    if (c === undefined) {
      c = this.chains++
      if (c === this.head.length) {
        this.head = grow(this.head, c + 1)
        this.length = grow(this.length, c + 1)
        this.id = grow(this.id, c + 1)
      }
      this.head[c] = -1
      this.length[c] = 0
      this.id[c] = id
      this.byId.set(id, c)
    }
    const p = this.n
    if (p === this.ts.length) {
      this.track = grow(this.track, p + 1)
      this.ts = grow(this.ts, p + 1)
      this.kind = grow(this.kind, p + 1)
      this.row = grow(this.row, p + 1)
      this.chain = grow(this.chain, p + 1)
      this.next = grow(this.next, p + 1)
    }
    this.track[p] = track
    this.ts[p] = ts
    this.kind[p] = kind
    this.row[p] = row
    this.chain[p] = c
    this.n = p + 1
    let prev = -1
    let cur = this.head[c]
    while (cur >= 0 && this.precedes(cur, p)) {
      prev = cur
      cur = this.next[cur]
    }
    this.next[p] = cur
    if (prev < 0) this.head[c] = p
    else this.next[prev] = p
    this.length[c]++
    if (prev >= 0) this.maxSegment = Math.max(this.maxSegment, ts - this.ts[prev])
    if (cur >= 0) this.maxSegment = Math.max(this.maxSegment, this.ts[cur] - ts)
    this.byTime.push(ts, row, p)
  }

  settle(): void {
    this.byTime.settle()
  }

  /** Calls `fn` with each chain that has a point at exactly (track, ts). */
  chainsAt(track: number, ts: number, fn: (chain: number) => void): void {
    const t = this.byTime
    for (let i = t.lowerBound(ts); i < t.n && t.key[i] === ts; i++) {
      const p = t.ref[i]
      if (this.track[p] === track) fn(this.chain[p])
    }
  }

  private precedes(a: number, b: number): boolean {
    const d = this.ts[a] - this.ts[b]
    if (d !== 0) return d < 0
    const r = rank(this.kind[a]) - rank(this.kind[b])
    if (r !== 0) return r < 0
    return this.row[a] < this.row[b]
  }
}

function rank(kind: number): number {
  return kind === EventKind.FlowStart ? 0 : kind === EventKind.FlowStep ? 1 : 2
}
