import type { DeviceResources, DevicePowerState, PciDevice } from './pciDevice.js'
import type { IrqLine, IrqOutput } from './irqLine.js'
import type { Machine } from './machine.js'
import type { EventHandle } from '../sim/eventQueue.js'
import { US } from '../contract/time.js'

/**
 * STUB-1: the smallest card that has an interrupt, for exercising the class driver's interrupt dispatch
 * before a real device model is involved. Modelled on QEMU's edu device: registers named here, one
 * read handler, one write handler, timing on the virtual clock.
 *
 * Line: asserted while (INT_STATUS & INT_ENABLE) != 0.
 */
export const STUB_ID = 0x00 // RO  0x53540001
export const STUB_INT_STATUS = 0x04 // W1C latched events
export const STUB_INT_ENABLE = 0x08 // RW  1 = event may assert the line
export const STUB_INT_FORCE = 0x0c // WO  W1S into INT_STATUS
export const STUB_TIMER_US = 0x10 // RW  period of the TIMER event in µs, 0 = off
export const STUB_TICKS = 0x14 // RO  timer periods elapsed
export const STUB_SCRATCH = 0x18 // RW  liveness: reads back ~value
export const STUB_BAR_SIZE = 0x100

export const STUB_INT_EVENT = 1 << 0
export const STUB_INT_TIMER = 1 << 1
export const STUB_ID_VALUE = 0x53540001

export class StubCard implements PciDevice {
  readonly name = 'STUB-1'
  private machine!: Machine
  private irq!: IrqOutput
  private bar0 = { physical: 0, va: 0 }
  private status = 0
  private enable = 0
  private timerUs = 0
  private ticks = 0
  private scratch = 0
  private timer: EventHandle | null = null
  private removed = false
  private power: DevicePowerState = 1
  /** Out-of-band fault: these status bits ignore W1C (the line stays up: an interrupt storm). */
  stuckBits = 0

  plug(machine: Machine, line: IrqLine): void {
    this.machine = machine
    this.irq = line.attach(this.name)
    this.bar0 = machine.bus.mapBar(this, 0, STUB_BAR_SIZE)
  }

  resources(): DeviceResources {
    return {
      memory: [{ physical: this.bar0.physical, length: STUB_BAR_SIZE }],
      interrupt: { level: 11, vector: 0x3b, mode: 'level', shared: true },
      dma: null,
    }
  }

  /** Out of band: latch event bits now (what the hardware would do on its own). */
  raise(bits: number): void {
    if (this.removed) return
    this.status |= bits
    this.update()
  }

  mmioRead(_bar: number, offset: number, size: 1 | 2 | 4): number {
    if (this.removed) return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff
    switch (offset) {
      case STUB_ID:
        return STUB_ID_VALUE
      case STUB_INT_STATUS:
        return this.status
      case STUB_INT_ENABLE:
        return this.enable
      case STUB_TIMER_US:
        return this.timerUs
      case STUB_TICKS:
        return this.ticks
      case STUB_SCRATCH:
        return ~this.scratch >>> 0
      default:
        return 0
    }
  }

  mmioWrite(_bar: number, offset: number, _size: 1 | 2 | 4, value: number): void {
    if (this.removed) return
    switch (offset) {
      case STUB_INT_STATUS:
        this.status &= ~(value & ~this.stuckBits)
        break
      case STUB_INT_ENABLE:
        this.enable = value & (STUB_INT_EVENT | STUB_INT_TIMER)
        break
      case STUB_INT_FORCE:
        this.status |= value & (STUB_INT_EVENT | STUB_INT_TIMER)
        break
      case STUB_TIMER_US:
        this.timerUs = value
        this.restartTimer()
        break
      case STUB_SCRATCH:
        this.scratch = value
        break
    }
    this.update()
  }

  interruptAsserted(): boolean {
    return this.irq.asserted
  }

  interruptsEnabled(): boolean {
    return !this.removed && this.enable !== 0
  }

  setPowerState(state: DevicePowerState): void {
    this.power = state
    if (state !== 1) {
      // Losing power loses the register context.
      this.status = 0
      this.enable = 0
      this.timerUs = 0
      this.restartTimer()
      this.update()
    }
  }

  get powerState(): DevicePowerState {
    return this.power
  }

  /** Out of band: the card stops producing events (a hung engine); registers still answer. */
  stall(): void {
    this.timerUs = 0
    this.restartTimer()
  }

  surpriseRemove(): void {
    this.removed = true
    this.timerUs = 0
    this.restartTimer()
    this.irq.set(false)
  }

  private restartTimer(): void {
    const k = this.machine.kernel
    if (this.timer !== null) k.cancelHw(this.timer)
    this.timer = null
    if (this.timerUs > 0) this.timer = k.scheduleHw(k.now() + this.timerUs * US, this.onTimer, this)
  }

  private readonly onTimer = (): void => {
    const k = this.machine.kernel
    this.ticks = (this.ticks + 1) >>> 0
    this.status |= STUB_INT_TIMER
    this.update()
    this.timer = k.scheduleHw(k.now() + this.timerUs * US, this.onTimer, this)
  }

  private update(): void {
    this.irq.set(!this.removed && (this.status & this.enable) !== 0)
  }
}
