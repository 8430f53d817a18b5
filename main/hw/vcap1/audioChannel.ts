import type { EventHandle } from '../../sim/eventQueue.js'
import type { TraceRecorder } from '../../sim/trace/recorder.js'
import { SECOND } from '../../contract/time.js'
import { blockAlign, type AudioFormat, type AudioGenerator } from './audioGenerator.js'
import type { DmaSource } from './busMaster.js'
import { DmaChannel, type ChannelParts } from './dmaChannel.js'
import { DESC_WB, ERR, INT } from './registers.js'

/** Audio FIFO depth and DMA burst (vcap1.md 7.6). */
export const AUDIO_FIFO_BYTES = 4096
export const AUDIO_BURST_BYTES = 128

/** The audio channel's trace tracks, names and argument layout, defined once per card. */
function defineAudioTrace(t: TraceRecorder) {
  const track = t.defineTrack({ name: 'VCAP-1 audio DMA', group: 'Hardware', kind: 'slices', order: 120 })
  const eventTrack = t.defineTrack({ name: 'VCAP-1 audio events', group: 'Hardware', kind: 'instants', order: 121 })
  const names = { chunk: t.strings.intern('period'), overrun: t.strings.intern('AUD_OVERRUN'), halted: t.strings.intern('HALTED'), error: t.strings.intern('DMA error') }
  const eventArgs = t.defineArgs('vcap1.audio', [
    { name: 'descriptor', format: 'int' },
    { name: 'bytes', format: 'int' },
    { name: 'first sample', format: 'int' },
  ])
  return { track, eventTrack, names, eventArgs }
}

/** Rendered samples of the current descriptor, readable as a DMA source. */
class RenderedChunk implements DmaSource {
  bytes = new Uint8Array(0)
  copy(offset: number, length: number, dst: Uint8Array, dstOffset: number): void {
    dst.set(this.bytes.subarray(offset, offset + length), dstOffset)
  }
}

/**
 * The audio DMA channel (vcap1.md 7.8): PCM at 48 kHz flows continuously from the generator; each
 * descriptor is a period that completes when its last sample has been produced. Without a descriptor
 * the 4 KiB FIFO absorbs about 21 ms, then samples are lost (AUD_LOST_SAMPLES, AUD_OVERRUN) while the
 * timeline keeps running, and the next chunk carries DISCONTINUITY and the true time of its first
 * sample. CYCLIC mode loops over the whole ring without clearing OWN (a WaveRT-like common buffer),
 * with AUD_POSITION as the position register. Data reaches memory in 128-byte bursts as AUD_POSITION
 * is read, and whole at completion.
 */
export class AudioChannel extends DmaChannel<AudioFormat, ReturnType<typeof defineAudioTrace>> {
  cyclic = false
  generator = 0
  /** Clock drift of the audio source in ppm (fault #25). */
  driftPpm = 0
  /** AUD_POSITION reads wobble by up to this many bursts (fault #25). */
  positionJitter = 0

  lostSamples = 0
  /** Bytes delivered by completed descriptors. */
  private completedBytes = 0
  chunkTsLo = 0
  chunkTsHi = 0

  private format: AudioFormat = { channels: 2, bitsPerSample: 16, sampleRate: 48000 }
  private frameBytes = 4
  /** The sample clock: frame `runFrames` was produced at `runAt` (RUN, or the last drift change). */
  private runAt = 0
  private runFrames = 0
  /** Sample frames handed to descriptors so far (including those lost to overrun). */
  private position = 0
  private chunkIndex = 0
  /** Samples were lost while a period was held: the period after it carries DISCONTINUITY. */
  private gapAfterChunk = false
  /** Sample frame index at the start of the held descriptor, and frames flushed to memory so far. */
  private chunkFirst = 0
  private chunkFrames = 0
  private chunkWritten = 0
  private readonly chunk = new RenderedChunk()
  private event: EventHandle | null = null
  private overrunEvent: EventHandle | null = null

  constructor(
    parts: ChannelParts,
    private readonly audio: AudioGenerator,
    private readonly rng: { int(lo: number, hi: number): number },
  ) {
    super(parts, 'audio', defineAudioTrace(parts.kernel.trace))
  }

  /**
   * Fault: the audio clock runs `ppm` fast (negative: slow) from now on. The sample clock is rebased
   * at the frame count now, so it goes on from there (a rate change, not a jump of the audio timeline).
   */
  setDrift(ppm: number): void {
    if (this.running) {
      const now = this.kernel.now()
      this.runFrames = this.produced(now)
      this.runAt = now
    }
    this.driftPpm = ppm
  }

