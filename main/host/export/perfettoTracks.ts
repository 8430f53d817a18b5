/**
 * The tracks of the Perfetto export: one root track per track group (CPUs, Interrupts, Hardware,
 * Class driver, Client, Verifier, in the Chrome export's order), under it one track per recorder track
 * (a lane: a CPU, a queue, an IRQ line, a DMA channel, an MMIO BAR, ...; counters get a counter
 * descriptor), and under an async lane the sub-tracks its SRB lifetimes are packed onto.
 *
 * Why sub-tracks: slices on one Perfetto track must nest, and SRBs on a queue overlap. Each SRB goes
 * on the first sub-track free at its start (interval partitioning, so a queue with at most k SRBs in
 * flight at once gets k sub-tracks); they share the lane's name, so the UI merges them into one.
 *
 * uuids (stable, so an import can tell the parts apart): lane of track t: (t + 1) * LANE_STRIDE;
 * its sub-track l: (t + 1) * LANE_STRIDE + 1 + l; group g: GROUP_BASE + g; the run's metadata track RUN_UUID.
 */
import type { TrackInfo } from '../../contract/trace.js'
import { groupRank } from '../chromeTrace/chromeTraceExport.js'
import type { TrackDescriptorSpec } from './perfettoEncode.js'

export const LANE_STRIDE = 4096
/** Sub-tracks per async lane; an SRB beyond (more than this many in flight on one queue) shares the last. */
export const MAX_SUB_TRACKS = LANE_STRIDE - 1
export const GROUP_BASE = 2 ** 40
export const RUN_UUID = 2 ** 41
/** Name and category of the instant on RUN_UUID that carries the run's metadata (tool, driver, scenario, seed, card). */
export const RUN_EVENT_NAME = 'Minidriver Workbench run'
export const RUN_CATEGORY = 'mdwb.run'
/** Debug annotation carrying an async span's id (the SRB id) on its begin, instants and end. */
export const ASYNC_ID_ANNOTATION = 'async_id'

export const laneUuid = (track: number): number => (track + 1) * LANE_STRIDE
export const subTrackUuid = (track: number, lane: number): number => (track + 1) * LANE_STRIDE + 1 + lane

/** Group tracks and lanes, in the order they are described. */
export function trackDescriptors(tracks: readonly TrackInfo[]): TrackDescriptorSpec[] {
  const groups = [...new Set(tracks.map((x) => x.group))].sort((a, b) => groupRank(a) - groupRank(b))
  const out: TrackDescriptorSpec[] = [{ uuid: RUN_UUID, name: 'Run', rank: -1 }]
  groups.forEach((g, i) => out.push({ uuid: GROUP_BASE + i, name: g, explicitOrder: true, rank: i }))
  tracks.forEach((info, t) => {
    const spec: TrackDescriptorSpec = { uuid: laneUuid(t), name: info.name, parent: GROUP_BASE + groups.indexOf(info.group), rank: rankOf(info.order) }
    if (info.kind === 'counter') spec.counterUnit = info.unit ?? 'value'
    if (info.kind === 'async') spec.explicitOrder = true
    out.push(spec)
  })
  return out
}

/** sibling_order_rank is an int32. */
function rankOf(order: number): number {
  return Number.isFinite(order) ? Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(order))) : 0
}

/**
 * The sub-tracks of the async lanes while the export runs: which one an SRB lifetime goes on, and
 * which are new (their descriptor must be written before their first event).
 */
export class SubTracks {
  /** Per track: the end time of the span on each sub-track (Infinity: a span never ended). */
  private readonly ends = new Map<number, number[]>()
  /** Per track, per span id: the sub-tracks of its open spans (innermost last). */
  private readonly open = new Map<number, Map<number, number[]>>()

  /** The sub-track of a span starting at `ts` and ending at `end`; `isNew` when it was just made. */
  begin(track: number, id: number, ts: number, end: number): { lane: number; isNew: boolean } {
    let ends = this.ends.get(track)
    if (ends === undefined) this.ends.set(track, (ends = []))
    // Strictly before: an end and a begin at the same time on one track would be ambiguous to order.
    let lane = ends.findIndex((e) => e < ts)
    let isNew = false
    if (lane >= 0) ends[lane] = end
    else if (ends.length < MAX_SUB_TRACKS) {
      lane = ends.push(end) - 1
      isNew = true
    } else {
      // Out of sub-tracks: the last one is shared (its slices may then overlap, which Perfetto reports).
      lane = MAX_SUB_TRACKS - 1
      ends[lane] = Math.max(ends[lane], end)
    }
    let byId = this.open.get(track)
    if (byId === undefined) this.open.set(track, (byId = new Map()))
    const stack = byId.get(id)
    if (stack === undefined) byId.set(id, [lane])
    else stack.push(lane)
    return { lane, isNew }
  }

  /** The sub-track of the innermost open span with this id, or -1. */
  current(track: number, id: number): number {
    const stack = this.open.get(track)?.get(id)
    return stack === undefined || stack.length === 0 ? -1 : stack[stack.length - 1]
  }

  /** Ends the innermost open span with this id: its sub-track, or -1 when none is open. */
  end(track: number, id: number): number {
    const byId = this.open.get(track)
    const stack = byId?.get(id)
    if (stack === undefined || stack.length === 0) return -1
    const lane = stack.pop()!
    if (stack.length === 0) byId!.delete(id)
    return lane
  }
}
