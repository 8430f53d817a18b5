/**
 * Opening a Perfetto protobuf trace (ours from perfettoExport.ts, or as far as the model allows another
 * producer's): the packets are decoded (perfettoImportDecode.ts) and turned into the events of the
 * Chrome import (chromeTraceImportBuilder.ts), so both formats land on the timeline by the same rules:
 *
 * - a root track is a track group (a process); for ours, a track under it is a lane (a thread) and a
 *   track under a lane one of its SRB sub-tracks, whose slices are the lane's async spans (id from the
 *   `async_id` annotation). Another producer's tracks: a thread or process descriptor's pid is the
 *   group, any other track is a lane of its root track; slices on deeper tracks are async spans.
 * - SLICE_BEGIN/END -> slices (B/E, paired per lane as the Chrome import pairs them), INSTANT ->
 *   instants, COUNTER -> counter samples (series = the counter's unit), flow_ids / terminating_flow_ids
 *   -> flow events at the slice's start, debug annotations -> args.
 * - The "Run" track's instant (ours) gives the run's metadata and is not a row.
 *
 * A file that is not protobuf, or is cut short, is an error naming the byte and the message.
 */
import path from 'node:path'
import type { ImportedTrace } from '../chromeTrace/chromeTraceImport.js'
import { TraceBuilder } from '../chromeTrace/chromeTraceImportBuilder.js'
import { Warnings, type Json } from '../chromeTrace/chromeTraceImportEvent.js'
import type { Pause } from '../chromeTrace/chromeTraceImportParse.js'
import { PerfettoDecoder, type DecodedEvent, type DecodedTrack } from './perfettoImportDecode.js'
import { TrackEventType } from './perfettoSchema.js'
import { ASYNC_ID_ANNOTATION, RUN_CATEGORY, RUN_UUID } from './perfettoTracks.js'
import { PerfettoFormatError } from './perfettoWire.js'

/** Parent chains longer than this are cut (a cycle, or a hostile file). */
const MAX_DEPTH = 64

/** Whether bytes look like a Perfetto trace: a Trace.packet field (tag 0x0a) with a plausible first length. */
export function looksLikePerfetto(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x0a
}

export async function importPerfettoTraceAsync(data: Buffer, source: string, pause: Pause = () => {}): Promise<ImportedTrace> {
  const steps = importPerfetto(data, source)
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
    await pause()
  }
}

export function importPerfettoTrace(data: Uint8Array, source: string): ImportedTrace {
  const steps = importPerfetto(Buffer.from(data.buffer, data.byteOffset, data.byteLength), source)
  for (;;) {
    const step = steps.next()
    if (step.done === true) return step.value
  }
}

function* importPerfetto(data: Buffer, source: string): Generator<void, ImportedTrace> {
  const warnings = new Warnings()
  const decoder = new PerfettoDecoder(data, warnings)
  try {
    yield* decoder.decode()
  } catch (e) {
    if (e instanceof PerfettoFormatError) throw new Error(`${source}: not a valid Perfetto trace: ${e.message}`)
    throw e
  }
  const run = decoder.events.find((ev) => ev.track === RUN_UUID && ev.category === RUN_CATEGORY)
  const ours = run?.args?.tool === 'Minidriver Workbench'
  const events = toChromeEvents(decoder, ours, warnings)
  const builder = new TraceBuilder(ours, warnings)
  yield* builder.read(events)
  const trace = yield* builder.finish()
  const meta = run?.args ?? {}
  const textOr = (v: unknown, fallback: string) => (typeof v === 'string' && v.length > 0 ? v : fallback)
  const about = {
    driver: textOr(meta.driver, path.basename(source)),
    scenario: textOr(meta.scenario, ''),
    seed: typeof meta.seed === 'number' ? meta.seed : 0,
    card: textOr(meta.card, ''),
  }
  if (decoder.packets === 0) warnings.add('the file holds no packets')
  return { trace, report: null, warnings: warnings.list(), about, ours, events: builder.imported, skipped: builder.skipped }
}

interface Lane {
  pid: number
  tid: number
  /** The track is a sub-track of the lane: its slices are async spans. */
  async: boolean
}

