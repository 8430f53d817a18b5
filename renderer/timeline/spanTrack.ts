// The renderer of span tracks (nested slices, async spans, instants): each lane's mipmap pieces as
// boxes coloured by name, thin ones fused while they touch, async marks and labels where they fit.
import { colorOfName } from './colors.js'
import type { Frame, TrackRenderer } from './frame.js'
import type { LaneBox } from './layout.js'
import { queryRuns, type RunBuffer } from './mipmap.js'
import { MIN_LABEL_PX } from './renderCache.js'
import type { SpanLane } from './spanLane.js'
import { THEME } from './theme.js'
import type { TrackIndex } from './traceStore.js'

/** Spans narrower than this (pixel columns - 1) are fused with their neighbours instead of boxed. */
export const MIN_BOX_PX = 2
/** Horizontal padding of a label inside its box. */
const LABEL_PAD = 3

/** Draws a track's lanes (the rows in view), then its instants over the first row. */
class SpanTrack implements TrackRenderer {
  /** `async`: the track's spans carry instants of their own, marked inside their boxes. */
  constructor(private readonly async: boolean) {}

  draw(f: Frame, tr: TrackIndex, box: LaneBox, top: number, bottom: number): void {
    const lanes = tr.lanes
    for (let r = 0; r < lanes.length; r++) {
      const ly = f.layout.rowY(box, r)
      if (ly + f.rowH < top || ly > bottom) continue
      drawLane(f, lanes[r], ly + f.yOff, tr, this.async, false)
    }
    if (tr.instants.n > 0) drawLane(f, tr.instants, f.layout.rowY(box, 0) + f.yOff, tr, false, true)
  }
}

/** For tracks of nested slices and tracks of instants. */
export const sliceTrack: TrackRenderer = new SpanTrack(false)
export const asyncTrack: TrackRenderer = new SpanTrack(true)

/** Colour of an event name (unnamed events take their track's name); muted for busy runs. */
function color(f: Frame, nameId: number, tr: TrackIndex, busy = false): string {
  return nameId === 0 ? colorOfName(tr.info.name, busy) : f.cache.colors.color(nameId, f.store.strings[nameId] ?? '', busy)
}

/** True when piece k of a query is one span wide enough to be a box (with marks and a label). */
function isBox(runs: RunBuffer, k: number): boolean {
  return runs.count[k] === 1 && runs.px1[k] - runs.px0[k] >= MIN_BOX_PX
}

function drawLane(f: Frame, lane: SpanLane, y: number, tr: TrackIndex, isAsync: boolean, isInstants: boolean): void {
  const h = f.rowH - 1
  const n = queryRuns(lane, f.vp.startNs, f.vp.nsPerPx, f.W, f.store.endNs, f.cache.runs)
  f.stats.pieces += n
  const boxes = fillPieces(f, lane, n, y, h, tr, isInstants)
  if (boxes === 0) return
  if (isAsync) asyncMarks(f, lane, n, y, h, tr)
  labels(f, lane, n, y, h, tr)
}

/** Boxes, with thin pieces fused while they touch; returns how many boxes were drawn. */
function fillPieces(f: Frame, lane: SpanLane, n: number, y: number, h: number, tr: TrackIndex, isInstants: boolean): number {
  const { ctx, W, gx } = f
  const { px0, px1, x0, x1, rep, count } = f.cache.runs
  const minW = isInstants ? 2 : 1
  // A fused rect of more than one span is "busy": drawn muted (not for instants, which are ticks either way).
  let pStart = -1
  let pEnd = -1
  let pRep = 0
  let pDur = -1
  let pBusy = false
  let boxes = 0
  for (let k = 0; k < n; k++) {
    const p0 = px0[k]
    const p1 = px1[k]
    const r = rep[k]
    if (count[k] === 1 && p1 - p0 >= MIN_BOX_PX) {
      if (pStart >= 0) {
        f.fill(color(f, lane.name[pRep], tr, pBusy))
        ctx.fillRect(gx + pStart, y, Math.max(minW, pEnd - pStart + 1), h)
        pStart = -1
      }
      const a = x0[k] < 0 ? 0 : x0[k]
      const b = x1[k] > W ? W : x1[k]
      f.fill(color(f, lane.name[r], tr))
      ctx.fillRect(gx + a, y, Math.max(1, b - a), h)
      boxes++
    } else {
      const dur = lane.end[r] - lane.start[r]
      if (pStart >= 0 && p0 <= pEnd + 1) {
        if (p1 > pEnd) pEnd = p1
        if (dur > pDur) {
          pDur = dur
          pRep = r
        }
        pBusy = !isInstants
      } else {
        if (pStart >= 0) {
          f.fill(color(f, lane.name[pRep], tr, pBusy))
          ctx.fillRect(gx + pStart, y, Math.max(minW, pEnd - pStart + 1), h)
        }
        pStart = p0
        pEnd = p1
        pRep = r
        pDur = dur
        pBusy = !isInstants && count[k] > 1
      }
    }
  }
  if (pStart >= 0) {
    f.fill(color(f, lane.name[pRep], tr, pBusy))
    ctx.fillRect(gx + pStart, y, Math.max(minW, pEnd - pStart + 1), h)
  }
  return boxes
}

/** Marks of async instants inside the spans drawn as boxes. */
function asyncMarks(f: Frame, lane: SpanLane, n: number, y: number, h: number, tr: TrackIndex): void {
  const { ctx, vp, W, gx } = f
  const runs = f.cache.runs
  const rep = runs.rep
  const a = tr.async
  f.fill(THEME.tick)
  for (let k = 0; k < n; k++) {
    if (!isBox(runs, k)) continue
    for (let j = a.instHead[lane.ref[rep[k]]]; j >= 0; j = a.instNext[j]) {
      const x = vp.x(a.instTs[j])
      if (x >= 0 && x <= W) ctx.fillRect(gx + x, y + 2, 1, h - 4)
    }
  }
}

/** Labels of the boxes, where they fit. */
function labels(f: Frame, lane: SpanLane, n: number, y: number, h: number, tr: TrackIndex): void {
  const { ctx, W, gx, cache } = f
  const runs = cache.runs
  const { x0, x1, rep } = runs
  f.fill(THEME.label)
  const cy = y + h / 2
  for (let k = 0; k < n; k++) {
    if (!isBox(runs, k)) continue
    const a = x0[k] < 0 ? 0 : x0[k]
    const b = x1[k] > W ? W : x1[k]
    const avail = b - a - 2 * LABEL_PAD
    if (avail < MIN_LABEL_PX) continue
    const id = lane.name[rep[k]]
    const text = id === 0 ? cache.fitText(ctx, tr.info.name, avail) : cache.fitLabel(ctx, id, f.store.strings[id] ?? '', avail)
    if (text !== null) ctx.fillText(text, gx + a + LABEL_PAD, cy)
  }
}
