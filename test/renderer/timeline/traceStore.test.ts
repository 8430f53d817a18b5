import { describe, expect, it } from 'vitest'
import { EventKind, type TraceColumns, type TraceSchema } from '../../../main/contract/trace.js'
import { queryCounter, queryRuns, RunBuffer, CounterBuffer } from '../../../renderer/timeline/mipmap.js'
import { bindDepth } from '../../../renderer/timeline/flowArrows.js'
import { TraceStore, viewColumns } from '../../../renderer/timeline/traceStore.js'
import { ChunkWriter, joinColumns, Rand, syntheticTrace, type SyntheticTrace } from './syntheticTrace.js'
import { vcap1Trace, type RecordedTrace } from './vcap1Trace.js'

function oneShot(t: { schema: TraceSchema; strings: string[]; chunks: TraceColumns[]; count: number }): TraceStore {
  const s = new TraceStore(t.schema, t.strings)
  s.syncChunks(t.chunks, t.count)
  return s
}

/** Feeds a trace in random pieces, the schema growing with the tracks used and the strings as deltas. */
function inPieces(t: RecordedTrace | SyntheticTrace, all: TraceColumns, seed: number, maxPiece: number, between?: (s: TraceStore) => void): TraceStore {
  const rnd = new Rand(seed)
  const s = new TraceStore()
  let at = 0
  let maxTrack = -1
  let sent = 1
  while (at < t.count) {
    const to = Math.min(t.count, at + rnd.int(1, maxPiece))
    let maxName = 0
    for (let i = at; i < to; i++) {
      maxTrack = Math.max(maxTrack, all.track[i])
      maxName = Math.max(maxName, all.name[i])
    }
    const schema = { ...t.schema, tracks: t.schema.tracks.slice(0, maxTrack + 1) }
    const strings = t.strings.slice(sent, Math.max(sent, maxName + 1))
    sent += strings.length
    // A copy, as a message channel would deliver it.
    const cols = viewColumns(all, at, to)
    const copy = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, (v as Float64Array).slice()])) as unknown as TraceColumns
    s.ingest({ schema, strings, columns: copy })
    at = to
    between?.(s)
  }
  s.ingest({ schema: t.schema, strings: t.strings.slice(sent) })
  return s
}

/** Everything the indexes hold, as plain arrays (to compare two stores). */
function snapshot(s: TraceStore): unknown {
  const arr = (a: ArrayLike<number>, n: number) => Array.from({ length: n }, (_, i) => a[i])
  return {
    rows: s.rowCount,
    start: s.startNs,
    end: s.endNs,
    strings: s.strings.length,
    tracks: s.tracks.map((tr) => ({
      name: tr.info.name,
      slices: tr.slices.map((l) => [arr(l.start, l.n), arr(l.end, l.n), arr(l.maxEnd, l.n), arr(l.name, l.n), arr(l.row, l.n)]),
      instants: [arr(tr.instants.start, tr.instants.n), arr(tr.instants.row, tr.instants.n)],
      counter: [arr(tr.counter.ts, tr.counter.n), arr(tr.counter.value, tr.counter.n), arr(tr.counter.row, tr.counter.n)],
      asyncRows: tr.async.rows.map((l) => [arr(l.start, l.n), arr(l.end, l.n), arr(l.row, l.n)]),
      asyncEnds: arr(tr.async.endRow, tr.async.n),
    })),
    flows: Array.from({ length: s.flows.chains }, (_, c) => {
      const rows: number[] = []
      for (let p = s.flows.head[c]; p >= 0; p = s.flows.next[p]) rows.push(s.flows.row[p])
      return rows
    }),
  }
}

