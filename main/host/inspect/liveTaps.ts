import type { AudioLevel, FramePreview } from '../../contract/api.js'
import type { StreamHeader } from '../../classdriver/srb.js'
import type * as ks from '../../classdriver/wdk/ks.js'
import type { FrameTracker } from '../../client/frames.js'
import type { KsClient } from '../../client/ksClient.js'
import type { Kernel } from '../../sim/kernel.js'
import { layoutOfFormat } from '../stampFrameChecker.js'
import { AudioMeter } from './audioMeter.js'
import { downscaleFrame } from './framePreview.js'
import { CaptureTap, type CapturedBuffer, type CaptureOptions } from '../export/captureTap.js'

/** Which previews a run produces (both off by default: `mdwb run` and the benchmarks pay nothing). */
export interface TapOptions {
  frames?: boolean
  audio?: boolean
  /** Every delivered buffer at full size, for `mdwb run --frames/--audio` (main/host/export/captureTap.ts). */
  capture?: CaptureOptions
}

export type FrameTap = Omit<FramePreview, 'runId'>
export type AudioTap = Omit<AudioLevel, 'runId'>

/** Preview bytes queued between two drains before the oldest are dropped (the host drains every slice). */
const QUEUE_BUDGET_BYTES = 32 * 1024 * 1024

/**
 * The workbench's view of what the application received (*context*: runs inside the sandbox): a
 * downscaled preview of every delivered video frame with its stamp verdict and the drops before it,
 * and the levels of the audio streams. Attached to the client's delivery hook; the worker drains the
 * queues between slices and transfers them to the host.
 */
export class LiveTaps {
  private frames: FrameTap[] = []
  private audio: AudioTap[] = []
  private queuedBytes = 0
  private readonly droppedSeen = new Map<number, number>()
  private readonly meters = new Map<number, AudioMeter | null>()
  /** The full-size capture, when asked for. */
  readonly capture: CaptureTap | null

  constructor(
    private readonly kernel: Kernel,
    private readonly options: TapOptions,
  ) {
    this.capture = options.capture?.video === true || options.capture?.audio === true ? new CaptureTap(kernel, options.capture) : null
  }

  attach(client: KsClient): void {
    client.onDelivered = (stream, kind, header, tracker) => {
      if (header._DataUsed === 0) return
      this.capture?.delivered(stream, kind, header, tracker)
      if (kind === 'video' && this.options.frames) this.frame(stream, header, tracker)
      else if (kind === 'audio' && this.options.audio) this.level(stream, header, tracker)
    }
  }

  /** What was produced since the last call, or null. */
  drain(): { frames: FrameTap[]; audio: AudioTap[]; captured: CapturedBuffer[] } | null {
    const captured = this.capture?.drain() ?? []
    if (this.frames.length === 0 && this.audio.length === 0 && captured.length === 0) return null
    const out = { frames: this.frames, audio: this.audio, captured }
    this.frames = []
    this.audio = []
    this.queuedBytes = 0
    return out
  }

  private frame(stream: number, header: StreamHeader, tracker: FrameTracker): void {
    const dropped = tracker.dropped
    const droppedBefore = Math.max(0, dropped - (this.droppedSeen.get(stream) ?? 0))
    this.droppedSeen.set(stream, dropped)
    const format = tracker.format
    const layout = format === null ? null : layoutOfFormat(format)
    const data = header._Data
    if (layout === null || !(data instanceof Uint8Array)) return
    const scaled = downscaleFrame(data, header._DataUsed, layout)
    if (scaled === null) return
    const fi = header._frameInfo
    this.frames.push({
      number: fi._written ? fi._PictureNumber : tracker.delivered,
      timeNs: this.kernel.now(),
      width: scaled.width,
      height: scaled.height,
      format: scaled.format,
      stride: scaled.stride,
      data: scaled.data,
      verdict: tracker.lastVerdict,
      droppedBefore,
      scale: scaled.scale,
    })
    this.queuedBytes += scaled.data.byteLength
    while (this.queuedBytes > QUEUE_BUDGET_BYTES && this.frames.length > 1) this.queuedBytes -= this.frames.shift()!.data.byteLength
  }

  private level(stream: number, header: StreamHeader, tracker: FrameTracker): void {
    let meter = this.meters.get(stream)
    if (meter === undefined) {
      const wf = (tracker.format as ks.KSDATAFORMAT_WAVEFORMATEX | null)?.WaveFormatEx
      const ok = wf !== undefined && wf.nChannels > 0 && wf.nBlockAlign >= wf.nChannels * 2 && wf.nBlockAlign % wf.nChannels === 0
      meter = ok ? new AudioMeter({ channels: wf.nChannels, blockAlign: wf.nBlockAlign }) : null
      this.meters.set(stream, meter)
    }
    const data = header._Data
    if (meter === null || !(data instanceof Uint8Array)) return
    const level = meter.add(data, header._DataUsed, this.kernel.now())
    if (level !== null) this.audio.push(level)
  }
}
