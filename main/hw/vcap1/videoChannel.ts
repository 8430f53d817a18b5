// The video DMA channel. Over 500 lines because it is one state machine: the SOF schedule, the DMA
// engine, FIFO overflow and the stop handshake all act on the same two frames and transfer in flight.
import type { EventHandle } from '../../sim/eventQueue.js'
import type { TraceRecorder } from '../../sim/trace/recorder.js'
import { US } from '../../contract/time.js'
import type { DmaSource } from './busMaster.js'
import { DmaChannel, type ChannelParts } from './dmaChannel.js'
import type { PatternGenerator, PreparedFrame } from './patterns.js'
import { FifoModel } from './fifoModel.js'
import { frameBytes } from './pixelFormats.js'
import { DESC_WB, ERR, INT } from './registers.js'
import { CorruptingSource, Frame, totalLines, type FrameFault, type VideoRunConfig } from './videoFrame.js'

/** Descriptor fetch and writeback latencies (vcap1.md 7.6). */
export const FETCH_LATENCY_NS = 1 * US
export const WRITEBACK_LATENCY_NS = 500
/** Default video FIFO depth. */
export const VIDEO_FIFO_BYTES = 256 * 1024

const enum Engine {
  /** No frame to work on: waiting for SOF. */
  Idle,
  /** A frame needs a descriptor and none is available: the FIFO fills. */
  Starved,
  /** A descriptor transfer is scheduled (completion event pending). */
  Busy,
}

/** The video channel's trace tracks, names and argument layouts, defined once per card. */
function defineVideoTrace(t: TraceRecorder) {
  const dmaTrack = t.defineTrack({ name: 'VCAP-1 video DMA', group: 'Hardware', kind: 'slices', order: 110 })
  const frameTrack = t.defineTrack({ name: 'VCAP-1 video frames', group: 'Hardware', kind: 'slices', order: 111 })
  const fifoTrack = t.defineTrack({ name: 'VCAP-1 video FIFO', group: 'Hardware', kind: 'counter', order: 112, unit: 'bytes' })
  const eventTrack = t.defineTrack({ name: 'VCAP-1 video events', group: 'Hardware', kind: 'instants', order: 113 })
  const s = (x: string) => t.strings.intern(x)
  const names = {
    fetch: s('fetch'),
    write: s('write'),
    writeback: s('writeback'),
    frame: s('frame'),
    fifo: s('FIFO'),
    sof: s('SOF'),
    starved: s('STARVED'),
    overflow: s('FIFO_OVF'),
    halted: s('HALTED'),
    error: s('DMA error'),
    dropped: s('frame dropped'),
    aborted: s('ABORTED'),
  }
  const dmaArgs = t.defineArgs('vcap1.dma', [
    { name: 'descriptor', format: 'int' },
    { name: 'bytes', format: 'int' },
    { name: 'address', format: 'hex' },
  ])
  const frameArgs = t.defineArgs('vcap1.frame', [
    { name: 'sequence', format: 'int' },
    { name: 'bytes', format: 'int' },
    { name: 'status', format: 'flags:VCAP1_WB' },
  ])
  const eventArgs = t.defineArgs('vcap1.event', [
    { name: 'sequence', format: 'int' },
    { name: 'value', format: 'int' },
  ])
  t.defineEnum('VCAP1_WB', { 0: 'DONE', 1: 'ERROR', 2: 'TRUNCATED', 3: 'DISCONTINUITY', 4: 'ABORTED' })
  return { dmaTrack, frameTrack, fifoTrack, eventTrack, names, dmaArgs, frameArgs, eventArgs }
}

/**
 * The video DMA channel (vcap1.md 7.5, 7.6): an absolute frame schedule SOF(n) = t_run + n·T, lines
 * entering the FIFO at the source rate, the DMA engine draining it into descriptors at bus bandwidth
 * with fetch and writeback latency, overflow and drop-on-starvation, the stop handshake, and errors
 * that halt and latch. Time is computed analytically per descriptor: one event per descriptor
 * completion (plus SOF, overflow and stop), never per byte or line.
 */
