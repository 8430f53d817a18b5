import { describe, expect, it } from 'vitest'
import type { FramePreview, PixelFormat } from '../../../main/contract/api.js'
import { Rng } from '../../../main/sim/rng.js'
import { BARS_75, BARS_100, PATTERN_BARS_75, PATTERN_BARS_100, PATTERN_CHECKERS_1, PATTERN_HORIZONTAL_BARS, PatternGenerator } from '../../../main/hw/vcap1/patterns.js'
import { FORMAT_NV12, FORMAT_RGB24, FORMAT_RGB32, FORMAT_UYVY, FORMAT_YUY2, frameBytes, minStride, type FrameLayout } from '../../../main/hw/vcap1/pixelFormats.js'
import { decodeFrame, decodePreview, type DecodedFrame } from '../../../renderer/decode/decodeFrame.js'
import { ycbcrToRgba } from '../../../renderer/decode/bt601.js'

/**
 * The decoder against the card itself: frames drawn by VCAP-1's pattern generator (BT.601 limited
 * range, the card's fixed-point matrix) must decode back to the colours the card started from.
 */

const CODES: Record<PixelFormat, number> = { YUY2: FORMAT_YUY2, UYVY: FORMAT_UYVY, RGB24: FORMAT_RGB24, RGB32: FORMAT_RGB32, NV12: FORMAT_NV12 }

function cardFrame(format: PixelFormat, pattern: number, options: { width?: number; height?: number; extraStride?: number; bottomUp?: boolean } = {}): { layout: FrameLayout; data: Uint8Array } {
  const width = options.width ?? 320
  const height = options.height ?? 240
  const code = CODES[format]
  const layout: FrameLayout = { format: code, width, height, stride: minStride(code, width) + (options.extraStride ?? 0), uvOffset: 0, bottomUp: options.bottomUp ?? false, hflip: false }
  const frame = new PatternGenerator(new Rng(1)).prepare(layout, pattern, { sequence: 0, timestamp: 0, dropped: 0, elapsedNs: 0 })
  const data = new Uint8Array(frame.size)
  frame.copy(0, frame.size, data, 0)
  return { layout, data }
}

function decodeCard(format: PixelFormat, layout: FrameLayout, data: Uint8Array): DecodedFrame {
  return decodeFrame({ format, width: layout.width, height: layout.height, stride: layout.stride, data }, { bottomUp: layout.bottomUp })
}

function pixel(img: DecodedFrame, x: number, y: number): number[] {
  const o = (y * img.width + x) * 4
  return Array.from(img.rgba.subarray(o, o + 4))
}

function rgbOf(color: number): number[] {
  return [(color >>> 16) & 255, (color >>> 8) & 255, color & 255, 255]
}

/** Largest per-channel difference between a decoded pixel and an XRGB colour. */
function distance(px: number[], color: number): number {
  return Math.max(...rgbOf(color).map((c, i) => Math.abs(c - px[i])))
}

// The middle of each of the 8 vertical bars (away from the stamp rows at the top and bottom).
function barCentres(width: number): number[] {
  return [...Array(8).keys()].map((i) => Math.floor(((i + 0.5) * width) / 8))
}