/** What the mipmaps give for a few views of every lane and counter. */
function summaries(s: TraceStore): unknown {
  const out: unknown[] = []
  const runs = new RunBuffer()
  const counter = new CounterBuffer()
  const span = s.endNs - s.startNs
  for (const frac of [1, 0.1, 0.01, 0.0003]) {
    const t0 = s.startNs + span * 0.37 * (1 - frac)
    const npp = (span * frac) / 800
    for (const tr of s.tracks) {
      for (const lane of [...tr.lanes, tr.instants]) {
        const n = queryRuns(lane, t0, npp, 800, s.endNs, runs)
        out.push(Array.from(runs.px0.subarray(0, n)), Array.from(runs.px1.subarray(0, n)), Array.from(runs.count.subarray(0, n)), Array.from(runs.rep.subarray(0, n)).map((r) => lane.row[r]))
      }
      if (tr.counter.n > 0) {
        queryCounter(tr.counter, t0, npp, 800, s.endNs, counter)
        out.push(Array.from(counter.has.subarray(0, 800)), Array.from(counter.min.subarray(0, 800)).map((v, i) => (counter.has[i] ? v : 0)), Array.from(counter.max.subarray(0, 800)).map((v, i) => (counter.has[i] ? v : 0)))
      }
    }
  }
  return out
}

