/**
 * Opening a saved trace (BackendApi.openTrace): Chrome Trace Event JSON, ours or another tool's, read
 * into a TraceRecorder the timeline shows as a read-only run. docs/exports.md has the user's view.
 *
 * Use from the backend:
 *
 *     const imported = await readChromeTraceFile(file)        // throws Error('<file>:<line>:<col>: ...')
 *     const info: RunInfo = { runId, ...imported.about, startedAt: Date.now(), origin: 'file', replayOf: null }
 *     // imported.trace: rows, strings, schema for `trace` events; imported.warnings: show them.
 *
 * How the file maps onto the trace model (main/contract/trace.ts):
 * - processes (pid) -> track groups, named by `M process_name` (else "Process <pid>"), ordered by
 *   `process_sort_index`; threads (pid, tid) -> tracks named by `M thread_name` (else "Thread <tid>"),
 *   TrackInfo.order from `thread_sort_index` (else the tid).
 * - X -> slices; B/E pairs (per thread, in time order) -> slices; nesting depth computed per track:
 *   a slice is inside the slices that contain it (at equal starts the longer one is the parent; a
 *   zero-length slice is a sibling of one starting with it; two identical slices nest, as viewers show
 *   them). An unmatched E is skipped, a B never ended runs to the trace's end.
 * - b/e/n -> async spans on a kind 'async' track: the thread's (its name gets " (async)" when the thread
 *   has slices too), or, for a thread no metadata names, one per (process, category). Spans are keyed
 *   by (cat, id2.local with pid | id2.global | id), nest per key, and keep a numeric id when it is free
 *   (ids are numbers, 0x-hex or decimal strings; others get fresh ids from 2^48).
 * - C -> one counter track per series (args key): named by the event when it has one series, else
 *   "<name> <key>" (Perfetto's naming); the key is the track's unit.
 * - i/I -> instants: thread scope on the thread's slices track (or an instants track when the thread
 *   has no slices), process scope on "<process> instants", global scope on "Global instants".
 * - s/t/f -> flow rows keyed by (cat, name, id), bound to a slice start on the thread's slices track:
 *   the slice starting at exactly that time (how our exporter writes them), else the enclosing slice
 *   (s, t, and f with bp "e") or the next slice (f without bp), as Catapult and Perfetto bind them.
 * - args -> detail objects (with `cat` when the event has one), which the detail panel shows. For our
 *   own export (otherData.tool is "Minidriver Workbench"), args of at most three scalar fields become
 *   arg layouts again: numbers as int, booleans as bool, canonical "0x.." strings as hex, other strings
 *   (enum and flag names, decoded register fields) as string; `{ text }` alone is a debug print's detail
 *   again; anything else (a verifier finding merged with its fields) is kept whole as the detail.
 *   Our flows' rows get no name (the exporter's "srb" is a placeholder), as recorded.
 * - times: ts and dur are microseconds (any displayTimeUnit); rows are integer nanoseconds,
 *   `Math.round(us * 1000)`. Our export writes exact nanoseconds (3 decimals), so it round-trips exactly;
 *   a foreign trace's sub-nanosecond digits are rounded off.
 * - other phases (legacy async S/T/F, objects, samples, marks...) are skipped with a warning, as are
 *   events without a numeric ts. A trace cut short (an array without its closing bracket) imports
 *   what is complete, with a warning, as Catapult does; any other bad JSON is an error naming the file,
 *   line and column.
 *
 * The work is linear in the events (plus sorts per track), so a 50 MB file takes a couple of seconds.
 * Warnings are counted per kind of problem, not one per event.
 */
import { constants, type Stats } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import type { RunInfo } from '../../contract/api.js'
import { EventKind, type ArgFormat, type ArgLayout, type TraceSchema, type TrackInfo, type TrackKind } from '../../contract/trace.js'
import { TraceRecorder } from '../../sim/trace/recorder.js'
import { StringTable } from '../../sim/trace/strings.js'
import { ImportRows } from './chromeTraceImportRows.js'
import { importLimitsFrom, megabytes, WORKBENCH_SETTINGS, type ImportLimits } from '../backend/importLimits.js'
import { parseJsonInPieces, pauseEvery, type Pause } from './chromeTraceImportParse.js'
import { findJsonSyntaxError, findJsonSyntaxErrorAsync } from './chromeTraceImportSyntax.js'

