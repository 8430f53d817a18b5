import type { PixelFormat } from '../../contract/api.js'
import { FORMAT_NV12, FORMAT_RGB24, FORMAT_RGB32, FORMAT_UYVY, FORMAT_YUY2, formatName, type FrameLayout } from '../../hw/vcap1/pixelFormats.js'

/** Previews are at most this wide. */
export const PREVIEW_MAX_WIDTH = 320

/** A frame scaled down in its own pixel format (see FramePreview in main/contract/api.ts). */
export interface ScaledFrame {
  format: PixelFormat
  width: number
  height: number
  /** Bytes per line of `data` (of the luma plane for NV12; the UV plane follows it with the same stride). */
  stride: number
  scale: number
  data: Uint8Array
}

/**
 * Scales a delivered frame down by the smallest integer factor that makes it at most 320 pixels wide,
 * without converting it: every `scale`-th line, and every `scale`-th pixel (YUY2 and UYVY: every
 * `scale`-th 4-byte macropixel, so each output pair keeps its own chroma; NV12: both planes, the UV
 * plane's pairs too). Lines are packed (stride = width × bytes per pixel). RGB comes out bottom-up, as
 * a DIB with a positive biHeight (a top-down source is flipped), YUV top-down. Bytes past `used` (what
 * the driver reported in DataUsed) read as 0. Null for a format the card cannot produce.
 */
export function downscaleFrame(src: Uint8Array, used: number, layout: FrameLayout): ScaledFrame | null {
  const { width, height, stride } = layout
  if (width <= 0 || height <= 0) return null
  const scale = Math.max(1, Math.ceil(width / PREVIEW_MAX_WIDTH))
  const limit = Math.min(used, src.length)
  switch (layout.format) {
    case FORMAT_YUY2:
    case FORMAT_UYVY: {
      const outW = 2 * Math.floor(width / 2 / scale)
      const outH = Math.floor(height / scale)
      const outStride = outW * 2
      const out = new Uint8Array(outStride * outH)
      const step = 4 * scale
      for (let y = 0; y < outH; y++) {
        let s = y * scale * stride
        let d = y * outStride
        for (let x = 0; x < outW; x += 2, s += step, d += 4) {
          if (s + 3 < limit) {
            out[d] = src[s]
            out[d + 1] = src[s + 1]
            out[d + 2] = src[s + 2]
            out[d + 3] = src[s + 3]
          }
        }
      }
      return { format: formatName(layout.format) as PixelFormat, width: outW, height: outH, stride: outStride, scale, data: out }
    }
    case FORMAT_RGB24:
    case FORMAT_RGB32: {
      const bpp = layout.format === FORMAT_RGB24 ? 3 : 4
      const outW = Math.floor(width / scale)
      const outH = Math.floor(height / scale)
      const outStride = outW * bpp
      const out = new Uint8Array(outStride * outH)
      const step = bpp * scale
      for (let m = 0; m < outH; m++) {
        // Output memory line m is image row outH - 1 - m (bottom-up); find that row in the source.
        const row = (outH - 1 - m) * scale
        const line = layout.bottomUp ? height - 1 - row : row
        let s = line * stride
        let d = m * outStride
        for (let x = 0; x < outW; x++, s += step, d += bpp) {
          if (s + bpp - 1 < limit) for (let b = 0; b < bpp; b++) out[d + b] = src[s + b]
        }
      }
      return { format: formatName(layout.format) as PixelFormat, width: outW, height: outH, stride: outStride, scale, data: out }
    }
    case FORMAT_NV12: {
      const outW = 2 * Math.floor(width / 2 / scale)
      const outH = 2 * Math.floor(height / 2 / scale)
      const out = new Uint8Array((outW * outH * 3) / 2)
      for (let y = 0; y < outH; y++) {
        const s = y * scale * stride
        const d = y * outW
        for (let x = 0; x < outW; x++) {
          const i = s + x * scale
          if (i < limit) out[d + x] = src[i]
        }
      }
      const uv = layout.uvOffset || stride * height
      const outUv = outW * outH
      for (let r = 0; r < outH / 2; r++) {
        const s = uv + r * scale * stride
        const d = outUv + r * outW
        for (let c = 0; c < outW / 2; c++) {
          const i = s + c * scale * 2
          if (i + 1 < limit) {
            out[d + 2 * c] = src[i]
            out[d + 2 * c + 1] = src[i + 1]
          }
        }
      }
      return { format: 'NV12', width: outW, height: outH, stride: outW, scale, data: out }
    }
    default:
      return null
  }
}
