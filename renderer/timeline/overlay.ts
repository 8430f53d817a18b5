// What a frame draws over the tracks: the selected event's outline, the hover line and the time
// cursor with its label on the axis.
import type { Frame } from './frame.js'
import { THEME } from './theme.js'
import { formatTimestamp } from './timeFormat.js'

/** The outline of the selected event, when it is in view. */
export function drawSelection(f: Frame): void {
  const { ctx, vp, store, layout, gx, W } = f
  if (f.scene.selection < 0) return
  const place = store.place(f.scene.selection)
  if (place === null) return
  const box = layout.trackBox(place.track)
  if (box === null) return
  ctx.strokeStyle = THEME.selection
  ctx.lineWidth = 2
  const xa = vp.x(place.start)
  const xb = vp.x(place.end)
  // Nothing to outline when the event is out of view (an outline clamped to the edge would mislead).
  if (xb < 0 || xa > W) return
  const a = xa < -4 ? -4 : xa
  const b = xb > W + 4 ? W + 4 : xb
  if (store.tracks[place.track].info.kind === 'counter') {
    ctx.strokeRect(gx + a - 1, box.y + f.yOff + 1, 2, box.height - 3)
  } else {
    const y = layout.rowY(box, place.lane) + f.yOff
    ctx.strokeRect(gx + a - 1, y - 1, Math.max(1, b - a) + 2, f.rowH + 1)
  }
  ctx.lineWidth = 1
}

/** The hover line (dashed) and the time cursor, each when its time is in view. */
export function drawCursors(f: Frame): void {
  const { ctx, geo, vp, gx, W } = f
  const hover = f.scene.hoverNs
  if (hover !== null) {
    const x = vp.x(hover)
    if (x >= 0 && x <= W) {
      ctx.strokeStyle = THEME.hover
      ctx.setLineDash([3, 3])
      ctx.beginPath()
      ctx.moveTo(Math.round(gx + x) + 0.5, geo.axisHeight)
      ctx.lineTo(Math.round(gx + x) + 0.5, geo.height)
      ctx.stroke()
      ctx.setLineDash([])
    }
  }
  const cursor = f.scene.cursorNs
  if (cursor !== null) {
    const x = vp.x(cursor)
    if (x >= 0 && x <= W) {
      f.fill(THEME.cursor)
      ctx.fillRect(Math.round(gx + x), 0, 1, geo.height)
      const label = formatTimestamp(cursor)
      const w = ctx.measureText(label).width + 8
      const lx = Math.min(gx + x + 1, geo.width - w)
      ctx.fillRect(lx, geo.axisHeight - 14, w, 13)
      f.fill(THEME.background)
      ctx.fillText(label, lx + 4, geo.axisHeight - 7.5)
    }
  }
}
