import { StringTable } from './strings.js'
import type { ArgField, ArgLayout, TraceSchema, TrackInfo } from './schema.js'

/** What one row of the trace is. The meaning of column `x` depends on it (see TraceColumns). */
export const EventKind = {
  /** A complete slice: [ts, ts + x] on a slices track, at nesting depth `depth`. */
  Slice: 1,
  /** A point in time on any track. */
  Instant: 2,
  /** A counter sample: the value is a0. */
  Counter: 3,
  /** Start of an async span with id x (an SRB lifetime). */
  AsyncBegin: 4,
  /** End of the async span with id x. */
  AsyncEnd: 5,
  /** A mark inside the async span with id x. */
  AsyncInstant: 6,
  /** Flow with id x starts at the slice that begins at (ts, track). */
  FlowStart: 7,
  /** Flow with id x passes through the slice that begins at (ts, track). */
  FlowStep: 8,
  /** Flow with id x ends at the slice that begins at (ts, track). */
  FlowEnd: 9,
} as const
export type EventKind = (typeof EventKind)[keyof typeof EventKind]

const INITIAL_ROWS = 4096

/**
 * The trace of a run, recorded in columns of typed arrays (one row per event, no object per event).
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

  count = 0
  kind = new Uint8Array(INITIAL_ROWS)
  depth = new Uint8Array(INITIAL_ROWS)
  track = new Uint16Array(INITIAL_ROWS)
  args = new Uint16Array(INITIAL_ROWS)
  name = new Uint32Array(INITIAL_ROWS)
  detail = new Int32Array(INITIAL_ROWS)
  ts = new Float64Array(INITIAL_ROWS)
  /** Duration for slices, id for async and flow events, 0 otherwise. */
  x = new Float64Array(INITIAL_ROWS)
  a0 = new Float64Array(INITIAL_ROWS)
  a1 = new Float64Array(INITIAL_ROWS)
  a2 = new Float64Array(INITIAL_ROWS)

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
    const i = this.row(EventKind.Slice, track, ts, name, args, a0, a1, a2)
    this.x[i] = dur
    this.depth[i] = depth
  }

  instant(track: number, ts: number, name: number, args = 0, a0 = 0, a1 = 0, a2 = 0, detail?: unknown): void {
    if (!this.enabled) return
    const i = this.row(EventKind.Instant, track, ts, name, args, a0, a1, a2)
    if (detail !== undefined) this.detail[i] = this.details.push(detail) - 1
  }

  counter(track: number, ts: number, name: number, value: number): void {
    if (!this.enabled) return
    this.row(EventKind.Counter, track, ts, name, 0, value, 0, 0)
  }

  async(kind: EventKind, track: number, ts: number, name: number, id: number, args = 0, a0 = 0, a1 = 0, a2 = 0): void {
    if (!this.enabled) return
    const i = this.row(kind, track, ts, name, args, a0, a1, a2)
    this.x[i] = id
  }

  flow(kind: EventKind, track: number, ts: number, id: number): void {
    if (!this.enabled) return
    const i = this.row(kind, track, ts, 0, 0, 0, 0, 0)
    this.x[i] = id
  }

  /** The object attached to row i, if any. */
  detailOf(i: number): unknown {
    const d = this.detail[i]
    return d < 0 ? undefined : this.details[d]
  }

  private row(kind: EventKind, track: number, ts: number, name: number, args: number, a0: number, a1: number, a2: number): number {
    if (this.count === this.ts.length) this.grow()
    const i = this.count++
    this.kind[i] = kind
    this.track[i] = track
    this.ts[i] = ts
    this.name[i] = name
    this.args[i] = args
    this.a0[i] = a0
    this.a1[i] = a1
    this.a2[i] = a2
    this.x[i] = 0
    this.depth[i] = 0
    this.detail[i] = -1
    return i
  }

  private grow(): void {
    const n = this.ts.length * 2
    this.kind = growU8(this.kind, n)
    this.depth = growU8(this.depth, n)
    const track = new Uint16Array(n)
    track.set(this.track)
    this.track = track
    const args = new Uint16Array(n)
    args.set(this.args)
    this.args = args
    const name = new Uint32Array(n)
    name.set(this.name)
    this.name = name
    const detail = new Int32Array(n)
    detail.set(this.detail)
    this.detail = detail
    this.ts = growF64(this.ts, n)
    this.x = growF64(this.x, n)
    this.a0 = growF64(this.a0, n)
    this.a1 = growF64(this.a1, n)
    this.a2 = growF64(this.a2, n)
  }
}

function growU8(a: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n)
  b.set(a)
  return b
}

function growF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n)
  b.set(a)
  return b
}
