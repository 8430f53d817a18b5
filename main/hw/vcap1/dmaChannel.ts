// The DMA channel core the video and audio channels share (vcap1.md 7.5): RUN/HALTED, the held
// descriptor (fetch, DMA, writeback), the doorbell, CH_RESET, and the error latch that halts.
import type { EventHandle } from '../../sim/eventQueue.js'
import type { Kernel } from '../../sim/kernel.js'
import type { BusMaster, DmaSource } from './busMaster.js'
import { Descriptor, type DescriptorRing } from './descriptorRing.js'
import type { InterruptBlock } from './interruptBlock.js'
import { ERR, INT, errorCauseName } from './registers.js'
import type { TimestampCounter } from './timestampCounter.js'

/** The trace ids every channel has: its event track and the names and args of HALTED and errors. */
export interface ChannelTrace {
  eventTrack: number
  eventArgs: number
  names: { halted: number; error: number }
}

/** The parts of the card every channel works with (its ring is its own). */
export interface ChannelParts {
  kernel: Kernel
  ring: DescriptorRing
  port: BusMaster
  irq: InterruptBlock
  ts: TimestampCounter
}

/**
 * What fetchDescriptor found at HEAD: a valid descriptor ('taken'), one the driver has not handed over
 * with STRICT_DESC off ('not-owned': the channel waits), or a failure that halted the channel.
 */
export type Fetch = 'taken' | 'not-owned' | 'failed'

/**
 * One DMA channel of the card, `C` being what RUN latches (the video layout and interval, the audio
 * format). The subclass schedules its own events; this core owns the states every channel goes
 * through: RUN 0 -> 1 refused or started, the stop handshake begun, HALTED, and errors latched in
 * VID_ERROR/AUD_ERROR with the faulting address and descriptor.
 */
export abstract class DmaChannel<C, T extends ChannelTrace> {
  // Live flags the device updates on register writes (GCTRL).
  strict = false
  /** Told when a chain's last descriptor is written back: its buffer address and the write slice (trace flows). */
  onChainEnd: ((address: number, sliceStart: number, track: number) => void) | null = null
  /** Called when an error halts the channel: the card clears the channel's CTRL.RUN (vcap1.md 7.5). */
  onError: () => void = () => {}

  running = false
  halted = true
  stopping = false
  error = 0
  errorAddress = 0
  errorDescriptor = 0

  /** The descriptor the engine holds (fetched from HEAD, not yet written back). */
  protected readonly desc = new Descriptor()
  protected descHeld = false
  /** The next writeback carries DISCONTINUITY (frames or samples were lost). */
  protected discontinuity = false
  protected stopEvent: EventHandle | null = null
  /** Register prefix, 'VID' or 'AUD': the error register and the interrupt bits. */
  private readonly prefix: 'VID' | 'AUD'
  private readonly irqBits: { ioc: number; dmaError: number; halted: number }
  protected readonly kernel: Kernel
  readonly ring: DescriptorRing
  protected readonly port: BusMaster
  protected readonly irq: InterruptBlock
  protected readonly ts: TimestampCounter

  constructor(
    parts: ChannelParts,
    /** 'video' or 'audio': bus master accesses and messages. */
    private readonly kind: 'video' | 'audio',
    protected readonly trace: T,
  ) {
    this.kernel = parts.kernel
    this.ring = parts.ring
    this.port = parts.port
    this.irq = parts.irq
    this.ts = parts.ts
    const prefix = kind === 'video' ? 'VID' : 'AUD'
    this.prefix = prefix
    this.irqBits = { ioc: INT[`${prefix}_IOC`], dmaError: INT[`${prefix}_DMA_ERR`], halted: INT[`${prefix}_HALTED`] }
  }

  /** RUN 0 -> 1. Returns a BAD_CONFIG reason, or null when the channel started (or was not halted). */
  start(config: C, configProblem: string | null): string | null {
    if (!this.halted) return null
    if (this.error !== 0) return 'the channel has an error latched: CH_RESET first'
    if (configProblem !== null) {
      this.fail(ERR.BAD_CONFIG, 0, this.ring.head)
      return configProblem
    }
    this.begin(config)
    return null
  }

  /** RUN 1 -> 0: the stop handshake (HALTED follows). */
  stop(): void {
    if (this.halted || this.stopping) return
    this.stopping = true
    this.beginStop()
  }

  /** CH_RESET: only while halted. Returns false when ignored. */
  reset(): boolean {
    if (!this.halted) return false
    this.error = 0
    this.errorAddress = 0
    this.errorDescriptor = 0
    this.ring.resetIndices()
    this.discontinuity = false
    this.descHeld = false
    this.forgetStream()
    return true
  }

