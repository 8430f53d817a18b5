import type { Rng } from '../../sim/rng.js'

/**
 * The VCAP-1 audio source (vcap1.md 7.8): PCM at 48 kHz, mono or stereo, 16-bit or 24-in-32. Every
 * sample is a pure function of its absolute sample-frame index, so the card can render any slice in
 * any chunking (128-byte bursts, whole descriptors, after an overrun skipped samples) and the stream
 * stays continuous, and the same seed replays the same noise.
 */

/** AUD_GEN[3:0] = 0: sine at AUD_GEN[31:16] Hz, −20 dBFS, on every channel. */
export const AUD_GEN_SINE = 0
/** 1: sample-counter ramp, every channel of frame n = n (mod 2^16, or 2^24 for 24-in-32). */
export const AUD_GEN_RAMP = 1
/** 2: silence (also what undefined generator values give). */
export const AUD_GEN_SILENCE = 2
/** 3: seeded uniform noise, −20 dBFS peak, independent per channel. */
export const AUD_GEN_NOISE = 3
/** 4: the sine on the left channel only, 100 ms in every second; right silent. */
export const AUD_GEN_LEFT_BEEP = 4
/** AUD_GEN[3:0]. */
export const AUD_GEN_TYPE_MASK = 0xf
/** AUD_GEN[31:16]: sine (and beep) frequency in Hz; 0 means the default. */
export const AUD_GEN_FREQ_SHIFT = 16
export const DEFAULT_SINE_HZ = 1000
/** Peak level of the sine, beep and noise: −20 dBFS. */
export const TONE_LEVEL = 0.1
/** The beep sounds for the first 100 ms of every second. */
export const BEEP_ON_FRACTION = 0.1

/** The PCM format of the audio channel. */
export interface AudioFormat {
  channels: 1 | 2
  /** 16, or 32 for 24 valid bits left-justified in a 32-bit container (the low byte is 0). */
  bitsPerSample: 16 | 32
  sampleRate: number
}

/** Bytes per sample frame (WAVEFORMATEX nBlockAlign). */
export function blockAlign(format: AudioFormat): number {
  return format.channels * (format.bitsPerSample >> 3)
}

/** Decodes AUD_FORMAT: [1:0] channels − 1, [5:4] 0 = 16-bit, 1 = 24-in-32, [31:8] sample rate. */
export function audioFormatFromRegister(value: number): AudioFormat {
  return { channels: (value & 3) === 0 ? 1 : 2, bitsPerSample: ((value >>> 4) & 3) === 1 ? 32 : 16, sampleRate: value >>> 8 }
}

// Full-scale magnitude and the ramp's modulus for a container.
function fullScale(bits: 16 | 32): number {
  return bits === 16 ? 0x7fff : 0x7fffff
}
function rampModulus(bits: 16 | 32): number {
  return bits === 16 ? 0x10000 : 0x1000000
}

// Writes one sample (a signed value, or for the ramp an unsigned one taken modulo the range) little-endian.
function put(dst: Uint8Array, o: number, bits: 16 | 32, v: number): number {
  if (bits === 16) {
    dst[o] = v & 0xff
    dst[o + 1] = (v >> 8) & 0xff
    return o + 2
  }
  dst[o] = 0
  dst[o + 1] = v & 0xff
  dst[o + 2] = (v >> 8) & 0xff
  dst[o + 3] = (v >> 16) & 0xff
  return o + 4
}

// A stateless hash of (seed, sample index, channel) to [0, 1): random access into the noise.
function noiseAt(seed: number, n: number, ch: number): number {
  let h = seed ^ Math.imul(n >>> 0, 0x9e3779b1) ^ Math.imul(Math.floor(n / 0x1_0000_0000), 0x85ebca77) ^ Math.imul(ch + 1, 0xc2b2ae3d)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296
}

/** Produces the samples of the internal audio generator. */
export class AudioGenerator {
  private readonly noiseSeed: number

  /** Draws the noise seed from `rng` once. */
  constructor(rng: Rng) {
    this.noiseSeed = rng.nextU32()
  }