export class VideoChannel extends DmaChannel<VideoRunConfig, ReturnType<typeof defineVideoTrace>> {
  // Live flags the device updates on register writes (GCTRL, VID_CTRL).
  stopAtEof = false
  tsAtEof = false
  /** VID_PATTERN (pattern id and overlay flags): read when each frame is prepared. */
  pattern = 0x200
  /** Drain bandwidth in bytes per ns (400 MB/s = 0.4). */
  bandwidth = 0.4
  /** The FIFO's timing model (fifoModel.ts). */
  readonly fifo = new FifoModel(VIDEO_FIFO_BYTES)
  /** The FIFO's depth in bytes (a setting). */
  get fifoBytes(): number {
    return this.fifo.depth
  }
  set fifoBytes(bytes: number) {
    this.fifo.depth = bytes
  }
  maxSgLen = 0x100000

  // Counters (registers).
  frameCount = 0
  deliveredCount = 0
  dropCount = 0
  /**
   * Frames cut short by RUN 1 -> 0 (begun, neither delivered nor dropped when the stop came). Not a
   * register: the workbench's own count, so the report can tell frames a stop ended from drops.
   */
  abortedCount = 0
  lastTsLo = 0
  lastTsHi = 0

  // State.
  /** The next RUN starts VID_FRAME_CNT here (the sequence-wrap fault). */
  frameCountStart = 0
  /** Frames the source has produced since power-up; the stamp of a frame carries its number. */
  sourceFrames = 0

  // Faults (vcap1.md 7.10), set by the fault injector.
  /** Asked at each SOF what happens to that frame. */
  frameFault: (sequence: number) => FrameFault = () => null
  slowFactor = 1
  hangOnStop = false
  signalLost = false
  /** DMA timeout fault: the engine has frozen and moves no more data until the channel is started again. */
  private frozen = false

  private config: VideoRunConfig | null = null
  private lineNs = 0
  private runAt = 0
  private nextSof = 0
  private sofIndex = 0
  private cur = new Frame()
  private next = new Frame()
  private engine = Engine.Idle
  private descPlaced = 0
  // The transfer in progress.
  private xferStart = 0
  private xferBytes = 0
  private xferEnd = 0
  private fetchStart = 0
  private sofEvent: EventHandle | null = null
  private engineEvent: EventHandle | null = null
  private readonly corrupting = new CorruptingSource()
  /** The FIFO level last put on the trace (the counter is recorded when it moves). */
  private tracedLevel = 0

  constructor(
    parts: ChannelParts,
    private readonly patterns: PatternGenerator,
  ) {
    super(parts, 'video', defineVideoTrace(parts.kernel.trace))
  }

  get inFrame(): boolean {
    return this.cur.active
  }

  /** VID_STATUS.FIFO_FILL: the FIFO level now, in percent. */
  override fifoPercent(): number {
    return Math.min(100, Math.round((this.fifoLevel(this.kernel.now()) / this.fifoBytes) * 100))
  }

  /** RUN 0 -> 1 with a valid configuration: the frame schedule starts one line time from now. */
  protected override begin(config: VideoRunConfig): void {
    const k = this.kernel
    this.config = config
    this.fifo.frameSize = frameBytes(config.layout)
    this.lineNs = config.intervalNs / totalLines(config.layout.height)
    this.fifo.activeNs = this.lineNs * config.layout.height
    this.running = true
    this.halted = false
    this.stopping = false
    this.frozen = false
    this.frameCount = this.frameCountStart >>> 0
    this.frameCountStart = 0
    this.deliveredCount = 0
    this.runAt = k.now()
    this.sofIndex = 0
    this.cur.active = false
    this.next.active = false
    this.engine = Engine.Idle
    this.descHeld = false
    this.scheduleSof()
  }

