import { formatTimestamp, trimDecimals, unitFor, type TimeUnit } from './timeFormat.js'

/**
 * The visible time window: time <-> x in the timeline's drawing area, zoom, pan, fit, and the time
 * axis ticks. Virtual time is integer ns in a double (up to ~1e14, where a double still resolves
 * 1/64 ns), so x = (t - startNs) / nsPerPx keeps full precision at every zoom.
 */

/** Deepest zoom: 16 pixels per nanosecond. */
export const MIN_NS_PER_PX = 1 / 16
/** Widest zoom: this many times the trace's span (and at least MIN_SPAN_NS). */
const MAX_ZOOM_OUT = 1.5
const MIN_SPAN_NS = 1000
/** Fraction of the width a key press pans, and the zoom factor of a key press. */
export const KEY_PAN_FRACTION = 0.1
export const KEY_ZOOM_FACTOR = 0.8

export class Viewport {
  /** Time at x = 0. */
  startNs = 0
  nsPerPx = 1
  widthPx = 1
  /** The data's extent, which zoom and pan are clamped to. */
  boundsStart = 0
  boundsEnd = 0

  /** Time at the right edge. */
  get endNs(): number {
    return this.startNs + this.widthPx * this.nsPerPx
  }

  get spanNs(): number {
    return this.widthPx * this.nsPerPx
  }

  /** x of time t (may be outside [0, widthPx]). */
  x(t: number): number {
    return (t - this.startNs) / this.nsPerPx
  }

  /** Time at x. */
  time(x: number): number {
    return this.startNs + x * this.nsPerPx
  }

  /** Sets the data extent (and clamps the view to it). */
  setBounds(start: number, end: number): void {
    this.boundsStart = start
    this.boundsEnd = Math.max(start, end)
    this.clamp()
  }

  /** Sets the width; the visible time span stays (a fitted view stays fitted). */
  setWidth(px: number): void {
    const w = Math.max(1, px)
    const span = this.spanNs
    this.widthPx = w
    this.nsPerPx = span / w
    this.clamp()
  }

  /** Shows the whole trace. */
  fit(): void {
    this.zoomToRange(this.boundsStart, this.boundsEnd, 0.02)
  }

  /** Shows [a, b] with a margin of `margin` of the span on each side. */
  zoomToRange(a: number, b: number, margin = 0.05): void {
    const lo = Math.min(a, b)
    const hi = Math.max(a, b)
    const span = Math.max(hi - lo, this.widthPx * MIN_NS_PER_PX)
    const total = span * (1 + 2 * margin)
    this.nsPerPx = total / this.widthPx
    this.startNs = (lo + hi) / 2 - total / 2
    this.clamp()
  }

  /** Zooms by `factor` (< 1 zooms in) keeping the time under x where it is. */
  zoomAt(x: number, factor: number): void {
    const t = this.time(x)
    this.nsPerPx = this.clampScale(this.nsPerPx * factor)
    this.startNs = t - x * this.nsPerPx
    this.clamp()
  }

  /** Moves the view right by dx pixels (the content moves left). */
  panPx(dx: number): void {
    this.startNs += dx * this.nsPerPx
    this.clamp()
  }

  /** Puts time t at the middle of the view, zoom unchanged. */
  centerOn(t: number): void {
    this.startNs = t - this.spanNs / 2
    this.clamp()
  }

  /**
   * Keeps the scale within limits and the view on the data: zoomed in, the view stays inside the
   * data (no empty time before the trace starts or after it ends); zoomed out past the data, the
   * whole of it stays in view.
   */
  clamp(): void {
    this.nsPerPx = this.clampScale(this.nsPerPx)
    const last = this.boundsEnd - this.spanNs
    const lo = Math.min(this.boundsStart, last)
    const hi = Math.max(this.boundsStart, last)
    if (this.startNs < lo) this.startNs = lo
    if (this.startNs > hi) this.startNs = hi
  }

  private clampScale(nsPerPx: number): number {
    const max = (Math.max(this.boundsEnd - this.boundsStart, MIN_SPAN_NS) * MAX_ZOOM_OUT) / this.widthPx
    if (!(nsPerPx <= max)) return max
    return nsPerPx < MIN_NS_PER_PX ? MIN_NS_PER_PX : nsPerPx
  }
}

/**
 * The navigation keys: W/S zoom in/out around `anchorX` (the mouse, or the middle), A/D and the
 * left/right arrows pan. Returns whether the key was one of them.
 */
export function navigateKey(vp: Viewport, key: string, anchorX = vp.widthPx / 2): boolean {
  switch (key.length === 1 ? key.toLowerCase() : key) {
    case 'w':
      vp.zoomAt(anchorX, KEY_ZOOM_FACTOR)
      return true
    case 's':
      vp.zoomAt(anchorX, 1 / KEY_ZOOM_FACTOR)
      return true
    case 'a':
    case 'ArrowLeft':
      vp.panPx(-vp.widthPx * KEY_PAN_FRACTION)
      return true
    case 'd':
    case 'ArrowRight':
      vp.panPx(vp.widthPx * KEY_PAN_FRACTION)
      return true
    default:
      return false
  }
}

/** Zoom factor of a wheel movement of `deltaY` pixels (scrolling down zooms out). */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(Math.max(-200, Math.min(200, deltaY)) * 0.002)
}

// ---------------------------------------------------------------------------------------------
// Time axis

/** Ticks of the time axis for one view. */
export interface Ticks {
  /** Distance between ticks, a 1, 2 or 5 times a power of ten ns. */
  stepNs: number
  unit: TimeUnit
  /** Tick times, ascending, all within [startNs, endNs]. */
  ns: number[]
  labels: string[]
  /**
   * When absolute labels would be long (deep zoom far into a trace), labels are offsets ("+20 ns")
   * from this time, itself shown once as `baseLabel`.
   */
  baseNs: number | null
  baseLabel: string | null
}

/** Longest absolute label (digits and point) before labels switch to offsets from a base. */
const MAX_LABEL_CHARS = 7

/** "Nice" ticks at least `minSpacingPx` apart, labelled in the unit of the step. */
export function timeTicks(startNs: number, endNs: number, widthPx: number, minSpacingPx = 90): Ticks {
  const span = Math.max(endNs - startNs, 1e-9)
  const raw = (span / Math.max(1, widthPx)) * minSpacingPx
  const stepNs = niceStep(raw)
  const unit = unitFor(stepNs)
  const decimals = Math.max(0, -Math.floor(Math.log10(stepNs / unit.ns) + 1e-9))
  const ns: number[] = []
  const first = Math.ceil(startNs / stepNs)
  const last = Math.floor(endNs / stepNs)
  for (let k = first; k <= last; k++) ns.push(k * stepNs)
  const absolute = (t: number) => trimDecimals(t / unit.ns, decimals)
  const widest = Math.max(absolute(startNs).length, absolute(endNs).length)
  let baseNs: number | null = null
  let labels: string[]
  if (widest <= MAX_LABEL_CHARS) {
    labels = ns.map((t) => `${absolute(t)} ${unit.label}`)
  } else {
    const block = stepNs * 100
    const base = Math.floor(startNs / block) * block
    baseNs = base
    labels = ns.map((t) => `+${absolute(t - base)} ${unit.label}`)
  }
  return { stepNs, unit, ns, labels, baseNs, baseLabel: baseNs === null ? null : formatTimestamp(baseNs) }
}

/** The smallest of 1, 2, 5 times a power of ten that is >= v. */
export function niceStep(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v))
  for (const m of [1, 2, 5, 10]) if (m * p >= v * (1 - 1e-12)) return m * p
  return 10 * p
}
