import { Rng } from '../../sim/rng.js'
import { FONT_CELL_HEIGHT, FONT_CELL_WIDTH, drawText, glyphPixel } from './font.js'
import { ComposedFrame, mergeSpans, rectSpans, type Overlay, type PreparedFrame, type Rect, type Spans, type StaticFrame } from './frameSpans.js'
import { encodeBlock, encodeStandalone, type EncodedBlock } from './pixelEncoder.js'
import { FORMAT_NV12, bytesPerPixel, formatName, frameBytes, isBottomUp, memoryLine, uvPlaneOffset, validateLayout, type FrameLayout } from './pixelFormats.js'
import { STAMP_ROWS, stampBytes, writeStampCells } from './stamps.js'

export type { PreparedFrame, Rect } from './frameSpans.js'

/**
 * The VCAP-1 test pattern generator (vcap1.md 7.9). Patterns are drawn once per layout into an XRGB
 * canvas, converted to the frame's format (BT.601 limited range for YUV) and cached as the "static
 * frame". Each frame then only adds its overlays (moving box or band, text, stamp rows), kept as small
 * byte runs ("spans") that `copy` lays over the static bytes. So the DMA engine can read any byte range
 * of frame n without a per-frame copy of the whole image. The conversion is pixelEncoder.ts, the spans
 * and the frame that copies them are frameSpans.ts; here are the patterns, overlays and their caches.
 *
 * Geometry is in image coordinates (row 0 = top as displayed, x = 0 = left); BOTTOM_UP and HFLIP are
 * applied when the image is placed in memory, to everything including text and stamps (a mirrored
 * sensor mirrors what it sees). Overlays are opaque and aligned to 2×2 pixel blocks, so 4:2:2 and
 * 4:2:0 chroma inside them never mixes with the pixels around them.
 *
 * Measured speed (Node 20, 2 vCPUs, 1920×1080 YUY2, warm cache, best of 300 frames): `prepare` +
 * `copy(0, 4,147,200)` takes ≈ 77 µs with stamps only (the VID_PATTERN reset value), ≈ 85 µs with text
 * + stamps, ≈ 95 µs with text + stamps + moving box, ≈ 68 µs with no overlays, against ≈ 67 µs for a
 * plain `Uint8Array.set` of 4,147,200 bytes: 1.13×, 1.27×, 1.41×, 1.01×. The first `prepare` of a
 * layout and pattern draws the static frame (≈ 25 ms at 1080p). The loop is the 'memcpy speed' test in
 * test/hw/vcap1/patterns.test.ts; VCAP1_BENCH=1 prints its numbers.
 */

/** VID_PATTERN[7:0] pattern ids. */
export const PATTERN_BARS_75 = 0
export const PATTERN_BARS_100 = 1
export const PATTERN_HORIZONTAL_BARS = 2
export const PATTERN_GRAY_RAMP = 3
export const PATTERN_BLACK = 4
export const PATTERN_WHITE = 5
export const PATTERN_RED = 6
export const PATTERN_GREEN = 7
export const PATTERN_BLUE = 8
export const PATTERN_CHECKERS_16 = 9
export const PATTERN_CHECKERS_1 = 10
export const PATTERN_CROSSHAIR = 11
export const PATTERN_MOVING_BOX = 12
export const PATTERN_NOISE = 13
export const PATTERN_NO_SIGNAL = 14
export const PATTERN_BAND = 15

/** VID_PATTERN[7:0]: the pattern id. */
export const PATTERN_ID_MASK = 0xff
/** VID_PATTERN[8]: text overlay (clock, sequence, "Skipped: N", format). */
export const PATTERN_TEXT = 1 << 8
/** VID_PATTERN[9]: binary stamp rows (stamps.ts). */
export const PATTERN_STAMP = 1 << 9
/** VID_PATTERN[10]: the moving box of pattern 12, drawn over whatever pattern is selected. */
export const PATTERN_MOTION = 1 << 10
/** VID_PATTERN[15:12] input select: 0 the pattern, 1 no signal, 2 noise (others: no signal). */
export const PATTERN_INPUT_SHIFT = 12

const PATTERN_NAMES = ['75% bars', '100% bars', 'horizontal bars', 'gray ramp', 'black', 'white', 'red', 'green', 'blue', 'checkers 16x16', 'checkers 1x1', 'crosshair', 'moving box', 'noise', 'no signal', 'PictureNumber band']

