import { FORMAT_NV12, FORMAT_RGB24, FORMAT_RGB32, FORMAT_UYVY, FORMAT_YUY2, bytesPerPixel, isKnownFormat, memoryLine, type FrameLayout } from './pixelFormats.js'

/**
 * Machine-readable frame stamps (vcap1.md 7.9, after avscamera's EncodeNumber): image rows 0-7 and the
 * last 8 rows carry {magic, sequence, timestamp, CRC-32} as 160 black/white cells, so the client can
 * tell from the pixels alone whether a delivered buffer is torn, stale, out of order or laid out wrong.
 *
 * Bit stream: 20 bytes, big-endian fields (magic u32, sequence u32, timestamp u64 in 100 ns units,
 * CRC-32 of the first 16 bytes), each byte most significant bit first; bit i is cell i from the left
 * of the image. A cell is `stampCellWidth(width)` pixels wide and all 8 rows tall; level 16 is 0 and
 * 235 is 1 (luma with neutral chroma for YUV formats, that grey on B, G and R for RGB formats).
 *
 * The top and bottom stamps use different magics, so a frame read upside down (a wrong BOTTOM_UP, the
 * classic biHeight sign mistake) or mirrored (wrong HFLIP) does not decode, instead of passing.
 */

/** Magic of the top stamp, 'VCTS'. Its mixed short runs of equal bits do not occur in the patterns; the CRC backs it up. */
export const STAMP_MAGIC = 0x56435453
/** Magic of the bottom stamp, 'VCBS'. */
export const STAMP_MAGIC_BOTTOM = 0x56434253
/** Rows per stamp (top and bottom). */
export const STAMP_ROWS = 8
/** Bits per stamp: magic, sequence, 64-bit timestamp, CRC-32. */
export const STAMP_BITS = 160
/** Level of a 0 cell (luma, or grey in RGB). */
export const STAMP_LEVEL_ZERO = 16
/** Level of a 1 cell. */
export const STAMP_LEVEL_ONE = 235
// Decision threshold, halfway between the two levels.
const THRESHOLD = (STAMP_LEVEL_ZERO + STAMP_LEVEL_ONE + 1) >> 1
// Rows of the stamp that the decoder samples (the second is a cross-check).
const SAMPLE_ROW = 3
const CHECK_ROW = 4

/** Which of the two stamps of a frame. */
export type StampPosition = 'top' | 'bottom'

function magicOf(position: StampPosition): number {
  return position === 'top' ? STAMP_MAGIC : STAMP_MAGIC_BOTTOM
}

/** What a stamp says about its frame. */
export interface Stamp {
  sequence: number
  /** 100 ns units; exact up to 2^53. */
  timestamp: number
}

/** Width of one bit cell in pixels: max(2, floor(width / 160)). */
export function stampCellWidth(width: number): number {
  return Math.max(2, Math.floor(width / STAMP_BITS))
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 (IEEE 802.3, as in zlib) of bytes [start, end). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** The 20 bytes a stamp carries (see the file comment for the layout). */
export function stampBytes(stamp: Stamp, position: StampPosition): Uint8Array {
  const out = new Uint8Array(STAMP_BITS / 8)
  const view = new DataView(out.buffer)
  const ts = Math.trunc(stamp.timestamp)
  view.setUint32(0, magicOf(position))
  view.setUint32(4, stamp.sequence >>> 0)
  view.setUint32(8, Math.floor(ts / 0x1_0000_0000) >>> 0)
  view.setUint32(12, ts >>> 0)
  view.setUint32(16, crc32(out, 0, 16))
  return out
}

/** Parses 20 stamp bytes; null if the magic (for `position`) or the CRC is wrong. */
export function parseStampBytes(bytes: Uint8Array, position: StampPosition): Stamp | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0) !== magicOf(position) || view.getUint32(16) !== crc32(bytes, 0, 16)) return null
  return { sequence: view.getUint32(4), timestamp: view.getUint32(8) * 0x1_0000_0000 + view.getUint32(12) }
}

/**
 * One stamp line of plane 0, in memory order (width × Bpp bytes, no stride padding), written into `out`
 * at `outOffset` (a new array if `out` is omitted) and returned. All 8 rows of the stamp at `position`
 * are this line; for NV12 the chroma under them is neutral (128), which the caller writes.
 */
