/**
 * WAV (RIFF WAVE, PCM) of a run's captured audio: the delivered buffers' samples in delivery order,
 * written as they come (ExportFile: atomic), with the RIFF and data sizes patched into the header at
 * the end. The format is the stream's WAVEFORMATEX: channels, rate, and the sample container
 * (nBlockAlign / nChannels bytes) as the bits per sample, so 24-in-32 samples are 32-bit PCM.
 * Buffers of another format than the first are counted and skipped.
 */
import { ExportFile } from '../backend/exportFile.js'
import type { CapturedBuffer } from './captureTap.js'

/** RIFF size fields are 32-bit: past this the file would be unreadable. */
const MAX_DATA_BYTES = 0xffff_ffff - 36

export class WavWriter {
  /** Sample frames written, buffers skipped (another format). */
  sampleFrames = 0
  skipped = 0
  private dataBytes = 0
  readonly bitsPerSample: number

  private constructor(
    private readonly out: ExportFile,
    readonly channels: number,
    readonly sampleRate: number,
    readonly blockAlign: number,
  ) {
    this.bitsPerSample = (8 * blockAlign) / channels
  }

  static async create(file: string, first: CapturedBuffer): Promise<WavWriter> {
    const { channels, sampleRate, blockAlign } = first
    if (!(channels > 0 && sampleRate > 0 && blockAlign > 0 && blockAlign % channels === 0 && [1, 2, 3, 4].includes(blockAlign / channels))) {
      throw new Error(`cannot write ${file}: the audio format (${channels} channels, ${blockAlign}-byte blocks) is not PCM of 8 to 32 bits`)
    }
    const out = await ExportFile.create(file)
    const w = new WavWriter(out, channels, sampleRate, blockAlign)
    try {
      await out.write(w.header())
    } catch (e) {
      await out.abandon()
      throw e
    }
    return w
  }

  /** Appends one buffer's whole sample frames. */
  async add(buffer: CapturedBuffer): Promise<void> {
    if (buffer.channels !== this.channels || buffer.sampleRate !== this.sampleRate || buffer.blockAlign !== this.blockAlign) {
      this.skipped++
      return
    }
    const bytes = buffer.data.length - (buffer.data.length % this.blockAlign)
    if (bytes === 0 || this.dataBytes + bytes > MAX_DATA_BYTES) return
    await this.out.write(buffer.data.subarray(0, bytes))
    this.dataBytes += bytes
    this.sampleFrames += bytes / this.blockAlign
  }

  /** Seconds of audio written. */
  get durationSeconds(): number {
    return this.sampleFrames / this.sampleRate
  }

  async commit(): Promise<{ path: string; bytes: number }> {
    // An odd-sized data chunk is padded to even, as RIFF requires.
    if (this.dataBytes % 2 === 1) await this.out.write(new Uint8Array(1))
    await this.out.patch(this.header(), 0)
    return this.out.commit()
  }

  abandon(): Promise<void> {
    return this.out.abandon()
  }

  /** The 44-byte header with the sizes known so far. */
  private header(): Uint8Array {
    const b = new Uint8Array(44)
    const v = new DataView(b.buffer)
    const text = (at: number, s: string) => {
      for (let i = 0; i < 4; i++) b[at + i] = s.charCodeAt(i)
    }
    text(0, 'RIFF')
    v.setUint32(4, 36 + this.dataBytes + (this.dataBytes % 2), true)
    text(8, 'WAVE')
    text(12, 'fmt ')
    v.setUint32(16, 16, true)
    v.setUint16(20, 1, true) // WAVE_FORMAT_PCM
    v.setUint16(22, this.channels, true)
    v.setUint32(24, this.sampleRate, true)
    v.setUint32(28, this.sampleRate * this.blockAlign, true)
    v.setUint16(32, this.blockAlign, true)
    v.setUint16(34, this.bitsPerSample, true)
    text(36, 'data')
    v.setUint32(40, this.dataBytes, true)
    return b
  }
}
