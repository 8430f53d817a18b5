// A prepared frame as byte runs: the cached static bytes of a pattern plus overlay spans (where each
// overlay's bytes go in frame memory), copied by any byte range without building the whole frame.
import { FORMAT_NV12, bytesPerPixel, isBottomUp, memoryLine, uvPlaneOffset, type FrameLayout } from './pixelFormats.js'

/** One frame, readable by byte range. Immutable once prepared, so several may be in flight at once. */
export interface PreparedFrame {
  /** frameBytes(layout). */
  readonly size: number
  /** Copies frame bytes [offset, offset+length) into dst at dstOffset. */
  copy(offset: number, length: number, dst: Uint8Array, dstOffset: number): void
}

/** A rectangle in image coordinates. */
export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** Byte runs of one overlay in frame memory: sorted by start, never overlapping each other. */
export interface Spans {
  count: number
  start: Float64Array
  len: Int32Array
  /** Offset of the run's bytes in the overlay's data. */
  src: Int32Array
}

/** An overlay as `copy` sees it: the geometry (often shared between frames) and this frame's bytes. */
export interface Overlay {
  spans: Spans
  data: Uint8Array
}

/**
 * Spans of a rectangle (even-aligned, image coordinates) whose bytes for image row r start at src0(r)
 * and for UV row k at src1(k). Built in memory order: a bottom-up image walks its rows backwards.
 */
export function rectSpans(layout: FrameLayout, rect: Rect, src0: (r: number) => number, src1: (k: number) => number): Spans {
  const nv12 = layout.format === FORMAT_NV12
  const count = rect.height + (nv12 ? rect.height >> 1 : 0)
  const spans: Spans = { count, start: new Float64Array(count), len: new Int32Array(count), src: new Int32Array(count) }
  const bpp = bytesPerPixel(layout.format)
  const memX = layout.hflip ? layout.width - rect.x - rect.width : rect.x
  const bottomUp = isBottomUp(layout)
  let n = 0
  for (let i = 0; i < rect.height; i++) {
    const r = bottomUp ? rect.height - 1 - i : i
    spans.start[n] = memoryLine(layout, rect.y + r) * layout.stride + memX * bpp
    spans.len[n] = rect.width * bpp
    spans.src[n++] = src0(r)
  }
  if (nv12) {
    const uv = uvPlaneOffset(layout)
    for (let k = 0; k < rect.height >> 1; k++) {
      spans.start[n] = uv + ((rect.y >> 1) + k) * layout.stride + memX
      spans.len[n] = rect.width
      spans.src[n++] = src1(k)
    }
  }
  return spans
}

/** The cached bytes of a pattern: plane 0, and for NV12 the UV plane at uvStart (zeros in between). */
export interface StaticFrame {
  plane0: Uint8Array
  plane1: Uint8Array | null
  uvStart: number
}

/** Two span tables in one, sorted by start (the top and bottom stamps; NV12: both UV parts after the Y rows). */
export function mergeSpans(a: Spans, b: Spans): Spans {
  const count = a.count + b.count
  const order = [...Array(count).keys()].map((i) => (i < a.count ? ([a, i] as const) : ([b, i - a.count] as const))).sort(([sa, ia], [sb, ib]) => sa.start[ia] - sb.start[ib])
  const out: Spans = { count, start: new Float64Array(count), len: new Int32Array(count), src: new Int32Array(count) }
  order.forEach(([s, i], n) => {
    out.start[n] = s.start[i]
    out.len[n] = s.len[i]
    out.src[n] = s.src[i]
  })
  return out
}

/** One frame of the pattern generator: its static bytes, then its overlays in z-order. */
export class ComposedFrame implements PreparedFrame {
  constructor(
    readonly size: number,
    private readonly base: StaticFrame,
    private readonly overlays: Overlay[],
  ) {}

  copy(offset: number, length: number, dst: Uint8Array, dstOffset: number): void {
    if (!(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= this.size)) {
      throw new RangeError(`frame range [${offset}, ${offset + length}) outside [0, ${this.size})`)
    }
    if (!(Number.isInteger(dstOffset) && dstOffset >= 0 && dstOffset + length <= dst.length)) throw new RangeError(`destination range [${dstOffset}, ${dstOffset + length}) outside [0, ${dst.length})`)
    const end = offset + length
    const { plane0, plane1, uvStart } = this.base
    copyPart(plane0, 0, offset, end, dst, dstOffset)
    if (plane1 !== null) {
      const gap0 = Math.max(offset, plane0.length)
      const gap1 = Math.min(end, uvStart)
      if (gap0 < gap1) dst.fill(0, dstOffset + gap0 - offset, dstOffset + gap1 - offset)
      copyPart(plane1, uvStart, offset, end, dst, dstOffset)
    }
    // Overlays in z-order (motion, text, stamps); each is opaque, so the last one written wins.
    for (const { spans, data } of this.overlays) {
      const { start, len, src, count } = spans
      let lo = 0
      let hi = count
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (start[mid] + len[mid] <= offset) lo = mid + 1
        else hi = mid
      }
      for (let i = lo; i < count; i++) {
        const s = start[i]
        if (s >= end) break
        const a = s > offset ? s : offset
        const e = s + len[i]
        const b = e < end ? e : end
        const so = src[i] + (a - s)
        dst.set(data.subarray(so, so + (b - a)), dstOffset + (a - offset))
      }
    }
  }
}

// Copies the part of `part` (placed at frame offset `at`) that falls in [offset, end).
function copyPart(part: Uint8Array, at: number, offset: number, end: number, dst: Uint8Array, dstOffset: number): void {
  const a = Math.max(offset, at)
  const b = Math.min(end, at + part.length)
  if (a < b) dst.set(part.subarray(a - at, b - at), dstOffset + (a - offset))
}
