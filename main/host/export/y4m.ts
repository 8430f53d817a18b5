/**
 * YUV4MPEG2 (Y4M) of a run's delivered video frames, as ffmpeg, mpv and VLC read it: a header line
 * `YUV4MPEG2 W<w> H<h> F<num>:<den> Ip A1:1 C420mpeg2 XCOLORRANGE=LIMITED`, then per frame `FRAME\n` and
 * the Y, Cb and Cr planes (to420.ts converts from the captured format). 4:2:0 with MPEG-2 chroma
 * siting (C420mpeg2) because that is where the card's YUY2/UYVY/NV12 chroma already sits; BT.601
 * limited range, as the card encodes.
 *
 * Frames are converted into one reused buffer and written one at a time (ExportFile: atomic), so a
 * 60 s capture at 640x480 (over 1 GB raw) never sits in memory. Frames of another size than the
 * first (a format change to a new size) cannot go into one Y4M stream: they are counted and skipped.
 */
import { ExportFile } from '../backend/exportFile.js'
import type { CapturedBuffer } from './captureTap.js'
import { convertTo420, frameBytes420 } from './to420.js'

/** The Y4M frame rate of an AvgTimePerFrame (100 ns units): the NTSC rates as n*1000/1001, whole rates exactly. */
export function y4mRate(interval: number): [number, number] {
  if (!(interval > 0)) return [30, 1]
  for (const n of [15, 24, 25, 30, 48, 50, 60, 72, 90, 100, 120]) {
    if (Math.abs(1e7 / n - interval) <= 1) return [n, 1]
    if (n % 6 === 0 || n === 30 || n === 60) {
      if (Math.abs((1e7 * 1001) / (n * 1000) - interval) <= 1) return [n * 1000, 1001]
    }
  }
  const g = gcd(1e7, Math.round(interval))
  return [1e7 / g, Math.round(interval) / g]
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

export class Y4mWriter {
  /** Frames written, and frames skipped (another size than the stream's). */
  frames = 0
  skipped = 0
  readonly rate: [number, number]
  private readonly out420: Uint8Array

  private constructor(
    private readonly out: ExportFile,
    readonly width: number,
    readonly height: number,
    interval: number,
  ) {
    this.rate = y4mRate(interval)
    this.out420 = new Uint8Array(6 + frameBytes420(width, height))
    this.out420.set([0x46, 0x52, 0x41, 0x4d, 0x45, 0x0a]) // "FRAME\n"
  }

  /** Opens the file with the header of the stream `first` belongs to (its size and rate). */
  static async create(file: string, first: CapturedBuffer): Promise<Y4mWriter> {
    if ((first.width & 1) !== 0 || (first.height & 1) !== 0 || first.width <= 0 || first.height <= 0) throw new Error(`cannot write ${file}: a ${first.width}x${first.height} frame has no 4:2:0 form (width and height must be even)`)
    const out = await ExportFile.create(file)
    const w = new Y4mWriter(out, first.width, first.height, first.interval)
    try {
      await out.write(`YUV4MPEG2 W${w.width} H${w.height} F${w.rate[0]}:${w.rate[1]} Ip A1:1 C420mpeg2 XCOLORRANGE=LIMITED\n`)
    } catch (e) {
      await out.abandon()
      throw e
    }
    return w
  }

  /** Converts and writes one frame (resolves once written: the buffer is reused). */
  async add(frame: CapturedBuffer): Promise<void> {
    if (frame.width !== this.width || frame.height !== this.height || !convertTo420(frame.data, frame, this.out420.subarray(6))) {
      this.skipped++
      return
    }
    await this.out.write(this.out420)
    this.frames++
  }

  commit(): Promise<{ path: string; bytes: number }> {
    return this.out.commit()
  }

  abandon(): Promise<void> {
    return this.out.abandon()
  }
}