  /** Sample frames the source has produced since RUN, at `t` (not before the last rebase). */
  private produced(t: number): number {
    const rate = this.format.sampleRate * (1 + this.driftPpm * 1e-6)
    return this.runFrames + Math.max(0, Math.floor(((t - this.runAt) * rate) / SECOND))
  }

  /** When sample frame `n` has been produced. */
  private timeOfSample(n: number): number {
    const rate = this.format.sampleRate * (1 + this.driftPpm * 1e-6)
    return this.runAt + Math.ceil(((n - this.runFrames) * SECOND) / rate)
  }

  private get fifoFrames(): number {
    return Math.floor(AUDIO_FIFO_BYTES / this.frameBytes)
  }

  /** AUD_STATUS.FIFO_FILL in percent. */
  override fifoPercent(): number {
    if (!this.running || this.descHeld) return 0
    const level = this.produced(this.kernel.now()) - this.position
    return Math.min(100, Math.round((Math.max(0, level) / this.fifoFrames) * 100))
  }

  /** AUD_POSITION as a read would see it now, without the flush or the jitter fault's draw (for inspectors). */
  peekPosition(): number {
    if (!this.descHeld) return 0
    const frames = Math.min(this.chunkFrames, Math.max(0, this.produced(this.kernel.now()) - this.chunkFirst))
    return Math.floor((frames * this.frameBytes) / AUDIO_BURST_BYTES) * AUDIO_BURST_BYTES
  }

  /** AUD_POSITION: bytes written into the current descriptor, in whole bursts. Flushes them to memory. */
  readPosition(): number {
    if (!this.descHeld) return 0
    const now = this.kernel.now()
    const frames = Math.min(this.chunkFrames, Math.max(0, this.produced(now) - this.chunkFirst))
    let bytes = Math.floor((frames * this.frameBytes) / AUDIO_BURST_BYTES) * AUDIO_BURST_BYTES
    if (this.positionJitter > 0) {
      bytes += this.rng.int(-this.positionJitter, this.positionJitter) * AUDIO_BURST_BYTES
      bytes = Math.max(0, Math.min(this.chunkFrames * this.frameBytes, bytes))
    }
    this.flush(Math.floor(bytes / this.frameBytes))
    return bytes
  }

  /**
   * AUD_LOST_SAMPLES: the count grows while an overrun loses samples (no descriptor, FIFO full), not
   * only when the next descriptor arrives and the loss is settled (the same sum as in advance()).
   */
  lostSamplesNow(): number {
    if (!this.running || this.stopping || this.descHeld) return this.lostSamples
    const losing = Math.max(0, this.produced(this.kernel.now()) - this.position - this.fifoFrames)
    return (this.lostSamples + losing) >>> 0
  }

  /** AUD_BYTES: total bytes delivered. */
  totalBytes(): number {
    return this.completedBytes + (this.descHeld ? this.chunkWritten * this.frameBytes : 0)
  }

  /** RUN 0 -> 1 with a valid format: the sample clock starts now. */
  protected override begin(format: AudioFormat): void {
    this.format = format
    this.frameBytes = blockAlign(format)
    this.runAt = this.kernel.now()
    this.runFrames = 0
    this.position = 0
    this.chunkIndex = 0
    this.running = true
    this.halted = false
    this.stopping = false
    this.descHeld = false
    this.advance()
  }

  /** RUN 1 -> 0: finish the current burst, write back what was captured as ABORTED, then HALTED. */
  protected override beginStop(): void {
    this.cancelEvents()
    const k = this.kernel
    const burstNs = Math.ceil((AUDIO_BURST_BYTES / (this.frameBytes * this.format.sampleRate)) * SECOND)
    this.stopEvent = k.scheduleHw(k.now() + burstNs, this.onStop, this)
  }

  protected override forgetStream(): void {
    this.gapAfterChunk = false
  }

  protected override cancelEvents(): void {
    this.event = this.cancelled(this.event)
    this.cancelOverrun()
  }

  protected override idle(): void {}

  override doorbell(): void {
    if (this.running && !this.stopping && !this.descHeld) this.advance()
  }

  /** Fault: `frames` sample frames are lost now (a glitch). */
  loseSamples(frames: number): void {
    if (!this.running) return
    this.position += frames
    this.lostSamples = (this.lostSamples + frames) >>> 0
    this.irq.raise(INT.AUD_OVERRUN)
    // The current period was rendered whole when it was taken, so the gap falls after it: the next
    // period starts `frames` later and carries DISCONTINUITY (the current one, and AUD_POSITION, stay
    // as they were: moving chunkFirst would make the position go backwards).
    if (this.descHeld) this.gapAfterChunk = true
    else this.discontinuity = true
  }