/** The decoded events as Chrome trace events, with metadata events naming the groups and lanes. */
function toChromeEvents(decoder: PerfettoDecoder, ours: boolean, warnings: Warnings): Json[] {
  const tracks = decoder.tracks
  const out: Json[] = []
  const groups = new Map<string, number>()
  const lanes = new Map<number, Lane>()
  const laneTids = new Map<number, number>()
  const chain = (uuid: number): DecodedTrack[] => {
    const list: DecodedTrack[] = []
    let cur = tracks.get(uuid)
    while (cur !== undefined && list.length < MAX_DEPTH) {
      list.unshift(cur)
      cur = cur.parent === null ? undefined : tracks.get(cur.parent)
    }
    if (list.length === MAX_DEPTH) warnings.add(`tracks nested deeper than ${MAX_DEPTH} levels were placed under their ${MAX_DEPTH}th ancestor`)
    return list
  }
  const groupOf = (key: string, name: string, rank: number | null): number => {
    let pid = groups.get(key)
    if (pid === undefined) {
      pid = groups.size + 1
      groups.set(key, pid)
      out.push({ ph: 'M', name: 'process_name', pid, tid: 0, args: { name } })
      out.push({ ph: 'M', name: 'process_sort_index', pid, tid: 0, args: { sort_index: rank ?? pid } })
    }
    return pid
  }
  const laneOf = (uuid: number): Lane => {
    const known = lanes.get(uuid)
    if (known !== undefined) return known
    const list = chain(uuid)
    let lane: Lane
    if (list.length === 0) {
      // Events on a track never described (uuid 0 is the trace-global default track).
      const pid = groupOf('\u0000global', 'Global', null)
      lane = { pid, tid: tidOf(uuid, uuid === 0 ? 'Default track' : `Track ${uuid}`, null, pid), async: false }
    } else {
      const root = list[0]
      const laneTrack = list.length > 1 ? list[1] : root
      const thread = list.find((t) => t.tid !== null)
      const pidTrack = list.find((t) => t.pid !== null)
      const pid =
        pidTrack?.pid !== undefined && pidTrack.pid !== null && !ours
          ? groupOf(`pid\u0000${pidTrack.pid}`, processName(tracks, pidTrack.pid) ?? `Process ${pidTrack.pid}`, null)
          : groupOf(`uuid\u0000${root.uuid}`, root.name ?? `Track ${root.uuid}`, root.rank)
      const named = thread ?? laneTrack
      lane = { pid, tid: tidOf(named.uuid, named.name ?? `Track ${named.uuid}`, named.rank, pid), async: list.length > 2 }
    }
    lanes.set(uuid, lane)
    return lane
  }
  const tidOf = (uuid: number, name: string, rank: number | null, pid: number): number => {
    let tid = laneTids.get(uuid)
    if (tid === undefined) {
      // Ours: the recorder track number + 1, as the Chrome export numbers its threads.
      tid = laneTids.size + 1
      laneTids.set(uuid, tid)
      out.push({ ph: 'M', name: 'thread_name', pid, tid, args: { name } })
      out.push({ ph: 'M', name: 'thread_sort_index', pid, tid, args: { sort_index: rank ?? tid } })
    }
    return tid
  }
  const seenFlows = new Set<number>()
  const flowCat = ours ? 'mdwb' : 'flow'
  for (const ev of decoder.events) {
    if (ours && ev.track === RUN_UUID) continue
    const lane = laneOf(ev.track)
    const base: Json = { pid: lane.pid, tid: lane.tid, ts: ev.ts / 1000 }
    const track = tracks.get(ev.track)
    const name = ev.name ?? track?.name ?? ''
    if (ev.category !== null) base.cat = ev.category
    const args = ev.args
    const asyncId = args !== null && typeof args[ASYNC_ID_ANNOTATION] === 'number' ? (args[ASYNC_ID_ANNOTATION] as number) : null
    if (args !== null && asyncId !== null) delete args[ASYNC_ID_ANNOTATION]
    const withArgs = (o: Json): Json => (args !== null && Object.keys(args).length > 0 ? { ...o, args } : o)
    switch (ev.type) {
      case TrackEventType.sliceBegin:
      case TrackEventType.sliceEnd:
        if (lane.async || asyncId !== null) {
          const id = asyncId ?? ev.track
          out.push(withArgs({ ...base, ph: ev.type === TrackEventType.sliceBegin ? 'b' : 'e', cat: ev.category ?? 'async', name, id2: { local: `0x${id.toString(16)}` } }))
        } else out.push(withArgs({ ...base, ph: ev.type === TrackEventType.sliceBegin ? 'B' : 'E', name: ev.type === TrackEventType.sliceEnd ? (ev.name ?? '') : name }))
        break
      case TrackEventType.instant:
        if (ours && name === 'flow' && (ev.flows !== null || ev.terminating !== null)) break
        if (asyncId !== null) out.push(withArgs({ ...base, ph: 'n', cat: ev.category ?? 'async', name, id2: { local: `0x${asyncId.toString(16)}` } }))
        else out.push(withArgs({ ...base, ph: 'i', s: 't', name }))
        break
      case TrackEventType.counter:
        if (ev.counter === null) warnings.add('counter events without a value were skipped')
        else out.push({ ...base, ph: 'C', name: track?.name ?? name, args: { [track?.counterUnit ?? 'value']: ev.counter } })
        break
      default:
        warnings.add(`track events of type ${ev.type} (not a slice, instant or counter) were skipped`)
        continue
    }
    flowEvents(ev, base, flowCat, seenFlows, out)
  }
  return out
}

/** The event's flows as s/t/f at its time on its lane (the slice it starts is what they bind to). */
function flowEvents(ev: DecodedEvent, base: Json, cat: string, seen: Set<number>, out: Json[]): void {
  for (const id of ev.flows ?? []) {
    out.push({ pid: base.pid, tid: base.tid, ts: base.ts, ph: seen.has(id) ? 't' : 's', cat, name: 'srb', id })
    seen.add(id)
  }
  for (const id of ev.terminating ?? []) {
    out.push({ pid: base.pid, tid: base.tid, ts: base.ts, ph: 'f', bp: 'e', cat, name: 'srb', id })
    seen.delete(id)
  }
}

function processName(tracks: Map<number, DecodedTrack>, pid: number): string | null {
  for (const t of tracks.values()) if (t.pid === pid && t.tid === null && t.name !== null) return t.name
  return null
}