  /** Soft reset, power loss or an error: no more events, nothing in flight, HALTED, no handshake. */
  kill(): void {
    this.cancelEvents()
    this.stopEvent = this.cancelled(this.stopEvent)
    this.running = false
    this.stopping = false
    this.halted = true
    this.descHeld = false
    this.idle()
  }

  /** DESC_TAIL written (the doorbell): RING_OVERRUN when TAIL moved past HEAD, else the engine may go on. */
  writeTail(value: number): void {
    const overrun = this.ring.doorbell(value, this.strict)
    if (overrun !== 0) this.fail(overrun, this.ring.addressOf(this.ring.tail), value)
    else this.doorbell()
  }

  /** W1C of the error register. */
  clearError(bits: number): void {
    this.error = (this.error & ~bits) >>> 0
  }

  /** Errors halt and latch (vcap1.md 6.6): cause, faulting address and descriptor, then DMA_ERR. */
  fail(cause: number, address: number, descriptor: number): void {
    const k = this.kernel
    const t = this.trace
    this.kill()
    this.error = (this.error | cause) >>> 0
    this.errorAddress = address
    this.errorDescriptor = descriptor
    const bit = 31 - Math.clz32(cause)
    k.trace.instant(t.eventTrack, k.now(), t.names.error, t.eventArgs, descriptor, bit, 0, `${this.prefix}_ERROR ${errorCauseName(cause)} at 0x${address.toString(16)}`)
    this.onError()
    this.irq.raise(this.irqBits.dmaError)
  }

  /** The driver rang the doorbell: a stalled engine may go on. */
  abstract doorbell(): void
  /** STATUS.FIFO_FILL: the FIFO level now, in percent. */
  abstract fifoPercent(): number
  /** The configuration checked, the channel starts running. */
  protected abstract begin(config: C): void
  /** `stopping` is set: finish what the stop finishes, then halt. */
  protected abstract beginStop(): void
  /** Cancels the channel's own events (everything but the stop event). */
  protected abstract cancelEvents(): void
  /** After kill(): nothing of the stream is in flight. */
  protected abstract idle(): void
  /** After CH_RESET: the stream starts over (what DISCONTINUITY and the ring indices do not cover). */
  protected abstract forgetStream(): void

  /** The stop handshake's end: HALTED on the trace (with `a0`..`a2`), then the HALTED interrupt. */
  protected halt(a0: number, a1: number, a2: number): void {
    const k = this.kernel
    const t = this.trace
    this.kill()
    k.trace.instant(t.eventTrack, k.now(), t.names.halted, t.eventArgs, a0, a1, a2)
    this.irq.raise(this.irqBits.halted)
  }

  /** Fetches and checks the descriptor at HEAD (the caller has seen one is available). */
  protected fetchDescriptor(maxLength: number, alignment: number): Fetch {
    const ring = this.ring
    const d = this.desc
    const cause = ring.fetch(d)
    if (cause !== 0) {
      this.fail(cause, this.port.faultAddress, ring.head)
      return 'failed'
    }
    if (!d.own) {
      if (!this.strict) return 'not-owned'
      this.fail(ERR.NOT_OWNED, ring.addressOf(ring.head), ring.head)
      return 'failed'
    }
    const invalid = ring.validate(d, this.strict, maxLength, alignment)
    if (invalid !== 0) {
      this.fail(invalid, d.address, d.index)
      return 'failed'
    }
    return 'taken'
  }

  /** DMA into the held descriptor's buffer at `offset`. False when it aborted (the channel halted). */
  protected dmaWrite(offset: number, bytes: number, source: DmaSource, sourceOffset: number): boolean {
    const d = this.desc
    const cause = this.port.writeData(this.kind, d.address + offset, bytes, source, sourceOffset, `${this.kind} descriptor ${d.index}`, d.generation)
    if (cause !== 0) {
      this.fail(cause, this.port.faultAddress, d.index)
      return false
    }
    return true
  }

  /** Writes back the held descriptor and lets it go. False when the writeback aborted (the channel halted). */
  protected writeBack(status: number, bytes: number, tsLo: number, tsHi: number, keepOwn = false): boolean {
    const d = this.desc
    this.descHeld = false
    const cause = this.ring.complete(d, status, bytes, tsLo, tsHi, keepOwn)
    if (cause !== 0) {
      this.fail(cause, this.port.faultAddress, d.index)
      return false
    }
    return true
  }

  /** Cancels a pending event of the channel; null, for `this.event = this.cancelled(this.event)`. */
  protected cancelled(event: EventHandle | null): null {
    if (event !== null) this.kernel.cancelHw(event)
    return null
  }

  /** The written-back descriptor asked for an interrupt on completion: count it (IOC coalescing). */
  protected completionInterrupt(): void {
    if (this.desc.ioc) this.irq.completion(this.irqBits.ioc)
  }
}