  /** Writes sample frames [firstFrame, firstFrame+frames) of generator `gen` (the AUD_GEN value) into dst (little-endian). Continuous across calls. */
  render(format: AudioFormat, gen: number, firstFrame: number, frames: number, dst: Uint8Array, dstOffset: number): void {
    const bits = format.bitsPerSample
    const rate = format.sampleRate
    const bytes = frames * blockAlign(format)
    if (!(Number.isInteger(firstFrame) && firstFrame >= 0 && Number.isInteger(frames) && frames >= 0)) throw new RangeError(`bad sample range ${firstFrame}+${frames}`)
    if (!(Number.isInteger(dstOffset) && dstOffset >= 0 && dstOffset + bytes <= dst.length)) throw new RangeError(`destination range [${dstOffset}, ${dstOffset + bytes}) outside [0, ${dst.length})`)
    if (!(Number.isInteger(rate) && rate > 0)) throw new RangeError(`bad sample rate ${rate}`)
    const type = gen & AUD_GEN_TYPE_MASK
    const freq = gen >>> AUD_GEN_FREQ_SHIFT || DEFAULT_SINE_HZ
    const peak = TONE_LEVEL * fullScale(bits)
    // Phase from (n mod rate) × f mod rate: exact and periodic however long the stream runs.
    const tone = (n: number) => Math.round(peak * Math.sin((2 * Math.PI * (((n % rate) * freq) % rate)) / rate))
    const beepFrames = Math.round(rate * BEEP_ON_FRACTION)
    let o = dstOffset
    for (let i = 0; i < frames; i++) {
      const n = firstFrame + i
      switch (type) {
        case AUD_GEN_SINE: {
          const v = tone(n)
          for (let c = 0; c < format.channels; c++) o = put(dst, o, bits, v)
          break
        }
        case AUD_GEN_RAMP: {
          const v = n % rampModulus(bits)
          for (let c = 0; c < format.channels; c++) o = put(dst, o, bits, v)
          break
        }
        case AUD_GEN_NOISE:
          for (let c = 0; c < format.channels; c++) o = put(dst, o, bits, Math.round(peak * (2 * noiseAt(this.noiseSeed, n, c) - 1)))
          break
        case AUD_GEN_LEFT_BEEP: {
          o = put(dst, o, bits, n % rate < beepFrames ? tone(n) : 0)
          for (let c = 1; c < format.channels; c++) o = put(dst, o, bits, 0)
          break
        }
        default: // AUD_GEN_SILENCE and undefined generators
          for (let c = 0; c < format.channels; c++) o = put(dst, o, bits, 0)
      }
    }
  }
}

/**
 * Checks that `bytes` holds the sample-counter ramp starting at sample frame `expectedFirst`, with every
 * channel of a frame equal to the frame index (modulo 2^16, or 2^24 in the top 3 bytes of a 32-bit
 * container). firstBad is the index of the first wrong sample frame within `bytes` (a trailing partial
 * frame counts as wrong); null when all are right.
 */
export function checkRamp(bytes: Uint8Array, format: AudioFormat, expectedFirst: number): { ok: boolean; firstBad: number | null } {
  const bits = format.bitsPerSample
  const align = blockAlign(format)
  const frames = Math.floor(bytes.length / align)
  const mod = rampModulus(bits)
  let o = 0
  for (let i = 0; i < frames; i++) {
    const expected = (((expectedFirst + i) % mod) + mod) % mod
    for (let c = 0; c < format.channels; c++) {
      const v = bits === 16 ? bytes[o] | (bytes[o + 1] << 8) : bytes[o] === 0 ? bytes[o + 1] | (bytes[o + 2] << 8) | (bytes[o + 3] << 16) : -1
      if (v !== expected) return { ok: false, firstBad: i }
      o += bits >> 3
    }
  }
  if (bytes.length % align !== 0) return { ok: false, firstBad: frames }
  return { ok: true, firstBad: null }
}
