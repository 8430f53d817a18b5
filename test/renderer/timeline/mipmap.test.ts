import { describe, expect, it } from 'vitest'
import { CounterSeries } from '../../../renderer/timeline/counterSeries.js'
import { CounterBuffer, levelFor, queryCounter, queryRuns, RunBuffer, spanMipmap } from '../../../renderer/timeline/mipmap.js'
import { SpanLane } from '../../../renderer/timeline/spanLane.js'
import { Rand } from './syntheticTrace.js'

type Span = [start: number, end: number]

/** Log-uniform integer in [0, max]: many small values, some large (gaps and durations at every scale). */
function logInt(rnd: Rand, max: number): number {
  return Math.floor(Math.exp(rnd.next() * Math.log(max + 1))) - 1
}

/** Random spans: sequential like one depth of slices (optionally overlapping, zero-length, or open at the end). */
function randomSpans(rnd: Rand, n: number, kind: 'lane' | 'overlap' | 'instants' | 'open'): Span[] {
  const out: Span[] = []
  let t = rnd.int(0, 1000)
  for (let i = 0; i < n; i++) {
    if (kind === 'overlap') {
      const s = rnd.int(0, 50_000_000)
      out.push([s, s + logInt(rnd, 2_000_000)])
      continue
    }
    t += logInt(rnd, rnd.next() < 0.01 ? 5_000_000 : 20_000)
    const d = kind === 'instants' ? 0 : logInt(rnd, rnd.next() < 0.05 ? 3_000_000 : 5_000)
    out.push([t, t + d])
    t += d
  }
  if (kind === 'open') out[out.length - 1][1] = Infinity
  return out
}

function laneOf(spans: Span[], batches = 1, rnd?: Rand): SpanLane {
  const lane = new SpanLane()
  const order = spans.map((_, i) => i)
  // Arrival order: shuffled within each batch (the lane must sort), batches in sequence.
  const size = Math.ceil(spans.length / batches)
  for (let b = 0; b < spans.length; b += size) {
    const part = order.slice(b, b + size)
    if (rnd) for (let i = part.length - 1; i > 0; i--) {
      const j = rnd.int(0, i)
      ;[part[i], part[j]] = [part[j], part[i]]
    }
    for (const i of part) lane.push(spans[i][0], spans[i][1], i % 7, i)
    lane.settle()
  }
  return lane
}

/** Pixel columns a brute-force render covers: every span on its own, [floor(x(s)), floor(x(e))]. */
function bruteCoverage(spans: Span[], t0: number, npp: number, width: number, clampEnd: number): Uint8Array {
  const px = new Uint8Array(width)
  for (const [s, e0] of spans) {
    const e = Math.min(e0, Math.max(s, clampEnd))
    let p0 = Math.floor((s - t0) / npp)
    let p1 = Math.floor((e - t0) / npp)
    if (p1 < 0 || p0 >= width) continue
    p0 = Math.max(0, p0)
    p1 = Math.min(width - 1, p1)
    for (let p = p0; p <= p1; p++) px[p] = 1
  }
  return px
}

function runCoverage(out: RunBuffer, n: number, width: number): Uint8Array {
  const px = new Uint8Array(width)
  for (let k = 0; k < n; k++) {
    expect(out.px0[k]).toBeGreaterThanOrEqual(0)
    expect(out.px1[k]).toBeLessThan(width)
    expect(out.px1[k]).toBeGreaterThanOrEqual(out.px0[k])
    for (let p = out.px0[k]; p <= out.px1[k]; p++) px[p] = 1
  }
  return px
}

/** Random views over [lo, hi]: zooms from sub-ns per pixel to the whole range. */
function* views(rnd: Rand, lo: number, hi: number, count: number): Generator<{ t0: number; npp: number; width: number }> {
  for (let i = 0; i < count; i++) {
    const width = rnd.int(50, 400)
    const span = (hi - lo) * Math.exp(-rnd.next() * 16)
    const npp = Math.max(0.1, span / width)
    const t0 = lo - span * 0.1 + rnd.next() * (hi - lo + span * 0.1)
    yield { t0, npp, width }
  }
}