export function encodeStampLine(layout: FrameLayout, stamp: Stamp, position: StampPosition, out?: Uint8Array, outOffset = 0): Uint8Array {
  const dst = out ?? new Uint8Array(layout.width * bytesPerPixel(layout.format))
  writeStampCells(layout, stampBytes(stamp, position), null, dst, outOffset)
  return dst
}

/**
 * Writes the cells of the stamp line for the 20 stamp bytes `bits` into `out` at `outOffset`. With
 * `previous` (the bytes the line there already shows), only the cells whose bit changed are written:
 * from one frame to the next that is a few dozen of the 160 cells.
 */
export function writeStampCells(layout: FrameLayout, bits: Uint8Array, previous: Uint8Array | null, out: Uint8Array, outOffset: number): void {
  const { width, format, hflip } = layout
  if (outOffset < 0 || outOffset + width * bytesPerPixel(format) > out.length) throw new RangeError('stamp line does not fit')
  const cw = stampCellWidth(width)
  // Cell by cell in image order, then the pixels past bit 159 at the 0 level.
  for (let i = 0; i <= STAMP_BITS; i++) {
    if (previous !== null && (i === STAMP_BITS || bitAt(bits, i) === bitAt(previous, i))) continue
    const x0 = Math.min(width, i * cw)
    const x1 = i < STAMP_BITS ? Math.min(width, x0 + cw) : width
    if (x0 >= x1) continue
    const level = i < STAMP_BITS && bitAt(bits, i) ? STAMP_LEVEL_ONE : STAMP_LEVEL_ZERO
    writeRun(out, outOffset, format, level, hflip ? width - x1 : x0, hflip ? width - x0 : x1)
  }
}

function bitAt(bytes: Uint8Array, i: number): boolean {
  return ((bytes[i >> 3] >> (7 - (i & 7))) & 1) === 1
}

// Writes memory pixels [m0, m1) of a stamp line at `level` (plain loops: faster than many small fills).
function writeRun(dst: Uint8Array, base: number, format: number, level: number, m0: number, m1: number): void {
  switch (format) {
    case FORMAT_YUY2:
      for (let o = base + 2 * m0, e = base + 2 * m1; o < e; o += 2) {
        dst[o] = level
        dst[o + 1] = 128
      }
      return
    case FORMAT_UYVY:
      for (let o = base + 2 * m0, e = base + 2 * m1; o < e; o += 2) {
        dst[o] = 128
        dst[o + 1] = level
      }
      return
    case FORMAT_RGB24:
      for (let o = base + 3 * m0, e = base + 3 * m1; o < e; o++) dst[o] = level
      return
    case FORMAT_RGB32:
      for (let o = base + 4 * m0, e = base + 4 * m1; o < e; o += 4) {
        dst[o] = level
        dst[o + 1] = level
        dst[o + 2] = level
        dst[o + 3] = 255
      }
      return
    default:
      for (let o = base + m0, e = base + m1; o < e; o++) dst[o] = level
  }
}

// Luma (RGB: mean of B, G, R) of image pixel (x, y), or -1 if it lies outside the first `limit` bytes.
function lumaAt(frame: Uint8Array, limit: number, layout: FrameLayout, x: number, y: number): number {
  const mx = layout.hflip ? layout.width - 1 - x : x
  const line = memoryLine(layout, y) * layout.stride
  switch (layout.format) {
    case FORMAT_YUY2: {
      const o = line + mx * 2
      return o < limit ? frame[o] : -1
    }
    case FORMAT_UYVY: {
      const o = line + mx * 2 + 1
      return o < limit ? frame[o] : -1
    }
    case FORMAT_RGB24:
    case FORMAT_RGB32: {
      const o = line + mx * (layout.format === FORMAT_RGB24 ? 3 : 4)
      return o + 2 < limit ? (frame[o] + frame[o + 1] + frame[o + 2]) / 3 : -1
    }
    case FORMAT_NV12: {
      const o = line + mx
      return o < limit ? frame[o] : -1
    }
    default:
      return -1
  }
}

/** A stamp read from one place: `present` is false when its bytes lie beyond the data (or the frame). */
interface StampRead {
  present: boolean
  stamp: Stamp | null
}

