/**
 * One trace built from a file's events: the passes over them (metadata, then rows by phase), B/E
 * pairing, slice depths, and the recorder at the end. The mapping is documented in chromeTraceImport.ts.
 */
import { EventKind, type TraceSchema } from '../../contract/trace.js'
import { TraceRecorder } from '../../sim/trace/recorder.js'
import { StringTable } from '../../sim/trace/strings.js'
import { ImportArgs } from './chromeTraceImportArgs.js'
import { asyncSpans, flows, type PairingBuilder } from './chromeTraceImportAsyncFlows.js'
import { isObject, type Json, type Pending, type Warnings } from './chromeTraceImportEvent.js'
import { ImportRows } from './chromeTraceImportRows.js'
import { ImportTracks, MAX_TRACKS } from './chromeTraceImportTracks.js'

/** The importer yields (the async import may pause there) every STEP_MASK + 1 events. */
const STEP_MASK = 4095

/** One trace being built from the events of a file. */
export class TraceBuilder implements PairingBuilder {
  readonly strings = new StringTable()
  readonly rows = new ImportRows()
  readonly tracks = new ImportTracks()
  readonly args: ImportArgs
  private readonly beginEnd = new Map<string, Pending[]>()
  private readonly asyncEvents: Pending[] = []
  private readonly flowEvents: Pending[] = []
  private maxTs = -Infinity
  imported = 0
  skipped = 0

  constructor(
    readonly ours: boolean,
    readonly warnings: Warnings,
  ) {
    this.args = new ImportArgs(this.rows, this.strings, ours)
  }

  /** Reads the events; empties `events` as it goes. Yields every few thousand events (the caller may pause there). */
  *read(events: unknown[]): Generator<void, void> {
    // Metadata first: names and sort indexes apply wherever they appear in the file.
    for (let k = 0; k < events.length; k++) {
      const ev = events[k]
      if (isObject(ev) && ev.ph === 'M') this.tracks.metadata(ev)
      if ((k & STEP_MASK) === STEP_MASK) yield
    }
    for (let k = 0; k < events.length; k++) {
      const ev = events[k]
      if ((k & STEP_MASK) === STEP_MASK) yield
      if (!isObject(ev)) {
        this.skip('events that are not objects were skipped')
        continue
      }
      if (ev.ph === 'X' || ev.ph === 'B' || ev.ph === 'E') this.tracks.thread(ev).hasSlices = true
    }
    let seq = 0
    for (let k = 0; k < events.length; k++) {
      const ev = events[k]
      // The parsed file is ours (importChromeTrace parsed it): letting go of each event once it is a
      // row keeps the garbage collector from walking the whole file again and again.
      events[k] = null
      if ((k & STEP_MASK) === STEP_MASK) yield
      if (!isObject(ev) || ev.ph === 'M') continue
      const ph = ev.ph
      if (typeof ph !== 'string') {
        this.skip('events without a "ph" were skipped')
        continue
      }
      const ts = typeof ev.ts === 'number' && Number.isFinite(ev.ts) ? Math.round(ev.ts * 1000) : null
      if (ts === null) {
        this.skip(`'${ph}' events without a numeric ts were skipped`)
        continue
      }
      switch (ph) {
        case 'X':
          this.complete(ev, ts)
          break
        case 'B':
        case 'E': {
          const key = this.tracks.thread(ev).key
          let list = this.beginEnd.get(key)
          if (list === undefined) this.beginEnd.set(key, (list = []))
          list.push({ ev, ts, seq: seq++ })
          break
        }
        case 'i':
        case 'I':
          this.instant(ev, ts)
          break
        case 'C':
          this.counter(ev, ts)
          break
        case 'b':
        case 'e':
        case 'n':
          this.asyncEvents.push({ ev, ts, seq: seq++ })
          break
        case 's':
        case 't':
        case 'f':
          this.flowEvents.push({ ev, ts, seq: seq++ })
          break
        default:
          this.skip(`events of phase '${ph}' (${PHASE_NAMES[ph] ?? 'unknown'}) are not imported`)
      }
      if (ts > this.maxTs) this.maxTs = ts
    }
  }

