/**
 * VCAP-1's PCI configuration space (vcap1.md 7.1): identity, Command (Memory Space, Bus Master Enable,
 * Interrupt Disable), Status (Received Master Abort, Signaled Target Abort), BAR0, INTx pin A, and an
 * MSI capability with one vector. The IDs are an emulator-private placeholder.
 */
export const PCI_VENDOR_ID = 0x5643
export const PCI_DEVICE_ID = 0x0001

export const PCI_COMMAND = 0x04
export const PCI_STATUS = 0x06
export const PCI_CAPABILITIES = 0x34
export const PCI_INTERRUPT_PIN = 0x3d
export const PCI_MSI = 0x50

export const CMD_MEMORY_SPACE = 1 << 1
export const CMD_BUS_MASTER = 1 << 2
export const CMD_INTX_DISABLE = 1 << 10

export const STATUS_CAPABILITIES = 1 << 4
export const STATUS_SIGNALED_TARGET_ABORT = 1 << 11
export const STATUS_RECEIVED_MASTER_ABORT = 1 << 13

const MSI_ENABLE = 1 << 0

export class PciConfig {
  readonly space = new Uint8Array(256)
  private readonly view = new DataView(this.space.buffer)

  constructor(bar0: number) {
    const v = this.view
    v.setUint16(0x00, PCI_VENDOR_ID, true)
    v.setUint16(0x02, PCI_DEVICE_ID, true)
    v.setUint16(PCI_STATUS, STATUS_CAPABILITIES, true)
    v.setUint8(0x08, 1) // revision
    v.setUint8(0x0a, 0x80) // subclass: other multimedia
    v.setUint8(0x0b, 0x04) // class: multimedia
    v.setUint32(0x10, bar0 >>> 0, true)
    v.setUint8(PCI_CAPABILITIES, PCI_MSI)
    v.setUint8(0x3c, 11) // interrupt line
    v.setUint8(PCI_INTERRUPT_PIN, 1) // INTA#
    v.setUint8(PCI_MSI, 0x05) // capability id: MSI
    v.setUint8(PCI_MSI + 1, 0) // last capability
    v.setUint16(PCI_MSI + 2, 1 << 7, true) // message control: 64-bit capable, 1 vector
  }

  get command(): number {
    return this.view.getUint16(PCI_COMMAND, true)
  }

  set command(value: number) {
    this.view.setUint16(PCI_COMMAND, value & 0xffff, true)
  }

  get busMaster(): boolean {
    return (this.command & CMD_BUS_MASTER) !== 0
  }

  get memorySpace(): boolean {
    return (this.command & CMD_MEMORY_SPACE) !== 0
  }

  get msiEnabled(): boolean {
    return (this.view.getUint16(PCI_MSI + 2, true) & MSI_ENABLE) !== 0
  }

  set msiEnabled(on: boolean) {
    const control = this.view.getUint16(PCI_MSI + 2, true)
    this.view.setUint16(PCI_MSI + 2, on ? control | MSI_ENABLE : control & ~MSI_ENABLE, true)
  }

  /** Latches an abort in the Status register (write-1-to-clear bits). */
  flag(bits: number): void {
    this.view.setUint16(PCI_STATUS, this.view.getUint16(PCI_STATUS, true) | bits, true)
  }

  read(offset: number, dest: Uint8Array, length: number): void {
    for (let i = 0; i < length; i++) dest[i] = offset + i < 256 ? this.space[offset + i] : 0xff
  }

  /** Config writes: Command and MSI control are writable; Status abort bits are write-1-to-clear. */
  write(offset: number, src: Uint8Array, length: number): void {
    for (let i = 0; i < length; i++) {
      const at = offset + i
      const value = src[i]
      if (at === PCI_COMMAND || at === PCI_COMMAND + 1 || at === PCI_MSI + 2) this.space[at] = value
      else if (at === PCI_STATUS + 1) this.space[at] &= ~(value & ((STATUS_SIGNALED_TARGET_ABORT | STATUS_RECEIVED_MASTER_ABORT) >> 8))
      else if (at >= PCI_MSI + 4 && at < PCI_MSI + 14) this.space[at] = value
    }
  }
}