describe('TraceStore on a real VCAP-1 trace', () => {
  it('indexes every row on its track, with the counts of a brute-force pass over the raw columns', async () => {
    const t = await vcap1Trace()
    const s = oneShot(t)
    const c = t.columns
    expect(s.rowCount).toBe(t.count)
    expect(s.tracks.length).toBe(t.schema.tracks.length)
    const count = (track: number, kind: number, depth = -1) => {
      let n = 0
      for (let i = 0; i < t.count; i++) if (c.track[i] === track && c.kind[i] === kind && (depth < 0 || c.depth[i] === depth)) n++
      return n
    }
    let slices = 0
    let spans = 0
    for (const tr of s.tracks) {
      const k = tr.index
      expect(tr.sliceCount, tr.info.name).toBe(count(k, EventKind.Slice))
      tr.slices.forEach((lane, d) => expect(lane.n, `${tr.info.name} depth ${d}`).toBe(count(k, EventKind.Slice, d)))
      expect(tr.counter.n, tr.info.name).toBe(count(k, EventKind.Counter))
      expect(tr.instants.n, tr.info.name).toBe(count(k, EventKind.Instant))
      expect(tr.async.n, tr.info.name).toBe(count(k, EventKind.AsyncBegin))
      expect(tr.async.instN, tr.info.name).toBe(count(k, EventKind.AsyncInstant))
      slices += tr.sliceCount
      spans += tr.async.n
    }
    // The trace has what the timeline is for: nested CPU slices, DMA slices, SRB spans, counters, flows.
    expect(slices).toBeGreaterThan(3000)
    expect(spans).toBeGreaterThan(40)
    expect(s.tracks.find((tr) => tr.info.name === 'CPU 0')!.slices.length).toBe(2)
    let flows = 0
    for (let i = 0; i < t.count; i++) if (c.kind[i] >= EventKind.FlowStart) flows++
    expect(s.flows.n).toBe(flows)

    let min = Infinity
    let max = -Infinity
    for (let i = 0; i < t.count; i++) {
      min = Math.min(min, c.ts[i])
      max = Math.max(max, c.ts[i] + (c.kind[i] === EventKind.Slice ? c.x[i] : 0))
    }
    expect(s.startNs).toBe(min)
    expect(s.endNs).toBe(max)
  })

  it('keeps every lane sorted by time, each entry pointing at its own row', async () => {
    const t = await vcap1Trace()
    const s = oneShot(t)
    const c = t.columns
    let outOfOrderInput = 0
    for (const tr of s.tracks) {
      for (const [d, lane] of tr.slices.entries()) {
        for (let i = 0; i < lane.n; i++) {
          const r = lane.row[i]
          expect(c.kind[r]).toBe(EventKind.Slice)
          expect(c.track[r]).toBe(tr.index)
          expect(c.depth[r]).toBe(d)
          expect(lane.start[i]).toBe(c.ts[r])
          expect(lane.end[i]).toBe(c.ts[r] + c.x[r])
          if (i > 0) expect(lane.start[i]).toBeGreaterThanOrEqual(lane.start[i - 1])
        }
      }
      for (let i = 1; i < tr.counter.n; i++) expect(tr.counter.ts[i]).toBeGreaterThanOrEqual(tr.counter.ts[i - 1])
      for (let i = 1; i < tr.instants.n; i++) expect(tr.instants.start[i]).toBeGreaterThanOrEqual(tr.instants.start[i - 1])
    }
    // Parents are recorded after their children (a slice is recorded when it ends): the input of a
    // track is not in time order, so the indexes had sorting to do.
    const lastTs = new Map<number, number>()
    for (let r = 0; r < t.count; r++) {
      if (c.kind[r] !== EventKind.Slice) continue
      if (c.ts[r] < (lastTs.get(c.track[r]) ?? -Infinity)) outOfOrderInput++
      lastTs.set(c.track[r], c.ts[r])
    }
    expect(outOfOrderInput).toBeGreaterThan(0)
  })

  it('pairs async begins and ends by id and places overlapping spans on separate rows, as few as the overlap needs', async () => {
    const t = await vcap1Trace()
    const s = oneShot(t)
    const c = t.columns
    const usedEnds = new Set<number>()
    let ends = 0
    for (let i = 0; i < t.count; i++) if (c.kind[i] === EventKind.AsyncEnd) ends++
    for (const tr of s.tracks) {
      const a = tr.async
      for (let k = 0; k < a.n; k++) {
        const b = a.beginRow[k]
        const e = a.endRow[k]
        expect(c.kind[b]).toBe(EventKind.AsyncBegin)
        expect(e).toBeGreaterThanOrEqual(0)
        expect(c.kind[e]).toBe(EventKind.AsyncEnd)
        expect(c.x[e]).toBe(c.x[b])
        expect(c.track[e]).toBe(c.track[b])
        expect(a.endTs[k]).toBe(c.ts[e])
        expect(a.endTs[k]).toBeGreaterThanOrEqual(a.beginTs[k])
        expect(usedEnds.has(e)).toBe(false)
        usedEnds.add(e)
      }
      if (a.n === 0) continue
      // Rows: no overlap within a row, every span on exactly one row.
      let placed = 0
      for (const lane of a.rows) {
        placed += lane.n
        for (let i = 1; i < lane.n; i++) expect(lane.start[i]).toBeGreaterThanOrEqual(lane.end[i - 1])
      }
      expect(placed).toBe(a.n)
      // The greedy placement is optimal: rows = the largest number of spans open at once.
      const edges: [number, number][] = []
      for (let k = 0; k < a.n; k++) edges.push([a.beginTs[k], 1], [a.endTs[k], -1])
      edges.sort((x, y) => x[0] - y[0] || x[1] - y[1])
      let open = 0
      let most = 0
      for (const [, d] of edges) most = Math.max(most, (open += d))
      expect(a.rows.length, tr.info.name).toBe(most)
    }
    expect(usedEnds.size).toBe(ends)
    expect(s.tracks.find((tr) => tr.info.name === 'Stream 0 data')!.async.rows.length).toBeGreaterThan(1)
  })

  it('attaches async instants to the span of their id that is open at the time', async () => {
    const t = await vcap1Trace()
    const s = oneShot(t)
    const c = t.columns
    let seen = 0
    for (const tr of s.tracks) {
      const a = tr.async
      for (let k = 0; k < a.n; k++) {
        for (let j = a.instHead[k]; j >= 0; j = a.instNext[j]) {
          const r = a.instRow[j]
          expect(c.kind[r]).toBe(EventKind.AsyncInstant)
          expect(c.x[r]).toBe(a.id[k])
          expect(a.instTs[j]).toBeGreaterThanOrEqual(a.beginTs[k])
          expect(a.instTs[j]).toBeLessThanOrEqual(a.endTs[k])
          seen++
        }
      }
    }
    expect(seen).toBe(s.tracks.reduce((n, tr) => n + tr.async.instN, 0))
    expect(seen).toBeGreaterThan(0)
  })

  it('chains flows by id in time order, start to end, each with 2 to 4 points bound to a slice start', async () => {
    const t = await vcap1Trace()
    const s = oneShot(t)
    const f = s.flows
    expect(f.chains).toBeGreaterThan(10)
    const lengths = new Set<number>()
    for (let ch = 0; ch < f.chains; ch++) {
      const points: number[] = []
      for (let p = f.head[ch]; p >= 0; p = f.next[p]) points.push(p)
      expect(points.length).toBe(f.length[ch])
      expect(points.length).toBeGreaterThanOrEqual(2)
      expect(points.length).toBeLessThanOrEqual(4)
      lengths.add(points.length)
      expect(f.kind[points[0]]).toBe(EventKind.FlowStart)
      expect(f.kind[points[points.length - 1]]).toBe(EventKind.FlowEnd)
      for (let i = 1; i < points.length; i++) expect(f.ts[points[i]]).toBeGreaterThanOrEqual(f.ts[points[i - 1]])
      for (const p of points) {
        const tr = s.tracks[f.track[p]]
        const lane = tr.slices[bindDepth(tr, f.ts[p])]
        const i = lane.countStartingBy(f.ts[p]) - 1
        expect(lane.start[i], `flow ${f.id[ch]} point on ${tr.info.name}`).toBe(f.ts[p])
      }
    }
    // Both shapes occur: delivery -> completion, and delivery -> DMA -> ISR -> completion.
    expect([...lengths].sort()).toEqual([2, 4])
  })

  it('decodes a row by its argument layout: enums, hex, strings, flags, and the span of an SRB', async () => {
    const t = await vcap1Trace()
    const s = oneShot(t)
    const c = t.columns
    const layoutId = (name: string) => t.schema.argLayouts.findIndex((l) => l.name === name)
    const rowOf = (layout: string, kind: number) => {
      for (let i = 0; i < t.count; i++) if (c.args[i] === layoutId(layout) && c.kind[i] === kind) return i
      throw new Error(`no ${layout} row`)
    }
    const srb = s.describe(rowOf('srb', EventKind.AsyncBegin))
    expect(srb.kindName).toBe('async begin')
    expect(srb.args.map((a) => a.name)).toEqual(['command', 'stream', 'srb'])
    expect(srb.args[0].text).toMatch(/^SRB_/)
    expect(srb.args[2].value).toBe(srb.id)
    expect(srb.end).not.toBeNull()
    expect(srb.dur).toBe(srb.end! - srb.begin!)
    expect(srb.name).toBe(srb.args[0].text)

    const mmio = s.describe(rowOf('mmio', EventKind.Instant))
    expect(mmio.args[0].text).toMatch(/^0x[0-9a-f]+$/)
    expect(mmio.args[0].text).toBe(`0x${mmio.args[0].value.toString(16)}`)
    expect(mmio.args[2].text).toBe(t.strings[mmio.args[2].value])

    const frame = s.describe(rowOf('vcap1.frame', EventKind.Slice))
    expect(frame.dur).toBeGreaterThan(0)
    expect(frame.args[2].format).toBe('flags:VCAP1_WB')
    expect(frame.args[2].text).toMatch(/^(0|[A-Z]+(\|[A-Z]+)*)$/)

    const cpu = s.describe(rowOf('cpu', EventKind.Slice))
    expect(cpu.args[0].text).toMatch(/_LEVEL$|^DIRQL$/)
    expect(cpu.trackName).toBe('CPU 0')
    expect(() => s.describe(t.count)).toThrow(RangeError)
  })
})

