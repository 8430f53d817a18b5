import type { DeviceResources, DevicePowerState, PciDevice } from './pciDevice.js'
import type { IrqLine } from './irqLine.js'
import type { Machine } from './machine.js'

/**
 * A root-enumerated device with no hardware at all: no registers, no interrupt, no DMA. What a
 * software-only minidriver such as testcap runs on (it fails SRB_INITIALIZE_DEVICE when given ranges).
 */
export class SoftwareDevice implements PciDevice {
  readonly name = 'software device'
  power: DevicePowerState = 1

  plug(_machine: Machine, _line: IrqLine): void {}

  resources(): DeviceResources {
    return { memory: [], interrupt: null, dma: null }
  }

  mmioRead(): number {
    return 0xffffffff
  }

  mmioWrite(): void {}

  interruptAsserted(): boolean {
    return false
  }

  interruptsEnabled(): boolean {
    return false
  }

  setPowerState(state: DevicePowerState): void {
    this.power = state
  }

  surpriseRemove(): void {}
}
