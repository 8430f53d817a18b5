import type { EventHandle } from '../../sim/eventQueue.js'
import type { Kernel } from '../../sim/kernel.js'
import { HUNDRED_NS, US } from '../../contract/time.js'
import type { DeviceResources, DevicePowerState, PciDevice } from '../pciDevice.js'
import type { IrqLine, IrqOutput } from '../irqLine.js'
import { INTA_LEVEL, INTA_VECTOR, MSI_VECTOR, type Machine } from '../machine.js'
import { AudioChannel } from './audioChannel.js'
import { AudioGenerator, audioFormatFromRegister } from './audioGenerator.js'
import { BusMaster } from './busMaster.js'
import { DescriptorRing } from './descriptorRing.js'
import { FaultInjector } from './faultInjector.js'
import { CollectedFindings, type CardFindingSink } from './findings.js'
import { InterruptBlock } from './interruptBlock.js'
import { PatternGenerator } from './patterns.js'
import { CMD_BUS_MASTER, CMD_INTX_DISABLE, CMD_MEMORY_SPACE, PciConfig } from './pci.js'
import { frameBytes, layoutFromRegisters, validateLayout } from './pixelFormats.js'
import { RegisterFile } from './registerFile.js'
import { BAR0_SIZE, INT, REGISTER_AT, REGISTER_BY_NAME, decodeRegister, type RegisterSpec } from './registers.js'
import { TimestampCounter } from './timestampCounter.js'
import { VIDEO_FIFO_BYTES, VideoChannel } from './videoChannel.js'

// Register offsets (vcap1.md 7.3), named once here for the read and write handlers.
const reg = (name: string): number => REGISTER_BY_NAME.get(name)!.offset
const DEV_ID = reg('DEV_ID')
const SCRATCH = reg('SCRATCH')
const GCTRL = reg('GCTRL')
const GSTATUS = reg('GSTATUS')
const INT_STATUS = reg('INT_STATUS')
const INT_ENABLE = reg('INT_ENABLE')
const INT_PENDING = reg('INT_PENDING')
const INT_FORCE = reg('INT_FORCE')
const INT_MODERATION = reg('INT_MODERATION')
const TS_LO = reg('TS_LO')
const TS_HI = reg('TS_HI')
const TIMER_PERIOD = reg('TIMER_PERIOD')
const SIG_WIDTH = reg('SIG_WIDTH')
const SIG_HEIGHT = reg('SIG_HEIGHT')
const SIG_INTERVAL = reg('SIG_INTERVAL')
const VID_CTRL = reg('VID_CTRL')
const VID_STATUS = reg('VID_STATUS')
const VID_FORMAT = reg('VID_FORMAT')
const VID_SIZE = reg('VID_SIZE')
const VID_STRIDE = reg('VID_STRIDE')
const VID_UV_OFFSET = reg('VID_UV_OFFSET')
const VID_INTERVAL = reg('VID_INTERVAL')
const VID_FRAME_BYTES = reg('VID_FRAME_BYTES')
const VID_DESC_BASE_LO = reg('VID_DESC_BASE_LO')
const VID_DESC_BASE_HI = reg('VID_DESC_BASE_HI')
const VID_DESC_COUNT = reg('VID_DESC_COUNT')
const VID_DESC_TAIL = reg('VID_DESC_TAIL')
const VID_DESC_HEAD = reg('VID_DESC_HEAD')
const VID_DESC_DONE_CNT = reg('VID_DESC_DONE_CNT')
const VID_FRAME_CNT = reg('VID_FRAME_CNT')
const VID_DELIVERED_CNT = reg('VID_DELIVERED_CNT')
const VID_DROP_CNT = reg('VID_DROP_CNT')
const VID_LAST_TS_LO = reg('VID_LAST_TS_LO')
const VID_LAST_TS_HI = reg('VID_LAST_TS_HI')
const VID_ERROR = reg('VID_ERROR')
const VID_ERR_ADDR_LO = reg('VID_ERR_ADDR_LO')
const VID_ERR_ADDR_HI = reg('VID_ERR_ADDR_HI')
const VID_ERR_DESC = reg('VID_ERR_DESC')
const VID_FIFO_SIZE = reg('VID_FIFO_SIZE')
const VID_PATTERN = reg('VID_PATTERN')
const AUD_CTRL = reg('AUD_CTRL')
const AUD_STATUS = reg('AUD_STATUS')
const AUD_FORMAT = reg('AUD_FORMAT')
const AUD_DESC_BASE_LO = reg('AUD_DESC_BASE_LO')
const AUD_DESC_BASE_HI = reg('AUD_DESC_BASE_HI')
const AUD_DESC_COUNT = reg('AUD_DESC_COUNT')
const AUD_DESC_TAIL = reg('AUD_DESC_TAIL')
const AUD_DESC_HEAD = reg('AUD_DESC_HEAD')
const AUD_POSITION = reg('AUD_POSITION')
const AUD_BYTES_LO = reg('AUD_BYTES_LO')
const AUD_BYTES_HI = reg('AUD_BYTES_HI')
const AUD_LOST_SAMPLES = reg('AUD_LOST_SAMPLES')
const AUD_TS_LO = reg('AUD_TS_LO')
const AUD_TS_HI = reg('AUD_TS_HI')
const AUD_ERROR = reg('AUD_ERROR')
const AUD_GEN = reg('AUD_GEN')

