import { describe, expect, it } from 'vitest'
import { PATTERN_BAND, PATTERN_BARS_75, PATTERN_CHECKERS_16, PATTERN_MOTION, PATTERN_STAMP, PATTERN_TEXT, PatternGenerator, type FrameInfo } from '../../../main/hw/vcap1/patterns.js'
import { FORMAT_NV12, FORMAT_RGB24, FORMAT_RGB32, FORMAT_UYVY, FORMAT_YUY2, frameBytes, type FrameLayout } from '../../../main/hw/vcap1/pixelFormats.js'
import { STAMP_LEVEL_ONE, STAMP_LEVEL_ZERO, StampChecker, crc32, decodeStamps, encodeStampLine, stampCellWidth } from '../../../main/hw/vcap1/stamps.js'
import { Rng } from '../../../main/sim/rng.js'
import { makeLayout, materialize } from './frameReaders.js'

/** The stamps prove what a client sees: torn, stale, out-of-order and misread buffers, from pixels alone. */

const FORMATS = [FORMAT_YUY2, FORMAT_UYVY, FORMAT_RGB24, FORMAT_RGB32, FORMAT_NV12]
const info = (sequence: number): FrameInfo => ({ sequence, timestamp: 1_000_000 + sequence * 333_667, dropped: 0, elapsedNs: sequence * 33_366_700 })
const stampOf = (sequence: number) => ({ sequence, timestamp: 1_000_000 + sequence * 333_667 })
const FLAGS = PATTERN_BARS_75 | PATTERN_STAMP | PATTERN_TEXT | PATTERN_MOTION

function frames(l: FrameLayout, ...seqs: number[]): Uint8Array[] {
  const g = new PatternGenerator(new Rng(3))
  return seqs.map((s) => materialize(g.prepare(l, FLAGS, info(s))))
}

const YUY2_VGA = makeLayout(FORMAT_YUY2, 640, 480)

describe('VCAP-1 stamps: encoding', () => {
  it('uses CRC-32 (IEEE) and cells of max(2, width/160) pixels', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
    expect([320, 640, 1000, 1280, 1920].map(stampCellWidth)).toEqual([2, 4, 6, 8, 12])
  })

  it('draws cells at exactly 16 and 235: luma with neutral chroma for YUV, grey for RGB', () => {
    const yuy2 = makeLayout(FORMAT_YUY2, 320, 240)
    const line = encodeStampLine(yuy2, stampOf(1), 'top')
    const lumas = new Set<number>()
    for (let i = 0; i < line.length; i += 2) {
      lumas.add(line[i])
      expect(line[i + 1]).toBe(128)
    }
    expect([...lumas].sort((a, b) => a - b)).toEqual([STAMP_LEVEL_ZERO, STAMP_LEVEL_ONE])
    // Magic 'VCTS' = 0101 0110 ...: cells 0 and 1 of the top stamp read 0 then 1.
    expect([line[0], line[2], line[4], line[6]]).toEqual([16, 16, 235, 235]) // two pixels per cell at 320
    const rgb = makeLayout(FORMAT_RGB24, 320, 240)
    const rgbLine = encodeStampLine(rgb, stampOf(1), 'top')
    expect(new Set(rgbLine)).toEqual(new Set([16, 235]))
    expect(Array.from(rgbLine.subarray(6, 12))).toEqual([235, 235, 235, 235, 235, 235])
  })

  it('round-trips in all five formats at 320×240 and 1920×1080, with stride padding', () => {
    const g = new PatternGenerator(new Rng(5))
    for (const [w, h] of [[320, 240], [1920, 1080]]) {
      for (const f of FORMATS) {
        const l = makeLayout(f, w, h, { stride: makeLayout(f, w, h).stride + 64 })
        const buf = materialize(g.prepare(l, PATTERN_CHECKERS_16 | PATTERN_STAMP, info(4242)))
        expect(decodeStamps(buf, l), `${f} ${w}x${h}`).toEqual({ top: stampOf(4242), bottom: stampOf(4242) })
      }
    }
  })

  it('round-trips extreme values and mirrored or bottom-up layouts', () => {
    const g = new PatternGenerator(new Rng(5))
    const big = { sequence: 0xffffffff, timestamp: 2 ** 52 + 5, dropped: 0, elapsedNs: 0 }
    for (const l of [makeLayout(FORMAT_RGB24, 320, 240, { bottomUp: true }), makeLayout(FORMAT_RGB32, 320, 240, { bottomUp: true, hflip: true }), makeLayout(FORMAT_NV12, 320, 240, { hflip: true })]) {
      const buf = materialize(g.prepare(l, PATTERN_BAND | PATTERN_STAMP, big))
      expect(decodeStamps(buf, l)).toEqual({ top: { sequence: 0xffffffff, timestamp: 2 ** 52 + 5 }, bottom: { sequence: 0xffffffff, timestamp: 2 ** 52 + 5 } })
    }
  })

  it('puts the top stamp at the end of memory for bottom-up RGB', () => {
    const l = makeLayout(FORMAT_RGB24, 320, 240, { bottomUp: true })
    const [buf] = frames(l, 3)
    const top = encodeStampLine(l, stampOf(3), 'top')
    const bottom = encodeStampLine(l, stampOf(3), 'bottom')
    for (let r = 0; r < 8; r++) {
      expect(Array.from(buf.subarray((239 - r) * l.stride, (239 - r) * l.stride + 960))).toEqual(Array.from(top))
      expect(Array.from(buf.subarray(r * l.stride, r * l.stride + 960))).toEqual(Array.from(bottom))
    }
  })

  it('never finds a stamp in a frame that has none (all patterns, overlays on)', () => {
    const g = new PatternGenerator(new Rng(5))
    for (const f of [FORMAT_YUY2, FORMAT_RGB24, FORMAT_NV12]) {
      const l = makeLayout(f, 320, 240)
      for (let id = 0; id < 16; id++) expect(decodeStamps(materialize(g.prepare(l, id | PATTERN_TEXT | PATTERN_MOTION, info(1))), l), `pattern ${id} format ${f}`).toEqual({ top: null, bottom: null })
    }
  })
})

