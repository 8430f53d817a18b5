import { EventKind, newTraceColumns, type TraceColumns, type TraceSchema, type TrackInfo } from '../../../main/contract/trace.js'

/**
 * Synthetic traces in the recorder's shape (chunks of 65536 rows in recording order, where a slice is
 * recorded when it ends, after its children), for tests and bench/timeline.ts: nested slices on
 * CPU-like tracks, SRB-like async spans with marks on queue tracks, counters, instants, and flows from
 * one slice to others.
 */

export const CHUNK = 1 << 16

export interface SyntheticTrace {
  schema: TraceSchema
  strings: string[]
  chunks: TraceColumns[]
  count: number
}

export interface SyntheticOptions {
  /** Approximate number of rows. */
  events: number
  seed?: number
  sliceTracks?: number
  asyncTracks?: number
  counterTracks?: number
  instantTracks?: number
}

/** A small seeded generator (mulberry32). */
export class Rand {
  private s: number
  constructor(seed: number) {
    this.s = seed >>> 0
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
}

/** Empty columns of n rows. */
export function newColumns(n: number): TraceColumns {
  const c = newTraceColumns(n)
  c.detail.fill(-1)
  return c
}

/** Rows appended in recording order into 65536-row chunks, like the backend's TraceRecorder. */
export class ChunkWriter {
  readonly chunks: TraceColumns[] = []
  count = 0

