import { describe, expect, it } from 'vitest'
import { formatDuration, formatTimestamp } from '../../../renderer/timeline/timeFormat.js'
import { KEY_PAN_FRACTION, MIN_NS_PER_PX, navigateKey, niceStep, timeTicks, Viewport, wheelZoomFactor } from '../../../renderer/timeline/viewport.js'

function viewport(start: number, end: number, width = 1000): Viewport {
  const vp = new Viewport()
  vp.setWidth(width)
  vp.setBounds(start, end)
  vp.fit()
  return vp
}

describe('viewport', () => {
  it('maps time to x and back', () => {
    const vp = viewport(0, 1e9)
    for (const t of [0, 1, 123_456_789, 1e9]) expect(vp.time(vp.x(t))).toBeCloseTo(t, 3)
    expect(vp.x(vp.startNs)).toBe(0)
    expect(vp.x(vp.endNs)).toBeCloseTo(1000, 9)
  })

  it('fits the whole trace with a small margin', () => {
    const vp = viewport(5e6, 2e9, 800)
    expect(vp.startNs).toBeLessThan(5e6)
    expect(vp.endNs).toBeGreaterThan(2e9)
    expect(vp.spanNs).toBeLessThan((2e9 - 5e6) * 1.1)
  })

  it('keeps the time under the cursor fixed while zooming, at every scale, even 1e14 ns into a trace', () => {
    for (const [lo, hi] of [
      [0, 1e9],
      [1e14 - 1e6, 1e14],
    ]) {
      const vp = viewport(lo, hi)
      for (const x of [0, 137, 500, 999]) {
        for (const factor of [0.5, 0.01, 1.7]) {
          vp.fit()
          vp.zoomAt(500, 0.001)
          const before = vp.time(x)
          vp.zoomAt(x, factor)
          // Exact to a fraction of a nanosecond (doubles hold 1/64 ns at 1e14).
          expect(Math.abs(vp.time(x) - before)).toBeLessThan(0.05)
        }
      }
    }
  })

  it('clamps zoom to 1/16 ns per pixel and to a little more than the whole trace', () => {
    const vp = viewport(0, 1e9)
    for (let i = 0; i < 200; i++) vp.zoomAt(300, 0.5)
    expect(vp.nsPerPx).toBe(MIN_NS_PER_PX)
    for (let i = 0; i < 200; i++) vp.zoomAt(300, 2)
    expect(vp.spanNs).toBeCloseTo(1.5e9, 0)
  })

  it('pans by pixels and keeps the view on the trace: no time before its start or after its end', () => {
    const vp = viewport(0, 1e9)
    vp.zoomAt(500, 0.01)
    const start = vp.startNs
    vp.panPx(100)
    expect(vp.startNs).toBeCloseTo(start + 100 * vp.nsPerPx, 6)
    vp.panPx(-1e12)
    expect(vp.startNs).toBe(0)
    vp.panPx(1e12)
    expect(vp.endNs).toBeCloseTo(1e9, 3)
    // Centring on the first event shows the trace's start at the left edge, not negative time.
    vp.centerOn(1000)
    expect(vp.startNs).toBe(0)
    // Zoomed out past the data, the whole trace stays in view.
    vp.zoomAt(500, 1e6)
    expect(vp.startNs).toBeLessThanOrEqual(0)
    expect(vp.endNs).toBeGreaterThanOrEqual(1e9)
  })

  it('zooms to a range and centres a time', () => {
    const vp = viewport(0, 1e9)
    vp.zoomToRange(2e8, 3e8, 0)
    expect(vp.startNs).toBeCloseTo(2e8, 3)
    expect(vp.endNs).toBeCloseTo(3e8, 3)
    vp.centerOn(5e8)
    expect(vp.startNs + vp.spanNs / 2).toBeCloseTo(5e8, 3)
    expect(vp.spanNs).toBeCloseTo(1e8, 3)
  })

  it('keeps the visible span when resized (a fitted view stays fitted)', () => {
    const vp = viewport(0, 1e9, 1000)
    const span = vp.spanNs
    vp.setWidth(500)
    expect(vp.spanNs).toBeCloseTo(span, 3)
    expect(vp.nsPerPx).toBeCloseTo((span / 500), 6)
  })

  it('navigates with W/S around the anchor and A/D and arrows by a tenth of the width', () => {
    const vp = viewport(0, 1e9)
    vp.zoomAt(500, 0.1)
    const t = vp.time(200)
    const npp = vp.nsPerPx
    expect(navigateKey(vp, 'w', 200)).toBe(true)
    expect(vp.nsPerPx).toBeLessThan(npp)
    expect(vp.time(200)).toBeCloseTo(t, 3)
    expect(navigateKey(vp, 'S', 200)).toBe(true)
    expect(vp.nsPerPx).toBeCloseTo(npp, 6)
    const start = vp.startNs
    expect(navigateKey(vp, 'd')).toBe(true)
    expect(vp.startNs).toBeCloseTo(start + KEY_PAN_FRACTION * vp.spanNs, 3)
    expect(navigateKey(vp, 'ArrowLeft')).toBe(true)
    expect(vp.startNs).toBeCloseTo(start, 3)
    expect(navigateKey(vp, 'x')).toBe(false)
  })

  it('zooms out on wheel down and in on wheel up', () => {
    expect(wheelZoomFactor(100)).toBeGreaterThan(1)
    expect(wheelZoomFactor(-100)).toBeLessThan(1)
    expect(wheelZoomFactor(100) * wheelZoomFactor(-100)).toBeCloseTo(1, 12)
  })
})

