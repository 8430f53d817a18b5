import { lowerBound, upperBound } from './columns.js'
import { bindDepth } from './flowArrows.js'
import type { TraceStore } from './traceStore.js'

/**
 * Finding events: by a substring of their name (case-insensitive), or by SRB id (the async span with
 * that id, every event whose argument layout has a field named 'srb' with that value, the marks in
 * the span, and the slices the SRB's flow passes through). Results are
 * ordered by (time, row), so next/previous step through events at equal times too. Search is a user
 * action, not a frame: it scans the indexes, starting from the current time.
 */

export type SearchQuery = { kind: 'name'; text: string } | { kind: 'srb'; id: number }

/** A match: the row, where it is, and when. */
export interface SearchHit {
  row: number
  track: number
  ts: number
}

/** Where a search continues from: a time, and the row there (-1: before every row at that time). */
export interface SearchFrom {
  ts: number
  row: number
}

/** "srb:12", "srb 12" or "#12" search for an SRB; anything else for names containing the text. */
export function parseQuery(input: string): SearchQuery | null {
  const s = input.trim()
  if (s === '') return null
  const m = /^(?:srb\s*[:#=]?\s*|#)(\d+)$/i.exec(s)
  if (m !== null) return { kind: 'srb', id: Number(m[1]) }
  return { kind: 'name', text: s.toLowerCase() }
}

/** Tests one candidate; built once per search. */
interface Matcher {
  /** Match of an event by its name id and row. */
  event(name: number, row: number): boolean
  /** Match of an async span by its name id and id. */
  span(name: number, id: number): boolean
}

function matcher(store: TraceStore, q: SearchQuery): Matcher {
  if (q.kind === 'name') {
    // One pass over the string table, then a lookup per event.
    const hits = new Uint8Array(store.strings.length)
    store.strings.forEach((s, i) => {
      hits[i] = s.toLowerCase().includes(q.text) ? 1 : 0
    })
    return { event: (name) => hits[name] === 1, span: (name) => hits[name] === 1 }
  }
  const srbColumn = store.schema.argLayouts.map((l) => {
    const k = l.fields.findIndex((f) => f.name === 'srb')
    return k === 0 ? 'a0' : k === 1 ? 'a1' : k === 2 ? 'a2' : null
  })
  return {
    event: (_name, row) => {
      const col = srbColumn[store.rowValue(row, 'args')]
      return col !== undefined && col !== null && store.rowValue(row, col) === q.id
    },
    span: (_name, id) => id === q.id,
  }
}

/** (ts, row) strictly after (dir 1) or before (dir -1) `from`. */
function beyond(ts: number, row: number, from: SearchFrom, dir: 1 | -1): boolean {
  return dir > 0 ? ts > from.ts || (ts === from.ts && row > from.row) : ts < from.ts || (ts === from.ts && row < from.row)
}

function better(ts: number, row: number, best: SearchHit | null, dir: 1 | -1): boolean {
  if (best === null) return true
  return dir > 0 ? ts < best.ts || (ts === best.ts && row < best.row) : ts > best.ts || (ts === best.ts && row > best.row)
}

/**
 * Calls `fn(key, row, i)` for the entries of a sorted (key, row) index, from `from` in direction
 * `dir`, until it returns true.
 */
function scan(key: Float64Array, row: Uint32Array, n: number, from: SearchFrom, dir: 1 | -1, fn: (i: number) => boolean): void {
  if (dir > 0) {
    for (let i = lowerBound(key, from.ts, 0, n); i < n; i++) if (beyond(key[i], row[i], from, dir) && fn(i)) return
  } else {
    for (let i = upperBound(key, from.ts, 0, n) - 1; i >= 0; i--) if (beyond(key[i], row[i], from, dir) && fn(i)) return
  }
}

/**
 * What an SRB search finds besides events that carry the id: the marks inside the SRB's span
 * (delivered, ReadyForNext) and the slices its flow passes through (the callback that received it,
 * the DMA of its buffer, the ISR, the completion), so stepping through the hits follows the SRB.
 */
function srbTrail(store: TraceStore, id: number): SearchHit[] {
  const out: SearchHit[] = []
  for (const tr of store.tracks) {
    const a = tr.async
    for (let s = 0; s < a.n; s++) {
      if (a.id[s] !== id) continue
      for (let j = a.instHead[s]; j >= 0; j = a.instNext[j]) out.push({ row: a.instRow[j], track: tr.index, ts: a.instTs[j] })
    }
  }
  const f = store.flows
  const c = f.chainOf(id)
  if (c < 0) return out
  for (let p = f.head[c]; p >= 0; p = f.next[p]) {
    const tr = store.tracks[f.track[p]]
    const ts = f.ts[p]
    const lane = tr?.slices[bindDepth(tr, ts)]
    const i = lane === undefined ? -1 : lane.countStartingBy(ts) - 1
    out.push(lane !== undefined && i >= 0 && lane.start[i] === ts ? { row: lane.row[i], track: tr.index, ts } : { row: f.row[p], track: f.track[p], ts })
  }
  return out
}

/** The next (dir 1) or previous (dir -1) match from `from`, or null. */
export function findNext(store: TraceStore, query: SearchQuery, from: SearchFrom, dir: 1 | -1 = 1): SearchHit | null {
  if (query.kind === 'srb') {
    // An SRB has a handful of hits: take them all and step through them in order.
    const hits = findAll(store, query)
    if (dir > 0) return hits.find((h) => beyond(h.ts, h.row, from, 1)) ?? null
    return hits.findLast((h) => beyond(h.ts, h.row, from, -1)) ?? null
  }
  const m = matcher(store, query)
  let best: SearchHit | null = null
  const offer = (ts: number, row: number, track: number): boolean => {
    if (better(ts, row, best, dir)) best = { row, track, ts }
    return true
  }
  for (const tr of store.tracks) {
    const t = tr.index
    for (const lane of tr.slices) scan(lane.start, lane.row, lane.n, from, dir, (i) => m.event(lane.name[i], lane.row[i]) && offer(lane.start[i], lane.row[i], t))
    const ins = tr.instants
    scan(ins.start, ins.row, ins.n, from, dir, (i) => m.event(ins.name[i], ins.row[i]) && offer(ins.start[i], ins.row[i], t))
    const a = tr.async
    const o = a.order
    scan(o.key, o.row, o.n, from, dir, (i) => m.span(a.name[o.ref[i]], a.id[o.ref[i]]) && offer(o.key[i], o.row[i], t))
    // Instants inside spans are linked per span, not sorted: look at each.
    for (let j = 0; j < a.instN; j++) if (beyond(a.instTs[j], a.instRow[j], from, dir) && m.event(a.instName[j], a.instRow[j])) offer(a.instTs[j], a.instRow[j], t)
  }
  // (Assigned in a closure, which the compiler's narrowing does not follow.)
  return best as SearchHit | null
}

/** Every match in (time, row) order, up to `limit`. */
export function findAll(store: TraceStore, query: SearchQuery, limit = Infinity): SearchHit[] {
  const m = matcher(store, query)
  const out: SearchHit[] = []
  for (const tr of store.tracks) {
    const t = tr.index
    for (const lane of tr.slices) for (let i = 0; i < lane.n; i++) if (m.event(lane.name[i], lane.row[i])) out.push({ row: lane.row[i], track: t, ts: lane.start[i] })
    const ins = tr.instants
    for (let i = 0; i < ins.n; i++) if (m.event(ins.name[i], ins.row[i])) out.push({ row: ins.row[i], track: t, ts: ins.start[i] })
    const a = tr.async
    for (let s = 0; s < a.n; s++) if (m.span(a.name[s], a.id[s])) out.push({ row: a.beginRow[s], track: t, ts: a.beginTs[s] })
    for (let j = 0; j < a.instN; j++) if (m.event(a.instName[j], a.instRow[j])) out.push({ row: a.instRow[j], track: t, ts: a.instTs[j] })
  }
  if (query.kind === 'srb') {
    const seen = new Set(out.map((h) => h.row))
    for (const h of srbTrail(store, query.id)) {
      if (seen.has(h.row)) continue
      seen.add(h.row)
      out.push(h)
    }
  }
  out.sort((x, y) => x.ts - y.ts || x.row - y.row)
  return out.length > limit ? out.slice(0, limit) : out
}
