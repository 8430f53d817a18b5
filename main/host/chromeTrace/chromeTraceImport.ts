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
 *
 * This file holds the entry points and the document; reading the file, the passes over the events
 * and their parts are in the chromeTraceImport*.ts files beside it (README.md).
 */
import path from 'node:path'
import type { RunInfo } from '../../contract/api.js'
import type { TraceRecorder } from '../../sim/trace/recorder.js'
import { importLimitsFrom, type ImportLimits } from '../backend/importLimits.js'
import { TraceBuilder } from './chromeTraceImportBuilder.js'
import { isObject, Warnings, type Json } from './chromeTraceImportEvent.js'
import { readTraceBytes } from './chromeTraceImportFile.js'
import { parseJsonInPieces, pauseEvery, type Pause } from './chromeTraceImportParse.js'
import { findJsonSyntaxError, findJsonSyntaxErrorAsync } from './chromeTraceImportSyntax.js'

/** otherData.tool of our own export (main/host/chromeTrace/chromeTraceExport.ts). */
export const OUR_TOOL = 'Minidriver Workbench'

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
