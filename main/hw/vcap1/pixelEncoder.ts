// XRGB pixels into VCAP-1's frame formats (YUY2, UYVY, RGB24, RGB32, NV12): BT.601 limited range in
// 16.16 fixed point for YUV, HFLIP applied as the pixels are written. The pattern generator's encoder.
import { FORMAT_NV12, FORMAT_RGB24, FORMAT_RGB32, FORMAT_UYVY, FORMAT_YUY2, bytesPerPixel, type FrameLayout } from './pixelFormats.js'

// BT.601 limited range, 16.16 fixed point: Y 16..235, Cb/Cr 16..240.
const YR = 16829
const YG = 33039
const YB = 6416
const UR = -9714
const UG = -19070
const UB = 28784
const VR = 28784
const VG = -24103
const VB = -4681

function lumaOf(p: number): number {
  return 16 + ((YR * ((p >>> 16) & 255) + YG * ((p >>> 8) & 255) + YB * (p & 255) + 32768) >> 16)
}
function cbOf(p: number): number {
  return UR * ((p >>> 16) & 255) + UG * ((p >>> 8) & 255) + UB * (p & 255)
}
function crOf(p: number): number {
  return VR * ((p >>> 16) & 255) + VG * ((p >>> 8) & 255) + VB * (p & 255)
}

/**
 * Encodes a w×h block of XRGB pixels (image order) into `layout`'s format. row0(r) is the byte offset in
 * dst0 where image row r of the block starts in memory order (its leftmost memory pixel); row1(k) the
 * same for NV12 UV row k (image rows 2k, 2k+1). With HFLIP the block's pixels are written reversed.
 */
export function encodeBlock(layout: FrameLayout, src: Uint32Array, w: number, h: number, dst0: Uint8Array, row0: (r: number) => number, dst1: Uint8Array, row1: (k: number) => number): void {
  const hf = layout.hflip
  switch (layout.format) {
    case FORMAT_YUY2:
    case FORMAT_UYVY: {
      const [iy0, iu, iy1, iv] = layout.format === FORMAT_YUY2 ? [0, 1, 2, 3] : [1, 0, 3, 2]
      for (let r = 0; r < h; r++) {
        const b = r * w
        let o = row0(r)
        for (let j = 0; j < w; j += 2) {
          const pa = src[b + (hf ? w - 1 - j : j)]
          const pb = src[b + (hf ? w - 2 - j : j + 1)]
          dst0[o + iy0] = lumaOf(pa)
          dst0[o + iy1] = lumaOf(pb)
          dst0[o + iu] = 128 + ((cbOf(pa) + cbOf(pb) + 65536) >> 17)
          dst0[o + iv] = 128 + ((crOf(pa) + crOf(pb) + 65536) >> 17)
          o += 4
        }
      }
      return
    }
    case FORMAT_RGB24:
    case FORMAT_RGB32: {
      const bpp = layout.format === FORMAT_RGB24 ? 3 : 4
      for (let r = 0; r < h; r++) {
        const b = r * w
        let o = row0(r)
        for (let j = 0; j < w; j++) {
          const p = src[b + (hf ? w - 1 - j : j)]
          dst0[o] = p & 255
          dst0[o + 1] = (p >>> 8) & 255
          dst0[o + 2] = (p >>> 16) & 255
          if (bpp === 4) dst0[o + 3] = 255 // X: opaque, for consumers that read it as alpha
          o += bpp
        }
      }
      return
    }
    case FORMAT_NV12: {
      for (let r = 0; r < h; r++) {
        const b = r * w
        let o = row0(r)
        for (let j = 0; j < w; j++) dst0[o++] = lumaOf(src[b + (hf ? w - 1 - j : j)])
      }
      for (let k = 0; k < h >> 1; k++) {
        const b0 = 2 * k * w
        const b1 = b0 + w
        let o = row1(k)
        for (let j = 0; j < w; j += 2) {
          const ja = hf ? w - 1 - j : j
          const jb = hf ? w - 2 - j : j + 1
          const p0 = src[b0 + ja]
          const p1 = src[b0 + jb]
          const p2 = src[b1 + ja]
          const p3 = src[b1 + jb]
          dst1[o++] = 128 + ((cbOf(p0) + cbOf(p1) + cbOf(p2) + cbOf(p3) + 131072) >> 18)
          dst1[o++] = 128 + ((crOf(p0) + crOf(p1) + crOf(p2) + crOf(p3) + 131072) >> 18)
        }
      }
      return
    }
    default:
      throw new RangeError(`unknown format ${layout.format}`)
  }
}

/**
 * A block encoded on its own: plane 0 rows (h × w·Bpp, image row order, memory pixel order inside a
 * row), then for NV12 the UV rows (h/2 × w). The unit overlays are made of.
 */
export interface EncodedBlock {
  data: Uint8Array
  rowBytes0: number
  plane1: number
}

export function encodeStandalone(layout: FrameLayout, src: Uint32Array, w: number, h: number): EncodedBlock {
  const rowBytes0 = w * bytesPerPixel(layout.format)
  const plane1 = rowBytes0 * h
  const data = new Uint8Array(plane1 + (layout.format === FORMAT_NV12 ? w * (h >> 1) : 0))
  encodeBlock(layout, src, w, h, data, (r) => r * rowBytes0, data, (k) => plane1 + k * w)
  return { data, rowBytes0, plane1 }
}