  /** Pairs what needs pairing, computes depths, binds flows, and builds the recorder. */
  *finish(): Generator<void, TraceRecorder> {
    if (this.maxTs === -Infinity) this.maxTs = 0
    for (const list of this.beginEnd.values()) {
      this.pairBeginEnd(list)
      yield
    }
    this.computeDepths()
    yield
    asyncSpans(this, this.asyncEvents)
    yield
    flows(this, this.flowEvents)
    yield
    const { trackMap, infos } = this.tracks.final()
    const n = this.rows.n
    const order = new Uint32Array(n)
    for (let i = 0; i < n; i++) order[i] = i
    // Time order, stable: the timeline ingests rows like a recording, begins before their ends.
    const ts = this.rows.ts
    yield
    order.sort((a, b) => ts[a] - ts[b] || a - b)
    yield
    const schema: TraceSchema = { tracks: infos, argLayouts: this.args.layouts, enums: {} }
    const trace = new TraceRecorder()
    const columns = yield* this.rows.columnsInParts(order, trackMap)
    yield
    trace.append(columns, this.strings.list.slice(1), this.args.details, schema)
    return trace
  }

  // ---------------------------------------------------------------------------------------- events

  private complete(ev: Json, ts: number): void {
    let dur = typeof ev.dur === 'number' && Number.isFinite(ev.dur) ? Math.round(ev.dur * 1000) : null
    if (dur === null) {
      this.warnings.add("'X' events without a numeric dur were imported with duration 0")
      dur = 0
    } else if (dur < 0) {
      this.skip("'X' events with a negative dur were skipped")
      return
    }
    const track = this.tracks.threadTrack(this.tracks.thread(ev), 'slices')
    if (track < 0) return this.tooManyTracks()
    const row = this.rows.add(EventKind.Slice, track, ts, this.args.name(ev), dur)
    this.args.add(row, ev, ev.args)
    this.tracks.slices(track).push(row)
    if (ts + dur > this.maxTs) this.maxTs = ts + dur
    this.imported++
  }

  private instant(ev: Json, ts: number): void {
    const scope = ev.s === 'g' || ev.s === 'p' ? ev.s : 't'
    let track: number
    if (scope === 'g') {
      track = this.tracks.track('g', () => ({ process: '\u0000global', thread: null, kind: 'instants', name: 'Global instants', order: 0 }))
    } else if (scope === 'p' || ev.tid === undefined) {
      const p = this.tracks.process(ev)
      track = this.tracks.track(`p\u0000${p.key}`, () => ({ process: p.key, thread: null, kind: 'instants', name: '', order: -1 }))
    } else {
      const thread = this.tracks.thread(ev)
      track = this.tracks.threadTrack(thread, thread.hasSlices ? 'slices' : 'instants')
    }
    if (track < 0) return this.tooManyTracks()
    const row = this.rows.add(EventKind.Instant, track, ts, this.args.name(ev), 0)
    this.args.add(row, ev, ev.args)
    this.imported++
  }

  private counter(ev: Json, ts: number): void {
    if (!isObject(ev.args) || Object.keys(ev.args).length === 0) {
      this.skip("'C' events without series values in args were skipped")
      return
    }
    const p = this.tracks.process(ev)
    const name = typeof ev.name === 'string' ? ev.name : ''
    const id = ev.id === undefined || ev.id === null ? '' : String(ev.id)
    const counterKey = `${p.key}\u0000${name}\u0000${id}`
    const series = this.tracks.series(counterKey)
    // Our exporter puts each counter on its own named thread; its sort index is the track's order.
    const thread = ev.tid === undefined ? null : (this.tracks.knownThread(p.key, String(ev.tid)) ?? null)
    const base = id === '' ? name : `${name}[${id}]`
    let any = false
    for (const [key, value] of Object.entries(ev.args)) {
      const v = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
      if (!Number.isFinite(v)) {
        this.skip("counter values that are not numbers were skipped")
        continue
      }
      series.add(key)
      const track = this.tracks.track(`c\u0000${counterKey}\u0000${key}`, () => ({ process: p.key, thread: null, kind: 'counter', name: base, order: thread?.sort ?? 0, unit: key, counter: counterKey }))
      if (track < 0) return this.tooManyTracks()
      const row = this.rows.add(EventKind.Counter, track, ts, this.strings.intern(name), 0)
      this.rows.a0[row] = v
      any = true
    }
    if (any) this.imported++
  }

