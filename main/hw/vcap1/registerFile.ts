import { REGISTER_AT, REGISTERS, bitsOf, type RegisterSpec } from './registers.js'

/** What a CPU write did, after the access rules of every field were applied. */
export interface WriteEffect {
  spec: RegisterSpec
  /** The value the driver wrote. */
  written: number
  /** The stored value before and after. */
  before: number
  after: number
  /** Bits written 1 in W1S/WO/SC fields (the "action" bits the device acts on). */
  strobes: number
  /** Bits written 1 in W1C fields (what was cleared). */
  cleared: number
  /** Problems for the register-access check: writes to read-only or reserved bits. */
  problems: string[]
}

/**
 * Register storage with the access semantics of the register table: RW stores, RO ignores writes, W1C
 * clears, W1S and WO strobe (the device decides what they do), SC strobes and reads 0, reserved bits
 * read 0. It knows nothing of the device: VCAP-1's one write handler acts on the strobes.
 */
export class RegisterFile {
  readonly values = new Uint32Array(0x400)

  constructor() {
    this.reset()
  }

  reset(filter?: (r: RegisterSpec) => boolean): void {
    for (const r of REGISTERS) if (!filter || filter(r)) this.values[r.offset >>> 2] = r.reset >>> 0
  }

  get(offset: number): number {
    return this.values[offset >>> 2]
  }

  set(offset: number, value: number): void {
    this.values[offset >>> 2] = value >>> 0
  }

  spec(offset: number): RegisterSpec | undefined {
    return REGISTER_AT.get(offset)
  }

  /** Applies a 32-bit CPU write to a defined register; the caller checks alignment and [stopped]. */
  write(spec: RegisterSpec, written: number): WriteEffect {
    const before = this.values[spec.offset >>> 2]
    let after = before
    let strobes = 0
    let cleared = 0
    let defined = 0
    const problems: string[] = []
    const w = written >>> 0
    const readOnly = spec.fields.every((f) => f.access === 'RO' || f.access === 'RC')
    for (const field of spec.fields) {
      const mask = bitsOf(field) >>> 0
      defined = (defined | mask) >>> 0
      const bits = (w & mask) >>> 0
      switch (field.access) {
        case 'RW':
          after = ((after & ~mask) | bits) >>> 0
          break
        case 'RO':
        case 'RC':
          // In a register that also has writable fields, writing 0 (or the current value) to a read-only
          // field is how drivers leave it alone; anything else tries to change it.
          if (bits !== ((before & mask) >>> 0) && (bits !== 0 || readOnly)) problems.push(`write to read-only ${spec.name}.${field.name}`)
          break
        case 'W1C':
          cleared = (cleared | bits) >>> 0
          after = (after & ~bits) >>> 0
          break
        case 'W1S':
        case 'WO':
        case 'SC':
          strobes = (strobes | bits) >>> 0
          break
      }
    }
    const reserved = (w & ~defined) >>> 0
    if (reserved !== 0) problems.push(`write of 1 to reserved bits 0x${reserved.toString(16)} of ${spec.name}`)
    this.values[spec.offset >>> 2] = after
    return { spec, written: w, before, after, strobes, cleared, problems }
  }
}
