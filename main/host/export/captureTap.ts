/**
 * The full-resolution capture of what the application received (*context*: runs in the sandbox, next
 * to the previews of liveTaps.ts): a copy of every delivered buffer's DataUsed bytes with the stream's
 * format, queued until the worker drains it between slices and transfers the bytes to the host, where
 * captureSink.ts writes them to the Y4M and WAV files as they come. Nothing is kept once drained, so a
 * long run costs at most one slice's worth of frames here.
 */
import type { StreamHeader } from '../../classdriver/srb.js'
import type * as ks from '../../classdriver/wdk/ks.js'
import type { FrameTracker } from '../../client/frames.js'
import type { Kernel } from '../../sim/kernel.js'
import { formatName } from '../../hw/vcap1/pixelFormats.js'
import { layoutOfFormat } from '../stampFrameChecker.js'

/** One delivered buffer, full size, with what is needed to read it. Plain fields: it crosses the sandbox. */
export interface CapturedBuffer {
  stream: number
  kind: 'video' | 'audio'
  /** Virtual time of the delivery. */
  timeNs: number
  /** KS_FRAME_INFO.PictureNumber when the driver wrote one, else the stream's delivered count. */
  number: number
  /** Video: YUY2, UYVY, RGB24, RGB32 or NV12; audio: PCM. */
  format: string
  /** Video layout (0 for audio). */
  width: number
  height: number
  stride: number
  bottomUp: boolean
  /** Video: AvgTimePerFrame in 100 ns units (0 for audio). */
  interval: number
  /** Audio format (0 for video). */
  channels: number
  sampleRate: number
  bitsPerSample: number
  blockAlign: number
  /** The first DataUsed bytes of the buffer (a copy: its buffer travels in the transfer list). */
  data: Uint8Array
}

/** Which kinds of stream are captured. */
export interface CaptureOptions {
  video?: boolean
  audio?: boolean
}

/**
 * Bytes queued past which the run should yield its slice early (simulation.ts asks `backlogged`), so
 * a fast run of large frames ships them in pieces of about this size instead of piling them up.
 */
export const CAPTURE_BACKLOG_BYTES = 64 * 1024 * 1024

export class CaptureTap {
  private queue: CapturedBuffer[] = []
  private queuedBytes = 0

  constructor(
    private readonly kernel: Kernel,
    private readonly options: CaptureOptions,
  ) {}

  /** A buffer the client received (called from the client's delivery hook). */
  delivered(stream: number, kind: 'video' | 'audio' | 'other', header: StreamHeader, tracker: FrameTracker): void {
    const data = header._Data
    const used = Math.min(header._DataUsed, data instanceof Uint8Array ? data.length : 0)
    if (used <= 0 || tracker.format === null) return
    if (kind === 'video' && this.options.video === true) this.video(stream, header, tracker.format, data.slice(0, used), tracker)
    else if (kind === 'audio' && this.options.audio === true) this.audio(stream, tracker.format, data.slice(0, used), tracker)
  }

  /** The run has more queued than a slice should ship: yield. */
  backlogged(): boolean {
    return this.queuedBytes >= CAPTURE_BACKLOG_BYTES
  }

  /** What was delivered since the last call (an empty array when nothing). */
  drain(): CapturedBuffer[] {
    const out = this.queue
    if (out.length === 0) return out
    this.queue = []
    this.queuedBytes = 0
    return out
  }

  private video(stream: number, header: StreamHeader, format: ks.PKSDATAFORMAT, data: Uint8Array, tracker: FrameTracker): void {
    const layout = layoutOfFormat(format)
    if (layout === null) return
    const fi = header._frameInfo
    const interval = (format as Partial<ks.KS_DATAFORMAT_VIDEOINFOHEADER>).VideoInfoHeader?.AvgTimePerFrame ?? 0
    this.push({
      stream,
      kind: 'video',
      timeNs: this.kernel.now(),
      number: fi._written ? fi._PictureNumber : tracker.delivered,
      format: formatName(layout.format),
      width: layout.width,
      height: layout.height,
      stride: layout.stride,
      bottomUp: layout.bottomUp,
      interval: Number.isFinite(interval) ? interval : 0,
      channels: 0,
      sampleRate: 0,
      bitsPerSample: 0,
      blockAlign: 0,
      data,
    })
  }

  private audio(stream: number, format: ks.PKSDATAFORMAT, data: Uint8Array, tracker: FrameTracker): void {
    const wf = (format as Partial<ks.KSDATAFORMAT_WAVEFORMATEX>).WaveFormatEx
    if (wf === undefined) return
    this.push({
      stream,
      kind: 'audio',
      timeNs: this.kernel.now(),
      number: tracker.delivered,
      format: 'PCM',
      width: 0,
      height: 0,
      stride: 0,
      bottomUp: false,
      interval: 0,
      channels: wf.nChannels,
      sampleRate: wf.nSamplesPerSec,
      bitsPerSample: wf.wBitsPerSample,
      blockAlign: wf.nBlockAlign,
      data,
    })
  }

  private push(buffer: CapturedBuffer): void {
    this.queue.push(buffer)
    this.queuedBytes += buffer.data.byteLength
  }
}
