import { grow, lowerBound, lowerBoundU32 } from './columns.js'
import type { CounterSeries } from './counterSeries.js'
import type { LaneListener, SpanLane } from './spanLane.js'

/**
 * Level-of-detail summaries, so that drawing a lane costs in proportion to its pixels, not to its
 * events (the idea of Perfetto's slice and counter mipmaps).
 *
 * Span lanes (slices of one depth, an async row, instants): level k has a bucket size B = 2^k ns. A
 * span at least B long stays on its own; consecutive shorter spans whose gap is below B merge into one
 * "busy" run (count, extent, and the longest member as representative). Drawn at a zoom of B to 2B ns
 * per pixel, no pixel between the members of a run is empty, so the runs cover exactly the pixels the
 * spans themselves would, while runs within any window number at most about 2 per B (plus the spans
 * that are B long), i.e. a few per pixel. Each level is built lazily from the nearest finer level
 * already built (or the raw lane), and when the lane changes only its tail is rebuilt. A view with
 * few spans of a lane in it (a couple per pixel) draws them as they are and builds no level.
 *
 * Pixel coverage convention: a span [s, e] covers the pixel columns floor((s - t0) / nsPerPx) to
 * floor((e - t0) / nsPerPx) (a closed interval, so a zero-length instant covers the column it is in).
 *
 * Counters: a pyramid of min/max over blocks of 2^k samples, so the min and max of any run of samples
 * (the samples within one pixel column) take O(log n).
 */

// ---------------------------------------------------------------------------------------------
// Span lanes

/** The pieces of one lane to draw at one zoom, in order of time. */
export class RunBuffer {
  n = 0
  /** First and last pixel column covered (clamped to the view). */
  px0 = new Int32Array(256)
  px1 = new Int32Array(256)
  /** Exact start and end in pixels (unclamped; for labels and crisp edges). */
  x0 = new Float64Array(256)
  x1 = new Float64Array(256)
  /** Lane index of the representative span (the longest one merged; the span itself when count is 1). */
  rep = new Uint32Array(256)
  /** Spans merged into the piece (1: a span drawn on its own). */
  count = new Uint32Array(256)

  reserve(need: number): void {
    if (need <= this.px0.length) return
    this.px0 = grow(this.px0, need)
    this.px1 = grow(this.px1, need)
    this.x0 = grow(this.x0, need)
    this.x1 = grow(this.x1, need)
    this.rep = grow(this.rep, need)
    this.count = grow(this.count, need)
  }
}

/** One level of a lane's summary: runs sorted by start. */
export class MipmapLevel {
  n = 0
  start = new Float64Array(16)
  end = new Float64Array(16)
  maxEnd = new Float64Array(16)
  count = new Uint32Array(16)
  rep = new Uint32Array(16)
  /** Lane index of the run's first span (runs cover consecutive spans). */
  first = new Uint32Array(16)
  /** Lane index from which this level is stale (Infinity when current). */
  dirtyFrom = 0

  constructor(
    readonly shift: number,
    /** The finer level this one is built from, or null for the raw lane. */
    readonly source: MipmapLevel | null,
  ) {}

  /** Makes room for `need` runs. */
  reserve(need: number): void {
    if (need <= this.start.length) return
    this.start = grow(this.start, need)
    this.end = grow(this.end, need)
    this.maxEnd = grow(this.maxEnd, need)
    this.count = grow(this.count, need)
    this.rep = grow(this.rep, need)
    this.first = grow(this.first, need)
  }
}

/** Deepest level: 2^60 ns is far beyond any trace. */
const MAX_SHIFT = 60

/** The summaries of one span lane; kept current through the lane's listener. */
export class SpanMipmap implements LaneListener {
  private readonly levels: (MipmapLevel | undefined)[] = []

  constructor(readonly lane: SpanLane) {
    lane.listener = this
  }

  invalidateFrom(index: number): void {
    for (const level of this.levels) if (level !== undefined && index < level.dirtyFrom) level.dirtyFrom = index
  }