  /** RUN 1 -> 0: finish the frame (STOP_AT_EOF) or the current line, then HALTED. */
  protected override beginStop(): void {
    this.cancelSof()
    // A frame that overflowed while starved has nothing left to finish: stop as if between frames.
    const unfinishable = this.cur.discard && this.engine === Engine.Starved
    const finishesCurrent = this.stopAtEof && this.cur.active && !this.frozen && !unfinishable && !this.hangOnStop
    // Frames begun and not yet delivered or dropped end here (STOP_AT_EOF finishes the current one).
    if (this.cur.active && !this.cur.dropped && !finishesCurrent) this.abortedCount++
    if (this.next.active && !this.next.dropped) this.abortedCount++
    if (this.hangOnStop) {
      // The engine hangs: no more DMA, and HALTED never comes.
      this.cancelEngine()
      this.engine = Engine.Idle
      return
    }
    const k = this.kernel
    const now = k.now()
    if (finishesCurrent) {
      // Finish the frame; the frame end halts the channel.
      this.next.active = false
      return
    }
    if (this.engine === Engine.Busy && this.cur.active) {
      // Finish the current line, write back what reached memory, and halt.
      const stopAt = Math.ceil(Math.min(this.xferEnd, now + this.lineNs))
      this.cancelEngine()
      this.stopEvent = k.scheduleHw(stopAt + WRITEBACK_LATENCY_NS, this.onStopAbort, this)
      return
    }
    this.cancelEngine()
    this.stopEvent = k.scheduleHw(now + US, this.onHalt, this)
  }

  protected override forgetStream(): void {
    this.cur.active = false
    this.next.active = false
  }

  protected override cancelEvents(): void {
    this.cancelSof()
    this.cancelEngine()
  }

  /** No frame in flight: what every way of stopping ends in. */
  protected override idle(): void {
    this.cur.active = false
    this.next.active = false
    this.engine = Engine.Idle
  }

  override doorbell(): void {
    if (this.running && !this.frozen && this.engine === Engine.Starved) this.advance()
  }

  /** DMA timeout fault: the engine stops making progress, silently. */
  freeze(): void {
    this.frozen = true
    this.cancelEngine()
    this.engine = Engine.Idle
  }

  /** The end of a DMA timeout: the card notices and halts with DMA_TIMEOUT. */
  timeout(): void {
    if (this.running) this.fail(ERR.DMA_TIMEOUT, 0, this.ring.head)
  }

  // ---------------------------------------------------------------- frame schedule

  private scheduleSof(): void {
    const config = this.config!
    // SOF(n) = t_run + t_lock + n·T: absolute, no drift. The source locks within one line time of
    // RUN, so a driver that reads VID_FRAME_CNT right after RUN gets the first frame's sequence.
    this.nextSof = this.runAt + Math.round(this.lineNs + this.sofIndex * config.intervalNs)
    this.sofEvent = this.kernel.scheduleHw(this.nextSof, this.onSof, this)
  }

  private cancelSof(): void {
    this.sofEvent = this.cancelled(this.sofEvent)
  }

  private readonly onSof = (): void => {
    this.sofEvent = null
    if (!this.running || this.stopping) return
    const k = this.kernel
    const now = k.now()
    this.sofIndex++
    this.scheduleSof()
    if (this.signalLost || this.frozen) return
    const sequence = this.frameCount
    this.frameCount = (this.frameCount + 1) >>> 0
    // The source numbers every frame it makes, captured or not, across runs (the stamps carry it).
    this.sourceFrames = (this.sourceFrames + 1) >>> 0
    k.trace.instant(this.trace.eventTrack, now, this.trace.names.sof, this.trace.eventArgs, sequence, 0)
    this.irq.raise(INT.VID_SOF)
    const fault = this.frameFault(sequence)
    if (fault === 'drop') {
      this.dropFrame(sequence, 'source frame drop (fault)')
      return
    }
    // A third frame cannot fit behind two in flight: it is lost to the FIFO.
    if (this.cur.active && this.next.active) {
      this.dropFrame(sequence, 'FIFO full with two frames')
      this.irq.raise(INT.VID_FIFO_OVF)
      return
    }
    const f = this.cur.active ? this.next : this.cur
    this.beginFrame(f, sequence, now, fault)
    if (f === this.cur) this.advance()
    else if (this.engine === Engine.Starved) this.armStarvedOverflow()
  }

