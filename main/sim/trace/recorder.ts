import { StringTable } from './strings.js'
import { EventKind, newTraceColumns, type ArgField, type ArgLayout, type TraceColumns, type TraceSchema, type TrackInfo } from '../../contract/trace.js'

export { EventKind, type TraceColumns }

/** Rows per chunk: recording fills one chunk after another and never copies. */
export const CHUNK_ROWS = 1 << 16


/**
 * The trace of a run, recorded in columns of typed arrays (one row per event, no object per event),
 * in fixed-size chunks so that recording never copies and finished chunks can be shipped as they are.
 *
 * Rows are appended in the order things are recorded, which is not always time order (a slice is
 * recorded when it ends); exporters sort by ts. `detail` points into a side list for the rare events
 * that carry an object (verifier findings, debug prints).
 */
export class TraceRecorder {
  readonly strings = new StringTable()
  readonly tracks: TrackInfo[] = []
  readonly argLayouts: ArgLayout[] = [{ name: 'none', fields: [] }]
  readonly enums: Record<string, Record<number, string>> = {}
  readonly details: unknown[] = []
  readonly chunks: TraceColumns[] = []

  count = 0
  private cur: TraceColumns | null = null
  private fill = CHUNK_ROWS
  private joined: TraceColumns | null = null

  /** When false, nothing is recorded (rows are dropped at the door); tracks and schema still build. */
  enabled: boolean

  constructor(enabled = true) {
    this.enabled = enabled
  }

  defineTrack(info: TrackInfo): number {
    this.tracks.push(info)
    return this.tracks.length - 1
  }

  defineArgs(name: string, fields: ArgField[]): number {
    if (fields.length > 3) throw new Error(`arg layout ${name}: at most three fields`)
    this.argLayouts.push({ name, fields })
    return this.argLayouts.length - 1
  }

  defineEnum(name: string, values: Record<number, string>): void {
    this.enums[name] = values
  }

  schema(): TraceSchema {
    return { tracks: this.tracks, argLayouts: this.argLayouts, enums: this.enums }
  }

  slice(track: number, ts: number, dur: number, name: number, depth: number, args = 0, a0 = 0, a1 = 0, a2 = 0): void {
    if (!this.enabled) return
    const c = this.row(EventKind.Slice, track, ts, name, args, a0, a1, a2)
    const i = this.fill - 1
    c.x[i] = dur
    c.depth[i] = depth
  }

  instant(track: number, ts: number, name: number, args = 0, a0 = 0, a1 = 0, a2 = 0, detail?: unknown): void {
    if (!this.enabled) return
    const c = this.row(EventKind.Instant, track, ts, name, args, a0, a1, a2)
    if (detail !== undefined) c.detail[this.fill - 1] = this.details.push(detail) - 1
  }

  counter(track: number, ts: number, name: number, value: number): void {
    if (!this.enabled) return
    this.row(EventKind.Counter, track, ts, name, 0, value, 0, 0)
  }

  async(kind: EventKind, track: number, ts: number, name: number, id: number, args = 0, a0 = 0, a1 = 0, a2 = 0): void {
    if (!this.enabled) return
    const c = this.row(kind, track, ts, name, args, a0, a1, a2)
    c.x[this.fill - 1] = id
  }

  flow(kind: EventKind, track: number, ts: number, id: number): void {
    if (!this.enabled) return
    const c = this.row(kind, track, ts, 0, 0, 0, 0, 0)
    c.x[this.fill - 1] = id
  }

  /**
   * All rows as contiguous columns (joined from the chunks; cached until more rows arrive). For
   * exporters and tests; recording itself never joins.
   */
  columns(): TraceColumns {
    if (this.joined !== null && this.joined.ts.length === this.count) return this.joined
    const out = newTraceColumns(this.count)
    let at = 0
    for (const chunk of this.chunks) {
      const n = Math.min(CHUNK_ROWS, this.count - at)
      for (const key of Object.keys(out) as (keyof TraceColumns)[]) (out[key] as Float64Array).set((chunk[key] as Float64Array).subarray(0, n), at)
      at += n
    }
    this.joined = out
    return out
  }

  /**
   * Appends rows recorded elsewhere (the sandbox's worker ships its trace in deltas): `strings` are
   * the strings interned there since the last delta, in order, and `details` the detail objects, so
   * the ids in the rows keep their meaning here. A schema, when given, replaces this one.
   */
  append(rows: TraceColumns, strings: readonly string[], details: readonly unknown[], schema: TraceSchema | null): void {
    for (const s of strings) this.strings.intern(s)
    for (const d of details) this.details.push(d)
    if (schema !== null) {
      this.tracks.splice(0, this.tracks.length, ...schema.tracks)
      this.argLayouts.splice(0, this.argLayouts.length, ...schema.argLayouts)
      for (const key of Object.keys(this.enums)) delete this.enums[key]
      Object.assign(this.enums, schema.enums)
    }
    const n = rows.ts.length
    let at = 0
    while (at < n) {
      if (this.fill === CHUNK_ROWS || this.cur === null) {
        this.cur = newTraceColumns(CHUNK_ROWS)
        this.chunks.push(this.cur)
        this.fill = 0
      }
      const take = Math.min(n - at, CHUNK_ROWS - this.fill)
      for (const key of Object.keys(rows) as (keyof TraceColumns)[]) (this.cur[key] as Float64Array).set((rows[key] as Float64Array).subarray(at, at + take), this.fill)
      this.fill += take
      this.count += take
      at += take
    }
  }

  /** The object attached to row i, if any. */
  detailOf(i: number): unknown {
    const d = this.chunks[i >>> 16].detail[i & 0xffff]
    return d < 0 ? undefined : this.details[d]
  }

  private row(kind: EventKind, track: number, ts: number, name: number, args: number, a0: number, a1: number, a2: number): TraceColumns {
    let c = this.cur
    if (this.fill === CHUNK_ROWS || c === null) {
      c = this.cur = newTraceColumns(CHUNK_ROWS)
      this.chunks.push(c)
      this.fill = 0
    }
    const i = this.fill++
    this.count++
    c.kind[i] = kind
    c.track[i] = track
    c.ts[i] = ts
    c.name[i] = name
    c.args[i] = args
    c.a0[i] = a0
    c.a1[i] = a1
    c.a2[i] = a2
    c.detail[i] = -1
    return c
  }
}