// Bits the handlers act on.
const GCTRL_SOFT_RESET = 1 << 0
const GCTRL_IRQ_MASTER_EN = 1 << 1
const GCTRL_MSI_MODE = 1 << 2
const GCTRL_TS_SRC_EOF = 1 << 3
const GCTRL_STRICT_DESC = 1 << 4
const GSTATUS_RESET_BUSY = 1 << 0
const GSTATUS_SIGNAL_LOCK = 1 << 1
const GSTATUS_AUDIO_CLK_LOCK = 1 << 2
const GSTATUS_FATAL = 1 << 8
const CTRL_RUN = 1 << 0
const CTRL_CH_RESET = 1 << 1
const VID_CTRL_STOP_AT_EOF = 1 << 2
const VID_CTRL_LATE_START = 1 << 3
const AUD_CTRL_CYCLIC = 1 << 2
const STATUS_RUNNING = 1 << 0
const STATUS_HALTED = 1 << 1
const VID_STATUS_IN_FRAME = 1 << 2
const VID_STATUS_ERROR = 1 << 3
const AUD_STATUS_ERROR = 1 << 2
const INT_DEFINED = Object.values(INT).reduce((a, b) => a | b, 0) >>> 0

/** Soft reset busy time (vcap1.md 7.3 GCTRL.SOFT_RESET). */
export const RESET_TIME_NS = 10 * US
/** Frame intervals the card accepts: 15..60 fps (7.7). */
const MIN_INTERVAL = 166_666
const MAX_INTERVAL = 666_667

export interface Vcap1Options {
  /** Drain bandwidth in MB/s (10^6 B/s): 400 "PCIe Gen2 x1" by default, 200 for Gen1. */
  bandwidthMBps?: number
  /** Block DMA into memory the card does not own (raising DATA_WRITE_ABORT) instead of only reporting it. */
  iommu?: boolean
  /** Offer MSI (the bus driver enables it in config space, and resources say "latched"). */
  msi?: boolean
  /** Seed source for patterns, noise and fault probabilities. */
  seed?: number
}

/**
 * VCAP-1, the emulated PCI capture card (vcap1.md section 7): BAR0 registers built from the register
 * table, a video and an audio DMA channel over descriptor rings in physical memory, an interrupt
 * block driving the shared INTA# line (or MSI), a 64-bit timestamp counter, a periodic timer, and an
 * out-of-band fault injector. Like QEMU's edu device: the registers are named at the top, there is
 * one read handler and one write handler, and all timing runs on the virtual clock.
 */
export class Vcap1Card implements PciDevice {
  readonly name = 'VCAP-1'
  readonly regs = new RegisterFile()
  pci!: PciConfig
  irq!: InterruptBlock
  port!: BusMaster
  readonly ts = new TimestampCounter()
  video!: VideoChannel
  audio!: AudioChannel
  faults!: FaultInjector
  machine!: Machine
  /** Where the card's findings go (the host connects the verifier). */
  findings: CardFindingSink = new CollectedFindings()
  /** The OS side of a surprise removal (the host connects the class driver). */
  onSurpriseRemoval: (() => void) | null = null

  removed = false
  powerState: DevicePowerState = 1
  /** Faults: soft reset never completes; TS_LO does not latch TS_HI; leaving D0 loses context. */
  resetStuck = false
  tornTimestamp = false
  contextLossOnPowerDown = false
  signalLock = true
  fatal = false
  readonly signal = { width: 1920, height: 1080, interval: 166_833 }