describe('span mipmap', () => {
  for (const kind of ['lane', 'overlap', 'instants', 'open'] as const) {
    it(`covers exactly the pixels of a brute-force render (${kind})`, () => {
      const rnd = new Rand(kind.length * 101)
      const spans = randomSpans(rnd, 20_000, kind)
      const lane = laneOf(spans)
      const lo = spans.reduce((m, s) => Math.min(m, s[0]), Infinity)
      const hi = spans.reduce((m, s) => Math.max(m, Number.isFinite(s[1]) ? s[1] : s[0]), 0)
      const clampEnd = hi + 1000
      const out = new RunBuffer()
      let merged = 0
      let levels = 0
      for (const v of views(rnd, lo, hi, 300)) {
        const n = queryRuns(lane, v.t0, v.npp, v.width, clampEnd, out)
        expect(runCoverage(out, n, v.width)).toEqual(bruteCoverage(spans, v.t0, v.npp, v.width, clampEnd))
        // Pieces stay in proportion to pixels whatever the number of spans (lanes that do not overlap).
        if (kind !== 'overlap') expect(n).toBeLessThanOrEqual(4 * v.width + 8)
        for (let k = 0; k < n; k++) {
          if (out.count[k] > 1) merged++
          // A piece of one span is that span.
          else expect(out.x0[k]).toBe((lane.start[out.rep[k]] - v.t0) / v.npp)
        }
        if (levelFor(v.npp) > 0) levels++
      }
      // The test went through the summaries, not only the raw spans.
      expect(merged).toBeGreaterThan(100)
      expect(levels).toBeGreaterThan(100)
      expect(spanMipmap(lane).builtLevels.length).toBeGreaterThan(3)
    })
  }

  it('draws a million one-nanosecond slices in view with about one piece per pixel', () => {
    const spans: Span[] = []
    for (let i = 0; i < 1_000_000; i++) spans.push([i * 3, i * 3 + 1])
    const lane = laneOf(spans)
    const out = new RunBuffer()
    const n = queryRuns(lane, 0, 3_000_000 / 1000, 1000, Infinity, out)
    expect(n).toBeLessThanOrEqual(1000)
    expect(runCoverage(out, n, 1000)).toEqual(bruteCoverage(spans, 0, 3000, 1000, Infinity))
    let members = 0
    for (let k = 0; k < n; k++) members += out.count[k]
    expect(members).toBe(1_000_000)
  })

  it('builds a level from a finer one exactly as from the raw spans', () => {
    const rnd = new Rand(5)
    const spans = randomSpans(rnd, 30_000, 'lane')
    const direct = laneOf(spans)
    const derived = laneOf(spans)
    for (const shift of [6, 9, 13, 17]) spanMipmap(derived).level(shift)
    for (const shift of [10, 14, 18, 21]) {
      const a = spanMipmap(direct).level(shift)
      const b = spanMipmap(derived).level(shift)
      expect(b.source).not.toBeNull()
      expect(b.n).toBe(a.n)
      expect(b.start.subarray(0, b.n)).toEqual(a.start.subarray(0, a.n))
      expect(b.end.subarray(0, b.n)).toEqual(a.end.subarray(0, a.n))
      expect(b.count.subarray(0, b.n)).toEqual(a.count.subarray(0, a.n))
      expect(b.rep.subarray(0, b.n)).toEqual(a.rep.subarray(0, a.n))
    }
  })

  it('extends its levels when spans arrive (in order, out of order, or cut off) as if built afresh', () => {
    const rnd = new Rand(9)
    const spans = randomSpans(rnd, 40_000, 'lane')
    const shifts = [3, 8, 11, 12, 15, 19, 23]
    const live = new SpanLane()
    const pushAll = (from: number, to: number) => {
      const idx = Array.from({ length: to - from }, (_, i) => from + i)
      for (let i = idx.length - 1; i > 0; i--) {
        const j = rnd.int(Math.max(0, i - 50), i)
        ;[idx[i], idx[j]] = [idx[j], idx[i]]
      }
      for (const i of idx) live.push(spans[i][0], spans[i][1], i % 7, i)
      live.settle()
    }
    let at = 0
    while (at < spans.length) {
      const to = Math.min(spans.length, at + rnd.int(1, 4000))
      pushAll(at, to)
      at = to
      for (const s of shifts) spanMipmap(live).level(s)
      // Now and then cut the tail off and put it back (what re-placing async rows does).
      if (rnd.next() < 0.2 && live.n > 100) {
        const cut = live.n - rnd.int(1, 100)
        live.truncate(cut)
        for (const s of shifts) spanMipmap(live).level(s)
        for (let i = cut; i < at; i++) live.push(spans[i][0], spans[i][1], i % 7, i)
        live.settle()
      }
    }
    const fresh = laneOf(spans)
    for (const s of shifts) {
      const a = spanMipmap(fresh).level(s)
      const b = spanMipmap(live).level(s)
      expect(b.n, `level ${s}`).toBe(a.n)
      expect(b.start.subarray(0, b.n)).toEqual(a.start.subarray(0, a.n))
      expect(b.end.subarray(0, b.n)).toEqual(a.end.subarray(0, a.n))
      expect(b.maxEnd.subarray(0, b.n)).toEqual(a.maxEnd.subarray(0, a.n))
      expect(b.count.subarray(0, b.n)).toEqual(a.count.subarray(0, a.n))
      expect(b.first.subarray(0, b.n)).toEqual(a.first.subarray(0, a.n))
    }
  })
})

