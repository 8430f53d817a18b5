/**
 * A captured frame's bytes, as the card wrote them, to RGBA pixels for a canvas `ImageData`: YUY2,
 * UYVY and NV12 through BT.601 limited range (bt601.ts), RGB24 and RGB32 as DIBs (B, G, R[, X] bytes).
 * Pure and DOM-free, so it runs in Node tests. Layouts follow main/hw/vcap1/pixelFormats.ts: `stride`
 * bytes per line of plane 0; the NV12 UV plane follows the Y plane at stride × height, with the same
 * stride, one Cb Cr pair per 2×2 block; YUV is always top-down, RGB bottom-up when the DIB says so.
 * Chroma is not interpolated: each pixel takes its own block's sample, as a pixel-exact inspector should.
 */
import type { FramePreview, PixelFormat } from '../../main/contract/api.js'
import { ycbcrToRgba } from './bt601.js'

/** The bytes and their geometry (a FramePreview has these fields). */
export interface RawFrame {
  format: PixelFormat
  width: number
  height: number
  /** Bytes per line of plane 0 (the Y plane for NV12). */
  stride: number
  data: Uint8Array
}

export interface DecodedFrame {
  width: number
  height: number
  /** width × height × 4 bytes, row 0 at the top. */
  rgba: Uint8ClampedArray<ArrayBuffer>
  /** Lines the data was too short for (a short frame): left transparent. */
  missingLines: number
}

/** Bytes per line the format needs at least, for `width` pixels. */
export function minimumStride(format: PixelFormat, width: number): number {
  switch (format) {
    case 'YUY2':
    case 'UYVY':
      return Math.ceil(width / 2) * 4
    case 'NV12':
      return width + (width % 2)
    case 'RGB24':
      return width * 3
    case 'RGB32':
      return width * 4
  }
}

/** True for the formats stored as DIBs (where bottom-up applies). */
export function isRgbFormat(format: PixelFormat): boolean {
  return format === 'RGB24' || format === 'RGB32'
}

/**
 * Whether a preview's image row 0 is the last line of its data. FramePreview documents RGB frames as
 * DIBs, bottom-up (api.ts); YUV frames are always top-down.
 */
export function previewIsBottomUp(preview: Pick<FramePreview, 'format'>): boolean {
  return isRgbFormat(preview.format)
}

/** Decodes a frame preview as the contract describes it. */
export function decodePreview(preview: FramePreview, reuse?: Uint8ClampedArray<ArrayBuffer>): DecodedFrame {
  return decodeFrame(preview, { bottomUp: previewIsBottomUp(preview) }, reuse)
}

/**
 * Decodes `frame` into RGBA. `reuse` is written into when it has the right size (the preview redraws
 * every frame). Throws for a geometry that cannot describe any frame (naming the field); a frame whose
 * data is merely short decodes with the missing lines transparent.
 */
export function decodeFrame(frame: RawFrame, options: { bottomUp: boolean }, reuse?: Uint8ClampedArray<ArrayBuffer>): DecodedFrame {
  const { format, width, height, stride, data } = frame
  if (!Number.isInteger(width) || width <= 0) throw new RangeError(`frame width ${width} is not a positive integer`)
  if (!Number.isInteger(height) || height <= 0) throw new RangeError(`frame height ${height} is not a positive integer`)
  const min = minimumStride(format, width)
  if (min === undefined) throw new RangeError(`unknown pixel format ${String(format)}`)
  if (!Number.isInteger(stride) || stride < min) throw new RangeError(`${format} stride ${stride} is below the ${min} bytes ${width} pixels need`)
  const size = width * height * 4
  const rgba = reuse !== undefined && reuse.length === size ? reuse : new Uint8ClampedArray(size)
  let missing = 0
  for (let y = 0; y < height; y++) {
    const line = options.bottomUp && isRgbFormat(format) ? height - 1 - y : y
    const ok = decodeLine(format, width, height, stride, data, line, rgba, y * width * 4)
    if (!ok) {
      rgba.fill(0, y * width * 4, (y + 1) * width * 4)
      missing++
    }
  }
  return { width, height, rgba, missingLines: missing }
}

// Decodes memory line `line` into rgba at `o`; false when the data does not reach that far.
function decodeLine(format: PixelFormat, width: number, height: number, stride: number, data: Uint8Array, line: number, rgba: Uint8ClampedArray, o: number): boolean {
  const s = line * stride
  switch (format) {
    case 'YUY2':
    case 'UYVY': {
      if (s + Math.ceil(width / 2) * 4 > data.length) return false
      // Byte positions of Y0, U, Y1, V in a macropixel.
      const [iy0, iu, iy1, iv] = format === 'YUY2' ? [0, 1, 2, 3] : [1, 0, 3, 2]
      for (let x = 0; x < width; x += 2) {
        const m = s + x * 2
        const u = data[m + iu]
        const v = data[m + iv]
        ycbcrToRgba(data[m + iy0], u, v, rgba, o)
        o += 4
        if (x + 1 < width) {
          ycbcrToRgba(data[m + iy1], u, v, rgba, o)
          o += 4
        }
      }
      return true
    }
    case 'NV12': {
      const uv = stride * height + (line >> 1) * stride
      if (s + width > data.length || uv + minimumStride('NV12', width) > data.length) return false
      for (let x = 0; x < width; x++) {
        const c = uv + (x & ~1)
        ycbcrToRgba(data[s + x], data[c], data[c + 1], rgba, o)
        o += 4
      }
      return true
    }
    case 'RGB24':
    case 'RGB32': {
      const bpp = format === 'RGB24' ? 3 : 4
      if (s + width * bpp > data.length) return false
      for (let x = 0, p = s; x < width; x++, p += bpp) {
        rgba[o] = data[p + 2]
        rgba[o + 1] = data[p + 1]
        rgba[o + 2] = data[p]
        rgba[o + 3] = 255
        o += 4
      }
      return true
    }
  }
}
