/**
 * Perfetto protobuf export (TrackEvent), the file ui.perfetto.dev and trace_processor open natively
 * (docs/exports.md). Written as a sequence of parts whose concatenation is the file, like the Chrome
 * JSON export, so a trace of millions of events is never one buffer:
 *
 * - the tracks (perfettoTracks.ts): a root track per group, a track per recorder track, sub-tracks for
 *   the SRB lifetimes of an async lane; counter tracks with their unit;
 * - an instant on the "Run" track with the run's metadata (tool, driver, scenario, seed, card) as
 *   debug annotations: how the import knows the file is ours;
 * - slices as SLICE_BEGIN/SLICE_END pairs (TrackEvent has no complete event), the ends written in
 *   time order between the other events; SRB lifetimes likewise on their sub-track, with their id in
 *   an `async_id` annotation and their end's arguments (status, bytes) on the SLICE_END;
 * - flows as `flow_ids` on the slice each flow event binds to (the slice starting at its time on its
 *   track), `terminating_flow_ids` for the last; counters as TYPE_COUNTER with double values;
 *   instants as TYPE_INSTANT; arguments decoded as the Chrome export does, as debug annotations;
 * - names, categories and annotation names interned (perfettoEncode.ts).
 *
 * Packets are in time order (ends before begins at equal times, as viewers nest them).
 */
import type { TrackInfo } from '../../contract/trace.js'
import { EventKind, type TraceColumns, type TraceRecorder } from '../../sim/trace/recorder.js'
import { eventArgs, exportOrder, formatArg, SLICE_CATEGORY, SRB_CATEGORY } from '../chromeTrace/chromeTraceExport.js'
import { PacketWriter } from './perfettoEncode.js'
import { TrackEventType } from './perfettoSchema.js'
import { ASYNC_ID_ANNOTATION, laneUuid, RUN_CATEGORY, RUN_EVENT_NAME, RUN_UUID, SubTracks, subTrackUuid, trackDescriptors } from './perfettoTracks.js'

export interface PerfettoOptions {
  /** The run's metadata (driver, scenario, seed, card), on the Run track's instant. */
  metadata?: Record<string, string | number>
}

export interface PerfettoPart {
  bytes: Uint8Array
  rowsDone: number
  rowsTotal: number
}

export const PERFETTO_PART_ROWS = 8192

/** The whole file in one buffer: for small traces and tests (the parts, joined). */
export function exportPerfettoTrace(recorder: TraceRecorder, options: PerfettoOptions = {}): Uint8Array {
  const parts = [...perfettoTraceParts(recorder, options)].map((p) => p.bytes)
  return Buffer.concat(parts)
}

/**
 * The Perfetto trace of a recorded trace, a part (`rowsPerPart` rows) at a time. Rows recorded after
 * the first part was taken are not included (a running run's trace as it was when the export started).
 */
export function* perfettoTraceParts(recorder: TraceRecorder, options: PerfettoOptions = {}, rowsPerPart = PERFETTO_PART_ROWS): Generator<PerfettoPart> {
  const t = recorder.columns()
  const tracks = recorder.tracks.slice()
  const total = t.ts.length
  const order = exportOrder(t)
  const spanEnd = asyncSpanEnds(t, order)
  const pw = new PacketWriter()
  for (const d of trackDescriptors(tracks)) pw.trackDescriptor(d)
  pw.annotate('tool', 'Minidriver Workbench')
  for (const [k, v] of Object.entries(options.metadata ?? {})) pw.annotate(k, v)
  pw.event(0, TrackEventType.instant, RUN_UUID, RUN_EVENT_NAME, RUN_CATEGORY)

  const open = new OpenSlices(tracks.length)
  const closeUpTo = (ts: number) => {
    for (let track = open.due(ts); track >= 0; track = open.due(ts)) pw.event(open.pop(track), TrackEventType.sliceEnd, laneUuid(track), null, null)
  }
  const subTracks = new SubTracks()
  // Flow rows of the current time group (the flows bind to slices starting at that time).
  const flowRows: number[] = []
  const flowUsed: boolean[] = []
  const step = Math.max(1, Math.floor(rowsPerPart))
  let sinceYield = 0
  let k = 0
  while (k < total) {
    const ts = t.ts[order[k]]
    let end = k
    flowRows.length = 0
    while (end < total && t.ts[order[end]] === ts) {
      const i = order[end]
      if (t.kind[i] >= EventKind.FlowStart) {
        flowRows.push(i)
        flowUsed.push(false)
      }
      end++
    }
    flowUsed.length = flowRows.length
    flowUsed.fill(false)
    closeUpTo(ts)
    for (let g = k; g < end; g++) {
      const i = order[g]
      const kind = t.kind[i]
      if (kind >= EventKind.FlowStart) continue
      const track = t.track[i]
      const info = tracks[track]
      switch (kind) {
        case EventKind.Slice: {
          for (let f = 0; f < flowRows.length; f++) {
            const r = flowRows[f]
            if (flowUsed[f] || t.track[r] !== track) continue
            flowUsed[f] = true
            pw.flow(t.x[r], t.kind[r] === EventKind.FlowEnd)
          }
          annotateRow(pw, recorder, t, i)
          pw.event(ts, TrackEventType.sliceBegin, laneUuid(track), nameOf(recorder, t, i, info), SLICE_CATEGORY)
          open.push(track, ts + t.x[i])
          // A zero-length slice ends before whatever comes next at its time.
          if (t.x[i] <= 0) closeUpTo(ts)
          break
        }
        case EventKind.Instant:
          annotateRow(pw, recorder, t, i)
          pw.event(ts, TrackEventType.instant, laneUuid(track), nameOf(recorder, t, i, info), SLICE_CATEGORY)
          break
        case EventKind.Counter:
          pw.event(ts, TrackEventType.counter, laneUuid(track), null, null, t.a0[i])
          break
        case EventKind.AsyncBegin: {
          const { lane, isNew } = subTracks.begin(track, t.x[i], ts, spanEnd.get(i) ?? Infinity)
          if (isNew) pw.trackDescriptor({ uuid: subTrackUuid(track, lane), name: info.name, parent: laneUuid(track), rank: lane })
          asyncEvent(pw, recorder, t, i, info, subTrackUuid(track, lane), TrackEventType.sliceBegin)
          break
        }
        case EventKind.AsyncInstant: {
          const lane = subTracks.current(track, t.x[i])
          asyncEvent(pw, recorder, t, i, info, lane < 0 ? laneUuid(track) : subTrackUuid(track, lane), TrackEventType.instant)
          break
        }
        case EventKind.AsyncEnd: {
          const lane = subTracks.end(track, t.x[i])
          // An end without its begin has no slice to close: kept as an instant so nothing is lost.
          asyncEvent(pw, recorder, t, i, info, lane < 0 ? laneUuid(track) : subTrackUuid(track, lane), lane < 0 ? TrackEventType.instant : TrackEventType.sliceEnd)
          break
        }
      }
    }
    // Flows with no slice starting at their time on their track: an instant carries them.
    for (let f = 0; f < flowRows.length; f++) {
      if (flowUsed[f]) continue
      const r = flowRows[f]
      pw.flow(t.x[r], t.kind[r] === EventKind.FlowEnd)
      pw.event(ts, TrackEventType.instant, laneUuid(t.track[r]), 'flow', SLICE_CATEGORY)
    }
    sinceYield += end - k
    k = end
    if (sinceYield >= step && k < total) {
      sinceYield = 0
      yield { bytes: pw.take(), rowsDone: k, rowsTotal: total }
    }
  }
  closeUpTo(Infinity)
  yield { bytes: pw.take(), rowsDone: total, rowsTotal: total }
}

