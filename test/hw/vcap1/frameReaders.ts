import type { PreparedFrame } from '../../../main/hw/vcap1/patterns.js'
import { FORMAT_NV12, FORMAT_RGB24, FORMAT_RGB32, FORMAT_UYVY, FORMAT_YUY2, minStride, type FrameLayout } from '../../../main/hw/vcap1/pixelFormats.js'

/**
 * Test-side readers of VCAP-1 frames: their own arithmetic for where pixel (x, y) lives, written from
 * vcap1.md 7.7 rather than shared with the generator, so a layout bug cannot cancel itself out.
 */

export function makeLayout(format: number, width: number, height: number, extra: Partial<FrameLayout> = {}): FrameLayout {
  return { format, width, height, stride: Math.ceil(minStride(format, width) / 4) * 4, uvOffset: 0, bottomUp: false, hflip: false, ...extra }
}

export function materialize(frame: PreparedFrame): Uint8Array {
  const bytes = new Uint8Array(frame.size)
  frame.copy(0, frame.size, bytes, 0)
  return bytes
}

/** BT.601 limited range, textbook floating-point form. */
export function bt601(rgb: number): { y: number; u: number; v: number } {
  const r = (rgb >> 16) & 255
  const g = (rgb >> 8) & 255
  const b = rgb & 255
  return {
    y: 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255,
    u: 128 + (-37.797 * r - 74.203 * g + 112 * b) / 255,
    v: 128 + (112 * r - 93.786 * g - 18.214 * b) / 255,
  }
}

const memX = (l: FrameLayout, x: number) => (l.hflip ? l.width - 1 - x : x)
const memY = (l: FrameLayout, y: number) => (l.bottomUp && (l.format === FORMAT_RGB24 || l.format === FORMAT_RGB32) ? l.height - 1 - y : y)
const uvBase = (l: FrameLayout) => (l.uvOffset === 0 ? l.stride * l.height : l.uvOffset)

/** R, G, B of image pixel (x, y) of an RGB24/RGB32 frame. */
export function rgbAt(buf: Uint8Array, l: FrameLayout, x: number, y: number): [number, number, number] {
  const bpp = l.format === FORMAT_RGB24 ? 3 : 4
  const o = memY(l, y) * l.stride + memX(l, x) * bpp
  return [buf[o + 2], buf[o + 1], buf[o]]
}

/** Y, U, V of image pixel (x, y) of a YUY2/UYVY/NV12 frame (U, V shared by its pair or 2×2 block). */
export function yuvAt(buf: Uint8Array, l: FrameLayout, x: number, y: number): { y: number; u: number; v: number } {
  const mx = memX(l, x)
  if (l.format === FORMAT_NV12) {
    const uv = uvBase(l) + (y >> 1) * l.stride + (mx & ~1)
    return { y: buf[y * l.stride + mx], u: buf[uv], v: buf[uv + 1] }
  }
  const o = y * l.stride + (mx & ~1) * 2
  if (l.format === FORMAT_YUY2) return { y: buf[o + (mx & 1 ? 2 : 0)], u: buf[o + 1], v: buf[o + 3] }
  if (l.format === FORMAT_UYVY) return { y: buf[o + (mx & 1 ? 3 : 1)], u: buf[o], v: buf[o + 2] }
  throw new Error('not a YUV format')
}

/** Luma (RGB: mean of the channels) of image pixel (x, y), whatever the format. */
export function lumaAt(buf: Uint8Array, l: FrameLayout, x: number, y: number): number {
  if (l.format === FORMAT_RGB24 || l.format === FORMAT_RGB32) {
    const [r, g, b] = rgbAt(buf, l, x, y)
    return (r + g + b) / 3
  }
  return yuvAt(buf, l, x, y).y
}

/** The image row (and column) that frame byte `offset` belongs to; NV12 UV bytes report the upper row of their block. */
export function imagePointOf(l: FrameLayout, offset: number): { x: number; y: number } {
  if (l.format === FORMAT_NV12 && offset >= uvBase(l)) {
    const rel = offset - uvBase(l)
    const mx = rel % l.stride
    return { x: memX(l, mx), y: 2 * Math.floor(rel / l.stride) }
  }
  const bpp = { [FORMAT_YUY2]: 2, [FORMAT_UYVY]: 2, [FORMAT_RGB24]: 3, [FORMAT_RGB32]: 4, [FORMAT_NV12]: 1 }[l.format] as number
  const line = Math.floor(offset / l.stride)
  return { x: memX(l, Math.floor((offset % l.stride) / bpp)), y: memY(l, line) }
}

/** Byte equality without the cost of a deep-equality diff on megabyte arrays; returns the first difference. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number | null {
  if (a.length !== b.length) return Math.min(a.length, b.length)
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i
  return null
}