describe('time axis ticks', () => {
  it('uses 1, 2, 5 times a power of ten, at least the minimum spacing apart, all inside the view', () => {
    for (const [start, end, width] of [
      [0, 1e9, 1000],
      [123_456, 123_789, 1500],
      [5e12, 5e12 + 3e7, 700],
      [0, 37, 1900],
    ]) {
      const ticks = timeTicks(start, end, width, 80)
      const m = ticks.stepNs / 10 ** Math.floor(Math.log10(ticks.stepNs) + 1e-9)
      expect([1, 2, 5].some((k) => Math.abs(m - k) < 1e-9)).toBe(true)
      expect((ticks.stepNs / (end - start)) * width).toBeGreaterThanOrEqual(80 - 1e-6)
      // ...and not much more (the next smaller nice step would be too close).
      expect((ticks.stepNs / (end - start)) * width).toBeLessThan(80 * 2.5 + 1e-6)
      expect(ticks.ns.length).toBeGreaterThan(0)
      for (const t of ticks.ns) {
        expect(t).toBeGreaterThanOrEqual(start)
        expect(t).toBeLessThanOrEqual(end)
        expect(Math.abs(t / ticks.stepNs - Math.round(t / ticks.stepNs))).toBeLessThan(1e-6)
      }
    }
  })

  it('labels in the unit of the step', () => {
    expect(timeTicks(0, 1e9, 1000).labels.slice(0, 3)).toEqual(['0 ms', '100 ms', '200 ms'])
    expect(timeTicks(0, 10e9, 1000).labels.slice(0, 3)).toEqual(['0 s', '1 s', '2 s'])
    expect(timeTicks(2000, 3000, 1000).labels.slice(0, 2)).toEqual(['2000 ns', '2100 ns'])
    expect(timeTicks(0, 2e6, 1000).labels.slice(0, 3)).toEqual(['0 µs', '200 µs', '400 µs'])
    expect(timeTicks(0, 50e9, 1000).labels[1]).toBe('5 s')
    expect(timeTicks(0, 5, 1000).labels.slice(0, 2)).toEqual(['0 ns', '0.5 ns'])
  })

  it('switches to offsets from a base when absolute labels would be long', () => {
    const t = timeTicks(12_345_678_900, 12_345_679_900, 1000)
    expect(t.baseNs).not.toBeNull()
    expect(t.baseLabel).toBe(formatTimestamp(t.baseNs!))
    expect(t.labels[0]).toMatch(/^\+\d+ ns$/)
    for (let i = 0; i < t.ns.length; i++) expect(Number(t.labels[i].slice(1, -3))).toBeCloseTo(t.ns[i] - t.baseNs!, 6)
  })

  it('formats durations and timestamps', () => {
    expect(niceStep(3)).toBe(5)
    expect(niceStep(0.3)).toBeCloseTo(0.5, 12)
    expect(formatDuration(1500)).toBe('1.5 µs')
    expect(formatDuration(2_000_000)).toBe('2 ms')
    expect(formatDuration(999)).toBe('999 ns')
    expect(formatDuration(Infinity)).toBe('∞')
    expect(formatTimestamp(1_234_567_891)).toBe('1.234567891 s')
    expect(formatTimestamp(450)).toBe('450 ns')
  })
})
