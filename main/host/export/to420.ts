/**
 * A captured frame (YUY2, UYVY, NV12, RGB24, RGB32; RGB bottom-up when the format says so) into planar
 * 4:2:0 (Y, then Cb, then Cr: Y4M's C420mpeg2), BT.601 limited range as the card encodes YUV
 * (pixelEncoder.ts), into a buffer the caller reuses frame after frame.
 *
 * Chroma siting is MPEG-2's (co-sited with the left luma sample, between the two lines): YUY2, UYVY
 * and NV12 already have it horizontally, so their chroma is kept as is across and the two lines of a
 * pair are averaged (NV12's is copied). RGB is converted per 2x2 block: the Cb/Cr of its four pixels
 * averaged. Lines past the bytes delivered (a short frame) come out black.
 */

/** The layout of a captured frame (CapturedBuffer's fields). */
export interface SourceLayout {
  format: string
  width: number
  height: number
  stride: number
  bottomUp: boolean
}

/** Bytes of one 4:2:0 frame of w x h (both even). */
export function frameBytes420(width: number, height: number): number {
  return width * height + 2 * (width >> 1) * (height >> 1)
}

// BT.601 limited range, 16.16 fixed point (the card's pixelEncoder.ts coefficients).
const YR = 16829
const YG = 33039
const YB = 6416
const UR = -9714
const UG = -19070
const UB = 28784
const VR = 28784
const VG = -24103
const VB = -4681

/** Bytes of one memory line of plane 0 the format needs for `width` pixels. */
function lineBytes(format: string, width: number): number {
  return format === 'NV12' ? width : format === 'RGB24' ? width * 3 : format === 'RGB32' ? width * 4 : width * 2
}

/**
 * Converts `src` (laid out as `layout`) into `out` (frameBytes420 bytes). False for a format it does
 * not know or a size that is not even (nothing written).
 */
export function convertTo420(src: Uint8Array, layout: SourceLayout, out: Uint8Array): boolean {
  const { format, width: w, height: h, stride } = layout
  if (w <= 0 || h <= 0 || (w & 1) !== 0 || (h & 1) !== 0 || out.length < frameBytes420(w, h)) return false
  const cw = w >> 1
  const uBase = w * h
  const vBase = uBase + cw * (h >> 1)
  const need = lineBytes(format, w)
  // Memory offset of image row y (plane 0), or -1 when the line lies beyond what was delivered.
  const rowAt = (y: number) => {
    const line = layout.bottomUp && (format === 'RGB24' || format === 'RGB32') ? h - 1 - y : y
    const o = line * stride
    return o + need <= src.length ? o : -1
  }
  switch (format) {
    case 'YUY2':
    case 'UYVY': {
      const yo = format === 'YUY2' ? 0 : 1
      const uo = format === 'YUY2' ? 1 : 0
      for (let y = 0; y < h; y += 2) {
        const r0 = rowAt(y)
        const r1 = rowAt(y + 1)
        let d0 = y * w
        let d1 = d0 + w
        let c = uBase + (y >> 1) * cw
        let cv = vBase + (y >> 1) * cw
        for (let x = 0; x < w; x += 2, d0 += 2, d1 += 2, c++, cv++) {
          const s0 = r0 + 2 * x
          const s1 = r1 + 2 * x
          out[d0] = r0 < 0 ? 16 : src[s0 + yo]
          out[d0 + 1] = r0 < 0 ? 16 : src[s0 + yo + 2]
          out[d1] = r1 < 0 ? 16 : src[s1 + yo]
          out[d1 + 1] = r1 < 0 ? 16 : src[s1 + yo + 2]
          const u0 = r0 < 0 ? 128 : src[s0 + uo]
          const v0 = r0 < 0 ? 128 : src[s0 + uo + 2]
          const u1 = r1 < 0 ? 128 : src[s1 + uo]
          const v1 = r1 < 0 ? 128 : src[s1 + uo + 2]
          out[c] = (u0 + u1 + 1) >> 1
          out[cv] = (v0 + v1 + 1) >> 1
        }
      }
      return true
    }
    case 'NV12': {
      for (let y = 0; y < h; y++) {
        const r = rowAt(y)
        if (r < 0) out.fill(16, y * w, (y + 1) * w)
        else out.set(src.subarray(r, r + w), y * w)
      }
      const uv = stride * h
      for (let k = 0; k < h >> 1; k++) {
        const s = uv + k * stride
        const ok = s + w <= src.length
        let c = uBase + k * cw
        let cv = vBase + k * cw
        for (let x = 0; x < w; x += 2, c++, cv++) {
          out[c] = ok ? src[s + x] : 128
          out[cv] = ok ? src[s + x + 1] : 128
        }
      }
      return true
    }
    case 'RGB24':
    case 'RGB32': {
      const bpp = format === 'RGB24' ? 3 : 4
      for (let y = 0; y < h; y += 2) {
        const r0 = rowAt(y)
        const r1 = rowAt(y + 1)
        let d0 = y * w
        let d1 = d0 + w
        let c = uBase + (y >> 1) * cw
        let cv = vBase + (y >> 1) * cw
        for (let x = 0; x < w; x += 2, d0 += 2, d1 += 2, c++, cv++) {
          let su = 0
          let sv = 0
          for (let q = 0; q < 4; q++) {
            const r = q < 2 ? r0 : r1
            const d = (q < 2 ? d0 : d1) + (q & 1)
            if (r < 0) {
              out[d] = 16
              continue
            }
            const s = r + (x + (q & 1)) * bpp
            const B = src[s]
            const G = src[s + 1]
            const R = src[s + 2]
            out[d] = 16 + ((YR * R + YG * G + YB * B + 32768) >> 16)
            su += UR * R + UG * G + UB * B
            sv += VR * R + VG * G + VB * B
          }
          // Four pixels' chroma averaged: sum / 4, from 16.16 fixed point, rounded.
          out[c] = clamp(128 + Math.round(su / 262144))
          out[cv] = clamp(128 + Math.round(sv / 262144))
        }
      }
      return true
    }
    default:
      return false
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v
}
