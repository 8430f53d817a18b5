import type { IrqLine } from './irqLine.js'
import type { Machine } from './machine.js'

/** DEVICE_POWER_STATE: D0 (fully on) .. D3 (off). */
export type DevicePowerState = 1 | 2 | 3 | 4

/** What the bus driver hands to the function driver at PnP start (the translated resource list). */
export interface DeviceResources {
  /** Memory BARs: physical base and length. */
  memory: { physical: number; length: number }[]
  interrupt: { level: number; vector: number; mode: 'level' | 'latched'; shared: boolean } | null
  /** Bus-master DMA capability: how many address bits the device can drive. */
  dma: { addressBits: 32 | 64 } | null
}

/**
 * A PCI function on the emulated bus. The class driver sees only its resources, its registers through
 * MMIO, its interrupt line, and (for the verifier) whether it is asserting or has interrupts enabled.
 */
export interface PciDevice {
  readonly name: string
  /** Called once when the device is plugged into a machine: attach to the line, get the clock. */
  plug(machine: Machine, line: IrqLine): void
  resources(): DeviceResources
  /** Register access at a BAR offset; `size` is 1, 2 or 4 bytes. */
  mmioRead(bar: number, offset: number, size: 1 | 2 | 4): number
  mmioWrite(bar: number, offset: number, size: 1 | 2 | 4, value: number): void
  /** True while this device drives its interrupt output. */
  interruptAsserted(): boolean
  /**
   * True while the device has an enabled event that will assert its output (within its assert delay
   * or moderation hold-off): an ISR that claims the interrupt then is not stealing it.
   */
  interruptRequested?(): boolean
  /** True while any of its interrupt sources is enabled (must be false after UNINITIALIZE or D3). */
  interruptsEnabled(): boolean
  setPowerState(state: DevicePowerState): void
  /** The hardware is gone: reads return all ones, writes are dropped, no more interrupts or DMA. */
  surpriseRemove(): void
  /** PCI configuration space (StreamClassReadWriteConfig), when the device has one. */
  configRead?(offset: number, dest: Uint8Array, length: number): void
  configWrite?(offset: number, src: Uint8Array, length: number): void
  /** Register names for the trace's MMIO decoding, when the device has a register map. */
  registerName?(bar: number, offset: number): string | null
  /** A value decoded by field ("VID_CTRL RUN=1 LATE_START=1"), or null when the name says it all. */
  decodeValue?(bar: number, offset: number, value: number): string | null
}