  /** Levels built so far (for the bench and tests). */
  get builtLevels(): number[] {
    const out: number[] = []
    this.levels.forEach((l, k) => {
      if (l !== undefined) out.push(k)
    })
    return out
  }

  /** Level `shift` (bucket 2^shift ns), built or brought up to date. */
  level(shift: number): MipmapLevel {
    let level = this.levels[shift]
    if (level === undefined) {
      let source: MipmapLevel | null = null
      for (let k = shift - 1; k >= 1 && source === null; k--) source = this.levels[k] ?? null
      level = new MipmapLevel(shift, source)
      this.levels[shift] = level
    }
    this.update(level)
    return level
  }

  private update(level: MipmapLevel): void {
    if (level.dirtyFrom === Infinity) return
    const src = level.source
    if (src !== null) this.update(src)
    const lane = this.lane
    // Restart at the run holding the span just before the first change: the runs before it are
    // unaffected, and it may absorb new spans.
    let k = 0
    let q = 0
    if (level.n > 0 && lane.n > 0) {
      const r = Math.max(0, Math.min(level.dirtyFrom, lane.n) - 1)
      k = Math.max(0, lowerBoundU32(level.first, r + 1, 0, level.n) - 1)
      const rawFirst = level.first[k]
      q = src === null ? rawFirst : lowerBoundU32(src.first, rawFirst, 0, src.n)
    }
    level.n = k
    this.build(level, q)
    level.dirtyFrom = Infinity
  }

  /**
   * Appends to `level` the runs of its source from item `from` on: a span at least B long on its own,
   * consecutive shorter items merged while the gap to the run so far is below B. Storage grows with
   * the output (a coarse level of a big lane is small).
   */
  private build(level: MipmapLevel, from: number): void {
    const lane = this.lane
    const src = level.source
    const n = src === null ? lane.n : src.n
    const S = src === null ? lane.start : src.start
    const E = src === null ? lane.end : src.end
    const C = src === null ? null : src.count
    const R = src === null ? null : src.rep
    const F = src === null ? null : src.first
    const B = 2 ** level.shift
    const ls = lane.start
    const le = lane.end
    let { start, end, maxEnd, count, rep: reps, first: firsts } = level
    let k = level.n
    let m = k > 0 ? maxEnd[k - 1] : -Infinity
    // The run being formed; a long span is a run of its own that takes nothing more.
    let open = false
    let gBig = false
    let gS = 0
    let gE = 0
    let gC = 0
    let gRep = 0
    let gDur = 0
    let gFirst = 0
    for (let i = from; i <= n; i++) {
      let s = 0
      let e = 0
      let c = 0
      let r = 0
      let big = false
      if (i < n) {
        s = S[i]
        e = E[i]
        c = C === null ? 1 : C[i]
        r = R === null ? i : R[i]
        big = c === 1 && e - s >= B
        if (open && !big && !gBig && s - gE < B) {
          if (e > gE) gE = e
          gC += c
          const d = le[r] - ls[r]
          if (d > gDur) {
            gDur = d
            gRep = r
          }
          continue
        }
      }
      if (open) {
        if (k === start.length) {
          level.n = k
          level.reserve(k + 1)
          ;({ start, end, maxEnd, count, rep: reps, first: firsts } = level)
        }
        start[k] = gS
        end[k] = gE
        if (gE > m) m = gE
        maxEnd[k] = m
        count[k] = gC
        reps[k] = gRep
        firsts[k] = gFirst
        k++
      }
      if (i === n) break
      open = true
      gBig = big
      gS = s
      gE = e
      gC = c
      gRep = r
      gDur = le[r] - ls[r]
      gFirst = F === null ? i : F[i]
    }
    level.n = k
  }
}

/** The mipmap of a lane (made on first use). */
export function spanMipmap(lane: SpanLane): SpanMipmap {
  const l = lane.listener
  return l instanceof SpanMipmap ? l : new SpanMipmap(lane)
}