/** Human name of a pattern id (for traces and the IDE). */
export function patternName(id: number): string {
  return PATTERN_NAMES[id] ?? `pattern ${id} (undefined: black)`
}

/** 75% bars (EIA-189-A, testcap/avshws tables, 0xBF = 75%): white, yellow, cyan, green, magenta, red, blue, black. */
export const BARS_75: readonly number[] = [0xbfbfbf, 0xbfbf00, 0x00bfbf, 0x00bf00, 0xbf00bf, 0xbf0000, 0x0000bf, 0x000000]
/** 100% bars, same order. */
export const BARS_100: readonly number[] = [0xffffff, 0xffff00, 0x00ffff, 0x00ff00, 0xff00ff, 0xff0000, 0x0000ff, 0x000000]

const WHITE = 0xffffff
const BLACK = 0x000000
const BOX_BACKGROUND = 0x282828
const NO_SIGNAL_BLUE = 0x0000bf

/** What the card knows about the frame it is producing. */
export interface FrameInfo {
  /** Frame sequence (VID_FRAME_CNT at SOF). */
  sequence: number
  /** 100 ns units (the WB_TIMESTAMP of the frame). */
  timestamp: number
  /** Frames dropped so far (VID_DROP_CNT), shown as "Skipped: N". */
  dropped: number
  /** Time since RUN, shown as MM:SS.hh. */
  elapsedNs: number
}

/** Font scale of the overlays: 1 at 320×240, 4 at 1920×1080. */
export function overlayScale(layout: FrameLayout): number {
  return Math.max(1, Math.floor(Math.min(layout.width / 320, layout.height / 240)))
}

const TEXT_COLUMNS = 20
const TEXT_LINES = 3

/** Where the text overlay sits (just below the top stamp rows, left-aligned). */
export function textOverlayRect(layout: FrameLayout): Rect {
  const s = overlayScale(layout)
  return { x: 8 * s, y: STAMP_ROWS + 2 * s, width: TEXT_COLUMNS * FONT_CELL_WIDTH * s, height: TEXT_LINES * FONT_CELL_HEIGHT * s }
}

/** The moving box of frame `sequence`: a square of about H/6 bouncing around the image. */
export function movingBoxRect(layout: FrameLayout, sequence: number): Rect {
  const size = even(Math.max(16, layout.height / 6))
  const s = overlayScale(layout)
  return { x: even(bounce(sequence * 4 * s, layout.width - size)), y: even(bounce(sequence * 2 * s, layout.height - size)), width: size, height: size }
}

/** The PictureNumber band of frame `sequence`: full width, rolling down 2 × scale lines per frame. */
export function bandRect(layout: FrameLayout, sequence: number): Rect {
  const h = even(Math.max(8, layout.height / 30))
  const travel = layout.height - h
  return { x: 0, y: even((sequence * 2 * overlayScale(layout)) % travel), width: layout.width, height: h }
}

function even(v: number): number {
  return Math.floor(v / 2) * 2
}

// Triangle wave 0 → range → 0 with period 2 × range.
function bounce(t: number, range: number): number {
  const p = t % (2 * range)
  return p <= range ? p : 2 * range - p
}

// ---------------------------------------------------------------------------------------------------
// Static content