/** otherData.tool of our own export (main/host/chromeTrace/chromeTraceExport.ts). */
export const OUR_TOOL = 'Minidriver Workbench'

/** Fresh numeric ids (for string ids, and numeric ids already open) start here, above real SRB ids. */
const FRESH_ID_BASE = 2 ** 48
const MAX_TRACKS = 0xffff
/** The importer yields (the async import may pause there) every STEP_MASK + 1 events. */
const STEP_MASK = 4095

export interface ImportedTrace {
  trace: TraceRecorder
  /** An opened trace has no report (the file holds only the trace). */
  report: null
  /** Problems with the file that did not stop the import, one line per kind, with counts. */
  warnings: string[]
  /** What the file says about the run, for its RunInfo (from our otherData; else the file name). */
  about: Pick<RunInfo, 'driver' | 'scenario' | 'seed' | 'card'>
  /** The file is our own export. */
  ours: boolean
  /** Events of the file imported (a B/E pair is two, a counter event one however many series), and events skipped (each skip is counted in a warning). */
  events: number
  skipped: number
}

type Json = Record<string, unknown>

export interface ReadTraceOptions {
  /** Default: importLimitsFrom(process.env) (MDWB_IMPORT_MAX_MB, docs/settings.md). */
  limits?: ImportLimits
  /** Awaited between pieces of the work; default: a turn of the event loop every 10 ms. */
  pause?: Pause
}

/**
 * Reads a Chrome trace file (.json, or gzip-compressed) and imports it; errors name the file.
 * Regular files only (a device, a FIFO or a folder is refused before it is read), at most
 * `limits.maxBytes` of text (the file, or what it inflates to: gunzip runs as a stream and stops
 * past the limit), parsed and imported a piece at a time so the backend answers other requests
 * meanwhile.
 */
export async function readChromeTraceFile(file: string, options: ReadTraceOptions = {}): Promise<ImportedTrace> {
  const limits = options.limits ?? importLimitsFrom()
  const data = await readTraceBytes(file, limits.maxBytes)
  const pause = options.pause ?? pauseEvery()
  await pause()
  return importChromeTraceAsync(data.toString('utf8'), file, pause)
}

const LIMIT_NAME = WORKBENCH_SETTINGS.importMaxMB.env

/** What a non-file is called in errors. */
function notAFile(st: Stats): string | null {
  if (st.isFile()) return null
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

/** The file's bytes (gunzipped when it is gzip), refusing what is not a regular file or is over `max`. */
async function readTraceBytes(file: string, max: number): Promise<Buffer> {
  let st: Stats
  try {
    st = await stat(file)
  } catch (e) {
    throw new Error(`cannot open ${file}: ${(e as Error).message}`)
  }
  const refuse = (what: string) => new Error(`cannot open ${file}: it is ${what}, not a file; a trace is a .json or .json.gz file`)
  const kind = notAFile(st)
  if (kind !== null) throw refuse(kind)
  let handle: FileHandle
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, opening it does not wait for a writer.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (e) {
    throw new Error(`cannot open ${file}: ${(e as Error).message}`)
  }
  try {
    const opened = await handle.stat()
    const openedKind = notAFile(opened)
    if (openedKind !== null) throw refuse(openedKind)
    if (opened.size > max) throw new Error(`cannot open ${file}: it is ${megabytes(opened.size)}, over the import limit of ${megabytes(max)} (${LIMIT_NAME})`)
    const head = Buffer.alloc(2)
    const { bytesRead } = await handle.read(head, 0, 2, 0)
    if (bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b) return await gunzipCapped(handle, file, max)
    return await readCapped(handle, file, max)
  } finally {
    await handle.close().catch(() => {})
  }
}

/** Reads to the end, at most `max` bytes (a file that grows while it is read stops there). */
async function readCapped(handle: FileHandle, file: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for (;;) {
    const chunk = Buffer.allocUnsafe(4 * 1024 * 1024)
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, total)
    if (bytesRead === 0) break
    total += bytesRead
    if (total > max) throw new Error(`cannot open ${file}: it grew past the import limit of ${megabytes(max)} (${LIMIT_NAME}) while it was read`)
    chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead))
  }
  return Buffer.concat(chunks, total)
}

class InflateLimit extends Error {}

