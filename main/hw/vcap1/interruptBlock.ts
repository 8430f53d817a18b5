import type { EventHandle } from '../../sim/eventQueue.js'
import type { Kernel } from '../../sim/kernel.js'
import { US } from '../../contract/time.js'
import type { IrqOutput } from '../irqLine.js'
import { INT } from './registers.js'

/** Device assert delay (vcap1.md 7.5a). */
export const IRQ_ASSERT_DELAY_NS = 1 * US
/** With an IOC threshold, a lone completion is still signalled after this hold-off (AXI DLY_IRQ). */
export const IOC_HOLDOFF_NS = 100 * US

/**
 * The card's interrupt block (vcap1.md 7.5a): INT_STATUS latches events, INT_ENABLE masks them,
 * INT_PENDING is their AND, and the INTA# output is asserted while IRQ_MASTER_EN && pending != 0 and no
 * moderation hold-off is active. In MSI mode one message is sent on each 0 -> non-zero transition of
 * pending instead. The level is recomputed after every register write and every device event, so
 * masking takes effect at once; asserting takes the 1 µs device delay.
 */
export class InterruptBlock {
  status = 0
  enable = 0
  masterEnable = false
  msiMode = false
  /** INT_MODERATION: minimum gap between assertions, and the VID_IOC coalescing threshold. */
  minGapNs = 0
  iocThreshold = 0
  /** The PCI function's MSI enable (config space); MSI_MODE without it sends nothing. */
  msiEnabled: () => boolean = () => false
  /** PCI Command.Interrupt Disable: INTA# stays deasserted (MSI is not affected). */
  intxDisabled: () => boolean = () => false
  /** Faults (vcap1.md 7.10 #9, #11, #12, #22). */
  stuckBits = 0
  readToClear = false
  lostAssertions = 0
  lateAssertions = 0
  lateDelayNs = 0
  /** Called with a description when a fault changes what happens (the fault track). */
  onFault: (what: string) => void = () => {}
  removed = false

  private asserting = false
  private assertEvent: EventHandle | null = null
  private lastAssertAt = -Infinity
  /** A lost assertion holds the line low until a new event is latched. */
  private lostHold = false
  private msiArmed = true
  private iocCount = 0
  private iocFlush: EventHandle | null = null
  /** Counts for tests and the report. */
  assertions = 0
  messages = 0

  constructor(
    private readonly kernel: Kernel,
    private readonly output: IrqOutput,
  ) {}

  get pending(): number {
    return (this.status & this.enable) >>> 0
  }

  /** Is the card driving its interrupt output now? */
  get asserted(): boolean {
    return this.asserting
  }

  /** Latches events (device side, or INT_FORCE). */
  raise(bits: number): void {
    if (this.removed || bits === 0) return
    const before = this.status
    this.status = (this.status | bits) >>> 0
    if (this.status !== before) this.lostHold = false
    this.update()
  }

  /**
   * A descriptor with IOC completed. With a threshold k > 1, VID_IOC is latched only after k of them,
   * or after the hold-off, so coalescing never strands a completion.
   */
  completion(bit: number): void {
    if (bit !== INT.VID_IOC || this.iocThreshold <= 1) {
      this.raise(bit)
      return
    }
    this.iocCount++
    if (this.iocCount >= this.iocThreshold) {
      this.flushIoc()
      return
    }
    if (this.iocFlush === null) {
      const k = this.kernel
      this.iocFlush = k.scheduleHw(k.now() + Math.max(IOC_HOLDOFF_NS, this.minGapNs), this.onIocFlush, this)
    }
  }

  /** W1C from the driver: returns the bits that were actually cleared. */
  acknowledge(bits: number): number {
    const clearable = (bits & ~this.stuckBits) >>> 0
    const cleared = (this.status & clearable) >>> 0
    this.status = (this.status & ~clearable) >>> 0
    this.update()
    return cleared
  }

  /** A driver read of INT_STATUS: read-to-clear in the tw686x quirk mode. */
  readStatus(): number {
    const value = this.status
    if (this.readToClear) this.acknowledge(value)
    return value
  }

  reset(): void {
    this.status = 0
    this.enable = 0
    this.masterEnable = false
    this.msiMode = false
    this.minGapNs = 0
    this.iocThreshold = 0
    this.iocCount = 0
    this.lostHold = false
    this.msiArmed = true
    if (this.iocFlush !== null) this.kernel.cancelHw(this.iocFlush)
    this.iocFlush = null
    this.update()
  }

  /** A glitch (fault #8): the output is asserted for `ns` with nothing pending. */
  pulse(ns: number): void {
    if (this.removed || this.asserting) return
    const k = this.kernel
    this.output.set(true)
    k.scheduleHw(k.now() + ns, this.endPulse, this)
  }

  private readonly endPulse = (): void => {
    this.output.set(this.asserting)
  }

  /** Recomputes the output after any change of status, enable, master enable or mode. */
  update(): void {
    const want = !this.removed && this.masterEnable && this.pending !== 0
    if (this.msiMode) {
      if (this.asserting) this.drive(false)
      if (!want) {
        this.msiArmed = true
        this.cancelAssert()
      } else if (this.msiArmed) this.scheduleAssert()
      return
    }
    if (!want || this.intxDisabled()) {
      this.cancelAssert()
      if (this.asserting) this.drive(false)
      return
    }
    if (!this.asserting) this.scheduleAssert()
  }

  private scheduleAssert(): void {
    if (this.assertEvent !== null || this.lostHold) return
    const k = this.kernel
    let at = Math.max(k.now() + IRQ_ASSERT_DELAY_NS, this.lastAssertAt + this.minGapNs)
    if (this.lateAssertions > 0) {
      this.lateAssertions--
      at += this.lateDelayNs
      this.onFault(`interrupt assertion delayed by ${Math.round(this.lateDelayNs / US)} µs`)
    }
    this.assertEvent = k.scheduleHw(at, this.onAssert, this)
  }

  private cancelAssert(): void {
    if (this.assertEvent === null) return
    this.kernel.cancelHw(this.assertEvent)
    this.assertEvent = null
  }

  private readonly onAssert = (): void => {
    this.assertEvent = null
    const want = !this.removed && this.masterEnable && this.pending !== 0
    if (!want) return
    if (this.lostAssertions > 0) {
      this.lostAssertions--
      this.lostHold = true
      if (this.msiMode) this.msiArmed = false
      this.onFault(this.msiMode ? 'MSI message dropped' : 'interrupt not asserted (lost)')
      return
    }
    this.lastAssertAt = this.kernel.now()
    if (this.msiMode) {
      this.msiArmed = false
      if (!this.msiEnabled()) return
      this.messages++
      this.output.message()
      return
    }
    this.assertions++
    this.drive(true)
  }

  private drive(level: boolean): void {
    this.asserting = level
    this.output.set(level)
  }

  private readonly onIocFlush = (): void => {
    this.iocFlush = null
    if (this.iocCount > 0) this.flushIoc()
  }

  private flushIoc(): void {
    this.iocCount = 0
    if (this.iocFlush !== null) this.kernel.cancelHw(this.iocFlush)
    this.iocFlush = null
    this.raise(INT.VID_IOC)
  }
}
