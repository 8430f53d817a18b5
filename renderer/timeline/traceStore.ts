import { EventKind, type ArgFormat, type TraceColumns, type TraceSchema, type TrackInfo } from '../../main/contract/trace.js'
import { formatArg } from './argFormat.js'
import { AsyncSpans } from './asyncSpans.js'
import { CounterSeries } from './counterSeries.js'
import { FlowIndex } from './flows.js'
import { SpanLane } from './spanLane.js'

/**
 * The trace as the timeline reads it: the rows as they arrived (for the details of a selection) and,
 * per track, indexes sorted by time in typed arrays: slices per depth, async spans paired and placed
 * on rows, counter samples, instants; flows across tracks. Fed incrementally while a run goes on
 * (`ingest`), and equal to a store fed the same rows at once.
 */

/** One delivery from the backend: the schema when it changed, new strings, and new rows. */
export interface TraceUpdate {
  /** The whole schema (tracks are added while a run goes on). */
  schema?: TraceSchema
  /** Strings interned since the last update, appended to the table in order. */
  strings?: readonly string[]
  /** New rows. */
  columns?: TraceColumns
  /** How many rows of `columns` are new (default: all of them). */
  count?: number
}

/** The fields of one row, decoded for display. */
export interface EventDetails {
  row: number
  kind: EventKind
  /** 'slice', 'instant', 'counter', 'async begin', 'async end', 'async instant', 'flow start', 'flow step', 'flow end'. */
  kindName: string
  track: number
  trackName: string
  group: string
  /** The event's name, or its track's when it has none. */
  name: string
  ts: number
  /** Slices: their duration; async begin/end: their span's (Infinity while open); else null. */
  dur: number | null
  /** Async begin/end: the span's begin. */
  begin: number | null
  /** Async begin/end: the span's end (Infinity while open). */
  end: number | null
  depth: number
  /** Async and flow events: the id (an SRB id). */
  id: number | null
  /** Counters: the sample. */
  value: number | null
  layout: string
  args: { name: string; format: ArgFormat; value: number; text: string }[]
  /** Index into the backend's detail list (findings, debug prints), -1 when none. */
  detail: number
}

/** Where a row is drawn: its track, the lane row within the track, and its time extent. */
export interface EventPlace {
  track: number
  /** Depth for slices, placed row for async events, 0 for instants and counters. */
  lane: number
  start: number
  /** = start for points; the store's end for open spans. */
  end: number
}

const KIND_NAMES: Record<number, string> = {
  [EventKind.Slice]: 'slice',
  [EventKind.Instant]: 'instant',
  [EventKind.Counter]: 'counter',
  [EventKind.AsyncBegin]: 'async begin',
  [EventKind.AsyncEnd]: 'async end',
  [EventKind.AsyncInstant]: 'async instant',
  [EventKind.FlowStart]: 'flow start',
  [EventKind.FlowStep]: 'flow step',
  [EventKind.FlowEnd]: 'flow end',
}

const TOUCH_SLICES = 1
const TOUCH_INSTANTS = 2
const TOUCH_COUNTER = 4
const TOUCH_ASYNC = 8

/** The indexes of one track. */
export class TrackIndex {
  /** Slices by depth (a lane per depth up to the deepest seen). */
  readonly slices: SpanLane[] = []
  /** Instants, and async ends/instants whose span is unknown, as spans of length zero. */
  readonly instants = new SpanLane()
  readonly counter = new CounterSeries()
  readonly async = new AsyncSpans()
  sliceCount = 0
  /** Set during a batch: which indexes need settling. */
  touched = 0

  constructor(
    readonly index: number,
    public info: TrackInfo,
  ) {}

  /** The rows of spans drawn for this track: slice depths, or placed async rows. */
  get lanes(): readonly SpanLane[] {
    return this.info.kind === 'async' ? this.async.rows : this.slices
  }

  /** Number of events of any kind indexed on this track. */
  get eventCount(): number {
    return this.sliceCount + this.instants.n + this.counter.n + this.async.n + this.async.instN
  }

  /** The lane of slices at `depth` (made, with the ones above it, on first use). */
  slicesAt(depth: number): SpanLane {
    while (this.slices.length <= depth) this.slices.push(new SpanLane())
    return this.slices[depth]
  }
}