describe('TraceStore incremental ingestion', () => {
  it('fed the VCAP-1 trace in random pieces (schema growing, strings as deltas) equals the store fed at once', async () => {
    const t = await vcap1Trace()
    const whole = oneShot(t)
    for (const seed of [1, 2, 3]) {
      const pieces = inPieces(t, t.columns, seed, 300)
      expect(snapshot(pieces)).toEqual(snapshot(whole))
      expect(pieces.strings).toEqual(whole.strings)
      for (const row of [0, 17, 999, 2500, t.count - 1]) expect(pieces.describe(row)).toEqual(whole.describe(row))
    }
  })

  it('keeps mipmaps current while rows arrive: they end up equal to mipmaps built on the finished store', () => {
    const t = syntheticTrace({ events: 60_000, seed: 7 })
    const all = joinColumns(t)
    const whole = oneShot(t)
    // Query every lane after each piece, so the levels are built early and then extended.
    const live = inPieces(t, all, 11, 6000, (s) => summaries(s))
    expect(snapshot(live)).toEqual(snapshot(whole))
    expect(summaries(live)).toEqual(summaries(whole))
  })

  it('re-places async spans when ends or out-of-order begins arrive later', () => {
    const schema: TraceSchema = { tracks: [{ name: 'Q', group: 'Class driver', kind: 'async', order: 0 }], argLayouts: [{ name: 'none', fields: [] }], enums: {} }
    const w = new ChunkWriter()
    // Three spans; the first one's end arrives last, one begin arrives out of time order.
    w.row(EventKind.AsyncBegin, 0, 100, 1, 0)
    w.row(EventKind.AsyncBegin, 0, 300, 2, 0)
    w.row(EventKind.AsyncEnd, 0, 400, 2, 0)
    w.row(EventKind.AsyncBegin, 0, 150, 3, 0)
    w.row(EventKind.AsyncEnd, 0, 250, 3, 0)
    w.row(EventKind.AsyncEnd, 0, 200, 1, 0)
    const trace = { schema, strings: [''], chunks: w.chunks, count: w.count }
    const whole = oneShot(trace)
    const a = whole.tracks[0].async
    // [100,200] and [300,400] share a row; [150,250] overlaps the first.
    expect(a.rows.length).toBe(2)
    expect(Array.from(a.rows[0].start.subarray(0, a.rows[0].n))).toEqual([100, 300])
    expect(Array.from(a.rows[1].start.subarray(0, a.rows[1].n))).toEqual([150])
    const one = new TraceStore(schema, [''])
    for (let i = 0; i < w.count; i++) one.append(viewColumns(w.chunks[0], i, i + 1))
    expect(snapshot(one)).toEqual(snapshot(whole))
    // Before the first span's end came, it ran to the end of the trace and kept its row.
    const early = new TraceStore(schema, [''])
    early.append(viewColumns(w.chunks[0], 0, 5))
    const ea = early.tracks[0].async
    expect(ea.rows.length).toBe(2)
    expect(Array.from(ea.rows[1].start.subarray(0, ea.rows[1].n))).toEqual([150, 300])
    expect(early.place(0)).toEqual({ track: 0, lane: 0, start: 100, end: 400 })
  })

  it("puts a span that begins when another ends on that span's row", () => {
    const schema: TraceSchema = { tracks: [{ name: 'Q', group: 'Class driver', kind: 'async', order: 0 }], argLayouts: [{ name: 'none', fields: [] }], enums: {} }
    const w = new ChunkWriter()
    w.row(EventKind.AsyncBegin, 0, 100, 1, 0)
    w.row(EventKind.AsyncBegin, 0, 150, 2, 0)
    w.row(EventKind.AsyncEnd, 0, 200, 1, 0)
    w.row(EventKind.AsyncBegin, 0, 200, 3, 0)
    w.row(EventKind.AsyncEnd, 0, 300, 3, 0)
    w.row(EventKind.AsyncEnd, 0, 300, 2, 0)
    const s = oneShot({ schema, strings: [''], chunks: w.chunks, count: w.count })
    const a = s.tracks[0].async
    expect(a.rows.length).toBe(2)
    expect(Array.from(a.lane.subarray(0, a.n))).toEqual([0, 1, 0])
  })

  it('sorts slices recorded after their children, and gives the same lanes however rows are batched', () => {
    const t = syntheticTrace({ events: 20_000, seed: 3 })
    const all = joinColumns(t)
    const whole = oneShot(t)
    for (const tr of whole.tracks)
      for (const lane of tr.slices) {
        for (let i = 1; i < lane.n; i++) expect(lane.start[i] > lane.start[i - 1] || (lane.start[i] === lane.start[i - 1] && lane.row[i] > lane.row[i - 1])).toBe(true)
      }
    expect(snapshot(inPieces(t, all, 5, 1))).toEqual(snapshot(whole))
    expect(snapshot(inPieces(t, all, 6, 40_000))).toEqual(snapshot(whole))
  })
})