/** The level used at a zoom: the largest bucket not above one pixel; 0 means the raw spans. */
export function levelFor(nsPerPx: number): number {
  if (!(nsPerPx >= 2)) return 0
  return Math.min(MAX_SHIFT, Math.floor(Math.log2(nsPerPx)))
}

/**
 * Fills `out` with the pieces of `lane` to draw in the view [t0, t0 + widthPx * nsPerPx): spans on
 * their own and merged runs, each with the pixel columns it covers. Ends are clamped to `clampEnd`
 * (open async spans run to the end of the trace). Returns the number of pieces.
 */
export function queryRuns(lane: SpanLane, t0: number, nsPerPx: number, widthPx: number, clampEnd: number, out: RunBuffer): number {
  out.n = 0
  if (lane.n === 0 || widthPx <= 0) return 0
  let shift = levelFor(nsPerPx)
  const t1 = t0 + widthPx * nsPerPx
  // Few spans in view: draw them as they are (no level to build or keep for this zoom).
  if (shift > 0 && lowerBound(lane.start, t1, 0, lane.n) - lowerBound(lane.maxEnd, t0, 0, lane.n) <= 2 * widthPx + 64) shift = 0
  let n: number
  let S: Float64Array
  let E: Float64Array
  let M: Float64Array
  let C: Uint32Array | null = null
  let R: Uint32Array | null = null
  if (shift === 0) {
    n = lane.n
    S = lane.start
    E = lane.end
    M = lane.maxEnd
  } else {
    const level = spanMipmap(lane).level(shift)
    n = level.n
    S = level.start
    E = level.end
    M = level.maxEnd
    C = level.count
    R = level.rep
  }
  const last = widthPx - 1
  let k = 0
  for (let i = lowerBound(M, t0, 0, n); i < n; i++) {
    const s = S[i]
    if (s >= t1) break
    let e = E[i]
    if (e > clampEnd) e = clampEnd < s ? s : clampEnd
    if (e < t0) continue
    const x0 = (s - t0) / nsPerPx
    const x1 = (e - t0) / nsPerPx
    let p0 = Math.floor(x0)
    let p1 = Math.floor(x1)
    if (p1 < 0 || p0 > last) continue
    if (p0 < 0) p0 = 0
    if (p1 > last) p1 = last
    if (k === out.px0.length) out.reserve(k + 1)
    out.px0[k] = p0
    out.px1[k] = p1
    out.x0[k] = x0
    out.x1[k] = x1
    out.rep[k] = R === null ? i : R[i]
    out.count[k] = C === null ? 1 : C[i]
    k++
  }
  out.n = k
  return k
}

// ---------------------------------------------------------------------------------------------
// Counters

/** Per pixel column of a view: whether the counter has a value there, and its min and max. */
export class CounterBuffer {
  has = new Uint8Array(0)
  min = new Float64Array(0)
  max = new Float64Array(0)

  reserve(width: number): void {
    if (width <= this.has.length) return
    this.has = new Uint8Array(width)
    this.min = new Float64Array(width)
    this.max = new Float64Array(width)
  }
}

/** The min/max pyramid of a counter series; kept current through the series' listener. */
export class CounterMipmap implements LaneListener {
  /** Level k >= 1 in mins[k - 1] and maxs[k - 1]: block b covers samples [b * 2^k, (b + 1) * 2^k). */
  private readonly mins: Float64Array[] = []
  private readonly maxs: Float64Array[] = []
  /** Samples the pyramid covers, and the first one changed since (Infinity when none). */
  private covered = 0
  private dirtyFrom = 0
  /** Result of the last `range` call. */
  lo = 0
  hi = 0

  constructor(readonly series: CounterSeries) {
    series.listener = this
  }

  invalidateFrom(index: number): void {
    if (index < this.dirtyFrom) this.dirtyFrom = index
  }