/**
 * The timeline's copy of a trace. Rows keep their index in recording order (the backend's row number),
 * which is what a selection, a search hit or a jump refers to.
 */
export class TraceStore {
  schema: TraceSchema = { tracks: [], argLayouts: [{ name: 'none', fields: [] }], enums: {} }
  readonly strings: string[] = ['']
  readonly tracks: TrackIndex[] = []
  readonly flows = new FlowIndex()
  /** Rows ingested so far; a row's index is its position in recording order. */
  rowCount = 0
  /** Bumped by every change; views redraw when it moves. */
  version = 0
  /** Rows of a kind this store does not know (ignored). */
  unknownRows = 0
  private minTs = Infinity
  private maxTs = -Infinity
  private readonly segments: TraceColumns[] = []
  private readonly segmentStart: number[] = []
  private touchedList: TrackIndex[] = []
  private hitSegment = 0
  // The last place() answer: the selection asks every frame.
  private placeRow = -1
  private placeVersion = -1
  private placeLast: EventPlace | null = null

  /** `strings`, when given, is the whole table so far (id 0 is ''). */
  constructor(schema?: TraceSchema, strings?: readonly string[]) {
    if (schema !== undefined) this.setSchema(schema)
    if (strings !== undefined) {
      this.strings.length = 0
      for (const s of strings) this.strings.push(s)
    }
  }

  /** Earliest time in the trace (0 when empty). */
  get startNs(): number {
    return this.minTs === Infinity ? 0 : this.minTs
  }

  /** Latest time in the trace, slice ends included (0 when empty). Open spans run to here. */
  get endNs(): number {
    return this.maxTs === -Infinity ? 0 : this.maxTs
  }

  get empty(): boolean {
    return this.rowCount === 0
  }

  /** Applies one delivery from the backend. */
  ingest(update: TraceUpdate): void {
    if (update.schema !== undefined) this.setSchema(update.schema)
    if (update.strings !== undefined) this.addStrings(update.strings)
    if (update.columns !== undefined) this.append(update.columns, update.count)
  }

  /** Replaces the schema (it only grows during a run: new tracks, layouts, enums). */
  setSchema(schema: TraceSchema): void {
    this.schema = schema
    schema.tracks.forEach((info, i) => {
      if (i < this.tracks.length) this.tracks[i].info = info
      else this.tracks.push(new TrackIndex(i, info))
    })
    this.version++
  }

  /** Appends strings interned since the last call (ids continue where the table ends). */
  addStrings(delta: readonly string[]): void {
    for (const s of delta) this.strings.push(s)
    if (delta.length > 0) this.version++
  }

  /**
   * Appends the first `count` rows of `columns` as new rows. The columns are kept (not copied) for
   * the details of a selection, so pass views that will not be overwritten (see `viewColumns`).
   */
  append(columns: TraceColumns, count = columns.kind.length): void {
    if (count <= 0) return
    const base = this.rowCount
    this.segments.push(columns)
    this.segmentStart.push(base)
    const { kind, depth, track, name, ts, x, a0 } = columns
    let minTs = this.minTs
    let maxTs = this.maxTs
    for (let i = 0; i < count; i++) {
      const k = kind[i]
      const t = ts[i]
      const row = base + i
      const tr = this.track(track[i])
      if (t < minTs) minTs = t
      if (t > maxTs) maxTs = t
      switch (k) {
        case EventKind.Slice: {
          const d = x[i] > 0 ? x[i] : 0
          if (t + d > maxTs) maxTs = t + d
          tr.slicesAt(depth[i]).push(t, t + d, name[i], row)
          tr.sliceCount++
          this.touch(tr, TOUCH_SLICES)
          break
        }
        case EventKind.Instant:
          tr.instants.push(t, t, name[i], row)
          this.touch(tr, TOUCH_INSTANTS)
          break
        case EventKind.Counter:
          tr.counter.push(t, a0[i], row)
          this.touch(tr, TOUCH_COUNTER)
          break
        case EventKind.AsyncBegin:
          tr.async.addBegin(t, name[i], x[i], row)
          this.touch(tr, TOUCH_ASYNC)
          break
        case EventKind.AsyncEnd:
          if (tr.async.addEnd(t, x[i], row)) this.touch(tr, TOUCH_ASYNC)
          else {
            tr.instants.push(t, t, name[i], row)
            this.touch(tr, TOUCH_INSTANTS)
          }
          break
        case EventKind.AsyncInstant:
          if (!tr.async.addInstant(t, name[i], x[i], row)) {
            tr.instants.push(t, t, name[i], row)
            this.touch(tr, TOUCH_INSTANTS)
          }
          break
        case EventKind.FlowStart:
        case EventKind.FlowStep:
        case EventKind.FlowEnd:
          this.flows.add(k, track[i], t, x[i], row)
          break
        default:
          this.unknownRows++
      }
    }
    this.minTs = minTs
    this.maxTs = maxTs
    this.rowCount = base + count
    for (const tr of this.touchedList) {
      if ((tr.touched & TOUCH_SLICES) !== 0) for (const lane of tr.slices) lane.settle()
      if ((tr.touched & TOUCH_INSTANTS) !== 0) tr.instants.settle()
      if ((tr.touched & TOUCH_COUNTER) !== 0) tr.counter.settle()
      if ((tr.touched & TOUCH_ASYNC) !== 0) tr.async.settle()
      tr.touched = 0
    }
    this.touchedList.length = 0
    this.flows.settle()
    this.version++
  }