  private beginFrame(f: Frame, sequence: number, now: number, fault: FrameFault): void {
    const config = this.config!
    f.active = true
    f.sequence = sequence
    f.sourceSequence = this.sourceFrames
    f.sof = now
    this.ts.at(now)
    f.tsLo = this.ts.lo
    f.tsHi = this.ts.hi
    f.ts = this.ts.hi * 0x1_0000_0000 + this.ts.lo
    f.payload = this.fifo.frameSize
    if (fault === 'short') {
      const lines = Math.max(1, Math.floor(config.layout.height * 0.6))
      f.payload = Math.min(this.fifo.frameSize, lines * config.layout.stride)
    }
    f.placed = 0
    f.mode = 0
    f.discard = false
    f.dropped = false
    f.truncated = fault === 'short'
    f.corrupt = fault === 'corrupt'
    f.started = false
    f.prepared = null
    if (fault === 'overflow') {
      // Forced overflow mid-frame: the FIFO gives up half way through the active lines.
      this.kernel.scheduleHw(now + Math.round(this.fifo.activeNs / 2), this.onForcedOverflow, f)
    }
  }

  private dropFrame(sequence: number, why: string): void {
    this.dropCount = (this.dropCount + 1) >>> 0
    this.discontinuity = true
    this.kernel.trace.instant(this.trace.eventTrack, this.kernel.now(), this.trace.names.dropped, this.trace.eventArgs, sequence, 0, 0, why)
  }

  // ---------------------------------------------------------------- the DMA engine

  /** Works on the current frame until it needs an event: a completion, a descriptor, or the next SOF. */
  private advance(): void {
    const k = this.kernel
    for (;;) {
      if (!this.running || this.frozen || this.engine === Engine.Busy) return
      const f = this.cur
      if (!f.active) {
        this.engine = Engine.Idle
        if (this.next.active) {
          this.promote()
          continue
        }
        if (this.stopping) this.halt()
        return
      }
      if (!this.descHeld && !this.takeDescriptor(f)) return
      if (!this.running) return
      this.startTransfer(f, k.now())
      return
    }
  }

  /** Fetches and checks the descriptor at HEAD. False when there is none (the engine starves) or it failed. */
  private takeDescriptor(f: Frame): boolean {
    const ring = this.ring
    const now = this.kernel.now()
    if (ring.available === 0) return this.starve(f, now)
    const d = this.desc
    const fetched = this.fetchDescriptor(this.maxSgLen, 4)
    if (fetched === 'failed') return false
    if (fetched === 'not-owned') return this.starve(f, now)
    if (f.mode === 0) {
      if (d.sof) f.mode = 1
      else if (!d.eof) f.mode = 2
      else {
        this.fail(ERR.BAD_CONFIG, ring.addressOf(d.index), d.index)
        return false
      }
    } else if (f.mode === 1 && d.sof) {
      this.fail(ERR.BAD_CONFIG, ring.addressOf(d.index), d.index)
      return false
    }
    this.descHeld = true
    this.descPlaced = 0
    this.fetchStart = now
    return true
  }