function drawPattern(id: number, w: number, h: number, noiseSeed: number, scale: number): Uint32Array {
  const c = new Uint32Array(w * h)
  const fillRows = (y0: number, y1: number, color: number) => c.fill(color, y0 * w, y1 * w)
  const eachPixel = (f: (x: number, y: number) => number) => {
    for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++) c[i++] = f(x, y)
  }
  const rowOf = (f: (x: number) => number) => {
    for (let x = 0; x < w; x++) c[x] = f(x)
    for (let y = 1; y < h; y++) c.copyWithin(y * w, 0, w)
  }
  switch (id) {
    case PATTERN_BARS_75:
    case PATTERN_BAND:
      rowOf((x) => BARS_75[Math.floor((x * 8) / w)])
      break
    case PATTERN_BARS_100:
      rowOf((x) => BARS_100[Math.floor((x * 8) / w)])
      break
    case PATTERN_HORIZONTAL_BARS:
      for (let i = 0; i < 8; i++) fillRows(Math.ceil((i * h) / 8), Math.ceil(((i + 1) * h) / 8), BARS_75[i])
      break
    case PATTERN_GRAY_RAMP:
      rowOf((x) => Math.floor((x * 256) / w) * 0x010101)
      break
    case PATTERN_WHITE:
      c.fill(WHITE)
      break
    case PATTERN_RED:
      c.fill(0xff0000)
      break
    case PATTERN_GREEN:
      c.fill(0x00ff00)
      break
    case PATTERN_BLUE:
      c.fill(0x0000ff)
      break
    case PATTERN_CHECKERS_16:
      eachPixel((x, y) => (((x >> 4) ^ (y >> 4)) & 1 ? BLACK : WHITE))
      break
    case PATTERN_CHECKERS_1:
      eachPixel((x, y) => ((x ^ y) & 1 ? BLACK : WHITE))
      break
    case PATTERN_CROSSHAIR:
      fillRows(h >> 1, (h >> 1) + 1, WHITE)
      for (let y = 0; y < h; y++) c[y * w + (w >> 1)] = WHITE
      break
    case PATTERN_MOVING_BOX:
      c.fill(BOX_BACKGROUND)
      break
    case PATTERN_NOISE: {
      const rng = new Rng(noiseSeed)
      for (let i = 0; i < c.length; i++) c[i] = rng.nextU32() & 0xffffff
      break
    }
    case PATTERN_NO_SIGNAL: {
      c.fill(NO_SIGNAL_BLUE)
      const text = 'NO SIGNAL'
      const s = 2 * scale
      drawText(c, w, h, even((w - text.length * FONT_CELL_WIDTH * s) / 2), even((h - FONT_CELL_HEIGHT * s) / 2), text, s, WHITE, null)
      break
    }
    default:
      break // PATTERN_BLACK
  }
  return c
}

// ---------------------------------------------------------------------------------------------------
// Per-layout state: static frames, the glyph and solid-row caches, the text lines of the last frame

interface TextLine {
  text: string
  data: Uint8Array
}

class LayoutCache {
  private readonly glyphs = new Map<string, Uint8Array[]>()
  private readonly solids = new Map<number, EncodedBlock>()
  private readonly textSpans: Spans[]
  private readonly textLines: TextLine[]
  private readonly text: Rect
  private readonly stampSpans: Spans
  private readonly stampLineBytes: number
  private lastStatic: { id: number; frame: StaticFrame } | null = null
  private lastStamp: { top: Uint8Array; bottom: Uint8Array; data: Uint8Array } | null = null

  constructor(
    readonly layout: FrameLayout,
    private readonly noiseSeed: number,
    private readonly statics: Lru<StaticFrame>,
    private readonly key: string,
  ) {
    const bpp = bytesPerPixel(layout.format)
    this.text = textOverlayRect(layout)
    const lineHeight = this.text.height / TEXT_LINES
    const blank = encodeStandalone(layout, new Uint32Array(this.text.width * lineHeight).fill(BLACK), this.text.width, lineHeight)
    this.textLines = []
    this.textSpans = []
    for (let i = 0; i < TEXT_LINES; i++) {
      this.textLines.push({ text: ' '.repeat(TEXT_COLUMNS), data: blank.data })
      const rect = { x: this.text.x, y: this.text.y + i * lineHeight, width: this.text.width, height: lineHeight }
      this.textSpans.push(rectSpans(layout, rect, (r) => r * blank.rowBytes0, (k) => blank.plane1 + k * this.text.width))
    }
    // The 8 rows of a stamp are one line; overlay data = top line, bottom line, then (NV12) a neutral UV line.
    this.stampLineBytes = layout.width * bpp
    const uv = 2 * this.stampLineBytes
    const top = rectSpans(layout, { x: 0, y: 0, width: layout.width, height: STAMP_ROWS }, () => 0, () => uv)
    const bottom = rectSpans(layout, { x: 0, y: layout.height - STAMP_ROWS, width: layout.width, height: STAMP_ROWS }, () => this.stampLineBytes, () => uv)
    this.stampSpans = mergeSpans(top, bottom)
  }

  staticFrame(id: number): StaticFrame {
    if (this.lastStatic?.id === id) return this.lastStatic.frame
    const frame = this.lookupStatic(id)
    this.lastStatic = { id, frame }
    return frame
  }