describe('decodeFrame: YUV from the card', () => {
  for (const format of ['YUY2', 'UYVY', 'NV12'] as const) {
    it(`${format}: the 75% and 100% colour bars come back within rounding of the card's colours`, () => {
      for (const [pattern, bars] of [
        [PATTERN_BARS_75, BARS_75],
        [PATTERN_BARS_100, BARS_100],
      ] as const) {
        const { layout, data } = cardFrame(format, pattern)
        const img = decodeCard(format, layout, data)
        expect(img.missingLines).toBe(0)
        barCentres(layout.width).forEach((x, i) => {
          for (const y of [20, 120, 200]) expect(distance(pixel(img, x, y), bars[i]), `${format} bar ${i} at (${x},${y}): ${pixel(img, x, y)}`).toBeLessThanOrEqual(2)
        })
      }
    })

    it(`${format}: horizontal bars keep their order top to bottom (no vertical flip)`, () => {
      const { layout, data } = cardFrame(format, PATTERN_HORIZONTAL_BARS)
      const img = decodeCard(format, layout, data)
      for (let i = 0; i < 8; i++) {
        const y = Math.floor(((i + 0.5) * layout.height) / 8)
        expect(distance(pixel(img, layout.width / 2, y), BARS_75[i]), `row band ${i}`).toBeLessThanOrEqual(2)
      }
    })
  }

  it('YUY2 and UYVY: 1×1 checkers put the two lumas of a macropixel in the right pixels', () => {
    for (const format of ['YUY2', 'UYVY'] as const) {
      const { layout, data } = cardFrame(format, PATTERN_CHECKERS_1)
      const img = decodeCard(format, layout, data)
      for (const [x, y] of [
        [10, 100],
        [11, 100],
        [10, 101],
        [11, 101],
      ]) {
        const expected = (x ^ y) & 1 ? 0x000000 : 0xffffff
        expect(distance(pixel(img, x, y), expected), `${format} (${x},${y})`).toBeLessThanOrEqual(1)
      }
    }
  })

  it('honours stride padding (YUY2 and NV12 with lines longer than the pixels)', () => {
    for (const format of ['YUY2', 'NV12'] as const) {
      const { layout, data } = cardFrame(format, PATTERN_BARS_75, { extraStride: 64 })
      expect(layout.stride).toBeGreaterThan(minStride(CODES[format], layout.width))
      const img = decodeCard(format, layout, data)
      barCentres(layout.width).forEach((x, i) => expect(distance(pixel(img, x, 150), BARS_75[i]), `${format} bar ${i}`).toBeLessThanOrEqual(2))
    }
  })

  it('a U/V swap would show: yellow and cyan are far apart, and the decoded bar is yellow', () => {
    const { layout, data } = cardFrame('YUY2', PATTERN_BARS_75)
    const img = decodeCard('YUY2', layout, data)
    const yellow = pixel(img, barCentres(320)[1], 100)
    expect(distance(yellow, 0xbfbf00)).toBeLessThanOrEqual(2)
    // Decoding the same bytes as UYVY (what a swapped-order decoder does) gives something else entirely.
    const wrong = decodeFrame({ format: 'UYVY', width: 320, height: 240, stride: layout.stride, data }, { bottomUp: false })
    expect(distance(pixel(wrong, barCentres(320)[1], 100), 0xbfbf00)).toBeGreaterThan(40)
  })
})

describe('decodeFrame: RGB DIBs', () => {
  for (const format of ['RGB24', 'RGB32'] as const) {
    it(`${format}: exact colours, bottom-up DIB rows turned the right way up`, () => {
      const { layout, data } = cardFrame(format, PATTERN_HORIZONTAL_BARS, { bottomUp: true })
      const img = decodeCard(format, layout, data)
      for (let i = 0; i < 8; i++) {
        const y = Math.floor(((i + 0.5) * layout.height) / 8)
        expect(pixel(img, 100, y)).toEqual(rgbOf(BARS_75[i]))
      }
      // The same bytes read top-down put the last bar (black) at the top: the orientation matters.
      const flipped = decodeFrame({ format, width: 320, height: 240, stride: layout.stride, data }, { bottomUp: false })
      expect(pixel(flipped, 100, 15)).toEqual(rgbOf(BARS_75[7]))
    })

    it(`${format}: top-down DIBs and stride padding`, () => {
      const { layout, data } = cardFrame(format, PATTERN_BARS_100, { extraStride: 32 })
      const img = decodeCard(format, layout, data)
      barCentres(layout.width).forEach((x, i) => expect(pixel(img, x, 60)).toEqual(rgbOf(BARS_100[i])))
    })
  }

  it('RGB32 ignores the X byte (alpha is always opaque)', () => {
    const data = new Uint8Array([0x10, 0x20, 0x30, 0x00, 0x40, 0x50, 0x60, 0x7f])
    const img = decodeFrame({ format: 'RGB32', width: 2, height: 1, stride: 8, data }, { bottomUp: false })
    expect(Array.from(img.rgba)).toEqual([0x30, 0x20, 0x10, 255, 0x60, 0x50, 0x40, 255])
  })
})

