import { EventKind, type TraceColumns, type TraceRecorder } from '../../sim/trace/recorder.js'
import type { ArgFormat, ArgLayout, TrackInfo } from '../../contract/trace.js'

/**
 * Chrome Trace Event JSON export, following the interop recipe of engineering-notes.md 1a, which loads
 * cleanly in Perfetto, chrome://tracing (Catapult) and the DevTools trace engine:
 * - one process per track group, one thread per track, both named by metadata events;
 * - SRB lifetimes as nestable async events (b/e/n) with `id2.local`, category "srb";
 * - slices as complete events (X), parents before children;
 * - flows (s/f) with the same cat, name and id, each at exactly the ts/pid/tid of the slice it binds
 *   to, which has the same category; `bp: "e"` on the end;
 * - a name on every event; times in microseconds with three decimals (the nanosecond is kept).
 */

/** Category of slices, instants and flows (flows must share it with the slices they bind to). */
export const SLICE_CATEGORY = 'mdwb'
export const SRB_CATEGORY = 'srb'
export const FLOW_NAME = 'srb'

/** Groups in display order; unknown groups follow. */
const GROUP_ORDER = ['CPUs', 'Interrupts', 'Hardware', 'Class driver', 'Client', 'Verifier']

export interface ChromeTraceOptions {
  /** Goes into otherData (driver, scenario, seed...). */
  metadata?: Record<string, string | number>
}

/** Microseconds with 3 decimals, from integer nanoseconds, exactly (no float rounding surprises). */
export function usText(ns: number): string {
  const neg = ns < 0
  const n = Math.abs(Math.round(ns))
  const whole = Math.floor(n / 1000)
  const frac = n % 1000
  return `${neg ? '-' : ''}${whole}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`
}

/** Row order for export: by time; at equal times slices (longest first), then flows, then the rest. */
export function exportOrder(t: TraceColumns): Uint32Array {
  const n = t.ts.length
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const rank = (i: number) => (t.kind[i] === EventKind.Slice ? 0 : t.kind[i] >= EventKind.FlowStart ? 1 : 2)
  order.sort((a, b) => {
    const d = t.ts[a] - t.ts[b]
    if (d !== 0) return d
    const r = rank(a) - rank(b)
    if (r !== 0) return r
    if (t.kind[a] === EventKind.Slice && t.kind[b] === EventKind.Slice) {
      const dd = t.x[b] - t.x[a]
      if (dd !== 0) return dd
      return t.depth[a] - t.depth[b]
    }
    return a - b
  })
  return order
}

/** Decodes an event's arguments with its layout into a JSON-ready object. */
export function decodeArgs(recorder: TraceRecorder, t: TraceColumns, row: number, layout: ArgLayout): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const values = [t.a0[row], t.a1[row], t.a2[row]]
  layout.fields.forEach((f, i) => {
    out[f.name] = formatArg(recorder, f.format, values[i])
  })
  return out
}

/** One numeric argument as the export writes it: hex text, a boolean, a string, an enum or flag names, or the number. */
export function formatArg(recorder: Pick<TraceRecorder, 'strings' | 'enums'>, format: ArgFormat, v: number): string | number | boolean {
  if (format === 'hex') return `0x${(v >>> 0).toString(16)}`
  if (format === 'bool') return v !== 0
  if (format === 'string') return recorder.strings.get(v)
  if (format.startsWith('enum:')) return recorder.enums[format.slice(5)]?.[v] ?? v
  if (format.startsWith('flags:')) return flagNames(recorder.enums[format.slice(6)] ?? {}, v)
  return v
}

/** "DONE|TRUNCATED" from a bit set and its bit-index -> name table. */
function flagNames(bits: Record<number, string>, value: number): string {
  const names: string[] = []
  for (let bit = 0; bit < 32; bit++) if (((value >>> bit) & 1) !== 0) names.push(bits[bit] ?? `bit${bit}`)
  return names.length > 0 ? names.join('|') : '0'
}

function detailArgs(detail: unknown): Record<string, unknown> {
  if (typeof detail === 'string') return { text: detail }
  if (detail !== null && typeof detail === 'object') return JSON.parse(JSON.stringify(detail))
  return {}
}

/** One piece of the export: its text, and how many of the trace's rows have been written with it. */
export interface ChromeTracePart {
  text: string
  rowsDone: number
  rowsTotal: number
}

/** Rows per part by default: a part takes a few milliseconds to build. */
export const CHROME_TRACE_PART_ROWS = 8192

/**
 * The Chrome trace JSON of a recorded trace as a sequence of parts whose concatenation is the file, so
 * a large trace can be written a part at a time (yielding between parts) without building the whole
 * text. Rows recorded after the first part was taken are not included: the export is of the trace as
 * it was when it started (a running run keeps recording).
 */