  /** Brings the pyramid up to date with the series. */
  update(): void {
    const n = this.series.n
    if (this.dirtyFrom >= n && this.covered === n) return
    let from = Math.min(this.dirtyFrom, n)
    let size = n
    const values = this.series.value
    let k = 1
    while (size > 1) {
      const half = (size + 1) >>> 1
      if (this.mins.length < k) {
        this.mins.push(new Float64Array(0))
        this.maxs.push(new Float64Array(0))
      }
      const dmin = (this.mins[k - 1] = grow(this.mins[k - 1], half))
      const dmax = (this.maxs[k - 1] = grow(this.maxs[k - 1], half))
      const smin = k === 1 ? values : this.mins[k - 2]
      const smax = k === 1 ? values : this.maxs[k - 2]
      for (let b = from >>> 1; b < half; b++) {
        const a = 2 * b
        let lo = smin[a]
        let hi = smax[a]
        if (a + 1 < size) {
          if (smin[a + 1] < lo) lo = smin[a + 1]
          if (smax[a + 1] > hi) hi = smax[a + 1]
        }
        dmin[b] = lo
        dmax[b] = hi
      }
      from >>>= 1
      size = half
      k++
    }
    this.covered = n
    this.dirtyFrom = Infinity
  }

  /** Min and max of the values of samples [i, j) (j > i) into `lo` and `hi`. */
  range(i: number, j: number): void {
    const values = this.series.value
    let lo = Infinity
    let hi = -Infinity
    let k = 0
    while (i < j) {
      const mn = k === 0 ? values : this.mins[k - 1]
      const mx = k === 0 ? values : this.maxs[k - 1]
      if ((i & 1) === 1) {
        if (mn[i] < lo) lo = mn[i]
        if (mx[i] > hi) hi = mx[i]
        i++
      }
      if ((j & 1) === 1) {
        j--
        if (mn[j] < lo) lo = mn[j]
        if (mx[j] > hi) hi = mx[j]
      }
      i >>>= 1
      j >>>= 1
      k++
    }
    this.lo = lo
    this.hi = hi
  }
}

/** The pyramid of a counter series (made on first use). */
export function counterMipmap(series: CounterSeries): CounterMipmap {
  const l = series.listener
  return l instanceof CounterMipmap ? l : new CounterMipmap(series)
}

/**
 * Fills `out` for each pixel column c of the view, which covers [t0 + c * nsPerPx, t0 + (c + 1) * nsPerPx):
 * the min and max the step function takes in it (the value carried in from before, and every sample
 * inside). No value before the first sample or after `endNs`. Returns the number of columns with a value.
 */
export function queryCounter(series: CounterSeries, t0: number, nsPerPx: number, widthPx: number, endNs: number, out: CounterBuffer): number {
  out.reserve(widthPx)
  const { has, min, max } = out
  const n = series.n
  if (n === 0) {
    has.fill(0, 0, widthPx)
    return 0
  }
  const mip = counterMipmap(series)
  mip.update()
  const ts = series.ts
  const values = series.value
  let filled = 0
  let i = lowerBound(ts, t0, 0, n)
  for (let c = 0; c < widthPx; c++) {
    const a = t0 + c * nsPerPx
    const b = t0 + (c + 1) * nsPerPx
    // Gallop from i: a pixel holds few samples when zoomed in, many when zoomed out.
    let j = i
    let step = 1
    while (j + step < n && ts[j + step] < b) {
      j += step
      step *= 2
    }
    j = lowerBound(ts, b, j, Math.min(n, j + step + 1))
    if (a > endNs || (i === 0 && j === 0)) {
      has[c] = 0
      i = j
      continue
    }
    let lo = Infinity
    let hi = -Infinity
    if (i > 0) lo = hi = values[i - 1]
    if (j - i > 8) {
      mip.range(i, j)
      if (mip.lo < lo) lo = mip.lo
      if (mip.hi > hi) hi = mip.hi
    } else {
      for (let s = i; s < j; s++) {
        const v = values[s]
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
    }
    has[c] = 1
    min[c] = lo
    max[c] = hi
    filled++
    i = j
  }
  return filled
}