describe('decodePreview (the FramePreview contract)', () => {
  function preview(format: PixelFormat, layout: FrameLayout, data: Uint8Array): FramePreview {
    return { runId: 1, number: 0, timeNs: 0, width: layout.width, height: layout.height, format, stride: layout.stride, data, verdict: 'ok', droppedBefore: 0, scale: 1 }
  }

  it('reads RGB previews bottom-up, as DIBs are, and YUV top-down', () => {
    const rgb = cardFrame('RGB24', PATTERN_HORIZONTAL_BARS, { bottomUp: true })
    expect(pixel(decodePreview(preview('RGB24', rgb.layout, rgb.data)), 5, 10)).toEqual(rgbOf(BARS_75[0]))
    const yuv = cardFrame('NV12', PATTERN_HORIZONTAL_BARS)
    expect(distance(pixel(decodePreview(preview('NV12', yuv.layout, yuv.data)), 5, 10), BARS_75[0])).toBeLessThanOrEqual(2)
  })
})

describe('decodeFrame: bad and short input', () => {
  it('leaves lines the data does not reach transparent and counts them', () => {
    const { layout, data } = cardFrame('YUY2', PATTERN_BARS_75)
    const short = data.subarray(0, layout.stride * 100)
    const img = decodeCard('YUY2', layout, short)
    expect(img.missingLines).toBe(140)
    expect(pixel(img, 5, 99)[3]).toBe(255)
    expect(pixel(img, 5, 100)).toEqual([0, 0, 0, 0])
  })

  it('an NV12 frame without its UV plane is all missing', () => {
    const { layout, data } = cardFrame('NV12', PATTERN_BARS_75)
    expect(frameBytes(layout)).toBe(data.length)
    const img = decodeCard('NV12', layout, data.subarray(0, layout.stride * layout.height))
    expect(img.missingLines).toBe(layout.height)
  })

  it('refuses a stride too small for the width, naming it', () => {
    expect(() => decodeFrame({ format: 'RGB24', width: 320, height: 2, stride: 640, data: new Uint8Array(2000) }, { bottomUp: false })).toThrow(/RGB24 stride 640 is below the 960 bytes/)
    expect(() => decodeFrame({ format: 'YUY2', width: 0, height: 2, stride: 640, data: new Uint8Array(2000) }, { bottomUp: false })).toThrow(/width 0/)
  })

  it('reuses the output buffer when the size matches', () => {
    const { layout, data } = cardFrame('RGB32', PATTERN_BARS_75)
    const first = decodeCard('RGB32', layout, data)
    const second = decodeFrame({ format: 'RGB32', width: 320, height: 240, stride: layout.stride, data }, { bottomUp: false }, first.rgba)
    expect(second.rgba).toBe(first.rgba)
  })
})

describe('ycbcrToRgba', () => {
  it('maps black, white and the nominal extremes of limited range', () => {
    const out = new Uint8ClampedArray(4)
    ycbcrToRgba(16, 128, 128, out, 0)
    expect(Array.from(out)).toEqual([0, 0, 0, 255])
    ycbcrToRgba(235, 128, 128, out, 0)
    expect(Array.from(out)).toEqual([255, 255, 255, 255])
    // Pure red in limited range: Y 81, Cb 90, Cr 240 (BT.601 tables).
    ycbcrToRgba(81, 90, 240, out, 0)
    expect(Math.abs(out[0] - 255)).toBeLessThanOrEqual(1)
    expect(out[1]).toBeLessThanOrEqual(1)
    expect(out[2]).toBeLessThanOrEqual(1)
  })
})

describe('decodePreview of the backend previews (main/host/inspect/framePreview.ts)', () => {
  for (const format of ['YUY2', 'UYVY', 'NV12', 'RGB24', 'RGB32'] as const) {
    for (const bottomUp of format.startsWith('RGB') ? [true, false] : [false]) {
      it(`${format}${bottomUp ? ' bottom-up' : ''} 640×480 scaled to 320×240: upright bars in the card's colours`, async () => {
        const { downscaleFrame } = await import('../../../main/host/inspect/framePreview.js')
        const { layout, data } = cardFrame(format, PATTERN_HORIZONTAL_BARS, { width: 640, height: 480, bottomUp })
        const scaled = downscaleFrame(data, data.length, layout)!
        expect(scaled.scale).toBe(2)
        const img = decodePreview({ runId: 1, number: 0, timeNs: 0, verdict: 'ok', droppedBefore: 0, ...scaled })
        expect([img.width, img.height]).toEqual([320, 240])
        for (let i = 0; i < 8; i++) {
          const y = Math.floor(((i + 0.5) * img.height) / 8)
          expect(distance(pixel(img, 160, y), BARS_75[i]), `${format} band ${i}`).toBeLessThanOrEqual(2)
        }
      })
    }
  }
})