export function* chromeTraceParts(recorder: TraceRecorder, options: ChromeTraceOptions = {}, rowsPerPart = CHROME_TRACE_PART_ROWS): Generator<ChromeTracePart> {
  const t = recorder.columns()
  const tracks = recorder.tracks.slice()
  const groups = [...new Set(tracks.map((x) => x.group))].sort((a, b) => groupRank(a) - groupRank(b))
  const pidOf = new Map(groups.map((g, i) => [g, i + 1]))
  const tidOf = (track: number) => track + 1
  const total = t.ts.length
  const other = JSON.stringify({ tool: 'Minidriver Workbench', ...options.metadata })
  // Events are separated by ",\n"; the first one of the file has no separator.
  let text = `{"displayTimeUnit":"ns","otherData":${other},"traceEvents":[\n`
  let first = true
  const line = (s: string) => {
    text += first ? s : `,\n${s}`
    first = false
  }
  const push = (o: object) => line(JSON.stringify(o))
  groups.forEach((g, i) => {
    push({ ph: 'M', name: 'process_name', pid: i + 1, tid: 0, args: { name: g } })
    push({ ph: 'M', name: 'process_sort_index', pid: i + 1, tid: 0, args: { sort_index: i } })
  })
  tracks.forEach((info: TrackInfo, track) => {
    const pid = pidOf.get(info.group)!
    push({ ph: 'M', name: 'thread_name', pid, tid: tidOf(track), args: { name: info.name } })
    push({ ph: 'M', name: 'thread_sort_index', pid, tid: tidOf(track), args: { sort_index: info.order } })
  })
  const order = exportOrder(t)
  const step = Math.max(1, Math.floor(rowsPerPart))
  for (let from = 0; from < total; from += step) {
    const to = Math.min(total, from + step)
    for (let k = from; k < to; k++) {
      const event = eventText(recorder, t, tracks, pidOf, order[k])
      if (event !== null) line(event)
    }
    yield { text, rowsDone: to, rowsTotal: total }
    text = ''
  }
  yield { text: `${text}\n]}\n`, rowsDone: total, rowsTotal: total }
}

/** A row's `args` as the export writes them: its arguments decoded, with its detail object merged in; null when it has neither. */
export function eventArgs(recorder: TraceRecorder, t: TraceColumns, i: number): Record<string, unknown> | null {
  const layout = recorder.argLayouts[t.args[i]]
  const args = layout.fields.length > 0 ? decodeArgs(recorder, t, i, layout) : null
  const detail = t.detail[i] < 0 ? undefined : recorder.details[t.detail[i]]
  return detail === undefined ? args : { ...(args ?? {}), ...detailArgs(detail) }
}

/** Builds the Chrome trace JSON text of a recorded trace (all parts joined). */
export function exportChromeTrace(recorder: TraceRecorder, options: ChromeTraceOptions = {}): string {
  let text = ''
  for (const part of chromeTraceParts(recorder, options)) text += part.text
  return text
}

/** One row as an event of the file. */
function eventText(recorder: TraceRecorder, t: TraceColumns, tracks: readonly TrackInfo[], pidOf: Map<string, number>, i: number): string | null {
  const track = t.track[i]
  const info = tracks[track]
  const pid = pidOf.get(info.group)!
  const tid = track + 1
  const ts = usText(t.ts[i])
  const name = JSON.stringify(recorder.strings.get(t.name[i]) || info.name)
  const args = eventArgs(recorder, t, i)
  const argsText = args === null ? '' : `,"args":${JSON.stringify(args)}`
  switch (t.kind[i]) {
    case EventKind.Slice:
      return `{"ph":"X","cat":"${SLICE_CATEGORY}","name":${name},"pid":${pid},"tid":${tid},"ts":${ts},"dur":${usText(t.x[i])}${argsText}}`
    case EventKind.Instant:
      return `{"ph":"i","s":"t","cat":"${SLICE_CATEGORY}","name":${name},"pid":${pid},"tid":${tid},"ts":${ts}${argsText}}`
    case EventKind.Counter: {
      const series = JSON.stringify(info.unit ?? 'value')
      return `{"ph":"C","cat":"${SLICE_CATEGORY}","name":${JSON.stringify(info.name)},"pid":${pid},"tid":${tid},"ts":${ts},"args":{${series}:${t.a0[i]}}}`
    }
    case EventKind.AsyncBegin:
    case EventKind.AsyncEnd:
    case EventKind.AsyncInstant: {
      const ph = t.kind[i] === EventKind.AsyncBegin ? 'b' : t.kind[i] === EventKind.AsyncEnd ? 'e' : 'n'
      return `{"ph":"${ph}","cat":"${SRB_CATEGORY}","name":${name},"id2":{"local":"0x${t.x[i].toString(16)}"},"pid":${pid},"tid":${tid},"ts":${ts}${argsText}}`
    }
    case EventKind.FlowStart:
    case EventKind.FlowStep:
    case EventKind.FlowEnd: {
      const ph = t.kind[i] === EventKind.FlowStart ? 's' : t.kind[i] === EventKind.FlowStep ? 't' : 'f'
      const bp = ph === 'f' ? ',"bp":"e"' : ''
      return `{"ph":"${ph}","cat":"${SLICE_CATEGORY}","name":"${FLOW_NAME}","id":${t.x[i]},"pid":${pid},"tid":${tid},"ts":${ts}${bp}}`
    }
    default:
      return null
  }
}

/** Where a track group goes in the display order (the Perfetto export orders its groups the same way). */
export function groupRank(g: string): number {
  const i = GROUP_ORDER.indexOf(g)
  return i < 0 ? GROUP_ORDER.length : i
}