describe('counter mipmap', () => {
  /** Samples as [ts, value, row]. */
  function series(rnd: Rand, n: number): [number, number, number][] {
    const out: [number, number, number][] = []
    let t = 0
    let v = 0
    for (let i = 0; i < n; i++) {
      // Bursts of equal times too.
      t += rnd.next() < 0.1 ? 0 : logInt(rnd, 100_000)
      v += rnd.int(-100, 100)
      out.push([t, v, i])
    }
    return out
  }

  /** The step function's min and max over each pixel column, by looking at every sample. */
  function brute(samples: [number, number, number][], t0: number, npp: number, width: number, endNs: number) {
    // Samples at equal times are in row order: the last one is the value that holds after them.
    const sorted = [...samples].sort((a, b) => a[0] - b[0] || a[2] - b[2])
    const has = new Uint8Array(width)
    const min = new Float64Array(width)
    const max = new Float64Array(width)
    for (let c = 0; c < width; c++) {
      const a = t0 + c * npp
      const b = t0 + (c + 1) * npp
      if (a > endNs) continue
      const vals: number[] = []
      let before: number | undefined
      for (const [t, v] of sorted) {
        if (t < a) before = v
        else if (t < b) vals.push(v)
      }
      if (before !== undefined) vals.push(before)
      if (vals.length === 0) continue
      has[c] = 1
      min[c] = Math.min(...vals)
      max[c] = Math.max(...vals)
    }
    return { has, min, max }
  }

  function compare(s: CounterSeries, samples: [number, number, number][], rnd: Rand, count: number) {
    const buf = new CounterBuffer()
    const hi = samples.reduce((m, x) => Math.max(m, x[0]), 0)
    const endNs = hi + 5000
    for (const v of views(rnd, 0, hi, count)) {
      queryCounter(s, v.t0, v.npp, v.width, endNs, buf)
      const want = brute(samples, v.t0, v.npp, v.width, endNs)
      expect(buf.has.subarray(0, v.width)).toEqual(want.has)
      for (let c = 0; c < v.width; c++) {
        if (!want.has[c]) continue
        expect(buf.min[c]).toBe(want.min[c])
        expect(buf.max[c]).toBe(want.max[c])
      }
    }
  }

  it('gives per-pixel min and max equal to a brute-force pass over the samples', () => {
    const rnd = new Rand(21)
    const samples = series(rnd, 4000)
    const s = new CounterSeries()
    for (const [t, v, row] of samples) s.push(t, v, row)
    s.settle()
    compare(s, samples, rnd, 120)
  })

  it('carries the value in from before a column, and has none before the first sample or after the end', () => {
    const s = new CounterSeries()
    s.push(10, 5, 0)
    s.push(20, 7, 1)
    s.push(20, 2, 2)
    s.push(30, 9, 3)
    s.settle()
    const buf = new CounterBuffer()
    // Columns of 4 ns from t = 2: [2,6) [6,10) [10,14) [14,18) [18,22) [22,26) [26,30) [30,34) [34,38) [38,42)
    queryCounter(s, 2, 4, 10, 35, buf)
    expect(Array.from(buf.has.subarray(0, 10))).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 0])
    const col = (c: number) => [buf.min[c], buf.max[c]]
    expect(col(2)).toEqual([5, 5])
    expect(col(3)).toEqual([5, 5])
    // 5 carried in, then 7 and 2 at the same time: the last of them (2) holds afterwards.
    expect(col(4)).toEqual([2, 7])
    expect(col(5)).toEqual([2, 2])
    expect(col(7)).toEqual([2, 9])
    expect(col(8)).toEqual([9, 9])
    // A view starting between the first two samples carries the first in.
    queryCounter(s, 15, 1, 3, 35, buf)
    expect(Array.from(buf.has.subarray(0, 3))).toEqual([1, 1, 1])
    expect([buf.min[0], buf.max[0]]).toEqual([5, 5])
  })

  it('stays exact while samples arrive out of order', () => {
    const rnd = new Rand(22)
    const samples = series(rnd, 3000)
    const s = new CounterSeries()
    const arrived: [number, number, number][] = []
    for (let at = 0; at < samples.length; ) {
      const to = Math.min(samples.length, at + rnd.int(1, 700))
      for (let i = to - 1; i >= at; i--) {
        s.push(samples[i][0], samples[i][1], samples[i][2])
        arrived.push(samples[i])
      }
      s.settle()
      compare(s, arrived, rnd, 5)
      at = to
    }
  })
})
