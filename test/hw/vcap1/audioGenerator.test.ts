import { describe, expect, it } from 'vitest'
import {
  AUD_GEN_LEFT_BEEP,
  AUD_GEN_NOISE,
  AUD_GEN_RAMP,
  AUD_GEN_SILENCE,
  AUD_GEN_SINE,
  AudioGenerator,
  audioFormatFromRegister,
  blockAlign,
  checkRamp,
  type AudioFormat,
} from '../../../main/hw/vcap1/audioGenerator.js'
import { Rng } from '../../../main/sim/rng.js'

/** The audio source as a listener and the client's continuity check see it. */

const STEREO16: AudioFormat = { channels: 2, bitsPerSample: 16, sampleRate: 48_000 }
const FORMATS: AudioFormat[] = [STEREO16, { channels: 1, bitsPerSample: 16, sampleRate: 48_000 }, { channels: 2, bitsPerSample: 32, sampleRate: 48_000 }, { channels: 1, bitsPerSample: 32, sampleRate: 48_000 }]

function render(format: AudioFormat, gen: number, first: number, frames: number, g = new AudioGenerator(new Rng(1))): Uint8Array {
  const out = new Uint8Array(frames * blockAlign(format))
  g.render(format, gen, first, frames, out, 0)
  return out
}

/** Signed samples of one channel. */
function channel(bytes: Uint8Array, format: AudioFormat, ch: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const size = format.bitsPerSample >> 3
  const out: number[] = []
  for (let o = ch * size; o < bytes.length; o += blockAlign(format)) out.push(size === 2 ? view.getInt16(o, true) : view.getInt32(o, true) >> 8)
  return out
}