  /** No descriptor: at SOF without LATE_START the frame is dropped; otherwise the FIFO absorbs. */
  private starve(f: Frame, now: number): boolean {
    if (!f.started && !f.discard && !this.config!.lateStart) {
      this.irq.raise(INT.VID_STARVED)
      this.kernel.trace.instant(this.trace.eventTrack, now, this.trace.names.starved, this.trace.eventArgs, f.sequence, 0)
      this.dropFrame(f.sequence, 'no owned descriptor at SOF')
      f.active = false
      this.engine = Engine.Idle
      this.afterFrame()
      return false
    }
    if (this.stopping && f.discard) {
      // Stopping at EOF, but the frame overflowed and its chain ran out: waiting for its EOF could hang
      // the stop handshake forever, and nothing of it can be delivered anyway. Halt now.
      this.halt()
      return false
    }
    this.engine = Engine.Starved
    this.armStarvedOverflow()
    return false
  }

  private startTransfer(f: Frame, now: number): void {
    const k = this.kernel
    const d = this.desc
    f.started = true
    // A starved engine has its overflow armed; the descriptor that ends the starvation disarms it
    // (otherwise a late doorbell within the FIFO slack would still drop the frame).
    this.cancelEngine()
    const fetchDone = Math.max(now, this.fetchStart) + FETCH_LATENCY_NS * this.slowFactor
    const room = d.length - this.descPlaced
    const bytes = f.discard || f.placed >= f.payload ? 0 : Math.min(room, f.payload - f.placed)
    const rate = this.bandwidth / this.slowFactor
    let end = fetchDone + bytes / rate
    if (bytes > 0) end = Math.max(end, this.fifo.availableAt(f, f.placed + bytes))
    end = Math.ceil(end)
    this.xferStart = fetchDone
    this.xferBytes = bytes
    this.xferEnd = end
    this.engine = Engine.Busy
    // Does the FIFO overflow before this descriptor is done?
    const overflowAt = f.discard ? -1 : this.fifo.overflowTime(now, end, f, this.next, this.nextSof, fetchDone, this.xferBytes, rate)
    if (overflowAt >= 0) {
      this.engineEvent = k.scheduleHw(overflowAt, this.onOverflow, this)
      return
    }
    this.engineEvent = k.scheduleHw(end + WRITEBACK_LATENCY_NS, this.onComplete, this)
  }

  private readonly onComplete = (): void => {
    this.engineEvent = null
    const k = this.kernel
    const f = this.cur
    const d = this.desc
    const now = k.now()
    const end = now - WRITEBACK_LATENCY_NS
    const bytes = this.xferBytes
    k.trace.slice(this.trace.dmaTrack, this.fetchStart, this.xferStart - this.fetchStart, this.trace.names.fetch, 0, this.trace.dmaArgs, d.index, d.length, d.address)
    if (bytes > 0) {
      this.traceFifo(this.xferStart)
      k.trace.slice(this.trace.dmaTrack, this.xferStart, end - this.xferStart, this.trace.names.write, 0, this.trace.dmaArgs, d.index, bytes, d.address + this.descPlaced)
      if (!this.writeData(f, bytes)) return
    }
    k.trace.slice(this.trace.dmaTrack, end, WRITEBACK_LATENCY_NS, this.trace.names.writeback, 0, this.trace.dmaArgs, d.index, this.descPlaced, d.address)
    this.engine = Engine.Idle
    const dataDone = f.discard || f.placed >= f.payload
    const full = this.descPlaced >= d.length
    if (f.mode === 1) {
      if (d.eof) {
        if (!dataDone) f.truncated = true
        this.finishFrame()
      } else if (full || dataDone) {
        if (!this.completeDescriptor(0)) return
      }
    } else if (dataDone) this.finishFrame()
    else if (full && !this.completeDescriptor(0)) return
    this.traceFifo(now)
    this.advance()
  }

  /** Puts the FIFO level on its counter track when it moved by 4 KiB or more (or emptied). */
  private traceFifo(t: number): void {
    const trace = this.kernel.trace
    if (!trace.enabled) return
    const level = Math.round(this.fifoLevel(t))
    if (Math.abs(level - this.tracedLevel) < 4096 && (level !== 0 || this.tracedLevel === 0)) return
    this.tracedLevel = level
    trace.counter(this.trace.fifoTrack, t, this.trace.names.fifo, level)
  }

