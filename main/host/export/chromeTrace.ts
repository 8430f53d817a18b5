import { EventKind, type TraceColumns, type TraceRecorder } from '../../sim/trace/recorder.js'
import type { ArgLayout, TrackInfo } from '../../contract/trace.js'

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
    const v = values[i]
    if (f.format === 'hex') out[f.name] = `0x${(v >>> 0).toString(16)}`
    else if (f.format === 'bool') out[f.name] = v !== 0
    else if (f.format === 'string') out[f.name] = recorder.strings.get(v)
    else if (f.format.startsWith('enum:')) out[f.name] = recorder.enums[f.format.slice(5)]?.[v] ?? v
    else if (f.format.startsWith('flags:')) out[f.name] = flagNames(recorder.enums[f.format.slice(6)] ?? {}, v)
    else out[f.name] = v
  })
  return out
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

/** Builds the Chrome trace JSON text of a recorded trace. */
export function exportChromeTrace(recorder: TraceRecorder, options: ChromeTraceOptions = {}): string {
  const t = recorder.columns()
  const tracks = recorder.tracks
  const groups = [...new Set(tracks.map((x) => x.group))].sort((a, b) => groupRank(a) - groupRank(b))
  const pidOf = new Map(groups.map((g, i) => [g, i + 1]))
  const tidOf = (track: number) => track + 1
  const lines: string[] = []
  const push = (o: object) => lines.push(JSON.stringify(o))
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
  for (let k = 0; k < order.length; k++) {
    const i = order[k]
    const track = t.track[i]
    const info = tracks[track]
    const pid = pidOf.get(info.group)!
    const tid = tidOf(track)
    const ts = usText(t.ts[i])
    const name = JSON.stringify(recorder.strings.get(t.name[i]) || info.name)
    const layout = recorder.argLayouts[t.args[i]]
    let args = layout.fields.length > 0 ? decodeArgs(recorder, t, i, layout) : null
    const detail = t.detail[i] < 0 ? undefined : recorder.details[t.detail[i]]
    if (detail !== undefined) args = { ...(args ?? {}), ...detailArgs(detail) }
    const argsText = args === null ? '' : `,"args":${JSON.stringify(args)}`
    switch (t.kind[i]) {
      case EventKind.Slice:
        lines.push(`{"ph":"X","cat":"${SLICE_CATEGORY}","name":${name},"pid":${pid},"tid":${tid},"ts":${ts},"dur":${usText(t.x[i])}${argsText}}`)
        break
      case EventKind.Instant:
        lines.push(`{"ph":"i","s":"t","cat":"${SLICE_CATEGORY}","name":${name},"pid":${pid},"tid":${tid},"ts":${ts}${argsText}}`)
        break
      case EventKind.Counter: {
        const series = JSON.stringify(info.unit ?? 'value')
        lines.push(`{"ph":"C","cat":"${SLICE_CATEGORY}","name":${JSON.stringify(info.name)},"pid":${pid},"tid":${tid},"ts":${ts},"args":{${series}:${t.a0[i]}}}`)
        break
      }
      case EventKind.AsyncBegin:
      case EventKind.AsyncEnd:
      case EventKind.AsyncInstant: {
        const ph = t.kind[i] === EventKind.AsyncBegin ? 'b' : t.kind[i] === EventKind.AsyncEnd ? 'e' : 'n'
        lines.push(`{"ph":"${ph}","cat":"${SRB_CATEGORY}","name":${name},"id2":{"local":"0x${t.x[i].toString(16)}"},"pid":${pid},"tid":${tid},"ts":${ts}${argsText}}`)
        break
      }
      case EventKind.FlowStart:
      case EventKind.FlowStep:
      case EventKind.FlowEnd: {
        const ph = t.kind[i] === EventKind.FlowStart ? 's' : t.kind[i] === EventKind.FlowStep ? 't' : 'f'
        const bp = ph === 'f' ? ',"bp":"e"' : ''
        lines.push(`{"ph":"${ph}","cat":"${SLICE_CATEGORY}","name":"${FLOW_NAME}","id":${t.x[i]},"pid":${pid},"tid":${tid},"ts":${ts}${bp}}`)
        break
      }
    }
  }
  const other = JSON.stringify({ tool: 'Minidriver Workbench', ...options.metadata })
  return `{"displayTimeUnit":"ns","otherData":${other},"traceEvents":[\n${lines.join(',\n')}\n]}\n`
}

function groupRank(g: string): number {
  const i = GROUP_ORDER.indexOf(g)
  return i < 0 ? GROUP_ORDER.length : i
}
