// Flow arrows: curves between the slices flow points bind to, for every flow in view when they are
// few enough and for the selection's flows always; and where a flow point binds (bindDepth).
import { EventKind } from '../../main/contract/trace.js'
import type { Frame } from './frame.js'
import { THEME } from './theme.js'
import type { TrackIndex } from './traceStore.js'

/** Above this many flow points in view, only the selection's flows are drawn. */
export const FLOW_CAP = 4000

/** The arrows the scene asks for (call only when its `flows` is not 'none'). */
export function drawFlows(f: Frame): void {
  const { ctx, vp, store } = f
  const flows = store.flows
  if (flows.n === 0) return
  const t0 = vp.startNs
  const t1 = vp.endNs
  if (f.scene.flows === 'all') {
    const lo = flows.byTime.lowerBound(t0 - flows.maxSegment)
    const hi = flows.byTime.upperBound(t1)
    if (hi - lo <= FLOW_CAP) {
      ctx.strokeStyle = THEME.flow
      ctx.lineWidth = 1
      for (let pass = 0; pass < 2; pass++) {
        ctx.beginPath()
        for (let i = lo; i < hi; i++) {
          const p = flows.byTime.ref[i]
          const q = flows.next[p]
          if (q >= 0 && flows.ts[q] >= t0) arrow(f, p, q, pass === 1)
        }
        if (pass === 0) ctx.stroke()
        else {
          f.fill(THEME.flow)
          ctx.fill()
        }
      }
    }
  }
  const chains = selectedChains(f)
  if (chains.length > 0) {
    ctx.strokeStyle = THEME.flowSelected
    ctx.lineWidth = 2
    for (let pass = 0; pass < 2; pass++) {
      ctx.beginPath()
      for (const c of chains) for (let p = flows.head[c]; p >= 0 && flows.next[p] >= 0; p = flows.next[p]) arrow(f, p, flows.next[p], pass === 1)
      if (pass === 0) ctx.stroke()
      else {
        f.fill(THEME.flowSelected)
        ctx.fill()
      }
    }
    ctx.lineWidth = 1
  }
}

/** Adds the curve (or, with `head`, the arrow head) from flow point p to q to the current path. */
function arrow(f: Frame, p: number, q: number, head: boolean): void {
  const { ctx, vp, gx, W } = f
  const flows = f.store.flows
  let xa = gx + vp.x(flows.ts[p])
  let xb = gx + vp.x(flows.ts[q])
  const ya = flowY(f, flows.track[p], flows.ts[p])
  const yb = flowY(f, flows.track[q], flows.ts[q])
  if (ya !== ya || yb !== yb) return
  // Keep far-off ends within reach of the canvas (coordinates of 1e12 px upset rasterizers).
  const lim = 4 * (W + gx)
  if (xa < -lim) xa = -lim
  if (xb > lim) xb = lim
  if (head) {
    ctx.moveTo(xb, yb)
    ctx.lineTo(xb - 6, yb - 3)
    ctx.lineTo(xb - 6, yb + 3)
    ctx.closePath()
    return
  }
  const dx = Math.max(10, Math.abs(xb - xa) / 2)
  ctx.moveTo(xa, ya)
  ctx.bezierCurveTo(xa + dx, ya, xb - dx, yb, xb, yb)
  f.stats.flowArrows++
}

/** Canvas y of a flow point: the middle of the slice row it binds to (of its group's header when the track has no band). */
function flowY(f: Frame, track: number, ts: number): number {
  const { layout, store } = f
  const box = layout.trackBox(track)
  if (box === null) {
    const header = layout.headerBox(store.tracks[track]?.info.group ?? '')
    return header === null ? NaN : header.y + header.height / 2 + f.yOff
  }
  return layout.rowY(box, bindDepth(store.tracks[track], ts)) + f.rowH / 2 + f.yOff
}

/** Flow chains of the selected row: the flows bound to a selected slice, or an SRB's flow. */
function selectedChains(f: Frame): number[] {
  const sel = f.scene.selection
  const store = f.store
  if (sel < 0 || sel >= store.rowCount) return []
  const kind = store.rowKind(sel)
  const out: number[] = []
  if (kind === EventKind.Slice) store.flows.chainsAt(store.rowTrack(sel), store.rowTs(sel), (c) => out.includes(c) || out.push(c))
  else if (kind >= EventKind.AsyncBegin && kind <= EventKind.FlowEnd) {
    const c = store.flows.chainOf(store.rowValue(sel, 'x'))
    if (c >= 0) out.push(c)
  }
  return out
}

/**
 * The depth of the slice a flow point at (track, ts) binds to: the deepest slice starting exactly
 * at ts, else the deepest containing ts, else 0.
 */
export function bindDepth(tr: TrackIndex, ts: number): number {
  const lanes = tr.slices
  for (let d = lanes.length - 1; d >= 0; d--) {
    const lane = lanes[d]
    const i = lane.countStartingBy(ts) - 1
    if (i >= 0 && lane.start[i] === ts) return d
  }
  for (let d = lanes.length - 1; d >= 0; d--) {
    const lane = lanes[d]
    const i = lane.countStartingBy(ts) - 1
    if (i >= 0 && lane.end[i] >= ts) return d
  }
  return 0
}