  private out!: IrqOutput
  private bar0 = { physical: 0, va: 0 }
  private resetBusyUntil = 0
  private timer: EventHandle | null = null
  /** High words latched by reading the low word of a 64-bit pair, and whether LO was read first. */
  private readonly latchedHigh = new Map<number, number>()
  private readonly lowRead = new Set<number>()
  /** INT_STATUS bits the driver has read (to catch "event cleared unseen", 7.12 C5). */
  private seenStatus = 0
  /** Register-access findings are reported once per (register, kind) to keep the report readable. */
  private readonly reported = new Set<string>()
  private readonly faultTrack: number

  constructor(
    kernel: Kernel,
    private readonly options: Vcap1Options = {},
  ) {
    this.faultTrack = kernel.trace.defineTrack({ name: 'VCAP-1 faults', group: 'Hardware', kind: 'instants', order: 130 })
  }

  plug(machine: Machine, line: IrqLine): void {
    const k = machine.kernel
    this.machine = machine
    this.out = line.attach(this.name)
    this.bar0 = machine.bus.mapBar(this, 0, BAR0_SIZE)
    this.pci = new PciConfig(this.bar0.physical)
    // The emulated bus driver enables memory decoding and bus mastering at start (7.1).
    this.pci.command = CMD_MEMORY_SPACE | CMD_BUS_MASTER
    this.pci.msiEnabled = this.options.msi === true
    this.irq = new InterruptBlock(k, this.out)
    this.irq.msiEnabled = () => this.pci.msiEnabled
    this.irq.intxDisabled = () => (this.pci.command & CMD_INTX_DISABLE) !== 0
    this.irq.onFault = (what) => this.faultEvent('interrupt', what)
    this.port = new BusMaster(machine.memory, this.pci, this.findings)
    this.port.iommu = this.options.iommu === true
    const rng = k.rng.fork('vcap1')
    const videoRing = new DescriptorRing('video', machine.memory, this.port, () => this.findings)
    const audioRing = new DescriptorRing('audio', machine.memory, this.port, () => this.findings)
    this.video = new VideoChannel(k, videoRing, this.port, this.irq, this.ts, new PatternGenerator(rng.fork('patterns')))
    this.video.bandwidth = (this.options.bandwidthMBps ?? 400) / 1000
    this.audio = new AudioChannel(k, audioRing, this.port, this.irq, this.ts, new AudioGenerator(rng.fork('audio')), rng.fork('audio-jitter'))
    // Errors halt the channel with RUN cleared by the hardware (7.5): RUN reads 0, and the driver's next
    // RUN=1 is a 0 -> 1 edge that is refused (and reported) until CH_RESET.
    this.video.onError = () => this.regs.set(VID_CTRL, this.regs.get(VID_CTRL) & ~CTRL_RUN)
    this.audio.onError = () => this.regs.set(AUD_CTRL, this.regs.get(AUD_CTRL) & ~CTRL_RUN)
    this.faults = new FaultInjector(this, k, rng.fork('faults'))
    this.applyRegisters()
  }

  /** Connects the verifier (or any sink) to the card's own checks. */
  setFindings(sink: CardFindingSink): void {
    this.findings = sink
    this.port.findings = sink
  }

  resources(): DeviceResources {
    const msi = this.pci.msiEnabled
    return {
      memory: [{ physical: this.bar0.physical, length: BAR0_SIZE }],
      interrupt: msi ? { level: INTA_LEVEL, vector: MSI_VECTOR, mode: 'latched', shared: false } : { level: INTA_LEVEL, vector: INTA_VECTOR, mode: 'level', shared: true },
      dma: { addressBits: this.port.dma64 ? 64 : 32 },
    }
  }

  interruptAsserted(): boolean {
    return this.irq.asserted
  }

  interruptRequested(): boolean {
    return !this.removed && this.irq.masterEnable && this.irq.pending !== 0
  }

  interruptsEnabled(): boolean {
    return !this.removed && this.powerState === 1 && this.irq.masterEnable && this.irq.enable !== 0
  }

  configRead(offset: number, dest: Uint8Array, length: number): void {
    if (this.removed) dest.fill(0xff, 0, length)
    else this.pci.read(offset, dest, length)
  }