  /** Copies the transfer's bytes into memory. False when the write aborted (the channel halted). */
  private writeData(f: Frame, bytes: number): boolean {
    let source: DmaSource = this.preparedFrame(f)
    if (f.corrupt) {
      const c = this.corrupting
      c.inner = source as PreparedFrame
      c.from = Math.floor(f.payload * 0.4)
      c.to = Math.floor(f.payload * 0.45)
      source = c
    }
    if (!this.dmaWrite(this.descPlaced, bytes, source, f.placed)) return false
    f.placed += bytes
    this.descPlaced += bytes
    return true
  }

  private preparedFrame(f: Frame): PreparedFrame {
    if (f.prepared === null) {
      const config = this.config!
      f.prepared = this.patterns.prepare(config.layout, this.pattern, {
        sequence: f.sourceSequence,
        timestamp: f.ts,
        dropped: this.dropCount,
        elapsedNs: f.sof - this.runAt,
      })
    }
    return f.prepared
  }

  /** Writes back a descriptor that is not the frame's last. */
  private completeDescriptor(status: number): boolean {
    const f = this.cur
    const wb = DESC_WB.DONE | status | ((f.sequence & 0xffff) << 16)
    if (!this.writeBack(wb, this.descPlaced, f.tsLo, f.tsHi)) return false
    this.completionInterrupt()
    return true
  }

  /** The frame's last descriptor: final status, counters, IOC; then the next frame. */
  private finishFrame(): void {
    const k = this.kernel
    const f = this.cur
    const d = this.desc
    const now = k.now()
    let tsLo = f.tsLo
    let tsHi = f.tsHi
    if (this.tsAtEof) {
      this.ts.at(Math.round(f.sof + this.fifo.activeNs))
      tsLo = this.ts.lo
      tsHi = this.ts.hi
    }
    let status = DESC_WB.DONE | ((f.sequence & 0xffff) << 16)
    if (f.truncated || f.dropped) status |= DESC_WB.TRUNCATED
    if (f.corrupt) status |= DESC_WB.ERROR
    if (this.discontinuity && !f.dropped) status |= DESC_WB.DISCONTINUITY
    if (!this.writeBack(status, this.descPlaced, tsLo, tsHi)) return
    if (!f.dropped) {
      this.deliveredCount = (this.deliveredCount + 1) >>> 0
      this.lastTsLo = tsLo
      this.lastTsHi = tsHi
      this.discontinuity = false
    }
    k.trace.slice(this.trace.frameTrack, f.sof, now - f.sof, this.trace.names.frame, 0, this.trace.frameArgs, f.sequence, f.placed, status & 0xff)
    if (this.onChainEnd !== null && k.trace.enabled) this.onChainEnd(d.address, this.xferBytes > 0 ? this.xferStart : now - WRITEBACK_LATENCY_NS, this.trace.dmaTrack)
    f.active = false
    f.prepared = null
    this.completionInterrupt()
    this.afterFrame()
  }

  private afterFrame(): void {
    if (this.stopping && this.stopAtEof) {
      this.next.active = false
      this.halt()
      return
    }
    if (this.next.active) this.promote()
  }

  private promote(): void {
    const done = this.cur
    this.cur = this.next
    this.next = done
    this.next.active = false
  }

  // ---------------------------------------------------------------- FIFO (fifoModel.ts)

  /** FIFO level at `t`: produced but not yet placed (a discarded frame's input is thrown away). */
  fifoLevel(t: number): number {
    const f = this.cur
    let level = 0
    if (f.active && !f.discard) {
      let placed = f.placed
      if (this.engine === Engine.Busy && t > this.xferStart) placed += Math.min(this.xferBytes, (t - this.xferStart) * (this.bandwidth / this.slowFactor))
      level += Math.max(0, this.fifo.produced(f, t) - placed)
    }
    if (this.next.active) level += this.fifo.produced(this.next, t)
    return level
  }