  /**
   * Takes the rows [rowCount, total) from a recorder's chunk list (equal-size chunks, the last one
   * partly filled): what a live view in the same process calls after each step of a run.
   */
  syncChunks(chunks: readonly TraceColumns[], total: number): void {
    if (chunks.length === 0) return
    const size = chunks[0].kind.length
    while (this.rowCount < total) {
      const c = Math.floor(this.rowCount / size)
      if (c >= chunks.length) throw new RangeError(`syncChunks: row ${this.rowCount} is past the ${chunks.length} chunks given`)
      const from = this.rowCount - c * size
      const to = Math.min(size, total - c * size)
      this.append(viewColumns(chunks[c], from, to))
    }
  }

  /** Track index of a track number (made on the fly for rows that arrive before their schema). */
  track(i: number): TrackIndex {
    let tr = this.tracks[i]
    if (tr === undefined) {
      for (let j = this.tracks.length; j <= i; j++) this.tracks.push(new TrackIndex(j, { name: `track ${j}`, group: '', kind: 'instants', order: j }))
      tr = this.tracks[i]
    }
    return tr
  }

  /** The string of a name id, or the track's name when the event has none. */
  nameText(name: number, track: number): string {
    return this.strings[name] || (this.tracks[track]?.info.name ?? '')
  }

  // ---------------------------------------------------------------------------------------------
  // Rows as recorded

  /** One column value of row `row`. */
  rowValue(row: number, column: keyof TraceColumns): number {
    const i = this.locate(row)
    return this.segments[this.hitSegment][column][i]
  }

  rowKind(row: number): EventKind {
    return this.rowValue(row, 'kind') as EventKind
  }

  rowTrack(row: number): number {
    return this.rowValue(row, 'track')
  }

  rowTs(row: number): number {
    return this.rowValue(row, 'ts')
  }

  /** The display name of row `row`. */
  rowName(row: number): string {
    const i = this.locate(row)
    const c = this.segments[this.hitSegment]
    return this.nameText(c.name[i], c.track[i])
  }

