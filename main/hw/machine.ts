import { DEVICE_IRQL } from '../sim/irql.js'
import { InterruptController, type InterruptVector } from '../sim/interrupts.js'
import { Kernel, type KernelOptions } from '../sim/kernel.js'
import { Bus } from './bus.js'
import type { PciDevice } from './pciDevice.js'
import { IrqLine } from './irqLine.js'
import { PhysicalMemory } from './physicalMemory.js'

export interface MachineOptions extends KernelOptions {
  /** Consecutive ISR invocations with the line still asserted before 0xF2 (default 1000). */
  stormThreshold?: number
}

/** Where the emulated PCI slot's INTA# is routed. */
export const INTA_LEVEL = 11
export const INTA_VECTOR = 0x3b
/** The message-signalled vector a device gets when MSI is enabled. */
export const MSI_VECTOR = 0x61

/**
 * The emulated computer: kernel, interrupt controller, physical memory, the MMIO bus, and one shared
 * INTA# line that the plugged-in devices drive.
 */
export class Machine {
  readonly kernel: Kernel
  readonly interrupts: InterruptController
  readonly memory: PhysicalMemory
  readonly bus: Bus
  readonly inta: IrqLine
  readonly intaVector: InterruptVector
  /** Latched (edge-like, unshared) vector for MSI messages. */
  readonly msiVector: InterruptVector
  readonly devices: PciDevice[] = []

  constructor(options: MachineOptions = {}) {
    this.kernel = new Kernel(options)
    this.interrupts = new InterruptController(this.kernel, options.stormThreshold ?? 1000)
    this.memory = new PhysicalMemory(this.kernel.rng.fork('memory'))
    this.bus = new Bus(this.kernel)
    this.inta = new IrqLine('INTA#')
    this.intaVector = this.interrupts.vector(INTA_VECTOR, DEVICE_IRQL, 'level')
    this.inta.connect(this.intaVector)
    this.msiVector = this.interrupts.vector(MSI_VECTOR, DEVICE_IRQL, 'latched')
    this.inta.connectMessages(this.msiVector)
  }

  plug(device: PciDevice): void {
    this.devices.push(device)
    device.plug(this, this.inta)
  }
}