  /** Starved: when will the FIFO overflow if no descriptor comes? */
  private armStarvedOverflow(): void {
    const k = this.kernel
    const f = this.cur
    this.cancelEngine()
    if (!f.active) return
    const now = k.now()
    const horizon = Math.max(f.sof + this.fifo.activeNs, this.next.active ? this.next.sof + this.fifo.activeNs : this.nextSof)
    this.xferBytes = 0
    const at = f.discard ? -1 : this.fifo.overflowTime(now, Math.max(now, horizon), f, this.next, this.nextSof, Infinity, this.xferBytes, 0)
    if (at >= 0) this.engineEvent = k.scheduleHw(at, this.onOverflow, this)
  }

  private readonly onForcedOverflow = (f: Frame): void => {
    if (f !== this.cur || !f.active || f.discard || !this.running) return
    this.overflow('forced FIFO overflow (fault)')
  }

  private readonly onOverflow = (): void => {
    this.engineEvent = null
    this.overflow('FIFO overflow')
  }

  /**
   * The FIFO overflowed: what reached memory stays, the rest of the frame is thrown away, the frame
   * counts as dropped, and its chain is consumed up to EOF so the ring stays in step with frames.
   */
  private overflow(why: string): void {
    const k = this.kernel
    const now = k.now()
    const f = this.cur
    this.cancelEngine()
    if (this.engine === Engine.Busy && this.descHeld) {
      const rate = this.bandwidth / this.slowFactor
      // The engine can have moved only what the source had produced (a transfer paced by the source
      // runs below bus speed), as in onStopAbort; lines not yet captured never reach memory.
      const drained = Math.min(this.xferBytes, (now - this.xferStart) * rate, this.fifo.produced(f, now) - f.placed)
      const moved = Math.max(0, Math.floor(drained / 4) * 4)
      if (moved > 0 && !this.writeData(f, moved)) return
    }
    this.engine = Engine.Idle
    this.irq.raise(INT.VID_FIFO_OVF)
    k.trace.instant(this.trace.eventTrack, now, this.trace.names.overflow, this.trace.eventArgs, f.sequence, f.placed, 0, why)
    this.dropFrame(f.sequence, why)
    f.discard = true
    f.dropped = true
    if (!f.started) {
      // LATE_START and no descriptor ever came: nothing of the frame is in memory.
      f.active = false
      this.afterFrame()
      this.advance()
      return
    }
    if (this.descHeld) {
      if (f.mode === 2 || this.desc.eof) this.finishFrame()
      else if (!this.completeDescriptor(0)) return
    }
    this.advance()
  }

  // ---------------------------------------------------------------- stop, halt, errors

  private readonly onStopAbort = (): void => {
    this.stopEvent = null
    const f = this.cur
    if (this.descHeld && f.active) {
      const rate = this.bandwidth / this.slowFactor
      const now = this.kernel.now() - WRITEBACK_LATENCY_NS
      let moved = Math.min(this.xferBytes, Math.max(0, (now - this.xferStart) * rate), Math.max(0, this.fifo.produced(f, now) - f.placed))
      moved = Math.floor(moved / 4) * 4
      if (moved > 0 && !this.writeData(f, moved)) return
      this.kernel.trace.instant(this.trace.eventTrack, this.kernel.now(), this.trace.names.aborted, this.trace.eventArgs, f.sequence, this.descPlaced)
      const status = DESC_WB.DONE | DESC_WB.ABORTED | ((f.sequence & 0xffff) << 16)
      if (!this.writeBack(status, this.descPlaced, f.tsLo, f.tsHi)) return
      this.completionInterrupt()
    }
    this.halt()
  }

  private readonly onHalt = (): void => {
    this.stopEvent = null
    this.halt()
  }

  /** HALTED, with the frame count on the trace. */
  protected override halt(): void {
    super.halt(this.frameCount, 0, 0)
  }

  private cancelEngine(): void {
    this.engineEvent = this.cancelled(this.engineEvent)
  }
}
