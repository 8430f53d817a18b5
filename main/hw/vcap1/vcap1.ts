import type { EventHandle } from '../../sim/eventQueue.js'
import type { Kernel } from '../../sim/kernel.js'
import { US } from '../../contract/time.js'
import type { DeviceResources, DevicePowerState, PciDevice } from '../pciDevice.js'
import type { IrqLine, IrqOutput } from '../irqLine.js'
import { INTA_LEVEL, INTA_VECTOR, MSI_VECTOR, type Machine } from '../machine.js'
import { AudioChannel } from './audioChannel.js'
import { AudioGenerator } from './audioGenerator.js'
import { BusMaster } from './busMaster.js'
import { DescriptorRing } from './descriptorRing.js'
import { FaultInjector } from './faultInjector.js'
import { CollectedFindings, type CardFindingSink } from './findings.js'
import { InterruptBlock } from './interruptBlock.js'
import { PatternGenerator } from './patterns.js'
import { CMD_BUS_MASTER, CMD_INTX_DISABLE, CMD_MEMORY_SPACE, PciConfig } from './pci.js'
import { RegisterDispatch, RegisterFile, type HighWordLatches } from './registerFile.js'
import { VCAP1_HOOKS, applyGlobal } from './registerHooks.js'
import { BAR0_SIZE, FIELD, INT, REG, REGISTER_AT, decodeRegister } from './registers.js'
import { TimestampCounter } from './timestampCounter.js'
import { VIDEO_FIFO_BYTES, VideoChannel } from './videoChannel.js'

/** Soft reset busy time (vcap1.md 7.3 GCTRL.SOFT_RESET). */
export const RESET_TIME_NS = 10 * US

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
 * out-of-band fault injector. Like QEMU's edu device with include/hw/register.h: the registers are
 * the table's (registers.ts), what each one does is an access hook (registerHooks.ts) that one read and
 * one write handler dispatch to (registerFile.ts), and all timing runs on the virtual clock.
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

  /** INT_STATUS bits the driver has read (to catch "event cleared unseen", 7.12 C5). */
  seenStatus = 0
  /** The read and write handlers: the table's access rules and VCAP1_HOOKS (registerHooks.ts). */
  private readonly dispatch = new RegisterDispatch<Vcap1Card>(this.regs, VCAP1_HOOKS, this, (key, message) => this.registerProblem(key, message))
  /** High words latched by reading the low word of a 64-bit pair, and whether LO was read first. */
  readonly latches: HighWordLatches = this.dispatch.latches

  private out!: IrqOutput
  private bar0 = { physical: 0, va: 0 }
  private resetBusyUntil = 0
  private timer: EventHandle | null = null
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
    const parts = { kernel: k, port: this.port, irq: this.irq, ts: this.ts }
    this.video = new VideoChannel({ ...parts, ring: videoRing }, new PatternGenerator(rng.fork('patterns')))
    this.video.bandwidth = (this.options.bandwidthMBps ?? 400) / 1000
    this.audio = new AudioChannel({ ...parts, ring: audioRing }, new AudioGenerator(rng.fork('audio')), rng.fork('audio-jitter'))
    // Errors halt the channel with RUN cleared by the hardware (7.5): RUN reads 0, and the driver's next
    // RUN=1 is a 0 -> 1 edge that is refused (and reported) until CH_RESET.
    this.video.onError = () => this.regs.set(REG.VID_CTRL, this.regs.get(REG.VID_CTRL) & ~FIELD.VID_CTRL.RUN)
    this.audio.onError = () => this.regs.set(REG.AUD_CTRL, this.regs.get(REG.AUD_CTRL) & ~FIELD.AUD_CTRL.RUN)
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
    return this.dispatch.read(offset, this.machine.kernel.now())
  }

  /**
   * What a 32-bit read of `offset` would return now, with none of a read's side effects: INT_STATUS
   * is not cleared in read-to-clear mode and counts as unseen, TS_LO and the other low words latch
   * nothing (a high word shows its latch, what the next read returns), AUD_POSITION flushes nothing and
   * draws no jitter, register-triggered faults do not count it. For the workbench's register inspector.
   */
  peekRegister(offset: number): number {
    if (this.removed) return 0xffffffff
    return this.dispatch.peek(offset, this.machine.kernel.now())
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
    if (this.resetBusy(k.now())) {
      this.registerProblem(`reset-${spec.name}`, `write to ${spec.name} while GSTATUS.RESET_BUSY is set (dropped): wait for the soft reset to finish`)
      return
    }
    if (spec.stopped !== undefined && !this.channelHalted(spec.stopped)) {
      this.registerProblem(`stopped-${spec.name}`, `write to ${spec.name} while the ${spec.stopped} channel is running (ignored): it is a [stopped] register; stop the channel and wait for HALTED first`)
      return
    }
    this.dispatch.write(spec, value >>> 0)
    this.irq.update()
  }

  /** GSTATUS.RESET_BUSY: a soft reset is in progress (or stuck, a fault). */
  resetBusy(now: number): boolean {
    return now < this.resetBusyUntil || this.resetStuck
  }

  /** Everything derived from the register file, after a reset or power-up. */
  private applyRegisters(): void {
    applyGlobal(this)
    this.video.pattern = this.regs.get(REG.VID_PATTERN)
    this.video.stopAtEof = (this.regs.get(REG.VID_CTRL) & FIELD.VID_CTRL.STOP_AT_EOF) !== 0
    this.video.fifoBytes = VIDEO_FIFO_BYTES
    this.audio.generator = this.regs.get(REG.AUD_GEN)
    this.audio.cyclic = false
    this.restartTimer()
  }

  private channelHalted(channel: 'video' | 'audio'): boolean {
    return channel === 'video' ? this.video.halted : this.audio.halted
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
    this.latches.clear()
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

  /** TIMER_PERIOD into the timer: the next tick a period from now (none while 0, removed or powered down). */
  restartTimer(): void {
    const k = this.machine.kernel
    if (this.timer !== null) k.cancelHw(this.timer)
    this.timer = null
    const us = this.regs.get(REG.TIMER_PERIOD)
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

  /** A register-access finding, reported once per key to keep the report readable. */
  registerProblem(key: string, message: string): void {
    if (this.reported.has(key)) return
    this.reported.add(key)
    this.findings.report('register-access', message)
  }
}
