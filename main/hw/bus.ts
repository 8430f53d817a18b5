import { BUGCHECK } from '../sim/bugcheck.js'
import type { Kernel } from '../sim/kernel.js'
import type { PciDevice } from './pciDevice.js'

/** Kernel virtual addresses where BARs get mapped (within 2^53, so plain numbers hold them). */
const MMIO_VA_BASE = 0xffff_d000_0000
const MMIO_VA_STRIDE = 0x10000
/** Physical addresses of BARs, in the PCI memory hole below 4 GiB. */
const MMIO_PHYS_BASE = 0xf000_0000

interface Region {
  va: number
  physical: number
  length: number
  device: PciDevice
  bar: number
  track: number
  /** Interned event names per (offset, direction), built on first use: "read VID_STATUS". */
  names: Map<number, number>
}

/**
 * The memory-mapped I/O address space. READ_REGISTER_* / WRITE_REGISTER_* land here: the access first
 * lets the hardware catch up to the CPU's clock (a checkpoint), then reaches the device, then costs the
 * CPU a PCIe round trip (reads) or a posted write. Every access is on the trace.
 */
export class Bus {
  private readonly regions: Region[] = []
  private last: Region | null = null
  private readonly mmioArgs: number

  constructor(private readonly kernel: Kernel) {
    const t = kernel.trace
    this.mmioArgs = t.defineArgs('mmio', [
      { name: 'value', format: 'hex' },
      { name: 'size', format: 'int' },
      { name: 'fields', format: 'string' },
    ])
  }

  /** Assigns a physical address and a kernel mapping to a device's BAR; returns both. */
  mapBar(device: PciDevice, bar: number, length: number): { physical: number; va: number } {
    const n = this.regions.length
    const region: Region = {
      va: MMIO_VA_BASE + n * MMIO_VA_STRIDE,
      physical: MMIO_PHYS_BASE + n * MMIO_VA_STRIDE,
      length,
      device,
      bar,
      track: this.kernel.trace.defineTrack({ name: `MMIO ${device.name} BAR${bar}`, group: 'Hardware', kind: 'instants', order: 100 + n }),
      names: new Map(),
    }
    this.regions.push(region)
    return { physical: region.physical, va: region.va }
  }

  /** The mapped virtual address of a BAR given its physical base (what stream class puts in AccessRanges). */
  vaOfPhysical(physical: number): number | null {
    for (const r of this.regions) if (r.physical === physical) return r.va
    return null
  }

  read(address: number, size: 1 | 2 | 4): number {
    const k = this.kernel
    k.checkpoint()
    const r = this.find(address, size)
    const offset = address - r.va
    const value = r.device.mmioRead(r.bar, offset, size) >>> 0
    if (k.trace.enabled) k.trace.instant(r.track, k.now(), this.nameOf(r, offset, 0), this.mmioArgs, value, size, this.fieldsOf(r, offset, value))
    k.charge(k.costs.registerRead)
    return value
  }

  write(address: number, size: 1 | 2 | 4, value: number): void {
    const k = this.kernel
    k.checkpoint()
    const r = this.find(address, size)
    const offset = address - r.va
    const v = size === 4 ? value >>> 0 : value & (size === 2 ? 0xffff : 0xff)
    if (k.trace.enabled) k.trace.instant(r.track, k.now(), this.nameOf(r, offset, 1), this.mmioArgs, v, size, this.fieldsOf(r, offset, v))
    r.device.mmioWrite(r.bar, offset, size, v)
    k.charge(k.costs.registerWrite)
  }

  /** "read VID_STATUS" / "write 0x304": the register's name from the device's map, else the offset. */
  private nameOf(r: Region, offset: number, write: 0 | 1): number {
    const key = offset * 2 + write
    let id = r.names.get(key)
    if (id === undefined) {
      const register = r.device.registerName?.(r.bar, offset) ?? `0x${offset.toString(16).padStart(3, '0')}`
      id = this.kernel.trace.strings.intern(`${write ? 'write' : 'read'} ${register}`)
      r.names.set(key, id)
    }
    return id
  }

  /** The value decoded by field, interned (0 when the device has no decoding for it). */
  private fieldsOf(r: Region, offset: number, value: number): number {
    const text = r.device.decodeValue?.(r.bar, offset, value)
    return text ? this.kernel.trace.strings.intern(text) : 0
  }

  private find(address: number, size: number): Region {
    const last = this.last
    if (last !== null && address >= last.va && address + size <= last.va + last.length) return last
    for (const r of this.regions) {
      if (address >= r.va && address + size <= r.va + r.length) {
        this.last = r
        return r
      }
    }
    return this.kernel.bugcheck(
      BUGCHECK.PAGE_FAULT_IN_NONPAGED_AREA,
      `register access at 0x${address.toString(16)} (${size} bytes) is outside every mapped BAR`,
    )
  }
}