  private lookupStatic(id: number): StaticFrame {
    const key = `${this.key}#${id}`
    let frame = this.statics.get(key)
    if (frame === undefined) {
      // Draw, convert, cache: tens of ms at 1080p, once per layout and pattern.
      const { layout } = this
      const { width: w, height: h, stride } = layout
      const canvas = drawPattern(id, w, h, this.noiseSeed, overlayScale(layout))
      const nv12 = layout.format === FORMAT_NV12
      const plane0 = new Uint8Array(stride * h)
      const plane1 = nv12 ? new Uint8Array(stride * (h >> 1)) : null
      encodeBlock(layout, canvas, w, h, plane0, (r) => memoryLine(layout, r) * stride, plane1 ?? plane0, (k) => k * stride)
      frame = { plane0, plane1, uvStart: nv12 ? uvPlaneOffset(layout) : plane0.length }
      this.statics.set(key, frame)
    }
    return frame
  }

  /** A solid rectangle of `color`: every row shares the same bytes. */
  solidOverlay(rect: Rect, color: number): Overlay {
    const key = color * 4096 + rect.width
    let row = this.solids.get(key)
    if (row === undefined) {
      row = encodeStandalone(this.layout, new Uint32Array(rect.width * 2).fill(color), rect.width, 2)
      this.solids.set(key, row)
    }
    const plane1 = row.plane1
    return { spans: rectSpans(this.layout, rect, () => 0, () => plane1), data: row.data }
  }

  /** The text overlay with these lines, re-encoding only the characters that changed since last time. */
  textOverlays(lines: string[]): Overlay[] {
    return lines.map((text, i) => ({ spans: this.textSpans[i], data: this.textLine(i, text).data }))
  }

  private textLine(i: number, text: string): TextLine {
    const prev = this.textLines[i]
    if (prev.text === text) return prev
    const data = prev.data.slice()
    const { layout } = this
    const s = overlayScale(layout)
    const cw = FONT_CELL_WIDTH * s
    const ch = FONT_CELL_HEIGHT * s
    const bpp = bytesPerPixel(layout.format)
    const rowBytes = this.text.width * bpp
    const plane1 = rowBytes * ch
    for (let c = 0; c < TEXT_COLUMNS; c++) {
      if (text[c] === prev.text[c]) continue
      const rows = this.glyph(text[c])
      const mx = layout.hflip ? (TEXT_COLUMNS - 1 - c) * cw : c * cw
      for (let r = 0; r < ch; r++) data.set(rows[r], r * rowBytes + mx * bpp)
      for (let k = 0; k < rows.length - ch; k++) data.set(rows[ch + k], plane1 + k * this.text.width + mx)
    }
    const line = { text, data }
    this.textLines[i] = line
    return line
  }