  configWrite(offset: number, src: Uint8Array, length: number): void {
    if (this.removed) return
    this.pci.write(offset, src, length)
    // MSI enable or INTx disable may have changed what the interrupt output does.
    this.irq.update()
  }

  registerName(_bar: number, offset: number): string | null {
    return REGISTER_AT.get(offset)?.name ?? null
  }

  decodeValue(_bar: number, offset: number, value: number): string | null {
    const spec = REGISTER_AT.get(offset)
    if (spec === undefined || (spec.fields.length === 1 && spec.fields[0].width === 32)) return null
    return decodeRegister(offset, value)
  }

  // ---------------------------------------------------------------- the read handler

  mmioRead(_bar: number, offset: number, size: 1 | 2 | 4): number {
    if (this.removed) return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff
    this.faults.onAccess(offset)
    if (size !== 4 || offset % 4 !== 0) {
      this.badAccess('read', offset, size)
      return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff
    }
    const now = this.machine.kernel.now()
    const v = this.video
    const a = this.audio
    // Reads with side effects (latches, read-to-clear, the audio flush) here; the rest in registerValue.
    switch (offset) {
      case INT_STATUS: {
        const value = this.irq.readStatus()
        this.seenStatus = (this.seenStatus | value) >>> 0
        this.faults.onStatusRead()
        return value
      }
      case INT_PENDING: {
        const value = this.irq.pending
        this.seenStatus = (this.seenStatus | value) >>> 0
        this.faults.onStatusRead()
        return value
      }
      case TS_LO:
        this.ts.at(now)
        return this.latchLow(TS_HI, this.ts.lo, this.ts.hi)
      case TS_HI:
        if (this.tornTimestamp) {
          this.lowRead.delete(TS_HI)
          this.ts.at(now)
          return this.ts.hi
        }
        return this.readHigh(TS_HI, 'TS_LO')
      case VID_LAST_TS_LO:
        return this.latchLow(VID_LAST_TS_HI, v.lastTsLo, v.lastTsHi)
      case VID_LAST_TS_HI:
        return this.readHigh(VID_LAST_TS_HI, 'VID_LAST_TS_LO')
      case AUD_POSITION:
        return a.readPosition()
      case AUD_BYTES_LO: {
        const total = a.totalBytes()
        return this.latchLow(AUD_BYTES_HI, total % 0x1_0000_0000, Math.floor(total / 0x1_0000_0000))
      }
      case AUD_BYTES_HI:
        return this.readHigh(AUD_BYTES_HI, 'AUD_BYTES_LO')
      case AUD_TS_LO:
        return this.latchLow(AUD_TS_HI, a.chunkTsLo, a.chunkTsHi)
      case AUD_TS_HI:
        return this.readHigh(AUD_TS_HI, 'AUD_TS_LO')
      default:
        return this.registerValue(offset, now)
    }
  }

  /**
   * What a 32-bit read of `offset` would return now, with none of a read's side effects: INT_STATUS
   * is not cleared in read-to-clear mode and counts as unseen, TS_LO and the other low words latch
   * nothing (a high word shows its latch, what the next read returns), AUD_POSITION flushes nothing and
   * draws no jitter, register-triggered faults do not count it. For the workbench's register inspector.
   */
  peekRegister(offset: number): number {
    if (this.removed) return 0xffffffff
    const now = this.machine.kernel.now()
    const a = this.audio
    switch (offset) {
      case INT_STATUS:
        return this.irq.status
      case INT_PENDING:
        return this.irq.pending
      case TS_LO:
        // at() only computes into lo/hi, which every other user reads right after its own call.
        this.ts.at(now)
        return this.ts.lo
      case TS_HI:
        if (this.tornTimestamp) {
          this.ts.at(now)
          return this.ts.hi
        }
        return this.latchedHigh.get(TS_HI) ?? 0
      case VID_LAST_TS_LO:
        return this.video.lastTsLo >>> 0
      case AUD_POSITION:
        return a.peekPosition()
      case AUD_BYTES_LO:
        return a.totalBytes() % 0x1_0000_0000
      case AUD_TS_LO:
        return a.chunkTsLo >>> 0
      case VID_LAST_TS_HI:
      case AUD_BYTES_HI:
      case AUD_TS_HI:
        return this.latchedHigh.get(offset) ?? 0
      default:
        return this.registerValue(offset, now)
    }
  }

