import { describe, expect, it } from 'vitest'
import { EventKind } from '../../../main/contract/trace.js'
import { findAll, findNext, parseQuery, type SearchHit } from '../../../renderer/timeline/search.js'
import { TraceStore } from '../../../renderer/timeline/traceStore.js'
import { vcap1Trace, type RecordedTrace } from './vcap1Trace.js'

async function setup(): Promise<{ t: RecordedTrace; s: TraceStore }> {
  const t = await vcap1Trace()
  const s = new TraceStore(t.schema, t.strings)
  s.syncChunks(t.chunks, t.count)
  return { t, s }
}

/** Rows that are events of their own on the timeline (ends and flow points belong to something else). */
const SEARCHED = new Set<number>([EventKind.Slice, EventKind.Instant, EventKind.AsyncBegin, EventKind.AsyncInstant])

function sorted(rows: number[], t: RecordedTrace): number[] {
  return rows.sort((a, b) => t.columns.ts[a] - t.columns.ts[b] || a - b)
}

describe('search', () => {
  it('parses SRB ids and name queries', () => {
    expect(parseQuery('srb:12')).toEqual({ kind: 'srb', id: 12 })
    expect(parseQuery('SRB 7')).toEqual({ kind: 'srb', id: 7 })
    expect(parseQuery(' #31 ')).toEqual({ kind: 'srb', id: 31 })
    expect(parseQuery('Read_Data')).toEqual({ kind: 'name', text: 'read_data' })
    expect(parseQuery('srb')).toEqual({ kind: 'name', text: 'srb' })
    expect(parseQuery('   ')).toBeNull()
  })

  it('finds every event whose name contains the text, in time order', async () => {
    const { t, s } = await setup()
    const c = t.columns
    for (const text of ['read_data', 'Frame', 'isr', 'readyfornext', 'no such name']) {
      const want: number[] = []
      for (let i = 0; i < t.count; i++) if (SEARCHED.has(c.kind[i]) && t.strings[c.name[i]].toLowerCase().includes(text.toLowerCase())) want.push(i)
      const got = findAll(s, parseQuery(text)!)
      expect(got.map((h) => h.row), text).toEqual(sorted(want, t))
      for (const h of got) {
        expect(h.track).toBe(c.track[h.row])
        expect(h.ts).toBe(c.ts[h.row])
      }
    }
    expect(findAll(s, parseQuery('read_data')!).length).toBeGreaterThan(20)
  })

  it('steps forward and backward through the matches from a time', async () => {
    const { s } = await setup()
    const q = parseQuery('SRB_')!
    const all = findAll(s, q)
    expect(all.length).toBeGreaterThan(30)
    const forward: SearchHit[] = []
    let from = { ts: -Infinity, row: -1 }
    for (let hit = findNext(s, q, from, 1); hit !== null; hit = findNext(s, q, from, 1)) {
      forward.push(hit)
      from = { ts: hit.ts, row: hit.row }
    }
    expect(forward).toEqual(all)
    const backward: SearchHit[] = []
    from = { ts: Infinity, row: -1 }
    for (let hit = findNext(s, q, from, -1); hit !== null; hit = findNext(s, q, from, -1)) {
      backward.push(hit)
      from = { ts: hit.ts, row: hit.row }
    }
    expect(backward).toEqual([...all].reverse())
    // From the middle of the trace: the first match at or after that time.
    const mid = all[all.length >> 1]
    expect(findNext(s, q, { ts: mid.ts, row: -1 }, 1)).toEqual(all.find((h) => h.ts >= mid.ts))
    expect(findNext(s, q, { ts: mid.ts, row: -1 }, -1)).toEqual([...all].reverse().find((h) => h.ts < mid.ts))
  })

  it('finds an SRB by id: its lifetime on the queue, its marks, every event with that srb argument, and the slices its flow passes through', async () => {
    const { t, s } = await setup()
    const c = t.columns
    const srbField = t.schema.argLayouts.map((l) => l.fields.findIndex((f) => f.name === 'srb'))
    const data = s.tracks.find((tr) => tr.info.name === 'Stream 0 data')!.async
    for (const k of [0, data.n >> 1, data.n - 1]) {
      const id = data.id[k]
      const want: number[] = []
      for (let i = 0; i < t.count; i++) {
        if (!SEARCHED.has(c.kind[i])) continue
        const f = srbField[c.args[i]]
        const arg = f === 0 ? c.a0[i] : f === 1 ? c.a1[i] : f === 2 ? c.a2[i] : NaN
        if (((c.kind[i] === EventKind.AsyncBegin || c.kind[i] === EventKind.AsyncInstant) && c.x[i] === id) || arg === id) want.push(i)
      }
      // The flow's points bind to the deepest slice starting at the same (track, time).
      for (let i = 0; i < t.count; i++) {
        if (c.x[i] !== id || c.kind[i] < EventKind.FlowStart) continue
        let bound = -1
        for (let j = 0; j < t.count; j++) if (c.kind[j] === EventKind.Slice && c.track[j] === c.track[i] && c.ts[j] === c.ts[i] && (bound < 0 || c.depth[j] > c.depth[bound])) bound = j
        const hit = bound >= 0 ? bound : i
        if (!want.includes(hit)) want.push(hit)
      }
      expect(want.length).toBeGreaterThan(1)
      const got = findAll(s, { kind: 'srb', id })
      expect(got.map((h) => h.row)).toEqual(sorted(want, t))
      expect(got[0].row).toBe(data.beginRow[k])
      expect(findNext(s, { kind: 'srb', id }, { ts: -Infinity, row: -1 })).toEqual(got[0])
    }
    expect(findAll(s, { kind: 'srb', id: 1e9 })).toEqual([])
  })
})
