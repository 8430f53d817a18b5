import type { SpanLane } from './spanLane.js'
import type { TraceStore } from './traceStore.js'
import type { Viewport } from './viewport.js'

/**
 * The vertical arrangement of the timeline and hit testing. Groups come in the order of the product
 * spec's lane list (CPU/IRQL callbacks, the class driver's queues, the IRQ lines, the card's DMA and
 * MMIO, the client, the verifier; unknown groups after them, in order of appearance), each under a
 * collapsible header; tracks within a group by their `order` field (ties by creation). A track is as
 * tall as its content: one row per depth of slices, one per placed row of async spans, a fixed band for
 * a counter, one row of instants.
 */

export const GROUP_ORDER: readonly string[] = ['CPUs', 'Class driver', 'Interrupts', 'Hardware', 'Client', 'Verifier']

export interface LayoutOptions {
  /** Height of one row of slices, async spans or instants. */
  rowHeight: number
  /** Height of a counter's band. */
  counterHeight: number
  headerHeight: number
  /** Space above a track's first row. */
  trackPadding: number
  /** Space below a track. */
  trackGap: number
  /** Groups shown as their header only. */
  collapsed: ReadonlySet<string>
}

export const DEFAULT_LAYOUT: LayoutOptions = {
  rowHeight: 18,
  counterHeight: 36,
  headerHeight: 22,
  trackPadding: 2,
  trackGap: 4,
  collapsed: new Set(),
}

/** One horizontal band of the timeline: a group header or a track. */
export interface LaneBox {
  type: 'header' | 'track'
  group: string
  /** Track number; -1 for a header. */
  track: number
  /** Top, in content coordinates (0 = top of the first band). */
  y: number
  height: number
  /** Rows of content (depths, async rows; 1 for counters and instants; 0 for headers). */
  rows: number
  /** Headers: whether the group is collapsed, and how many tracks it has. */
  collapsed: boolean
  tracks: number
}

export class Layout {
  private readonly byTrack = new Map<number, LaneBox>()
  private readonly byGroup = new Map<string, LaneBox>()

  constructor(
    readonly boxes: readonly LaneBox[],
    readonly height: number,
    readonly options: LayoutOptions,
  ) {
    for (const b of boxes) {
      if (b.type === 'track') this.byTrack.set(b.track, b)
      else this.byGroup.set(b.group, b)
    }
  }