  /** The value of a register whose read has no side effects. */
  private registerValue(offset: number, now: number): number {
    const v = this.video
    const a = this.audio
    switch (offset) {
      case DEV_ID:
        return this.regs.get(DEV_ID)
      case SCRATCH:
        return ~this.regs.get(SCRATCH) >>> 0
      case GSTATUS:
        return (
          (now < this.resetBusyUntil || this.resetStuck ? GSTATUS_RESET_BUSY : 0) |
          (this.signalLock ? GSTATUS_SIGNAL_LOCK : 0) |
          GSTATUS_AUDIO_CLK_LOCK |
          (this.fatal ? GSTATUS_FATAL : 0)
        )
      case INT_ENABLE:
        return this.irq.enable
      case INT_FORCE:
        return 0
      case SIG_WIDTH:
        return this.signalLock ? this.signal.width : 0
      case SIG_HEIGHT:
        return this.signalLock ? this.signal.height : 0
      case SIG_INTERVAL:
        return this.signalLock ? this.signal.interval : 0
      case VID_CTRL:
        return this.regs.get(VID_CTRL) & ~CTRL_CH_RESET
      case VID_STATUS:
        return (v.running ? STATUS_RUNNING : 0) | (v.halted ? STATUS_HALTED : 0) | (v.inFrame ? VID_STATUS_IN_FRAME : 0) | (v.error !== 0 ? VID_STATUS_ERROR : 0) | (v.fifoPercent() << 16)
      case VID_FRAME_BYTES:
        return this.configuredFrameBytes()
      case VID_DESC_TAIL:
        return v.ring.tail
      case VID_DESC_HEAD:
        return v.ring.head
      case VID_DESC_DONE_CNT:
        return v.ring.doneCount
      case VID_FRAME_CNT:
        return v.frameCount
      case VID_DELIVERED_CNT:
        return v.deliveredCount
      case VID_DROP_CNT:
        return v.dropCount
      case VID_ERROR:
        return v.error
      case VID_ERR_ADDR_LO:
        return v.errorAddress % 0x1_0000_0000
      case VID_ERR_ADDR_HI:
        return Math.floor(v.errorAddress / 0x1_0000_0000)
      case VID_ERR_DESC:
        return v.errorDescriptor
      case VID_FIFO_SIZE:
        return v.fifoBytes
      case AUD_CTRL:
        return this.regs.get(AUD_CTRL) & ~CTRL_CH_RESET
      case AUD_STATUS:
        return (a.running ? STATUS_RUNNING : 0) | (a.halted ? STATUS_HALTED : 0) | (a.error !== 0 ? AUD_STATUS_ERROR : 0) | (a.fifoPercent() << 16)
      case AUD_DESC_TAIL:
        return a.ring.tail
      case AUD_DESC_HEAD:
        return a.ring.head
      case AUD_LOST_SAMPLES:
        return a.lostSamplesNow()
      case AUD_ERROR:
        return a.error
      default:
        // Stored registers read back as stored; reserved space reads 0.
        return REGISTER_AT.has(offset) ? this.regs.get(offset) : 0
    }
  }

  private latchLow(high: number, lo: number, hi: number): number {
    this.latchedHigh.set(high, hi >>> 0)
    this.lowRead.add(high)
    return lo >>> 0
  }

  private readHigh(high: number, lowName: string): number {
    if (!this.lowRead.has(high)) this.registerProblem(`${REGISTER_AT.get(high)!.name}-order`, `${REGISTER_AT.get(high)!.name} read without reading ${lowName} first: the 64-bit value may be torn (read LO, then HI)`)
    this.lowRead.delete(high)
    return this.latchedHigh.get(high) ?? 0
  }

  // ---------------------------------------------------------------- the write handler

  mmioWrite(_bar: number, offset: number, size: 1 | 2 | 4, value: number): void {
    if (this.removed) return
    this.faults.onAccess(offset)
    if (size !== 4 || offset % 4 !== 0) {
      this.badAccess('write', offset, size)
      return
    }
    const k = this.machine.kernel
    const spec = REGISTER_AT.get(offset)
    if (spec === undefined) {
      this.registerProblem(`reserved-${offset}`, `write of 0x${(value >>> 0).toString(16)} to reserved offset 0x${offset.toString(16)} (dropped)`)
      return
    }
    if (k.now() < this.resetBusyUntil || this.resetStuck) {
      this.registerProblem(`reset-${spec.name}`, `write to ${spec.name} while GSTATUS.RESET_BUSY is set (dropped): wait for the soft reset to finish`)
      return
    }
    if (spec.stopped !== undefined && !this.channelHalted(spec.stopped)) {
      this.registerProblem(`stopped-${spec.name}`, `write to ${spec.name} while the ${spec.stopped} channel is running (ignored): it is a [stopped] register; stop the channel and wait for HALTED first`)
      return
    }
    this.writeRegister(spec, value >>> 0)
    this.irq.update()
  }