/** Gunzip as a stream (off the main thread, a chunk at a time), stopped as soon as the output passes `max`. */
async function gunzipCapped(handle: FileHandle, file: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  let over = false
  try {
    await pipeline(handle.createReadStream({ start: 0, autoClose: false }), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        total += chunk.length
        if (total > max) {
          over = true
          throw new InflateLimit()
        }
        chunks.push(chunk)
      }
    })
  } catch (e) {
    // (pipeline may reject with its own AbortError once the sink threw.)
    if (over || e instanceof InflateLimit) throw new Error(`${file}: inflates past ${megabytes(max)}, the import limit (${LIMIT_NAME}); not opened`)
    throw new Error(`${file}: not a valid gzip file: ${(e as Error).message}`)
  }
  return Buffer.concat(chunks, total)
}

/** Reads a Chrome Trace Event JSON text (ours, or another tool's) into a TraceRecorder. `source` names it in errors. */
export function importChromeTrace(text: string, source: string): ImportedTrace {
  const warnings = new Warnings()
  const doc = parseJson(text, source, warnings)
  return drive(importDocument(doc, source, warnings))
}

/**
 * importChromeTrace a piece at a time: the text parsed an event at a time and the events imported a
 * few thousand at a time, `pause()` awaited in between (pauseEvery: a turn of the event loop every
 * 10 ms), so the backend keeps answering while a large trace opens. The same result.
 */
export async function importChromeTraceAsync(text: string, source: string, pause: Pause = pauseEvery()): Promise<ImportedTrace> {
  const warnings = new Warnings()
  let doc: unknown
  const split = await parseJsonInPieces(text, pause)
  if (split !== null) {
    doc = split.doc
    if (split.truncated) warnings.add(CUT_SHORT)
  } else {
    // Not something the splitter takes: find the exact error without holding the event loop, else parse it whole.
    const e = await findJsonSyntaxErrorAsync(text, pause)
    if (e !== null) throw new Error(`${source}:${e.line}:${e.column}: not valid JSON: ${e.message} (offset ${e.offset})`)
    doc = parseJson(text, source, warnings)
  }
  const steps = importDocument(doc, source, warnings)
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
    await pause()
  }
}

function drive<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
  }
}

const CUT_SHORT = 'the event array is not closed (a trace cut short?): imported the events before the end'

function* importDocument(doc: unknown, source: string, warnings: Warnings): Generator<void, ImportedTrace> {
  let events: unknown[]
  let otherData: Json | null = null
  if (Array.isArray(doc)) events = doc
  else if (isObject(doc) && Array.isArray(doc.traceEvents)) {
    events = doc.traceEvents
    if (isObject(doc.otherData)) otherData = doc.otherData
    if (typeof doc.systemTraceEvents === 'string' && doc.systemTraceEvents.length > 0) warnings.add('systemTraceEvents (ftrace text) are not imported')
  } else {
    throw new Error(`${source}: not a Chrome trace: expected an array of events or an object with a "traceEvents" array`)
  }
  const ours = otherData?.tool === OUR_TOOL
  const builder = new TraceBuilder(ours, warnings)
  yield* builder.read(events)
  const trace = yield* builder.finish()
  const textOr = (v: unknown, fallback: string) => (typeof v === 'string' && v.length > 0 ? v : fallback)
  const about = {
    driver: textOr(otherData?.driver, path.basename(source)),
    scenario: textOr(otherData?.scenario, ''),
    seed: typeof otherData?.seed === 'number' ? otherData.seed : 0,
    card: textOr(otherData?.card, ''),
  }
  return { trace, report: null, warnings: warnings.list(), about, ours, events: builder.imported, skipped: builder.skipped }
}

