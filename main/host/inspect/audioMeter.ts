import type { AudioLevel } from '../../contract/api.js'
import { MS } from '../../contract/time.js'

/** At most one level per stream per this much virtual time. */
export const AUDIO_LEVEL_INTERVAL_NS = 20 * MS

/** PCM layout of a stream's buffers. */
export interface PcmLayout {
  channels: number
  /** Bytes per sample frame (nBlockAlign). */
  blockAlign: number
}

/**
 * The level meter of one audio stream: the peak and RMS of each channel (0..1 of full scale) over
 * the buffers delivered since the last level, given out at most once per 20 ms of virtual time so a
 * meter sees every peak without an event per buffer. Samples are little-endian signed PCM in
 * containers of 2, 3 or 4 bytes (16-bit, 24-bit packed, 24-in-32 or 32-bit).
 */
export class AudioMeter {
  private peak: Float64Array
  private sumSquares: Float64Array
  private frames = 0
  private lastAt = -Infinity

  constructor(private readonly layout: PcmLayout) {
    this.peak = new Float64Array(layout.channels)
    this.sumSquares = new Float64Array(layout.channels)
  }

  /** Adds a delivered buffer at virtual time `now`; returns a level when one is due. */
  add(data: Uint8Array, used: number, now: number): Omit<AudioLevel, 'runId'> | null {
    const { channels, blockAlign } = this.layout
    const container = Math.floor(blockAlign / channels)
    const frames = Math.floor(Math.min(used, data.length) / blockAlign)
    const peak = this.peak
    const sums = this.sumSquares
    for (let f = 0; f < frames; f++) {
      const base = f * blockAlign
      for (let c = 0; c < channels; c++) {
        const v = sample(data, base + c * container, container)
        const a = v < 0 ? -v : v
        if (a > peak[c]) peak[c] = a
        sums[c] += v * v
      }
    }
    this.frames += frames
    if (now - this.lastAt < AUDIO_LEVEL_INTERVAL_NS || this.frames === 0) return null
    this.lastAt = now
    const level = {
      timeNs: now,
      peak: Array.from(peak, (p) => Math.min(1, p)),
      rms: Array.from(sums, (s) => Math.min(1, Math.sqrt(s / this.frames))),
    }
    peak.fill(0)
    sums.fill(0)
    this.frames = 0
    return level
  }
}

/** One sample as a fraction of full scale (-1..1). */
function sample(data: Uint8Array, at: number, container: number): number {
  switch (container) {
    case 2:
      return (((data[at] | (data[at + 1] << 8)) << 16) >> 16) / 32768
    case 3:
      return (((data[at] | (data[at + 1] << 8) | (data[at + 2] << 16)) << 8) >> 8) / 8388608
    case 4:
      return (data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24)) / 2147483648
    default:
      return 0
  }
}