  private writeRegister(spec: RegisterSpec, value: number): void {
    const offset = spec.offset
    const v = this.video
    const a = this.audio
    if (offset === INT_STATUS) {
      this.acknowledge(value)
      return
    }
    const before = this.regs.get(offset)
    const effect = this.regs.write(spec, value)
    for (const problem of effect.problems) this.registerProblem(`${spec.name}-${problem}`, problem)
    switch (offset) {
      case GCTRL:
        if ((effect.strobes & GCTRL_SOFT_RESET) !== 0) this.softReset()
        else this.applyGlobal()
        return
      case INT_ENABLE:
      case INT_MODERATION:
        this.applyGlobal()
        return
      case INT_FORCE:
        this.irq.raise(effect.strobes & INT_DEFINED)
        return
      case TIMER_PERIOD:
        this.restartTimer()
        return
      case VID_CTRL:
        this.applyVideoControl(before, effect.after, effect.strobes)
        return
      case VID_DESC_TAIL: {
        const overrun = v.ring.doorbell(value, v.strict)
        if (overrun !== 0) v.fail(overrun, v.ring.addressOf(v.ring.tail), value)
        else v.doorbell()
        return
      }
      case VID_DESC_BASE_LO:
      case VID_DESC_BASE_HI:
      case VID_DESC_COUNT:
        v.ring.configure(this.regs.get(VID_DESC_BASE_LO), this.regs.get(VID_DESC_BASE_HI), this.regs.get(VID_DESC_COUNT))
        return
      case AUD_DESC_BASE_LO:
      case AUD_DESC_BASE_HI:
      case AUD_DESC_COUNT:
        a.ring.configure(this.regs.get(AUD_DESC_BASE_LO), this.regs.get(AUD_DESC_BASE_HI), this.regs.get(AUD_DESC_COUNT))
        return
      case VID_DROP_CNT:
        if (value === 0) v.dropCount = 0
        else this.registerProblem('VID_DROP_CNT-value', `VID_DROP_CNT written with ${value}: only 0 (reset) may be written`)
        return
      case VID_ERROR:
        v.error = (v.error & ~value) >>> 0
        return
      case VID_PATTERN:
        v.pattern = value
        return
      case AUD_CTRL:
        this.applyAudioControl(before, effect.after, effect.strobes)
        return
      case AUD_DESC_TAIL: {
        const overrun = a.ring.doorbell(value, a.strict)
        if (overrun !== 0) a.fail(overrun, a.ring.addressOf(a.ring.tail), value)
        else a.doorbell()
        return
      }
      case AUD_ERROR:
        a.error = (a.error & ~value) >>> 0
        return
      case AUD_GEN:
        a.generator = value
        return
    }
  }

  /** W1C of INT_STATUS: only what the driver saw should be cleared (7.12 C5). */
  private acknowledge(value: number): void {
    const unseen = (value & this.irq.status & ~this.seenStatus & INT_DEFINED) >>> 0
    if (unseen !== 0) {
      const names = Object.entries(INT)
        .filter(([, bit]) => (unseen & bit) !== 0)
        .map(([n]) => n)
      this.registerProblem(
        `unseen-${names.join(',')}`,
        `INT_STATUS write 0x${value.toString(16)} cleared ${names.join(', ')}, which the driver had not read: an event cleared unseen. Read INT_PENDING once and acknowledge exactly those bits`,
      )
    }
    if ((value & ~INT_DEFINED) !== 0) this.registerProblem('INT_STATUS-reserved', `write of 1 to reserved bits 0x${((value & ~INT_DEFINED) >>> 0).toString(16)} of INT_STATUS`)
    const cleared = this.irq.acknowledge(value & INT_DEFINED)
    this.seenStatus = (this.seenStatus & ~cleared) >>> 0
  }