function readStamp(frame: Uint8Array, limit: number, layout: FrameLayout, position: StampPosition): StampRead {
  const firstRow = position === 'top' ? 0 : layout.height - STAMP_ROWS
  const cw = stampCellWidth(layout.width)
  if (STAMP_BITS * cw > layout.width || firstRow < 0 || firstRow + STAMP_ROWS > layout.height) return { present: true, stamp: null }
  const bytes = new Uint8Array(STAMP_BITS / 8)
  let consistent = true
  for (let i = 0; i < STAMP_BITS; i++) {
    const x = i * cw + (cw >> 1)
    const a = lumaAt(frame, limit, layout, x, firstRow + SAMPLE_ROW)
    const b = lumaAt(frame, limit, layout, x, firstRow + CHECK_ROW)
    if (a < 0 || b < 0) return { present: false, stamp: null }
    const bit = a >= THRESHOLD
    if (bit !== b >= THRESHOLD) consistent = false
    if (bit) bytes[i >> 3] |= 0x80 >> (i & 7)
  }
  return { present: true, stamp: consistent ? parseStampBytes(bytes, position) : null }
}

/**
 * Decodes the top and bottom stamps of a frame laid out as `layout` (top and bottom as displayed, so
 * for bottom-up RGB the top stamp is at the end of memory). A stamp is null when its magic or CRC is
 * wrong, its two sampled rows disagree, or its bytes lie outside `frame`.
 */
export function decodeStamps(frame: Uint8Array, layout: FrameLayout): { top: Stamp | null; bottom: Stamp | null } {
  if (!isKnownFormat(layout.format)) return { top: null, bottom: null }
  return {
    top: readStamp(frame, frame.length, layout, 'top').stamp,
    bottom: readStamp(frame, frame.length, layout, 'bottom').stamp,
  }
}

/** The verdict on one delivered buffer. */
export interface StampCheck {
  /** Both stamps lie within the data and disagree (different frames, or one of them unreadable). */
  torn: boolean
  /** Same sequence as the newest frame seen before. */
  stale: boolean
  /** Sequence older than the newest frame seen before (wrap-safe, 32-bit). */
  outOfOrder: boolean
  /** Neither stamp decodes: wrong stride, format, BOTTOM_UP or HFLIP, stamps off, or garbage. */
  undecodable: boolean
  /** From the top stamp, else the bottom one. */
  sequence: number | null
  timestamp: number | null
}

/**
 * Checks the delivered frames of one stream for torn (top ≠ bottom), stale (sequence repeated),
 * out-of-order (sequence went back) and undecodable (wrong stride/format: no valid stamp) buffers.
 * Create one per stream run; `reset` when the stream restarts.
 */
export class StampChecker {
  private newest: number | null = null

  /** Judges a buffer whose first `used` bytes (DataUsed) were written; later bytes are not trusted. */
  check(frame: Uint8Array, used: number, layout: FrameLayout): StampCheck {
    const limit = Math.max(0, Math.min(used, frame.length))
    const none = { present: false, stamp: null }
    const known = isKnownFormat(layout.format)
    const top = known ? readStamp(frame, limit, layout, 'top') : none
    const bottom = known ? readStamp(frame, limit, layout, 'bottom') : none
    const stamp = top.stamp ?? bottom.stamp
    const undecodable = stamp === null
    const torn = !undecodable && top.present && bottom.present && !sameStamp(top.stamp, bottom.stamp)
    let stale = false
    let outOfOrder = false
    if (stamp !== null) {
      if (this.newest !== null) {
        const delta = (stamp.sequence - this.newest) | 0
        stale = delta === 0
        outOfOrder = delta < 0
        if (delta > 0) this.newest = stamp.sequence
      } else {
        this.newest = stamp.sequence
      }
    }
    return { torn, stale, outOfOrder, undecodable, sequence: stamp?.sequence ?? null, timestamp: stamp?.timestamp ?? null }
  }

  /** Forgets the history (a new stream run). */
  reset(): void {
    this.newest = null
  }
}

function sameStamp(a: Stamp | null, b: Stamp | null): boolean {
  return a !== null && b !== null && a.sequence === b.sequence && a.timestamp === b.timestamp
}