  /** All fields of a row, decoded by its argument layout. */
  describe(row: number): EventDetails {
    if (row < 0 || row >= this.rowCount) throw new RangeError(`row ${row} is not in the trace (0..${this.rowCount - 1})`)
    const i = this.locate(row)
    const c = this.segments[this.hitSegment]
    const kind = c.kind[i] as EventKind
    const track = c.track[i]
    const info = this.tracks[track]?.info
    const layoutId = c.args[i]
    const layout = this.schema.argLayouts[layoutId] ?? { name: `#${layoutId}`, fields: [] }
    const values = [c.a0[i], c.a1[i], c.a2[i]]
    const ts = c.ts[i]
    const out: EventDetails = {
      row,
      kind,
      kindName: KIND_NAMES[kind] ?? `kind ${kind}`,
      track,
      trackName: info?.name ?? `track ${track}`,
      group: info?.group ?? '',
      name: kind >= EventKind.FlowStart ? 'flow' : this.nameText(c.name[i], track),
      ts,
      dur: null,
      begin: null,
      end: null,
      depth: c.depth[i],
      id: null,
      value: null,
      layout: layout.name,
      args: layout.fields.map((f, k) => ({ name: f.name, format: f.format, value: values[k], text: formatArg(f.format, values[k], this.strings, this.schema.enums) })),
      detail: c.detail[i],
    }
    if (kind === EventKind.Slice) out.dur = c.x[i]
    else if (kind === EventKind.Counter) out.value = c.a0[i]
    else if (kind >= EventKind.AsyncBegin) out.id = c.x[i]
    if (kind === EventKind.AsyncBegin || kind === EventKind.AsyncEnd) {
      const a = this.tracks[track].async
      const s = a.spanOfRow(row, ts, c.x[i], kind === EventKind.AsyncEnd)
      if (s >= 0) {
        out.begin = a.beginTs[s]
        out.end = a.endTs[s]
        out.dur = a.endTs[s] - a.beginTs[s]
      }
    }
    return out
  }

  /** Where row `row` is drawn, or null for rows that are not drawn on their own (flow points). */
  place(row: number): EventPlace | null {
    if (row === this.placeRow && this.version === this.placeVersion) return this.placeLast
    const p = this.findPlace(row)
    this.placeRow = row
    this.placeVersion = this.version
    this.placeLast = p
    return p
  }

  private findPlace(row: number): EventPlace | null {
    if (row < 0 || row >= this.rowCount) return null
    const i = this.locate(row)
    const c = this.segments[this.hitSegment]
    const kind = c.kind[i]
    const track = c.track[i]
    const ts = c.ts[i]
    const tr = this.tracks[track]
    switch (kind) {
      case EventKind.Slice:
        return { track, lane: c.depth[i], start: ts, end: ts + Math.max(0, c.x[i]) }
      case EventKind.Instant:
      case EventKind.Counter:
        return { track, lane: 0, start: ts, end: ts }
      case EventKind.AsyncBegin:
      case EventKind.AsyncEnd: {
        const s = tr.async.spanOfRow(row, ts, c.x[i], kind === EventKind.AsyncEnd)
        if (s < 0) return { track, lane: 0, start: ts, end: ts }
        return { track, lane: Math.max(0, tr.async.lane[s]), start: tr.async.beginTs[s], end: Math.min(tr.async.endTs[s], this.endNs) }
      }
      case EventKind.AsyncInstant: {
        const a = tr.async
        const id = c.x[i]
        for (let k = a.order.upperBound(ts) - 1; k >= 0; k--) {
          const s = a.order.ref[k]
          if (a.id[s] !== id) continue
          for (let j = a.instHead[s]; j >= 0; j = a.instNext[j]) if (a.instRow[j] === row) return { track, lane: Math.max(0, a.lane[s]), start: ts, end: ts }
        }
        return { track, lane: 0, start: ts, end: ts }
      }
      default:
        return null
    }
  }

  /** Index of row `row` inside its segment (and the segment in hitSegment). */
  private locate(row: number): number {
    const starts = this.segmentStart
    let s = this.hitSegment
    if (!(s < starts.length && starts[s] <= row && (s + 1 === starts.length || starts[s + 1] > row))) {
      let lo = 0
      let hi = starts.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1
        if (starts[mid] <= row) lo = mid
        else hi = mid - 1
      }
      s = this.hitSegment = lo
    }
    return row - starts[s]
  }

  private touch(tr: TrackIndex, what: number): void {
    if (tr.touched === 0) this.touchedList.push(tr)
    tr.touched |= what
  }
}

/** Views of rows [from, to) of a set of columns (no copy). */
export function viewColumns(c: TraceColumns, from: number, to: number): TraceColumns {
  return {
    kind: c.kind.subarray(from, to),
    depth: c.depth.subarray(from, to),
    track: c.track.subarray(from, to),
    args: c.args.subarray(from, to),
    name: c.name.subarray(from, to),
    detail: c.detail.subarray(from, to),
    ts: c.ts.subarray(from, to),
    x: c.x.subarray(from, to),
    a0: c.a0.subarray(from, to),
    a1: c.a1.subarray(from, to),
    a2: c.a2.subarray(from, to),
  }
}