  /** B/E of one thread, in time order (file order at equal times), as slices. */
  private pairBeginEnd(list: Pending[]): void {
    list.sort((p, q) => p.ts - q.ts || p.seq - q.seq)
    const open: Pending[] = []
    for (const item of list) {
      if (item.ev.ph === 'B') {
        open.push(item)
        continue
      }
      const begin = open.pop()
      if (begin === undefined) {
        this.skip("'E' events without a 'B' before them on their thread were skipped")
        continue
      }
      const endName = item.ev.name
      if (typeof endName === 'string' && endName !== '' && endName !== begin.ev.name) this.warnings.add("'E' events whose name differs from their 'B' (paired by nesting, as viewers do)")
      this.beginEndSlice(begin, item.ts, item.ev.args)
    }
    for (const begin of open) {
      this.warnings.add("'B' events never ended: they run to the end of the trace")
      this.beginEndSlice(begin, Math.max(this.maxTs, begin.ts), undefined)
    }
  }

  private beginEndSlice(begin: Pending, end: number, endArgs: unknown): void {
    const track = this.tracks.threadTrack(this.tracks.thread(begin.ev), 'slices')
    if (track < 0) return this.tooManyTracks()
    const row = this.rows.add(EventKind.Slice, track, begin.ts, this.args.name(begin.ev), end - begin.ts)
    const args = isObject(endArgs) && Object.keys(endArgs).length > 0 ? { ...(isObject(begin.ev.args) ? begin.ev.args : {}), ...endArgs } : begin.ev.args
    this.args.add(row, begin.ev, args)
    this.tracks.slices(track).push(row)
    this.imported += 2
  }

  /**
   * Slice depth per track: slices sorted by start, longest first at equal starts (a parent before its
   * children) except that zero-length slices come first (they cannot contain anything: one at the
   * start of another slice is its sibling), then a stack of open ends.
   */
  private computeDepths(): void {
    const { ts, x, depth } = this.rows
    let deep = false
    for (const t of this.tracks.list) {
      if (t.slices === undefined) continue
      t.slices.sort((a, b) => ts[a] - ts[b] || (x[a] === 0 ? 0 : 1) - (x[b] === 0 ? 0 : 1) || x[b] - x[a] || a - b)
      const ends: number[] = []
      for (const row of t.slices) {
        while (ends.length > 0 && ends[ends.length - 1] <= ts[row]) ends.pop()
        if (ends.length > 255) deep = true
        depth[row] = Math.min(ends.length, 255)
        ends.push(ts[row] + x[row])
      }
    }
    if (deep) this.warnings.add('slices nested deeper than 255 levels are drawn at depth 255')
  }

  // ------------------------------------------------------------------------------------- counting

  skip(message: string): void {
    this.warnings.add(message)
    this.skipped++
  }

  tooManyTracks(): void {
    this.skip(`events beyond ${MAX_TRACKS} tracks were skipped`)
  }
}

/** Phases this importer does not turn into rows, for the warning. */
const PHASE_NAMES: Record<string, string> = {
  S: 'legacy async start',
  T: 'legacy async step',
  p: 'legacy async step',
  F: 'legacy async end',
  P: 'sample',
  N: 'object created',
  O: 'object snapshot',
  D: 'object destroyed',
  R: 'mark',
  c: 'clock sync',
  V: 'memory dump',
  v: 'memory dump',
  '(': 'context begin',
  ')': 'context end',
}