  private applyVideoControl(before: number, after: number, strobes: number): void {
    const v = this.video
    v.stopAtEof = (after & VID_CTRL_STOP_AT_EOF) !== 0
    if ((strobes & CTRL_CH_RESET) !== 0 && !v.reset()) {
      this.registerProblem('VID_CTRL-reset', 'VID_CTRL.CH_RESET while the channel is not halted (ignored): stop and wait for HALTED first')
    }
    const runNow = (after & CTRL_RUN) !== 0
    const runBefore = (before & CTRL_RUN) !== 0
    if (runNow && !runBefore) this.startVideo()
    else if (!runNow && runBefore) v.stop()
  }

  private startVideo(): void {
    const v = this.video
    if (v.stopping) {
      this.registerProblem('VID_CTRL-run-stopping', 'VID_CTRL.RUN set while the channel is still stopping (ignored): wait for HALTED')
      this.regs.set(VID_CTRL, this.regs.get(VID_CTRL) & ~CTRL_RUN)
      return
    }
    const r = this.regs
    const layout = layoutFromRegisters(r.get(VID_FORMAT), r.get(VID_SIZE), r.get(VID_STRIDE), r.get(VID_UV_OFFSET))
    const interval = r.get(VID_INTERVAL)
    let problem = validateLayout(layout)
    if (problem === null && (interval < MIN_INTERVAL || interval > MAX_INTERVAL)) problem = `VID_INTERVAL ${interval} is outside ${MIN_INTERVAL}..${MAX_INTERVAL} (60..15 fps)`
    if (problem === null) problem = v.ring.configError(r.get(VID_DESC_BASE_LO), r.get(VID_DESC_BASE_HI), r.get(VID_DESC_COUNT))
    const refused = v.start(
      { layout, intervalNs: interval * HUNDRED_NS, lateStart: (r.get(VID_CTRL) & VID_CTRL_LATE_START) !== 0 },
      problem,
    )
    if (refused !== null) {
      this.registerProblem(`VID_CTRL-run-${refused}`, `VID_CTRL.RUN refused: ${refused}`)
      r.set(VID_CTRL, r.get(VID_CTRL) & ~CTRL_RUN)
    }
  }

  private applyAudioControl(before: number, after: number, strobes: number): void {
    const a = this.audio
    a.cyclic = (after & AUD_CTRL_CYCLIC) !== 0
    if ((strobes & CTRL_CH_RESET) !== 0 && !a.reset()) {
      this.registerProblem('AUD_CTRL-reset', 'AUD_CTRL.CH_RESET while the channel is not halted (ignored): stop and wait for HALTED first')
    }
    const runNow = (after & CTRL_RUN) !== 0
    const runBefore = (before & CTRL_RUN) !== 0
    if (runNow && !runBefore) {
      const r = this.regs
      const format = audioFormatFromRegister(r.get(AUD_FORMAT))
      let problem = a.ring.configError(r.get(AUD_DESC_BASE_LO), r.get(AUD_DESC_BASE_HI), r.get(AUD_DESC_COUNT))
      if (((r.get(AUD_FORMAT) >>> 4) & 3) > 1) problem = 'AUD_FORMAT.SAMPLE_SIZE must be 0 (16-bit) or 1 (24-in-32)'
      if (a.stopping) problem = 'the channel is still stopping: wait for HALTED'
      const refused = a.start(format, problem)
      if (refused !== null) {
        this.registerProblem(`AUD_CTRL-run-${refused}`, `AUD_CTRL.RUN refused: ${refused}`)
        r.set(AUD_CTRL, r.get(AUD_CTRL) & ~CTRL_RUN)
      }
    } else if (!runNow && runBefore) a.stop()
  }

  /** GCTRL, INT_ENABLE and INT_MODERATION into the blocks that use them. */
  private applyGlobal(): void {
    const g = this.regs.get(GCTRL)
    const irq = this.irq
    irq.masterEnable = (g & GCTRL_IRQ_MASTER_EN) !== 0
    irq.msiMode = (g & GCTRL_MSI_MODE) !== 0
    irq.enable = this.regs.get(INT_ENABLE) & INT_DEFINED
    const moderation = this.regs.get(INT_MODERATION)
    irq.minGapNs = (moderation & 0xffff) * US
    irq.iocThreshold = (moderation >>> 16) & 0xff
    this.video.tsAtEof = (g & GCTRL_TS_SRC_EOF) !== 0
    const strict = (g & GCTRL_STRICT_DESC) !== 0
    this.video.strict = strict
    this.audio.strict = strict
  }