  /** Index of the first band whose bottom is below content y (boxes.length when none). */
  indexAt(y: number): number {
    let lo = 0
    let hi = this.boxes.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const b = this.boxes[mid]
      if (b.y + b.height <= y) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The band at content y, or null. */
  boxAt(y: number): LaneBox | null {
    const b = this.boxes[this.indexAt(y)]
    return b !== undefined && b.y <= y ? b : null
  }

  /** The band of a track; null when it is hidden in a collapsed group. */
  trackBox(track: number): LaneBox | null {
    return this.byTrack.get(track) ?? null
  }

  headerBox(group: string): LaneBox | null {
    return this.byGroup.get(group) ?? null
  }

  /** Top of row `row` of a track's band. */
  rowY(box: LaneBox, row: number): number {
    return box.y + this.options.trackPadding + row * this.options.rowHeight
  }

  /** Row of a track's band at content y (may be outside [0, rows)). */
  rowAt(box: LaneBox, y: number): number {
    return Math.floor((y - box.y - this.options.trackPadding) / this.options.rowHeight)
  }
}

/** Group rank in display order. */
function groupRank(group: string): number {
  const i = GROUP_ORDER.indexOf(group)
  return i < 0 ? GROUP_ORDER.length : i
}

/** Rows of content a track shows. */
export function trackRows(store: TraceStore, track: number): number {
  const tr = store.tracks[track]
  if (tr.info.kind === 'counter') return 1
  if (tr.info.kind === 'instants') return 1
  return Math.max(1, tr.lanes.length)
}

/** Lays the store's tracks out in display order. */
export function buildLayout(store: TraceStore, options: LayoutOptions = DEFAULT_LAYOUT): Layout {
  const groups: string[] = []
  for (const tr of store.tracks) if (!groups.includes(tr.info.group)) groups.push(tr.info.group)
  const seen = groups.slice()
  groups.sort((a, b) => groupRank(a) - groupRank(b) || seen.indexOf(a) - seen.indexOf(b))
  const boxes: LaneBox[] = []
  let y = 0
  for (const group of groups) {
    const tracks = store.tracks.filter((t) => t.info.group === group).sort((a, b) => a.info.order - b.info.order || a.index - b.index)
    const collapsed = options.collapsed.has(group)
    boxes.push({ type: 'header', group, track: -1, y, height: options.headerHeight, rows: 0, collapsed, tracks: tracks.length })
    y += options.headerHeight
    if (collapsed) continue
    for (const tr of tracks) {
      const rows = trackRows(store, tr.index)
      const content = tr.info.kind === 'counter' ? options.counterHeight : rows * options.rowHeight
      const height = options.trackPadding + content + options.trackGap
      boxes.push({ type: 'track', group, track: tr.index, y, height, rows, collapsed: false, tracks: 0 })
      y += height
    }
  }
  return new Layout(boxes, y, options)
}

// ---------------------------------------------------------------------------------------------
// Hit testing

/** The canvas areas around the content: the track-name gutter on the left, the time axis on top. */
export interface Geometry {
  /** Canvas size in CSS pixels. */
  width: number
  height: number
  /** Width of the track-name column; time x = canvas x - gutter. */
  gutter: number
  /** Height of the time axis; content y = canvas y - axisHeight + scrollY. */
  axisHeight: number
  /** Vertical scroll of the content. */
  scrollY: number
}

export type Hit =
  | { type: 'none' }
  | { type: 'axis'; ns: number }
  | { type: 'header'; group: string }
  | { type: 'label'; track: number }
  /** Over a track's content: the event under the pointer (row -1 when none) and the time there. */
  | { type: 'track'; track: number; lane: number; row: number; ns: number }

/** How close (pixels) a pointer must be to a thin event to pick it. */
export const PICK_TOLERANCE_PX = 3

/** What is under canvas point (x, y). */
export function hitTest(store: TraceStore, layout: Layout, vp: Viewport, geo: Geometry, x: number, y: number): Hit {
  if (y < geo.axisHeight) return x >= geo.gutter ? { type: 'axis', ns: vp.time(x - geo.gutter) } : { type: 'none' }
  const cy = y - geo.axisHeight + geo.scrollY
  const box = layout.boxAt(cy)
  if (box === null) return { type: 'none' }
  if (box.type === 'header') return { type: 'header', group: box.group }
  if (x < geo.gutter) return { type: 'label', track: box.track }
  const ns = vp.time(x - geo.gutter)
  const tol = PICK_TOLERANCE_PX * vp.nsPerPx
  const tr = store.tracks[box.track]
  const lane = layout.rowAt(box, cy)
  let row = -1
  if (tr.info.kind === 'counter') {
    const i = tr.counter.indexAt(ns)
    if (i >= 0 && ns <= store.endNs) row = tr.counter.row[i]
    return { type: 'track', track: box.track, lane: 0, row, ns }
  }
  if (lane >= 0 && lane < box.rows) {
    const lanes = tr.lanes
    if (lane < lanes.length) {
      const i = pickSpan(lanes[lane], ns, tol, store.endNs)
      if (i >= 0) {
        row = lanes[lane].row[i]
        if (tr.info.kind === 'async') row = pickAsyncInstant(store, box.track, lanes[lane].ref[i], ns, tol, row)
      }
    }
    if (row < 0 && lane === 0) {
      const i = pickSpan(tr.instants, ns, tol, store.endNs)
      if (i >= 0) row = tr.instants.row[i]
    }
  }
  return { type: 'track', track: box.track, lane, row, ns }
}

/**
 * Index of the span of `lane` under time t: the one containing t, else the nearest within `tol` ns;
 * -1 when none. Open ends are clamped to `clampEnd`.
 */
export function pickSpan(lane: SpanLane, t: number, tol: number, clampEnd = Infinity): number {
  const n = lane.n
  if (n === 0) return -1
  const idx = lane.countStartingBy(t) - 1
  let best = -1
  let bestDist = Infinity
  // Going back from the last span starting by t, the first one containing t is the innermost.
  // Spans of a lane rarely overlap, so a short look back suffices.
  for (let i = idx, k = 0; i >= 0 && k < 64 && lane.maxEnd[i] >= t - tol; i--, k++) {
    const e = Math.min(lane.end[i], clampEnd)
    const d = t <= e ? 0 : t - e
    if (d < bestDist) {
      best = i
      bestDist = d
    }
    if (d === 0) break
  }
  if (idx + 1 < n && lane.start[idx + 1] - t < bestDist) {
    best = idx + 1
    bestDist = lane.start[idx + 1] - t
  }
  return bestDist <= tol ? best : -1
}

/** The row of an async instant of span `span` within `tol` of t, else `fallback`. */
function pickAsyncInstant(store: TraceStore, track: number, span: number, t: number, tol: number, fallback: number): number {
  const a = store.tracks[track].async
  let best = fallback
  let bestDist = tol
  for (let j = a.instHead[span]; j >= 0; j = a.instNext[j]) {
    const d = Math.abs(a.instTs[j] - t)
    if (d <= bestDist) {
      best = a.instRow[j]
      bestDist = d
    }
  }
  return best
}
