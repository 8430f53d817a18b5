// The renderer of counter tracks: a step plot from the per-pixel min/max of the counter's mipmap (the
// area under it, its top edge, the band where the value moves within a column) and its maximum as text.
import type { Frame, TrackRenderer } from './frame.js'
import type { LaneBox } from './layout.js'
import { queryCounter, type CounterBuffer } from './mipmap.js'
import { THEME } from './theme.js'
import { trimDecimals } from './timeFormat.js'
import type { TrackIndex } from './traceStore.js'

class CounterTrack implements TrackRenderer {
  draw(f: Frame, tr: TrackIndex, box: LaneBox): void {
    const { ctx, vp, W, gx } = f
    const options = f.layout.options
    const top = box.y + f.yOff + options.trackPadding
    const height = options.counterHeight
    const s = tr.counter
    const buf = f.cache.counter
    const filled = queryCounter(s, vp.startNs, vp.nsPerPx, W, f.store.endNs, buf)
    f.stats.pieces += filled
    const lo = Math.min(0, s.min)
    const hi = s.max > lo ? s.max : lo + 1
    const scale = (height - 3) / (hi - lo)
    const base = top + height - 1
    if (filled > 0) {
      areaAndEdge(f, buf, base, lo, scale)
      movingBand(f, buf, base, lo, scale)
    }
    if (s.n > 0) {
      f.fill(THEME.counterText)
      const unit = tr.info.unit ?? ''
      ctx.fillText(`${trimDecimals(s.max, 3)}${unit ? ` ${unit}` : ''}`, gx + 4, top + 6)
    }
  }
}

export const counterTrack: TrackRenderer = new CounterTrack()

/** The area under the step plot, then its top edge, as one path each. */
function areaAndEdge(f: Frame, buf: CounterBuffer, base: number, lo: number, scale: number): void {
  const { ctx, W, gx } = f
  const max = buf.max
  ctx.strokeStyle = THEME.counterLine
  for (let pass = 0; pass < 2; pass++) {
    ctx.beginPath()
    for (let c = nextSampled(buf, 0, W); c < W; c = nextSampled(buf, c, W)) {
      const y = base - (max[c] - lo) * scale
      if (pass === 0) {
        ctx.moveTo(gx + c, base)
        ctx.lineTo(gx + c, y)
      } else ctx.moveTo(gx + c, y)
      c = stepAlongMaxima(f, buf, c, base, lo, scale)
      if (pass === 0) {
        ctx.lineTo(gx + c, base)
        ctx.closePath()
      }
    }
    if (pass === 0) {
      f.fill(THEME.counterArea)
      ctx.fill()
    } else ctx.stroke()
  }
}

/**
 * Where the value moves within a pixel column: the band from min to max, one polygon per run of
 * columns (along the maxima forward, back along the minima), so a busy counter costs one fill.
 */
function movingBand(f: Frame, buf: CounterBuffer, base: number, lo: number, scale: number): void {
  const { ctx, W, gx } = f
  const { has, min, max } = buf
  let moving = false
  for (let c = 0; c < W && !moving; c++) moving = has[c] !== 0 && min[c] !== max[c]
  if (!moving) return
  ctx.beginPath()
  for (let c = nextSampled(buf, 0, W); c < W; c = nextSampled(buf, c, W)) {
    const first = c
    ctx.moveTo(gx + c, base - (max[c] - lo) * scale)
    c = stepAlongMaxima(f, buf, c, base, lo, scale)
    let prevY = base - (min[c - 1] - lo) * scale
    ctx.lineTo(gx + c, prevY)
    for (let k = c - 2; k >= first; k--) {
      const yy = base - (min[k] - lo) * scale
      if (yy !== prevY) {
        ctx.lineTo(gx + k + 1, prevY)
        ctx.lineTo(gx + k + 1, yy)
        prevY = yy
      }
    }
    ctx.lineTo(gx + first, prevY)
    ctx.closePath()
  }
  f.fill(THEME.counterLine)
  ctx.fill()
}

/** The first column from `c` on that has samples (`W` when none has). */
function nextSampled(buf: CounterBuffer, c: number, W: number): number {
  const has = buf.has
  while (c < W && has[c] === 0) c++
  return c
}

/**
 * Continues the path from column `c` (reached at the height of its maximum) along the maxima of the
 * run of sampled columns it starts, to the run's right edge; returns the column after the run.
 */
function stepAlongMaxima(f: Frame, buf: CounterBuffer, c: number, base: number, lo: number, scale: number): number {
  const { ctx, W, gx } = f
  const { has, max } = buf
  let prevY = base - (max[c] - lo) * scale
  for (c++; c < W && has[c] !== 0; c++) {
    const yy = base - (max[c] - lo) * scale
    if (yy !== prevY) {
      ctx.lineTo(gx + c, prevY)
      ctx.lineTo(gx + c, yy)
      prevY = yy
    }
  }
  ctx.lineTo(gx + c, prevY)
  return c
}