  /** Everything derived from the register file, after a reset or power-up. */
  private applyRegisters(): void {
    this.applyGlobal()
    this.video.pattern = this.regs.get(VID_PATTERN)
    this.video.stopAtEof = (this.regs.get(VID_CTRL) & VID_CTRL_STOP_AT_EOF) !== 0
    this.video.fifoBytes = VIDEO_FIFO_BYTES
    this.audio.generator = this.regs.get(AUD_GEN)
    this.audio.cyclic = false
    this.restartTimer()
  }

  private channelHalted(channel: 'video' | 'audio'): boolean {
    return channel === 'video' ? this.video.halted : this.audio.halted
  }

  private configuredFrameBytes(): number {
    const r = this.regs
    const layout = layoutFromRegisters(r.get(VID_FORMAT), r.get(VID_SIZE), r.get(VID_STRIDE), r.get(VID_UV_OFFSET))
    return validateLayout(layout) === null ? frameBytes(layout) : 0
  }

  // ---------------------------------------------------------------- reset, power, removal

  /** GCTRL.SOFT_RESET: every register to its reset value, channels dead, RESET_BUSY for 10 µs. */
  softReset(): void {
    const k = this.machine.kernel
    this.video.kill()
    this.audio.kill()
    this.video.reset()
    this.audio.reset()
    this.video.dropCount = 0
    this.video.frameCount = 0
    this.video.deliveredCount = 0
    this.audio.lostSamples = 0
    this.regs.reset()
    this.irq.reset()
    this.ts.reset(k.now())
    this.fatal = false
    this.seenStatus = 0
    this.latchedHigh.clear()
    this.lowRead.clear()
    this.resetBusyUntil = k.now() + RESET_TIME_NS
    this.applyRegisters()
  }

  setPowerState(state: DevicePowerState): void {
    const was = this.powerState
    this.powerState = state
    if (state === 1 || was !== 1) return
    // Leaving D0: no DMA and no interrupts while powered down.
    this.video.kill()
    this.audio.kill()
    if (this.contextLossOnPowerDown) {
      this.faultEvent('power-context-loss', 'register context lost on power down')
      this.softReset()
      this.resetBusyUntil = 0
    }
    this.restartTimer()
    this.irq.update()
  }

  surpriseRemove(): void {
    if (this.removed) return
    this.removed = true
    this.video.kill()
    this.audio.kill()
    if (this.timer !== null) this.machine.kernel.cancelHw(this.timer)
    this.timer = null
    this.irq.removed = true
    this.irq.update()
  }

  // ---------------------------------------------------------------- timer, faults, findings

  private restartTimer(): void {
    const k = this.machine.kernel
    if (this.timer !== null) k.cancelHw(this.timer)
    this.timer = null
    const us = this.regs.get(TIMER_PERIOD)
    if (us > 0 && !this.removed && this.powerState === 1) this.timer = k.scheduleHw(k.now() + us * US, this.onTimer, this)
  }

  private readonly onTimer = (): void => {
    this.timer = null
    this.irq.raise(INT.TIMER)
    this.restartTimer()
  }

  /** A PCI abort seen by the card (fault #5 with FATAL). */
  raiseFatal(): void {
    this.fatal = true
    this.irq.raise(INT.FATAL)
  }

  /** Puts a fault firing on the trace. */
  faultEvent(id: string, detail: string): void {
    const k = this.machine.kernel
    k.trace.instant(this.faultTrack, k.now(), k.trace.strings.intern(id), 0, 0, 0, 0, detail)
  }

  private badAccess(kind: 'read' | 'write', offset: number, size: number): void {
    const k = this.machine.kernel
    k.trace.instant(this.faultTrack, k.now(), k.trace.strings.intern('BAD_ACCESS'), 0, 0, 0, 0, `${size}-byte ${kind} at 0x${offset.toString(16)}`)
    const what = kind === 'read' ? 'reads 0xFFFFFFFF' : 'is dropped'
    this.registerProblem(`bad-${kind}-${offset}-${size}`, `${size}-byte ${kind} at BAR0+0x${offset.toString(16)}: only aligned 32-bit accesses are valid, so it ${what} (use READ_REGISTER_ULONG/WRITE_REGISTER_ULONG)`)
  }

  private registerProblem(key: string, message: string): void {
    if (this.reported.has(key)) return
    this.reported.add(key)
    this.findings.report('register-access', message)
  }
}
