import type { TrackKind } from '../../main/contract/trace.js'
import type { Ctx2D } from './context2d.js'
import { counterTrack } from './counterTrack.js'
import { drawFlows } from './flowArrows.js'
import { Frame, type FrameStats, type Scene, type TrackRenderer } from './frame.js'
import type { LaneBox } from './layout.js'
import { drawCursors, drawSelection } from './overlay.js'
import type { RenderCache } from './renderCache.js'
import { asyncTrack, sliceTrack } from './spanTrack.js'
import { FONT, THEME } from './theme.js'
import { drawAxis, drawGrid } from './timeAxis.js'
import { timeTicks } from './viewport.js'

/**
 * Drawing one frame of the timeline on a Ctx2D: the background, the grid, the group headers and the
 * tracks in view (each through the renderer of its kind), the flows and the selection over them, then
 * the axis and the cursors. Per visible track and lane: a binary search for the visible window and the
 * level of detail of the zoom (mipmap.ts), so a frame costs in proportion to the pixels, never to the
 * events. Spans at least MIN_BOX_PX wide are boxes coloured by name with their label where it fits;
 * thinner pieces and merged runs that touch are fused into one rect (Catapult's FastRectRenderer idea).
 * Counters are step plots from per-pixel min/max; flows are arrows between the slices they bind to,
 * drawn for all flows in view when they are few (else only the selection's). Label widths are
 * measured once per string (renderCache.ts).
 */

const TRACK_RENDERERS: Record<TrackKind, TrackRenderer> = {
  slices: sliceTrack,
  async: asyncTrack,
  counter: counterTrack,
  instants: sliceTrack,
}

/** Draws one frame. */
export function renderFrame(ctx: Ctx2D, scene: Scene, cache: RenderCache): FrameStats {
  const f = new Frame(ctx, scene, cache)
  const { geo, vp } = f
  cache.setFont(ctx, FONT)
  ctx.textBaseline = 'middle'
  ctx.textAlign = 'left'
  ctx.lineWidth = 1
  ctx.globalAlpha = 1
  f.fill(THEME.background)
  ctx.fillRect(0, 0, geo.width, geo.height)
  const ticks = timeTicks(vp.startNs, vp.endNs, f.W)

  ctx.save()
  ctx.beginPath()
  ctx.rect(0, geo.axisHeight, geo.width, Math.max(0, geo.height - geo.axisHeight))
  ctx.clip()
  drawGrid(f, ticks)
  const boxes = f.layout.boxes
  const top = geo.scrollY
  const bottom = geo.scrollY + geo.height - geo.axisHeight
  for (let b = f.layout.indexAt(top); b < boxes.length && boxes[b].y < bottom; b++) {
    const box = boxes[b]
    if (box.type === 'header') drawHeader(f, box)
    else drawTrack(f, box, top, bottom)
  }
  f.fill(THEME.separator)
  ctx.fillRect(f.gx - 1, geo.axisHeight, 1, geo.height - geo.axisHeight)
  // Arrows and the outline may reach beyond the view: keep them off the track names.
  ctx.save()
  ctx.beginPath()
  ctx.rect(f.gx, geo.axisHeight, f.W, Math.max(0, geo.height - geo.axisHeight))
  ctx.clip()
  if (scene.flows !== 'none') drawFlows(f)
  drawSelection(f)
  ctx.restore()
  ctx.restore()

  drawAxis(f, ticks)
  drawCursors(f)
  return f.stats
}

/** A group's header row: folded or not, its name, and its track count when folded. */
function drawHeader(f: Frame, box: LaneBox): void {
  const { ctx, geo } = f
  const y = box.y + f.yOff
  f.fill(THEME.header)
  ctx.fillRect(0, y, geo.width, box.height - 1)
  f.fill(THEME.headerText)
  ctx.fillText(`${box.collapsed ? '▸' : '▾'} ${box.group || '(no group)'}${box.collapsed ? `  (${box.tracks})` : ''}`, 6, y + box.height / 2)
}

/** A track's gutter (its name) and separator, then its time area by the renderer of its kind. */
function drawTrack(f: Frame, box: LaneBox, top: number, bottom: number): void {
  const { ctx, geo } = f
  const tr = f.store.tracks[box.track]
  const y = box.y + f.yOff
  f.stats.tracks++
  f.fill(THEME.gutter)
  ctx.fillRect(0, y, f.gx - 1, box.height)
  f.fill(THEME.separator)
  ctx.fillRect(0, y + box.height - 1, geo.width, 1)
  const name = f.cache.fitText(ctx, tr.info.name, f.gx - 20)
  if (name !== null) {
    f.fill(THEME.trackText)
    ctx.fillText(name, 14, y + f.layout.options.trackPadding + Math.min(f.rowH, box.height) / 2)
  }
  if (f.W <= 0) return
  // The schema comes over the wire: a kind outside TrackKind is drawn as slices.
  const renderer = TRACK_RENDERERS[tr.info.kind] ?? sliceTrack
  renderer.draw(f, tr, box, top, bottom)
}
