import { describe, expect, it } from 'vitest'
import {
  FORMAT_NV12,
  FORMAT_RGB24,
  FORMAT_RGB32,
  FORMAT_UYVY,
  FORMAT_YUY2,
  VID_FORMAT_BOTTOM_UP,
  VID_FORMAT_HFLIP,
  activeBytes,
  formatName,
  frameBytes,
  layoutFromRegisters,
  lineBytes,
  memoryLine,
  minStride,
  validateLayout,
  type FrameLayout,
} from '../../../main/hw/vcap1/pixelFormats.js'

/** VID_FORMAT arithmetic against the numbers vcap1.md 7.6/7.7 prints. */

const layout = (format: number, width: number, height: number, stride = minStride(format, width), extra: Partial<FrameLayout> = {}): FrameLayout => ({ format, width, height, stride, uvOffset: 0, bottomUp: false, hflip: false, ...extra })

describe('VCAP-1 pixel formats', () => {
  it('computes VID_FRAME_BYTES as in the bandwidth table', () => {
    expect(frameBytes(layout(FORMAT_YUY2, 1920, 1080))).toBe(4_147_200)
    expect(frameBytes(layout(FORMAT_NV12, 1920, 1080))).toBe(3_110_400)
    expect(frameBytes(layout(FORMAT_RGB24, 1920, 1080, 5760))).toBe(6_220_800)
    expect(frameBytes(layout(FORMAT_YUY2, 320, 240))).toBe(153_600)
    expect(frameBytes(layout(FORMAT_YUY2, 640, 480))).toBe(614_400)
    expect(frameBytes(layout(FORMAT_UYVY, 1280, 720))).toBe(1_843_200)
    expect(frameBytes(layout(FORMAT_RGB32, 640, 480))).toBe(1_228_800)
    // Stride padding counts; NV12 with an explicit UV offset ends at offset + stride × H/2.
    expect(frameBytes(layout(FORMAT_YUY2, 640, 480, 1344))).toBe(1344 * 480)
    expect(frameBytes(layout(FORMAT_NV12, 640, 480, 640, { uvOffset: 400_000 }))).toBe(400_000 + 640 * 240)
  })

  it('gives the minimum stride unrounded, and validateLayout enforces the multiple of 4', () => {
    expect(minStride(FORMAT_RGB24, 1920)).toBe(5760)
    expect(minStride(FORMAT_RGB24, 322)).toBe(966)
    expect(minStride(FORMAT_NV12, 1920)).toBe(1920)
    expect(minStride(FORMAT_RGB32, 320)).toBe(1280)
    expect(validateLayout(layout(FORMAT_RGB24, 322, 240, 966))).toMatch(/multiple of 4/)
    expect(validateLayout(layout(FORMAT_RGB24, 322, 240, 968))).toBeNull() // KS_DIBWIDTHBYTES
    expect(validateLayout(layout(FORMAT_YUY2, 640, 480, 1276))).toMatch(/below width × Bpp/)
  })

  it('accepts the presets in every format and rejects what the datasheet forbids', () => {
    for (const f of [FORMAT_YUY2, FORMAT_UYVY, FORMAT_RGB24, FORMAT_RGB32, FORMAT_NV12]) {
      for (const [w, h] of [[320, 240], [640, 480], [1280, 720], [1920, 1080]]) {
        const stride = Math.ceil(minStride(f, w) / 4) * 4
        expect(validateLayout(layout(f, w, h, stride)), `${formatName(f)} ${w}x${h}`).toBeNull()
      }
    }
    expect(validateLayout(layout(FORMAT_YUY2, 641, 480, 1284))).toMatch(/width 641 must be even/)
    expect(validateLayout(layout(FORMAT_NV12, 640, 481))).toMatch(/even for NV12/)
    expect(validateLayout(layout(FORMAT_YUY2, 640, 481))).toMatch(/steps of 2×2/)
    expect(validateLayout(layout(FORMAT_YUY2, 318, 240))).toMatch(/outside/)
    expect(validateLayout(layout(FORMAT_YUY2, 1922, 1080))).toMatch(/outside/)
    expect(validateLayout(layout(FORMAT_YUY2, 640, 1082))).toMatch(/outside/)
    expect(validateLayout(layout(5, 640, 480, 1280))).toMatch(/unknown format/)
    expect(validateLayout(layout(FORMAT_NV12, 640, 480, 640, { uvOffset: 640 * 480 - 4 }))).toMatch(/overlaps the Y plane/)
    expect(validateLayout(layout(FORMAT_NV12, 640, 480, 640, { uvOffset: 640 * 480 }))).toBeNull()
  })

  it('feeds the FIFO width × Bpp per line, and NV12 a UV line on every other line', () => {
    const yuy2 = layout(FORMAT_YUY2, 1920, 1080, 4096)
    expect(lineBytes(yuy2, 0)).toBe(3840) // padding is not payload
    const nv12 = layout(FORMAT_NV12, 1920, 1080)
    expect([0, 1, 2, 3].map((y) => lineBytes(nv12, y))).toEqual([1920, 3840, 1920, 3840])
    for (const l of [yuy2, nv12, layout(FORMAT_RGB24, 320, 240, 960)]) {
      let sum = 0
      for (let y = 0; y < l.height; y++) sum += lineBytes(l, y)
      expect(sum).toBe(activeBytes(l))
    }
    expect(activeBytes(nv12)).toBe(3_110_400)
  })

  it('decodes the register values, and honours BOTTOM_UP only for RGB', () => {
    const l = layoutFromRegisters(FORMAT_RGB24 | VID_FORMAT_BOTTOM_UP | VID_FORMAT_HFLIP, (480 << 16) | 640, 1920, 0)
    expect(l).toEqual({ format: FORMAT_RGB24, width: 640, height: 480, stride: 1920, uvOffset: 0, bottomUp: true, hflip: true })
    expect(memoryLine(l, 0)).toBe(479)
    expect(memoryLine({ ...l, format: FORMAT_YUY2, stride: 1280 }, 0)).toBe(0) // YUV is always top-down
    expect(formatName(FORMAT_NV12)).toBe('NV12')
  })
})