  row(kind: number, track: number, ts: number, x: number, name: number, depth = 0, args = 0, a0 = 0, a1 = 0, a2 = 0): void {
    const i = this.count & (CHUNK - 1)
    if (i === 0) this.chunks.push(newColumns(CHUNK))
    const c = this.chunks[this.chunks.length - 1]
    c.kind[i] = kind
    c.track[i] = track
    c.ts[i] = ts
    c.x[i] = x
    c.name[i] = name
    c.depth[i] = depth
    c.args[i] = args
    c.a0[i] = a0
    c.a1[i] = a1
    c.a2[i] = a2
    this.count++
  }
}

/** Generates a trace of about `events` rows. */
export function syntheticTrace(o: SyntheticOptions): SyntheticTrace {
  const rnd = new Rand(o.seed ?? 1)
  const nSlices = o.sliceTracks ?? 8
  const nAsync = o.asyncTracks ?? 3
  const nCounters = o.counterTracks ?? 4
  const nInstants = o.instantTracks ?? 4
  const tracks: TrackInfo[] = []
  for (let i = 0; i < nSlices; i++) tracks.push({ name: `CPU ${i}`, group: 'CPUs', kind: 'slices', order: i })
  for (let i = 0; i < nAsync; i++) tracks.push({ name: `Queue ${i}`, group: 'Class driver', kind: 'async', order: i })
  for (let i = 0; i < nCounters; i++) tracks.push({ name: `Counter ${i}`, group: 'Hardware', kind: 'counter', order: 10 + i, unit: 'bytes' })
  for (let i = 0; i < nInstants; i++) tracks.push({ name: `Marks ${i}`, group: 'Hardware', kind: 'instants', order: 20 + i })
  const strings = ['']
  const names: number[] = []
  for (const n of ['ISR', 'DPC', 'HwReceivePacket', 'ReadRegister', 'WriteRegister', 'StreamClassStreamNotification', 'CompleteRequest', 'a', 'timer', 'SRB_READ_DATA', 'SRB_WRITE_DATA', 'SRB_GET_STREAM_STATE', 'delivered', 'ReadyForNext', 'SOF', 'EOF', 'descriptor done', 'overflow']) {
    names.push(strings.length)
    strings.push(n)
  }
  const schema: TraceSchema = {
    tracks,
    argLayouts: [
      { name: 'none', fields: [] },
      { name: 'srb', fields: [{ name: 'command', format: 'enum:SRB' }, { name: 'stream', format: 'int' }, { name: 'srb', format: 'int' }] },
      { name: 'mmio', fields: [{ name: 'value', format: 'hex' }, { name: 'size', format: 'int' }, { name: 'status', format: 'flags:WB' }] },
    ],
    enums: { SRB: { 1: 'SRB_READ_DATA', 2: 'SRB_WRITE_DATA' }, WB: { 0: 'DONE', 1: 'ERROR', 2: 'TRUNCATED' } },
  }

  // Every row with the time it is recorded at (slices: their end), sorted by that time at the end.
  const rec: { at: number; seq: number; kind: number; track: number; ts: number; x: number; name: number; depth: number; args: number; a0: number; a1: number; a2: number }[] = []
  let seq = 0
  const push = (at: number, kind: number, track: number, ts: number, x: number, name: number, depth = 0, args = 0, a0 = 0, a1 = 0, a2 = 0) =>
    rec.push({ at, seq: seq++, kind, track, ts, x, name, depth, args, a0, a1, a2 })

  const share = { slices: 0.55, async: 0.15, counters: 0.15, instants: 0.1 }
  const sliceRows = o.events * share.slices
  // ~3 slices per top-level slice (children and grandchildren).
  const topPerTrack = Math.max(1, Math.round(sliceRows / 3 / nSlices))
  const period = 400_000
  const tEnd = topPerTrack * period
  const sliceStarts: { track: number; ts: number }[] = []
  for (let tr = 0; tr < nSlices; tr++) {
    let t = rnd.int(0, period)
    for (let k = 0; k < topPerTrack; k++) {
      const dur = rnd.int(5_000, 200_000)
      // Children inside the parent, and grandchildren inside them, all recorded before their parent.
      let ct = t + rnd.int(0, 2_000)
      const nKids = rnd.int(0, 3)
      for (let c = 0; c < nKids && ct < t + dur; c++) {
        const cd = Math.min(rnd.int(500, 30_000), t + dur - ct)
        if (rnd.next() < 0.5 && cd > 100) {
          const gd = rnd.int(1, Math.max(1, Math.floor(cd / 2)))
          push(ct + gd, EventKind.Slice, tr, ct, gd, names[3 + rnd.int(0, 2)], 2)
        }
        push(ct + cd, EventKind.Slice, tr, ct, cd, names[2 + rnd.int(0, 4)], 1)
        ct += cd + rnd.int(0, 5_000)
      }
      push(t + dur, EventKind.Slice, tr, t, dur, names[rnd.int(0, 1)], 0)
      if (rnd.next() < 0.3) sliceStarts.push({ track: tr, ts: t })
      t += dur + rnd.int(1, 2 * period - dur)
    }
  }
  sliceStarts.sort((a, b) => a.ts - b.ts)

  // Async spans: begin, a mark, end (3 rows), several outstanding at once.
  const spans = Math.round((o.events * share.async) / 3)
  let srb = 1
  for (let k = 0; k < spans; k++) {
    const tr = nSlices + (k % nAsync)
    const b = Math.floor((k / spans) * tEnd) + rnd.int(0, 1000)
    const life = rnd.int(1_000, rnd.next() < 0.1 ? 5_000_000 : 300_000)
    const id = srb++
    const name = names[9 + rnd.int(0, 2)]
    push(b, EventKind.AsyncBegin, tr, b, id, name, 0, 1, 1, 0, id)
    push(b + life / 3, EventKind.AsyncInstant, tr, b + life / 3, id, names[12], 0, 0)
    // A few never end (open SRBs at the end of the trace).
    if (k < spans - 3) push(b + life, EventKind.AsyncEnd, tr, b + life, id, name, 0, 1, 0, 1024, id)
    // Flows: from a slice starting near the begin to one or two later slices.
    if (k % 4 === 0 && sliceStarts.length > 4) {
      let i = Math.min(sliceStarts.length - 3, Math.max(0, lowerIndex(sliceStarts, b)))
      const at = b + life
      push(at, EventKind.FlowStart, sliceStarts[i].track, sliceStarts[i].ts, id, 0)
      const steps = rnd.int(0, 2)
      for (let s = 0; s < steps; s++) {
        i++
        push(at - 1, EventKind.FlowStep, sliceStarts[i].track, sliceStarts[i].ts, id, 0)
      }
      i++
      push(at, EventKind.FlowEnd, sliceStarts[i].track, sliceStarts[i].ts, id, 0)
    }
  }

  // Counters: samples at random intervals, a random walk.
  const samples = Math.round((o.events * share.counters) / nCounters)
  for (let c = 0; c < nCounters; c++) {
    const tr = nSlices + nAsync + c
    let v = 0
    for (let k = 0; k < samples; k++) {
      const t = Math.floor((k / samples) * tEnd) + rnd.int(0, 100)
      v = Math.max(0, v + rnd.int(-4096, 4096))
      push(t, EventKind.Counter, tr, t, 0, 0, 0, 0, v)
    }
  }

  // Instants, some in bursts of 1 ns apart.
  const marks = Math.round((o.events * share.instants) / nInstants)
  for (let c = 0; c < nInstants; c++) {
    const tr = nSlices + nAsync + nCounters + c
    let t = rnd.int(0, 1000)
    for (let k = 0; k < marks; k++) {
      t += rnd.next() < 0.3 ? 1 : rnd.int(1, Math.max(2, Math.floor((2 * tEnd) / marks)))
      push(t, EventKind.Instant, tr, t, 0, names[13 + rnd.int(0, 4)], 0, 2, rnd.int(0, 0xffff), 4, rnd.int(0, 7))
    }
  }

  rec.sort((a, b) => a.at - b.at || a.seq - b.seq)
  const w = new ChunkWriter()
  for (const r of rec) w.row(r.kind, r.track, r.ts, r.x, r.name, r.depth, r.args, r.a0, r.a1, r.a2)
  return { schema, strings, chunks: w.chunks, count: w.count }
}

function lowerIndex(a: { ts: number }[], t: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid].ts < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** All rows of a synthetic trace joined into one set of columns. */
export function joinColumns(t: { chunks: TraceColumns[]; count: number }): TraceColumns {
  const out = newColumns(t.count)
  let at = 0
  for (const c of t.chunks) {
    const n = Math.min(CHUNK, t.count - at)
    for (const key of Object.keys(out) as (keyof TraceColumns)[]) (out[key] as Float64Array).set((c[key] as Float64Array).subarray(0, n), at)
    at += n
  }
  return out
}