describe('VCAP-1 stamps: corrupted frames', () => {
  it('reads a flipped bit as a null stamp, and tolerates chroma and unsampled rows', () => {
    const [f7] = frames(YUY2_VGA, 7)
    const cw = stampCellWidth(640)
    const cellByte = (cell: number, row: number) => row * YUY2_VGA.stride + (cell * cw + cw / 2) * 2 // luma of the middle pixel of the cell
    // Invert one cell of the top stamp (bit 40: inside the sequence) in all its rows.
    const flipped = f7.slice()
    for (let r = 0; r < 8; r++) for (let p = 0; p < cw; p++) flipped[r * YUY2_VGA.stride + (40 * cw + p) * 2] ^= 16 ^ 235
    expect(decodeStamps(flipped, YUY2_VGA)).toEqual({ top: null, bottom: stampOf(7) })
    // Only row 3 changed: rows 3 and 4 disagree, so the stamp is rejected rather than misread.
    const oneRow = f7.slice()
    oneRow[cellByte(100, 3)] ^= 16 ^ 235
    expect(decodeStamps(oneRow, YUY2_VGA).top).toBeNull()
    // Chroma noise and damage in rows the decoder does not sample are tolerated.
    const noisy = f7.slice()
    const rng = new Rng(1)
    for (let r = 0; r < 8; r++) for (let x = 0; x < 640; x++) noisy[r * YUY2_VGA.stride + x * 2 + 1] = rng.int(16, 240)
    for (let x = 0; x < 640; x++) noisy[YUY2_VGA.stride + x * 2] = 235
    expect(decodeStamps(noisy, YUY2_VGA)).toEqual({ top: stampOf(7), bottom: stampOf(7) })
  })

  it('detects a torn buffer: frame 7 with its lower half overwritten by frame 8', () => {
    for (const l of [YUY2_VGA, makeLayout(FORMAT_RGB24, 320, 240, { bottomUp: true }), makeLayout(FORMAT_NV12, 320, 240)]) {
      const [f7, f8] = frames(l, 7, 8)
      const torn = f7.slice()
      const half = Math.floor(frameBytes(l) / 2)
      torn.set(f8.subarray(half), half)
      const checker = new StampChecker()
      const verdict = checker.check(torn, torn.length, l)
      expect(verdict, `format ${l.format}`).toMatchObject({ torn: true, undecodable: false, stale: false, outOfOrder: false })
      // Bottom-up: the second half of memory is the top of the image, so the top stamp says 8.
      expect(verdict.sequence).toBe(l.bottomUp ? 8 : 7)
      expect(checker.check(f8, f8.length, l).torn).toBe(false)
    }
  })

  it('flags a one-stamp-unreadable buffer as torn, and trusts only the bytes within DataUsed', () => {
    const [f7] = frames(YUY2_VGA, 7)
    const damaged = f7.slice()
    damaged.fill(0, damaged.length - 8 * YUY2_VGA.stride)
    expect(new StampChecker().check(damaged, damaged.length, YUY2_VGA)).toMatchObject({ torn: true, undecodable: false, sequence: 7 })
    // A truncated frame (DataUsed = half): the bottom stamp is not part of the data, so no verdict on tearing.
    expect(new StampChecker().check(damaged, damaged.length / 2, YUY2_VGA)).toMatchObject({ torn: false, undecodable: false, sequence: 7 })
    expect(new StampChecker().check(f7, 0, YUY2_VGA)).toMatchObject({ undecodable: true, sequence: null, timestamp: null })
  })

  it('detects stale (the same frame twice) and out-of-order (9 after 10) buffers', () => {
    const [f7, f9, f10, f11] = frames(YUY2_VGA, 7, 9, 10, 11)
    const checker = new StampChecker()
    const run = (f: Uint8Array) => checker.check(f, f.length, YUY2_VGA)
    expect(run(f7)).toEqual({ torn: false, stale: false, outOfOrder: false, undecodable: false, sequence: 7, timestamp: stampOf(7).timestamp })
    expect(run(f7)).toMatchObject({ stale: true, outOfOrder: false })
    expect(run(f10)).toMatchObject({ stale: false, outOfOrder: false })
    expect(run(f9)).toMatchObject({ stale: false, outOfOrder: true, sequence: 9 })
    expect(run(f11)).toMatchObject({ stale: false, outOfOrder: false })
    expect(run(f11)).toMatchObject({ stale: true })
    checker.reset()
    expect(run(f7)).toMatchObject({ stale: false, outOfOrder: false })
  })

  it('is wrap-safe: sequence 0 after 0xFFFFFFFF is in order', () => {
    const g = new PatternGenerator(new Rng(3))
    const checker = new StampChecker()
    const at = (sequence: number) => materialize(g.prepare(YUY2_VGA, PATTERN_STAMP, { sequence, timestamp: 5, dropped: 0, elapsedNs: 0 }))
    expect(checker.check(at(0xffffffff), frameBytes(YUY2_VGA), YUY2_VGA).outOfOrder).toBe(false)
    expect(checker.check(at(0), frameBytes(YUY2_VGA), YUY2_VGA)).toMatchObject({ outOfOrder: false, stale: false, sequence: 0 })
  })

  it('finds no stamp when the client reads with the wrong stride, format, BOTTOM_UP or HFLIP', () => {
    const checker = new StampChecker()
    const undecodable = (buf: Uint8Array, l: FrameLayout) => checker.check(buf, buf.length, l).undecodable
    const [yuy2] = frames(YUY2_VGA, 7)
    expect(undecodable(yuy2, YUY2_VGA)).toBe(false)
    expect(undecodable(yuy2, { ...YUY2_VGA, stride: YUY2_VGA.stride + 64 })).toBe(true)
    expect(undecodable(yuy2, { ...YUY2_VGA, stride: YUY2_VGA.stride - 4 })).toBe(true)
    expect(undecodable(yuy2, { ...YUY2_VGA, format: FORMAT_UYVY })).toBe(true)
    expect(undecodable(yuy2, { ...YUY2_VGA, format: FORMAT_NV12, stride: 640 })).toBe(true)
    expect(undecodable(yuy2, { ...YUY2_VGA, hflip: true })).toBe(true)
    const up = makeLayout(FORMAT_RGB24, 320, 240, { bottomUp: true })
    const [rgb] = frames(up, 7)
    expect(undecodable(rgb, up)).toBe(false)
    expect(undecodable(rgb, { ...up, bottomUp: false })).toBe(true) // the biHeight sign mistake
    expect(undecodable(rgb, { ...up, format: FORMAT_RGB32, stride: 1280 })).toBe(true)
    expect(undecodable(new Uint8Array(frameBytes(YUY2_VGA)), YUY2_VGA)).toBe(true)
  })
})
