// The time axis: the ruler above the tracks (ticks, their labels, the base of offset labels in the
// gutter's corner) and the grid lines the same ticks draw across the tracks.
import type { Frame } from './frame.js'
import { THEME } from './theme.js'
import type { Ticks } from './viewport.js'

/** A vertical line per tick, under the tracks. */
export function drawGrid(f: Frame, ticks: Ticks): void {
  const { ctx, geo, gx, vp } = f
  ctx.strokeStyle = THEME.grid
  ctx.beginPath()
  for (const t of ticks.ns) {
    const x = Math.round(gx + vp.x(t)) + 0.5
    ctx.moveTo(x, geo.axisHeight)
    ctx.lineTo(x, geo.height)
  }
  ctx.stroke()
}

export function drawAxis(f: Frame, ticks: Ticks): void {
  const { ctx, geo, gx, vp } = f
  const h = geo.axisHeight
  f.fill(THEME.axis)
  ctx.fillRect(0, 0, geo.width, h)
  f.fill(THEME.separator)
  ctx.fillRect(0, h - 1, geo.width, 1)
  ctx.strokeStyle = THEME.axisText
  ctx.beginPath()
  for (const t of ticks.ns) {
    const x = Math.round(gx + vp.x(t)) + 0.5
    ctx.moveTo(x, h - 6)
    ctx.lineTo(x, h - 1)
  }
  ctx.stroke()
  f.fill(THEME.axisText)
  for (let i = 0; i < ticks.ns.length; i++) {
    const x = gx + vp.x(ticks.ns[i])
    if (x + 3 < geo.width) ctx.fillText(ticks.labels[i], x + 3, h / 2 - 2)
  }
  // The gutter's corner shows the base of offset labels.
  f.fill(THEME.axis)
  ctx.fillRect(0, 0, gx - 1, h - 1)
  f.fill(THEME.axisText)
  const corner = f.cache.fitText(ctx, ticks.baseLabel ?? 'time', gx - 12)
  if (corner !== null) ctx.fillText(corner, 6, h / 2 - 2)
}