  // A character cell encoded in this layout: its plane 0 rows, then (NV12) its UV rows, as ready views.
  private glyph(ch: string): Uint8Array[] {
    let rows = this.glyphs.get(ch)
    if (rows === undefined) {
      const s = overlayScale(this.layout)
      const w = FONT_CELL_WIDTH * s
      const h = FONT_CELL_HEIGHT * s
      const cell = new Uint32Array(w * h)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) cell[y * w + x] = glyphPixel(ch, Math.floor(x / s), Math.floor(y / s)) ? WHITE : BLACK
      const g = encodeStandalone(this.layout, cell, w, h)
      rows = []
      for (let r = 0; r < h; r++) rows.push(g.data.subarray(r * g.rowBytes0, (r + 1) * g.rowBytes0))
      if (this.layout.format === FORMAT_NV12) for (let k = 0; k < h >> 1; k++) rows.push(g.data.subarray(g.plane1 + k * w, g.plane1 + (k + 1) * w))
      this.glyphs.set(ch, rows)
    }
    return rows
  }

  /** This frame's stamps, starting from the previous frame's lines and rewriting only the cells that changed. */
  stampOverlay(info: FrameInfo): Overlay {
    const stamp = { sequence: info.sequence, timestamp: info.timestamp }
    const top = stampBytes(stamp, 'top')
    const bottom = stampBytes(stamp, 'bottom')
    const n = this.stampLineBytes
    const prev = this.lastStamp
    let data: Uint8Array
    if (prev === null) {
      data = new Uint8Array(2 * n + (this.layout.format === FORMAT_NV12 ? this.layout.width : 0)).fill(128, 2 * n)
      writeStampCells(this.layout, top, null, data, 0)
      writeStampCells(this.layout, bottom, null, data, n)
    } else {
      data = prev.data.slice()
      writeStampCells(this.layout, top, prev.top, data, 0)
      writeStampCells(this.layout, bottom, prev.bottom, data, n)
    }
    this.lastStamp = { top, bottom, data }
    return { spans: this.stampSpans, data }
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

function fitLine(text: string): string {
  return text.length >= TEXT_COLUMNS ? text.slice(0, TEXT_COLUMNS) : text + ' '.repeat(TEXT_COLUMNS - text.length)
}

/** The three text overlay lines of a frame: `MM:SS.hh #seq`, `Skipped: N`, format and size. */
export function overlayText(layout: FrameLayout, info: FrameInfo): string[] {
  const cs = Math.floor(Math.max(0, info.elapsedNs) / 1e7)
  const clock = `${pad2(Math.floor(cs / 6000) % 100)}:${pad2(Math.floor(cs / 100) % 60)}.${pad2(cs % 100)}`
  return [fitLine(`${clock} #${info.sequence >>> 0}`), fitLine(`Skipped: ${info.dropped}`), fitLine(`${formatName(layout.format)} ${layout.width}x${layout.height}`)]
}

/** The pattern shown for a VID_PATTERN value, after the input select. */
export function effectivePattern(pattern: number): number {
  const input = (pattern >>> PATTERN_INPUT_SHIFT) & 0xf
  if (input !== 0) return input === 2 ? PATTERN_NOISE : PATTERN_NO_SIGNAL
  const id = pattern & PATTERN_ID_MASK
  return id <= PATTERN_BAND ? id : PATTERN_BLACK // ids 16..255 are not defined: black
}

function sameLayout(a: FrameLayout, b: FrameLayout): boolean {
  return a.format === b.format && a.width === b.width && a.height === b.height && a.stride === b.stride && a.uvOffset === b.uvOffset && a.bottomUp === b.bottomUp && a.hflip === b.hflip
}

// A small least-recently-used map: a 1080p RGB32 static frame is 8 MB, so only a few are kept.
class Lru<T> {
  private readonly map = new Map<string, T>()
  constructor(private readonly max: number) {}

  private newest: string | null = null

  get(key: string): T | undefined {
    const v = this.map.get(key)
    if (v !== undefined && key !== this.newest) {
      this.map.delete(key)
      this.map.set(key, v)
      this.newest = key
    }
    return v
  }

  set(key: string, v: T): void {
    this.map.delete(key)
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string)
    this.map.set(key, v)
    this.newest = key
  }
}

/** Produces the frames of the internal pattern generator. */
export class PatternGenerator {
  private readonly noiseSeed: number
  private readonly layouts = new Lru<LayoutCache>(4)
  private readonly statics = new Lru<StaticFrame>(6)
  private last: LayoutCache | null = null

  /** Draws the noise seed from `rng` once, so the noise pattern replays with the run's seed. */
  constructor(rng: Rng) {
    this.noiseSeed = rng.nextU32()
  }

  /** Prepares frame `info` of `layout` with pattern register value `pattern` (id + flags). Cheap: static part cached. */
  prepare(layout: FrameLayout, pattern: number, info: FrameInfo): PreparedFrame {
    const cache = this.cacheFor(layout)
    const id = effectivePattern(pattern)
    const overlays: Overlay[] = []
    if (id === PATTERN_BAND) overlays.push(cache.solidOverlay(bandRect(layout, info.sequence), WHITE))
    if (id === PATTERN_MOVING_BOX || (pattern & PATTERN_MOTION) !== 0) overlays.push(cache.solidOverlay(movingBoxRect(layout, info.sequence), WHITE))
    if ((pattern & PATTERN_TEXT) !== 0) overlays.push(...cache.textOverlays(overlayText(layout, info)))
    if ((pattern & PATTERN_STAMP) !== 0) overlays.push(cache.stampOverlay(info))
    return new ComposedFrame(frameBytes(layout), cache.staticFrame(id), overlays)
  }

  private cacheFor(layout: FrameLayout): LayoutCache {
    // The card prepares frame after frame of one layout: recognise it without building a key.
    const last = this.last
    if (last !== null && sameLayout(last.layout, layout)) return last
    const why = validateLayout(layout)
    if (why !== null) throw new RangeError(`VCAP-1 pattern: invalid layout: ${why}`)
    const key = `${layout.format}:${layout.width}x${layout.height}:${layout.stride}:${uvPlaneOffset(layout)}:${isBottomUp(layout)}:${layout.hflip}`
    let cache = this.layouts.get(key)
    if (cache === undefined) {
      cache = new LayoutCache({ ...layout }, this.noiseSeed, this.statics, key)
      this.layouts.set(key, cache)
    }
    this.last = cache
    return cache
  }
}