  private advance(): void {
    const k = this.kernel
    const now = k.now()
    if (!this.running || this.stopping || this.descHeld) return
    if (this.cyclic ? this.ring.count === 0 : this.ring.available === 0) {
      this.armOverrun(now)
      return
    }
    const d = this.desc
    const fetched = this.fetchDescriptor(0x100000, this.frameBytes)
    if (fetched === 'failed') return
    if (fetched === 'not-owned') {
      this.armOverrun(now)
      return
    }
    if (d.length % this.frameBytes !== 0) return this.fail(ERR.LEN_INVALID, d.address, d.index)
    this.cancelOverrun()
    // Samples that did not fit the FIFO while no descriptor was there are gone.
    const lost = Math.max(0, this.produced(now) - this.position - this.fifoFrames)
    if (lost > 0) {
      this.position += lost
      this.lostSamples = (this.lostSamples + lost) >>> 0
      this.discontinuity = true
    }
    this.descHeld = true
    this.chunkFirst = this.position
    this.chunkFrames = d.length / this.frameBytes
    this.chunkWritten = 0
    if (this.chunk.bytes.length < d.length) this.chunk.bytes = new Uint8Array(d.length)
    this.audio.render(this.format, this.generator, this.chunkFirst, this.chunkFrames, this.chunk.bytes, 0)
    this.ts.at(this.timeOfSample(this.chunkFirst))
    this.chunkTsLo = this.ts.lo
    this.chunkTsHi = this.ts.hi
    this.position += this.chunkFrames
    const done = Math.max(now, this.timeOfSample(this.chunkFirst + this.chunkFrames))
    this.event = k.scheduleHw(done, this.onComplete, this)
  }

  /** Writes the samples of the held descriptor up to frame `upTo` (relative) into memory. */
  private flush(upTo: number): boolean {
    if (upTo <= this.chunkWritten) return true
    const from = this.chunkWritten * this.frameBytes
    if (!this.dmaWrite(from, (upTo - this.chunkWritten) * this.frameBytes, this.chunk, from)) return false
    this.chunkWritten = upTo
    return true
  }

  private readonly onComplete = (): void => {
    this.event = null
    const k = this.kernel
    const d = this.desc
    if (!this.flush(this.chunkFrames)) return
    const start = this.timeOfSample(this.chunkFirst)
    k.trace.slice(this.trace.track, start, k.now() - start, this.trace.names.chunk, 0, this.trace.eventArgs, d.index, d.length, this.chunkFirst)
    if (this.onChainEnd !== null && k.trace.enabled) this.onChainEnd(d.address, start, this.trace.track)
    if (!this.completeChunk(0)) return
    this.advance()
  }

  /** Writes back the held period (CYCLIC keeps OWN). False when the writeback aborted. */
  private completeChunk(extra: number): boolean {
    let status = DESC_WB.DONE | extra | ((this.chunkIndex & 0xffff) << 16)
    if (this.discontinuity) status |= DESC_WB.DISCONTINUITY
    if (!this.writeBack(status, this.chunkWritten * this.frameBytes, this.chunkTsLo, this.chunkTsHi, this.cyclic)) return false
    this.discontinuity = this.gapAfterChunk
    this.gapAfterChunk = false
    this.completedBytes += this.chunkWritten * this.frameBytes
    this.chunkIndex++
    this.completionInterrupt()
    return true
  }

  /** No descriptor: the FIFO fills; when it is full, samples start being lost (AUD_OVERRUN). */
  private armOverrun(now: number): void {
    if (this.overrunEvent !== null) return
    const full = this.timeOfSample(this.position + this.fifoFrames)
    this.overrunEvent = this.kernel.scheduleHw(Math.max(now, full), this.onOverrun, this)
  }

  private cancelOverrun(): void {
    this.overrunEvent = this.cancelled(this.overrunEvent)
  }

  private readonly onOverrun = (): void => {
    this.overrunEvent = null
    if (!this.running || this.descHeld) return
    this.discontinuity = true
    this.kernel.trace.instant(this.trace.eventTrack, this.kernel.now(), this.trace.names.overrun, this.trace.eventArgs, this.ring.head, 0, this.position)
    this.irq.raise(INT.AUD_OVERRUN)
  }

  private readonly onStop = (): void => {
    this.stopEvent = null
    if (this.descHeld) {
      const frames = Math.min(this.chunkFrames, Math.max(0, this.produced(this.kernel.now()) - this.chunkFirst))
      if (!this.flush(frames)) return
      if (!this.completeChunk(DESC_WB.ABORTED)) return
    }
    this.halt(this.ring.head, 0, this.position)
  }
}