describe('VCAP-1 audio generator', () => {
  it('keeps the ramp continuous across render calls of any size, in every format', () => {
    for (const format of FORMATS) {
      const g = new AudioGenerator(new Rng(1))
      const whole = render(format, AUD_GEN_RAMP, 65_000, 3000, g)
      const pieces = new Uint8Array(whole.length)
      let frame = 0
      for (const n of [1, 7, 128, 1000, 333, 1531]) {
        g.render(format, AUD_GEN_RAMP, 65_000 + frame, n, pieces, frame * blockAlign(format))
        frame += n
      }
      expect(pieces).toEqual(whole)
      expect(checkRamp(whole, format, 65_000)).toEqual({ ok: true, firstBad: null }) // wraps past 65535 in 16-bit
    }
    // Each sample is the index: frame 0x123456 in 24-in-32 is bytes 00 56 34 12 on both channels.
    const f32 = render(FORMATS[2], AUD_GEN_RAMP, 0x123456, 1)
    expect(Array.from(f32)).toEqual([0, 0x56, 0x34, 0x12, 0, 0x56, 0x34, 0x12])
  })

  it('lets checkRamp find a dropped, a duplicated and a channel-shifted sample frame', () => {
    const ramp = render(STEREO16, AUD_GEN_RAMP, 1000, 500)
    const align = blockAlign(STEREO16)
    const dropped = new Uint8Array([...ramp.subarray(0, 200 * align), ...ramp.subarray(201 * align)])
    expect(checkRamp(dropped, STEREO16, 1000)).toEqual({ ok: false, firstBad: 200 })
    const duplicated = new Uint8Array([...ramp.subarray(0, 301 * align), ...ramp.subarray(300 * align)])
    expect(checkRamp(duplicated, STEREO16, 1000)).toEqual({ ok: false, firstBad: 301 })
    expect(checkRamp(ramp.subarray(2, 2 + 100 * align), STEREO16, 1000)).toMatchObject({ ok: false }) // read from the right channel
    expect(checkRamp(ramp, STEREO16, 999)).toEqual({ ok: false, firstBad: 0 }) // a gap before the buffer
    expect(checkRamp(ramp.subarray(0, 10 * align + 2), STEREO16, 1000)).toEqual({ ok: false, firstBad: 10 }) // partial frame
  })

  it('makes a 1 kHz sine at −20 dBFS by default, and the frequency in AUD_GEN[31:16]', () => {
    const pcm = render(STEREO16, AUD_GEN_SINE, 0, 48_000)
    const left = channel(pcm, STEREO16, 0)
    expect(channel(pcm, STEREO16, 1)).toEqual(left)
    expect(Math.max(...left)).toBe(Math.round(0.1 * 32767))
    expect(Math.min(...left)).toBe(-Math.round(0.1 * 32767))
    const crossings = (s: number[]) => s.filter((v, i) => i > 0 && s[i - 1] < 0 && v >= 0).length
    expect(crossings(left)).toBeGreaterThanOrEqual(999)
    expect(crossings(left)).toBeLessThanOrEqual(1000)
    expect(left.slice(0, 48)).toEqual(left.slice(48, 96)) // exactly periodic: 48 samples per cycle
    const a440 = channel(render(STEREO16, AUD_GEN_SINE | (440 << 16), 0, 48_000), STEREO16, 0)
    expect(Math.abs(crossings(a440) - 440)).toBeLessThanOrEqual(1)
    // 24-in-32: same level relative to full scale, low byte zero.
    const f32: AudioFormat = { channels: 1, bitsPerSample: 32, sampleRate: 48_000 }
    const s32 = render(f32, AUD_GEN_SINE, 0, 480)
    expect(Math.max(...channel(s32, f32, 0))).toBe(Math.round(0.1 * 0x7fffff))
    for (let o = 0; o < s32.length; o += 4) expect(s32[o]).toBe(0)
    // Continuous across calls at any point in the stream.
    const g = new AudioGenerator(new Rng(1))
    expect(render(STEREO16, AUD_GEN_SINE, 1_000_037, 10, g)).toEqual(render(STEREO16, AUD_GEN_SINE, 1_000_000, 47, g).subarray(37 * 4))
  })

  it('beeps on the left channel only, 100 ms per second', () => {
    const pcm = render(STEREO16, AUD_GEN_LEFT_BEEP, 0, 96_000)
    const left = channel(pcm, STEREO16, 0)
    const right = channel(pcm, STEREO16, 1)
    expect(right.every((v) => v === 0)).toBe(true)
    const loud = (from: number, to: number) => Math.max(...left.slice(from, to).map(Math.abs))
    expect(loud(0, 4800)).toBe(Math.round(0.1 * 32767))
    expect(loud(4800, 48_000)).toBe(0)
    expect(loud(48_000, 52_800)).toBeGreaterThan(3000) // again in the next second
  })

  it('renders silence as zeros, and seeded noise that replays and differs between seeds', () => {
    expect(render(STEREO16, AUD_GEN_SILENCE, 5, 100).every((b) => b === 0)).toBe(true)
    const a = render(STEREO16, AUD_GEN_NOISE, 100, 1000, new AudioGenerator(new Rng(9)))
    expect(render(STEREO16, AUD_GEN_NOISE, 100, 1000, new AudioGenerator(new Rng(9)))).toEqual(a)
    expect(render(STEREO16, AUD_GEN_NOISE, 100, 1000, new AudioGenerator(new Rng(10)))).not.toEqual(a)
    // Random access: a slice rendered alone equals the same frames inside a longer render.
    expect(render(STEREO16, AUD_GEN_NOISE, 600, 10, new AudioGenerator(new Rng(9)))).toEqual(a.subarray(500 * 4, 510 * 4))
    const left = channel(a, STEREO16, 0)
    expect(new Set(left).size).toBeGreaterThan(900)
    expect(Math.max(...left.map(Math.abs))).toBeLessThanOrEqual(Math.round(0.1 * 32767))
    expect(channel(a, STEREO16, 1)).not.toEqual(left) // independent channels
  })

  it('decodes AUD_FORMAT and refuses to write past the destination', () => {
    expect(audioFormatFromRegister((48_000 << 8) | 1)).toEqual(STEREO16)
    expect(audioFormatFromRegister((48_000 << 8) | (1 << 4))).toEqual({ channels: 1, bitsPerSample: 32, sampleRate: 48_000 })
    expect(() => new AudioGenerator(new Rng(1)).render(STEREO16, AUD_GEN_RAMP, 0, 10, new Uint8Array(39), 0)).toThrow(RangeError)
  })
})