function parseJson(text: string, source: string, warnings: Warnings): unknown {
  try {
    return JSON.parse(text)
  } catch {
    // A trace cut short (a crashed tracer) is an array without its closing bracket: Catapult closes it.
    const trimmed = text.trimEnd().replace(/,$/, '')
    if (text.trimStart().startsWith('[') && !trimmed.endsWith(']')) {
      try {
        const doc = JSON.parse(`${trimmed}]`)
        warnings.add(CUT_SHORT)
        return doc
      } catch {
        // Report the original text's error below.
      }
    }
    const e = findJsonSyntaxError(text)
    if (e === null) throw new Error(`${source}: not valid JSON`)
    throw new Error(`${source}:${e.line}:${e.column}: not valid JSON: ${e.message} (offset ${e.offset})`)
  }
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** Warnings counted per message. */
class Warnings {
  private readonly counts = new Map<string, number>()
  add(message: string): void {
    this.counts.set(message, (this.counts.get(message) ?? 0) + 1)
  }
  list(): string[] {
    return [...this.counts].map(([m, n]) => (n === 1 ? m : `${m} (${n} times)`))
  }
}

interface Process {
  key: string
  name: string | null
  sort: number | null
  /** For ordering processes without a sort index. */
  pid: number
}

interface Thread {
  key: string
  process: string
  tid: string
  name: string | null
  sort: number | null
  hasSlices: boolean
  /** Provisional track numbers of the thread's tracks, by kind. */
  tracks: Partial<Record<TrackKind, number>>
}

interface ProvisionalTrack {
  process: string
  thread: Thread | null
  kind: TrackKind
  /** The name when the track is not a thread's (counters, process and global instants, async by category). */
  name: string
  order: number
  unit?: string
  /** Counters: the counter this series belongs to (for naming by series count). */
  counter?: string
  /** Slices tracks: rows of their slices. */
  slices?: number[]
}

/** A pending B/E, async or flow event with its time in ns and its position in the file (for stable sorts). */
interface Pending {
  ev: Json
  ts: number
  seq: number
}

/** One trace being built from the events of a file. */
class TraceBuilder {
  readonly strings = new StringTable()
  readonly rows = new ImportRows()
  readonly details: unknown[] = []
  readonly layouts: ArgLayout[] = [{ name: 'none', fields: [] }]
  private readonly layoutIds = new Map<string, number>()
  private readonly processes = new Map<string, Process>()
  private readonly threads = new Map<string, Thread>()
  private readonly tracks: ProvisionalTrack[] = []
  private readonly trackIds = new Map<string, number>()
  private readonly counterSeries = new Map<string, Set<string>>()
  private readonly beginEnd = new Map<string, Pending[]>()
  private readonly asyncEvents: Pending[] = []
  private readonly flowEvents: Pending[] = []
  private maxTs = -Infinity
  imported = 0
  skipped = 0

  constructor(
    private readonly ours: boolean,
    private readonly warnings: Warnings,
  ) {}

  /** Reads the events; empties `events` as it goes. Yields every few thousand events (the caller may pause there). */
  *read(events: unknown[]): Generator<void, void> {
    // Metadata first: names and sort indexes apply wherever they appear in the file.
    for (let k = 0; k < events.length; k++) {
      const ev = events[k]
      if (isObject(ev) && ev.ph === 'M') this.metadata(ev)
      if ((k & STEP_MASK) === STEP_MASK) yield
    }
    for (let k = 0; k < events.length; k++) {
      const ev = events[k]
      if ((k & STEP_MASK) === STEP_MASK) yield
      if (!isObject(ev)) {
        this.skip('events that are not objects were skipped')
        continue
      }
      if (ev.ph === 'X' || ev.ph === 'B' || ev.ph === 'E') this.thread(ev).hasSlices = true
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
          const key = this.thread(ev).key
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
    this.asyncSpans()
    yield
    this.flows()
    yield
    const { trackMap, infos } = this.finalTracks()
    const n = this.rows.n
    const order = new Uint32Array(n)
    for (let i = 0; i < n; i++) order[i] = i
    // Time order, stable: the timeline ingests rows like a recording, begins before their ends.
    const ts = this.rows.ts
    yield
    order.sort((a, b) => ts[a] - ts[b] || a - b)
    yield
    const schema: TraceSchema = { tracks: infos, argLayouts: this.layouts, enums: {} }
    const trace = new TraceRecorder()
    const columns = yield* this.rows.columnsInParts(order, trackMap)
    yield
    trace.append(columns, this.strings.list.slice(1), this.details, schema)
    return trace
  }

  // ------------------------------------------------------------------------------- processes, threads

  private metadata(ev: Json): void {
    const args = isObject(ev.args) ? ev.args : {}
    switch (ev.name) {
      case 'process_name':
        if (typeof args.name === 'string') this.process(ev).name = args.name
        break
      case 'process_sort_index':
        if (typeof args.sort_index === 'number') this.process(ev).sort = args.sort_index
        break
      case 'thread_name':
        if (typeof args.name === 'string') this.thread(ev).name = args.name
        break
      case 'thread_sort_index':
        if (typeof args.sort_index === 'number') this.thread(ev).sort = args.sort_index
        break
      // process_labels, num_cpus, trace_buffer_overrun...: nothing to show on a track.
    }
  }

  private process(ev: Json): Process {
    const key = ev.pid === undefined || ev.pid === null ? '' : String(ev.pid)
    let p = this.processes.get(key)
    if (p === undefined) {
      const pid = Number(key)
      this.processes.set(key, (p = { key, name: null, sort: null, pid: Number.isFinite(pid) ? pid : Infinity }))
    }
    return p
  }

  private thread(ev: Json): Thread {
    const pid = this.process(ev).key
    const tid = ev.tid === undefined || ev.tid === null ? '' : String(ev.tid)
    const key = `${pid}\u0000${tid}`
    let t = this.threads.get(key)
    if (t === undefined) this.threads.set(key, (t = { key, process: pid, tid, name: null, sort: null, hasSlices: false, tracks: {} }))
    return t
  }

  /** The provisional track for `key`, made on first use; -1 when there are too many tracks. */
  private track(key: string, make: () => ProvisionalTrack): number {
    let id = this.trackIds.get(key)
    if (id === undefined) {
      if (this.tracks.length >= MAX_TRACKS) return -1
      id = this.tracks.push(make()) - 1
      this.trackIds.set(key, id)
    }
    return id
  }

  private threadTrack(thread: Thread, kind: TrackKind): number {
    const id = this.track(`t\u0000${thread.key}\u0000${kind}`, () => ({ process: thread.process, thread, kind, name: '', order: 0, slices: kind === 'slices' ? [] : undefined }))
    if (id >= 0) thread.tracks[kind] = id
    return id
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
    const track = this.threadTrack(this.thread(ev), 'slices')
    if (track < 0) return this.tooManyTracks()
    const row = this.rows.add(EventKind.Slice, track, ts, this.name(ev), dur)
    this.args(row, ev, ev.args)
    this.tracks[track].slices!.push(row)
    if (ts + dur > this.maxTs) this.maxTs = ts + dur
    this.imported++
  }

  private instant(ev: Json, ts: number): void {
    const scope = ev.s === 'g' || ev.s === 'p' ? ev.s : 't'
    let track: number
    if (scope === 'g') {
      track = this.track('g', () => ({ process: '\u0000global', thread: null, kind: 'instants', name: 'Global instants', order: 0 }))
    } else if (scope === 'p' || ev.tid === undefined) {
      const p = this.process(ev)
      track = this.track(`p\u0000${p.key}`, () => ({ process: p.key, thread: null, kind: 'instants', name: '', order: -1 }))
    } else {
      const thread = this.thread(ev)
      track = this.threadTrack(thread, thread.hasSlices ? 'slices' : 'instants')
    }
    if (track < 0) return this.tooManyTracks()
    const row = this.rows.add(EventKind.Instant, track, ts, this.name(ev), 0)
    this.args(row, ev, ev.args)
    this.imported++
  }

  private counter(ev: Json, ts: number): void {
    if (!isObject(ev.args) || Object.keys(ev.args).length === 0) {
      this.skip("'C' events without series values in args were skipped")
      return
    }
    const p = this.process(ev)
    const name = typeof ev.name === 'string' ? ev.name : ''
    const id = ev.id === undefined || ev.id === null ? '' : String(ev.id)
    const counterKey = `${p.key}\u0000${name}\u0000${id}`
    let series = this.counterSeries.get(counterKey)
    if (series === undefined) this.counterSeries.set(counterKey, (series = new Set()))
    // Our exporter puts each counter on its own named thread; its sort index is the track's order.
    const thread = ev.tid === undefined ? null : (this.threads.get(`${p.key}\u0000${String(ev.tid)}`) ?? null)
    const base = id === '' ? name : `${name}[${id}]`
    let any = false
    for (const [key, value] of Object.entries(ev.args)) {
      const v = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
      if (!Number.isFinite(v)) {
        this.skip("counter values that are not numbers were skipped")
        continue
      }
      series.add(key)
      const track = this.track(`c\u0000${counterKey}\u0000${key}`, () => ({ process: p.key, thread: null, kind: 'counter', name: base, order: thread?.sort ?? 0, unit: key, counter: counterKey }))
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
    const track = this.threadTrack(this.thread(begin.ev), 'slices')
    if (track < 0) return this.tooManyTracks()
    const row = this.rows.add(EventKind.Slice, track, begin.ts, this.name(begin.ev), end - begin.ts)
    const args = isObject(endArgs) && Object.keys(endArgs).length > 0 ? { ...(isObject(begin.ev.args) ? begin.ev.args : {}), ...endArgs } : begin.ev.args
    this.args(row, begin.ev, args)
    this.tracks[track].slices!.push(row)
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
    for (const t of this.tracks) {
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

  private asyncSpans(): void {
    this.asyncEvents.sort((p, q) => p.ts - q.ts || p.seq - q.seq)
    const open = new Map<string, { id: number; track: number }[]>()
    const ids = new IdAllocator()
    for (const { ev, ts } of this.asyncEvents) {
      const idText = idOf(ev)
      if (idText === null) {
        this.skip(`'${ev.ph as string}' events without an id or id2 were skipped`)
        continue
      }
      const cat = typeof ev.cat === 'string' ? ev.cat : ''
      const key = `${cat}\u0000${idText.scope}\u0000${idText.text}`
      const stack = open.get(key)
      let span: { id: number; track: number } | undefined
      let kind: EventKind
      if (ev.ph === 'b') {
        const track = this.asyncTrack(ev, cat)
        if (track < 0) {
          this.tooManyTracks()
          continue
        }
        span = { id: ids.take(idText.text), track }
        if (stack === undefined) open.set(key, [span])
        else stack.push(span)
        kind = EventKind.AsyncBegin
      } else if (ev.ph === 'e') {
        span = stack?.pop()
        if (span === undefined) {
          this.skip("'e' events without a matching 'b' were skipped")
          continue
        }
        if (stack!.length === 0) open.delete(key)
        ids.release(span.id)
        kind = EventKind.AsyncEnd
      } else {
        span = stack?.[stack.length - 1]
        if (span === undefined) {
          this.skip("'n' events outside any open span of their id were skipped")
          continue
        }
        kind = EventKind.AsyncInstant
      }
      const row = this.rows.add(kind, span.track, ts, this.name(ev), span.id)
      this.args(row, ev, ev.args)
      this.imported++
    }
  }

  private asyncTrack(ev: Json, cat: string): number {
    const thread = ev.tid === undefined ? null : this.thread(ev)
    if (thread !== null && thread.name !== null) return this.threadTrack(thread, 'async')
    const p = this.process(ev)
    return this.track(`a\u0000${p.key}\u0000${cat}`, () => ({ process: p.key, thread: null, kind: 'async', name: cat === '' ? 'async' : cat, order: 0 }))
  }

  private flows(): void {
    this.flowEvents.sort((p, q) => p.ts - q.ts || p.seq - q.seq)
    const binders = new Map<number, SliceBinder>()
    const open = new Map<string, number>()
    const ids = new IdAllocator()
    for (const { ev, ts } of this.flowEvents) {
      const idText = idOf(ev)
      if (idText === null) {
        this.skip(`'${ev.ph as string}' flow events without an id were skipped`)
        continue
      }
      const thread = this.threads.get(`${this.process(ev).key}\u0000${ev.tid === undefined || ev.tid === null ? '' : String(ev.tid)}`)
      const track = thread?.tracks.slices
      if (track === undefined) {
        this.skip('flow events on a thread without slices were skipped (a flow binds to a slice)')
        continue
      }
      let binder = binders.get(track)
      if (binder === undefined) binders.set(track, (binder = new SliceBinder(this.rows, this.tracks[track].slices!)))
      const at = binder.bind(ts, ev.ph === 'f' && ev.bp !== 'e')
      if (at === null) {
        this.skip('flow events with no slice to bind to were skipped')
        continue
      }
      const name = typeof ev.name === 'string' ? ev.name : ''
      const key = `${typeof ev.cat === 'string' ? ev.cat : ''}\u0000${name}\u0000${idText.scope}\u0000${idText.text}`
      let id = open.get(key)
      let kind: EventKind
      if (ev.ph === 's') {
        if (id !== undefined) {
          this.warnings.add("flows started again before they ended (the earlier one is left open)")
          ids.release(id)
        }
        id = ids.take(idText.text)
        open.set(key, id)
        kind = EventKind.FlowStart
      } else if (id === undefined) {
        this.skip(`'${ev.ph}' flow events without an 's' before them were skipped`)
        continue
      } else if (ev.ph === 't') {
        kind = EventKind.FlowStep
      } else {
        open.delete(key)
        ids.release(id)
        kind = EventKind.FlowEnd
      }
      // Our flows carry no name (the exporter writes a placeholder); another tool's keep theirs.
      this.rows.add(kind, track, at, this.ours ? 0 : this.strings.intern(name), id)
      this.imported++
    }
    if (open.size > 0) this.warnings.add(`${open.size} flow(s) never ended ('s' without 'f')`)
  }

  // -------------------------------------------------------------------------------------- finishing

  /** Names, groups and order of the tracks; the map from provisional to final track numbers. */
  private finalTracks(): { trackMap: Uint32Array; infos: TrackInfo[] } {
    const groupName = (key: string) => {
      if (key === '\u0000global') return 'Global'
      const p = this.processes.get(key)
      return p?.name ?? (key === '' ? 'Process' : `Process ${key}`)
    }
    const threadName = (t: Thread) => t.name ?? (t.tid === '' ? `${groupName(t.process)} main` : `Thread ${t.tid}`)
    const infos = this.tracks.map((t): TrackInfo => {
      let name = t.name
      let order = t.order
      if (t.thread !== null) {
        name = threadName(t.thread)
        if (t.kind === 'async' && t.thread.tracks.slices !== undefined) name = `${name} (async)`
        const tid = Number(t.thread.tid)
        order = t.thread.sort ?? (Number.isFinite(tid) ? tid : 0)
      } else if (t.kind === 'counter') {
        if ((this.counterSeries.get(t.counter!)?.size ?? 0) > 1) name = `${name} ${t.unit}`
      } else if (t.kind === 'instants' && name === '') {
        name = `${groupName(t.process)} instants`
      }
      const info: TrackInfo = { name, group: groupName(t.process), kind: t.kind, order }
      if (t.unit !== undefined) info.unit = t.unit
      return info
    })
    // Groups in process order (sort index, then pid), the global track last; tracks by order.
    const rank = (key: string) => {
      const p = this.processes.get(key)
      return key === '\u0000global' ? [Infinity, Infinity] : [p?.sort ?? Infinity, p?.pid ?? Infinity]
    }
    const ids = this.tracks.map((_, i) => i)
    ids.sort((a, b) => {
      const [sa, pa] = rank(this.tracks[a].process)
      const [sb, pb] = rank(this.tracks[b].process)
      return sa - sb || pa - pb || this.tracks[a].process.localeCompare(this.tracks[b].process) || infos[a].order - infos[b].order || a - b
    })
    const trackMap = new Uint32Array(this.tracks.length)
    ids.forEach((old, i) => (trackMap[old] = i))
    return { trackMap, infos: ids.map((i) => infos[i]) }
  }

  // ---------------------------------------------------------------------------------- names, args

  private name(ev: Json): number {
    return typeof ev.name === 'string' ? this.strings.intern(ev.name) : 0
  }

  /** An event's args: an arg layout (our own export), else a detail object. */
  private args(row: number, ev: Json, args: unknown): void {
    const cat = typeof ev.cat === 'string' && ev.cat !== '' ? ev.cat : null
    if (this.ours) {
      if (!isObject(args)) return
      const keys = Object.keys(args)
      if (keys.length === 0) return
      if (keys.length === 1 && keys[0] === 'text' && typeof args.text === 'string') {
        this.rows.detail[row] = this.details.push(args.text) - 1
        return
      }
      if (keys.length <= 3 && this.layout(row, args, keys)) return
      this.rows.detail[row] = this.details.push(args) - 1
      return
    }
    const hasArgs = isObject(args) && Object.keys(args).length > 0
    if (!hasArgs && cat === null) return
    const detail = cat === null ? args : hasArgs ? { cat, ...(args as Json) } : { cat }
    this.rows.detail[row] = this.details.push(detail) - 1
  }

  /** Maps scalar args back to an arg layout; false when a value is not a scalar. */
  private layout(row: number, args: Json, keys: string[]): boolean {
    const formats: ArgFormat[] = []
    const values: number[] = []
    for (const k of keys) {
      const v = args[k]
      if (typeof v === 'number') {
        formats.push('int')
        values.push(v)
      } else if (typeof v === 'boolean') {
        formats.push('bool')
        values.push(v ? 1 : 0)
      } else if (typeof v === 'string') {
        const hex = canonicalHex(v)
        formats.push(hex === null ? 'string' : 'hex')
        values.push(hex ?? this.strings.intern(v))
      } else return false
    }
    const key = keys.map((k, i) => `${k}\u0001${formats[i]}`).join('\u0002')
    let id = this.layoutIds.get(key)
    if (id === undefined) {
      if (this.layouts.length > 0xffff) return false
      id = this.layouts.push({ name: keys.join(','), fields: keys.map((name, i) => ({ name, format: formats[i] })) }) - 1
      this.layoutIds.set(key, id)
    }
    this.rows.args[row] = id
    this.rows.a0[row] = values[0] ?? 0
    this.rows.a1[row] = values[1] ?? 0
    this.rows.a2[row] = values[2] ?? 0
    return true
  }

  private skip(message: string): void {
    this.warnings.add(message)
    this.skipped++
  }

  private tooManyTracks(): void {
    this.skip(`events beyond ${MAX_TRACKS} tracks were skipped`)
  }
}

/** "0x1f" as our exporter writes hex (lowercase, no leading zeros, 32 bits) -> 31; anything else null. */
function canonicalHex(s: string): number | null {
  if (!/^0x[0-9a-f]{1,8}$/.test(s)) return null
  const v = parseInt(s.slice(2), 16)
  return v.toString(16) === s.slice(2) ? v : null
}

/** An event's id as text and its scope: id2.local is per process; id2.global and id are global. */
function idOf(ev: Json): { text: string; scope: string } | null {
  const id2 = isObject(ev.id2) ? ev.id2 : null
  const local = id2?.local
  const global = id2?.global
  const scalar = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null)
  if (scalar(local) !== null) return { text: scalar(local)!, scope: `local ${ev.pid === undefined ? '' : String(ev.pid)}` }
  if (scalar(global) !== null) return { text: scalar(global)!, scope: 'global' }
  if (scalar(ev.id) !== null) return { text: scalar(ev.id)!, scope: 'global' }
  return null
}

/** Numeric ids for spans and flows: the file's number when free, else a fresh one. */
class IdAllocator {
  private readonly inUse = new Set<number>()
  private next = FRESH_ID_BASE

  take(text: string): number {
    const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN
    let id = Number.isSafeInteger(n) && !this.inUse.has(n) ? n : -1
    if (id < 0) {
      while (this.inUse.has(this.next)) this.next++
      id = this.next++
    }
    this.inUse.add(id)
    return id
  }

  release(id: number): void {
    this.inUse.delete(id)
  }
}

/**
 * Finds the slice a flow event binds to on one track, for flow events in time order: a sweep over the
 * slices in start order keeps the stack of slices open at the current time.
 */
class SliceBinder {
  private next = 0
  private readonly stack: number[] = []

  constructor(
    private readonly rows: ImportRows,
    /** Rows of the track's slices, sorted by start (longest first). */
    private readonly slices: number[],
  ) {}

  /** The start of the slice bound at `ts`: one starting exactly then, else the enclosing one (or the next one). */
  bind(ts: number, next: boolean): number | null {
    const { ts: start, x } = this.rows
    const s = this.slices
    while (this.next < s.length && start[s[this.next]] <= ts) {
      const row = s[this.next++]
      while (this.stack.length > 0 && end(this.stack[this.stack.length - 1]) < start[row]) this.stack.pop()
      this.stack.push(row)
    }
    while (this.stack.length > 0 && end(this.stack[this.stack.length - 1]) < ts) this.stack.pop()
    // The stack is in start order, so a slice starting exactly at ts is on top.
    const top = this.stack[this.stack.length - 1]
    if (top !== undefined && start[top] === ts) return ts
    if (next) return this.next < s.length ? start[s[this.next]] : top !== undefined ? start[top] : null
    return top !== undefined ? start[top] : null
    function end(row: number): number {
      return start[row] + x[row]
    }
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