function nameOf(recorder: TraceRecorder, t: TraceColumns, i: number, info: TrackInfo): string {
  return recorder.strings.get(t.name[i]) || info.name
}

function asyncEvent(pw: PacketWriter, recorder: TraceRecorder, t: TraceColumns, i: number, info: TrackInfo, uuid: number, type: number): void {
  pw.annotate(ASYNC_ID_ANNOTATION, t.x[i])
  annotateRow(pw, recorder, t, i)
  pw.event(t.ts[i], type, uuid, nameOf(recorder, t, i, info), SRB_CATEGORY)
}

/** A row's arguments as debug annotations: decoded with its layout (no object made), or with its detail merged in (the rare rows that have one). */
function annotateRow(pw: PacketWriter, recorder: TraceRecorder, t: TraceColumns, i: number): void {
  if (t.detail[i] >= 0) {
    const args = eventArgs(recorder, t, i)
    if (args !== null) for (const key of Object.keys(args)) pw.annotate(key, args[key] as never)
    return
  }
  const fields = recorder.argLayouts[t.args[i]].fields
  if (fields.length > 0) pw.annotate(fields[0].name, formatArg(recorder, fields[0].format, t.a0[i]))
  if (fields.length > 1) pw.annotate(fields[1].name, formatArg(recorder, fields[1].format, t.a1[i]))
  if (fields.length > 2) pw.annotate(fields[2].name, formatArg(recorder, fields[2].format, t.a2[i]))
}

/** Each async begin row's end time (the matching end by track and id, innermost first); absent: never ended. */
function asyncSpanEnds(t: TraceColumns, order: Uint32Array): Map<number, number> {
  const ends = new Map<number, number>()
  const open = new Map<number, Map<number, number[]>>()
  for (let k = 0; k < order.length; k++) {
    const i = order[k]
    const kind = t.kind[i]
    if (kind !== EventKind.AsyncBegin && kind !== EventKind.AsyncEnd) continue
    let byId = open.get(t.track[i])
    if (byId === undefined) open.set(t.track[i], (byId = new Map()))
    const stack = byId.get(t.x[i])
    if (kind === EventKind.AsyncBegin) {
      if (stack === undefined) byId.set(t.x[i], [i])
      else stack.push(i)
    } else if (stack !== undefined && stack.length > 0) ends.set(stack.pop()!, t.ts[i])
  }
  return ends
}

/**
 * The slices open on each track (a stack of end times per track), and the earliest end of all, so the
 * export writes each SLICE_END in time order without scanning the tracks at every event.
 */
class OpenSlices {
  private readonly stacks: number[][]
  private minEnd = Infinity

  constructor(tracks: number) {
    this.stacks = Array.from({ length: tracks }, () => [])
  }

  push(track: number, end: number): void {
    this.stacks[track].push(end)
    if (end < this.minEnd) this.minEnd = end
  }

  /** A track whose innermost open slice ends at or before `ts` (the earliest such end), or -1. */
  due(ts: number): number {
    if (this.minEnd > ts) return -1
    let best = -1
    let bestEnd = Infinity
    for (let track = 0; track < this.stacks.length; track++) {
      const s = this.stacks[track]
      if (s.length > 0 && s[s.length - 1] <= ts && s[s.length - 1] < bestEnd) {
        best = track
        bestEnd = s[s.length - 1]
      }
    }
    if (best < 0) this.recomputeMin()
    return best
  }

  /** Closes the innermost slice of `track`: its end time. */
  pop(track: number): number {
    const end = this.stacks[track].pop()!
    this.recomputeMin()
    return end
  }

  private recomputeMin(): void {
    let min = Infinity
    for (const s of this.stacks) if (s.length > 0 && s[s.length - 1] < min) min = s[s.length - 1]
    this.minEnd = min
  }
}
