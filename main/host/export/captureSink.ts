/**
 * Where `mdwb run --frames out.y4m --audio out.wav` sends the buffers the sandbox captured
 * (captureTap.ts; SandboxRunEvents.onCaptured): the first video stream's frames to a Y4M file, the
 * first audio stream's samples to a WAV file, written in delivery order as they arrive. Writing is
 * asynchronous and the run goes on meanwhile; when more than a backlog is waiting for the disk the run
 * is paused (`pause(true)`) until the writes catch up, so a disk slower than the simulation costs time,
 * never memory.
 */
import type { CapturedBuffer, CaptureOptions } from './captureTap.js'
import { WavWriter } from './wav.js'
import { Y4mWriter } from './y4m.js'

/** Bytes waiting for the disk past which the run is paused, and below which it resumes. */
const PAUSE_BYTES = 128 * 1024 * 1024
const RESUME_BYTES = 32 * 1024 * 1024

export interface CaptureSinkFiles {
  /** Y4M of the video frames. */
  frames?: string
  /** WAV of the audio. */
  audio?: string
}

/** What was written, for the command's summary and tests. */
export interface CaptureSinkResult {
  frames: { path: string; bytes: number; frames: number; skipped: number; width: number; height: number; rate: [number, number]; stream: number } | null
  audio: { path: string; bytes: number; sampleFrames: number; skipped: number; channels: number; sampleRate: number; stream: number } | null
  /** Why a file was not written (no stream of that kind was delivered, or it failed). */
  problems: string[]
}

export class CaptureSink {
  private y4m: Y4mWriter | null = null
  private wav: WavWriter | null = null
  private videoStream = -1
  private audioStream = -1
  private chain: Promise<void> = Promise.resolve()
  private waitingBytes = 0
  private paused = false
  private failure: Error | null = null

  constructor(
    private readonly files: CaptureSinkFiles,
    /** Pauses or resumes the run (SandboxRun.pause). */
    private readonly pause: (paused: boolean) => void = () => {},
  ) {}

  /** What to ask the sandbox for (TapOptions.capture). */
  get options(): CaptureOptions {
    return { video: this.files.frames !== undefined, audio: this.files.audio !== undefined }
  }

  /** One captured buffer (SandboxRunEvents.onCaptured). */
  add(buffer: CapturedBuffer): void {
    if (this.failure !== null) return
    if (buffer.kind === 'video') {
      if (this.files.frames === undefined) return
      if (this.videoStream < 0) this.videoStream = buffer.stream
      if (buffer.stream !== this.videoStream) return
    } else {
      if (this.files.audio === undefined) return
      if (this.audioStream < 0) this.audioStream = buffer.stream
      if (buffer.stream !== this.audioStream) return
    }
    const bytes = buffer.data.byteLength
    this.waitingBytes += bytes
    if (!this.paused && this.waitingBytes > PAUSE_BYTES) {
      this.paused = true
      this.pause(true)
    }
    this.chain = this.chain.then(async () => {
      try {
        if (this.failure === null) await this.write(buffer)
      } catch (e) {
        this.failure = e instanceof Error ? e : new Error(String(e))
      }
      this.waitingBytes -= bytes
      if (this.paused && this.waitingBytes < RESUME_BYTES) {
        this.paused = false
        this.pause(false)
      }
    })
  }

  private async write(buffer: CapturedBuffer): Promise<void> {
    if (buffer.kind === 'video') {
      this.y4m ??= await Y4mWriter.create(this.files.frames!, buffer)
      await this.y4m.add(buffer)
    } else {
      this.wav ??= await WavWriter.create(this.files.audio!, buffer)
      await this.wav.add(buffer)
    }
  }

  /** After the run: waits for the writes, puts the files in place (or removes them on a failure). */
  async finish(): Promise<CaptureSinkResult> {
    await this.chain
    const problems: string[] = []
    const result: CaptureSinkResult = { frames: null, audio: null, problems }
    if (this.failure !== null) {
      await this.y4m?.abandon()
      await this.wav?.abandon()
      problems.push(this.failure.message)
      return result
    }
    if (this.files.frames !== undefined) {
      if (this.y4m === null) problems.push(`${this.files.frames} not written: the run delivered no video frame`)
      else {
        const y = this.y4m
        const written = await y.commit()
        result.frames = { ...written, frames: y.frames, skipped: y.skipped, width: y.width, height: y.height, rate: y.rate, stream: this.videoStream }
        if (y.skipped > 0) problems.push(`${this.files.frames}: ${y.skipped} frame(s) of another size than ${y.width}x${y.height} left out (a Y4M stream has one size)`)
      }
    }
    if (this.files.audio !== undefined) {
      if (this.wav === null) problems.push(`${this.files.audio} not written: the run delivered no audio`)
      else {
        const w = this.wav
        const written = await w.commit()
        result.audio = { ...written, sampleFrames: w.sampleFrames, skipped: w.skipped, channels: w.channels, sampleRate: w.sampleRate, stream: this.audioStream }
        if (w.skipped > 0) problems.push(`${this.files.audio}: ${w.skipped} buffer(s) in another format left out`)
      }
    }
    return result
  }

  /** The run failed to start or was abandoned: no file is left behind. */
  async abandon(): Promise<void> {
    await this.chain
    await this.y4m?.abandon()
    await this.wav?.abandon()
  }
}
