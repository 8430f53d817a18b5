import type { Allocation, PhysicalMemory } from '../physicalMemory.js'
import type { BusMaster } from './busMaster.js'
import type { CardFindingSink } from './findings.js'
import { DESC_CTRL, DESCRIPTOR, ERR } from './registers.js'

const TWO_32 = 0x1_0000_0000
export const MAX_RING = 256

/** One fetched descriptor (reused; the channel holds one at a time). */
export class Descriptor {
  index = 0
  address = 0
  length = 0
  ctrl = 0
  /** Mapping generation of the target buffer when the descriptor was published (-1: unknown). */
  generation = -1

  get own(): boolean {
    return (this.ctrl & DESC_CTRL.OWN) !== 0
  }
  get sof(): boolean {
    return (this.ctrl & DESC_CTRL.SOF) !== 0
  }
  get eof(): boolean {
    return (this.ctrl & DESC_CTRL.EOF) !== 0
  }
  get ioc(): boolean {
    return (this.ctrl & DESC_CTRL.IOC) !== 0
  }
}

/**
 * A ring of 32-byte descriptors in physical memory (vcap1.md 7.4): the driver produces at TAIL (the
 * doorbell), the card consumes at HEAD and writes status back before it clears OWN. Index arithmetic
 * is modulo N and the ring is bounded, so a malformed ring can never hang the card.
 *
 * The ring also keeps what the driver published at each doorbell (address, length, control, and the
 * target buffer's mapping generation) so that descriptor misuse (7.12 C4) is caught: a doorbell rung
 * before OWN was set, a TAIL that overruns HEAD, a descriptor rewritten while the card owns it.
 */
export class DescriptorRing {
  base = 0
  count = 0
  head = 0
  tail = 0
  /** Free-running count of completed descriptors (DESC_DONE_CNT). */
  doneCount = 0

  private readonly raw = new Uint8Array(DESCRIPTOR.SIZE)
  private readonly view = new DataView(this.raw.buffer)
  private readonly wb = new Uint8Array(16)
  private readonly wbView = new DataView(this.wb.buffer)
  private readonly publishedAddress = new Float64Array(MAX_RING)
  private readonly publishedLength = new Uint32Array(MAX_RING)
  private readonly publishedCtrl = new Uint32Array(MAX_RING)
  private readonly publishedGeneration = new Float64Array(MAX_RING).fill(-1)
  /** Published and not yet consumed: the card owns these. */
  private readonly owned = new Uint8Array(MAX_RING)
  /** The ring's bytes when it lies in one physically contiguous allocation (the usual common buffer). */
  private fast: Uint8Array | null = null
  private fastAlloc: Allocation | null = null

  constructor(
    readonly name: 'video' | 'audio',
    private readonly memory: PhysicalMemory,
    private readonly port: BusMaster,
    private readonly findings: () => CardFindingSink,
  ) {}

  /** Entries in [HEAD, TAIL). */
  get available(): number {
    return this.count === 0 ? 0 : (this.tail - this.head + this.count) % this.count
  }

  /** Why the ring registers cannot be used, or null (checked at RUN). */
  configError(baseLo: number, baseHi: number, count: number): string | null {
    const base = baseHi * TWO_32 + baseLo
    if (count < 2 || count > MAX_RING) return `DESC_COUNT ${count} is outside 2..${MAX_RING}`
    if (base % 32 !== 0) return `DESC_BASE 0x${base.toString(16)} is not 32-byte aligned`
    if (base === 0) return 'DESC_BASE is 0 (no ring programmed)'
    const range = this.port.addressCheck(base, count * DESCRIPTOR.SIZE)
    if (range !== 0) return `the ring at 0x${base.toString(16)} is above the 32-bit DMA limit`
    return null
  }

  /** Follows the base and count registers (their validity is checked at RUN). */
  configure(baseLo: number, baseHi: number, count: number): void {
    this.base = baseHi * TWO_32 + baseLo
    this.count = count >= 2 && count <= MAX_RING ? count : 0
    this.fast = null
    if (this.head >= this.count) this.head = 0
    if (this.tail >= this.count) this.tail = 0
  }

  /** CH_RESET: HEAD and TAIL back to 0, nothing owned. */
  resetIndices(): void {
    this.head = 0
    this.tail = 0
    this.owned.fill(0)
    this.publishedGeneration.fill(-1)
  }

  addressOf(index: number): number {
    return this.base + index * DESCRIPTOR.SIZE
  }

  /**
   * The driver wrote TAIL. Returns ERR.RING_OVERRUN when the new TAIL passes HEAD (more than N - 1
   * entries published), else 0. Newly published entries are snapshotted for the misuse checks.
   */
  doorbell(newTail: number, strict: boolean): number {
    const n = this.count
    if (n === 0) {
      this.tail = newTail
      return 0
    }
    if (newTail >= n) {
      this.findings().report('descriptor-misuse', `${this.name} TAIL ${newTail} is outside the ring of ${n} descriptors`)
      return ERR.RING_OVERRUN
    }
    const added = (newTail - this.tail + n) % n
    if (added === 0) return 0
    if (this.available + added >= n) {
      this.findings().report('descriptor-misuse', `${this.name} TAIL moved from ${this.tail} to ${newTail} past HEAD ${this.head}: the ring holds at most ${n - 1} descriptors`)
      return ERR.RING_OVERRUN
    }
    for (let i = 0, index = this.tail; i < added; i++, index = (index + 1) % n) this.publish(index, strict)
    this.tail = newTail
    return 0
  }

  /** The ring's memory as one view, or null when it is scattered, freed or absent. */
  private ringBytes(): Uint8Array | null {
    if (this.fast !== null && !this.fastAlloc!.freed) return this.fast
    this.fast = null
    const length = this.count * DESCRIPTOR.SIZE
    const t = length > 0 ? this.memory.translate(this.base) : null
    if (t === null || t.alloc.physicalAddressOf(t.offset).contiguous < length) return null
    this.fastAlloc = t.alloc
    this.fast = t.alloc.backing.subarray(t.offset, t.offset + length)
    return this.fast
  }

  /** Copies the first `length` bytes of descriptor `index` into `raw`. */
  private load(index: number, length: number): void {
    const bytes = this.ringBytes()
    if (bytes === null) {
      this.memory.read(this.addressOf(index), this.raw, 0, length)
      return
    }
    // A plain loop: 16 or 32 bytes do not pay for a subarray.
    const raw = this.raw
    const at = index * DESCRIPTOR.SIZE
    for (let i = 0; i < length; i++) raw[i] = bytes[at + i]
  }

  /** Writes `length` bytes of `src` at byte `at` of descriptor `index` (the card's writeback). */
  private store(index: number, at: number, src: Uint8Array, length: number): void {
    const bytes = this.ringBytes()
    if (bytes === null) {
      this.memory.write(this.addressOf(index) + at, src, 0, length)
      return
    }
    const to = index * DESCRIPTOR.SIZE + at
    for (let i = 0; i < length; i++) bytes[to + i] = src[i]
  }

  private publish(index: number, strict: boolean): void {
    this.load(index, 16)
    const v = this.view
    const address = v.getUint32(0, true) + v.getUint32(4, true) * TWO_32
    const ctrl = v.getUint32(DESCRIPTOR.CTRL, true)
    this.publishedAddress[index] = address
    this.publishedLength[index] = v.getUint32(DESCRIPTOR.BUF_LEN, true)
    this.publishedCtrl[index] = ctrl
    const target = this.memory.allocationAt(address)
    this.publishedGeneration[index] = target !== null && target.mappedForDevice ? target.generation : -1
    this.owned[index] = 1
    if ((ctrl & DESC_CTRL.OWN) === 0) {
      const consequence = strict ? 'the card will stop with NOT_OWNED' : 'the card waits until it sees OWN'
      this.findings().report('descriptor-misuse', `${this.name} doorbell rung before descriptor ${index} was handed over (OWN=0); ${consequence}. Set OWN, then write TAIL`)
    }
  }

  /** Reads the descriptor at HEAD into `d`. Returns 0 or an abort cause. */
  fetch(d: Descriptor): number {
    const index = this.head
    const cause = this.port.fetchCheck(this.name, this.addressOf(index))
    if (cause !== 0) return cause
    this.load(index, DESCRIPTOR.SIZE)
    const v = this.view
    d.index = index
    d.address = v.getUint32(0, true) + v.getUint32(4, true) * TWO_32
    d.length = v.getUint32(DESCRIPTOR.BUF_LEN, true)
    d.ctrl = v.getUint32(DESCRIPTOR.CTRL, true)
    d.generation = this.publishedGeneration[index]
    if (this.owned[index] === 1 && (d.ctrl & DESC_CTRL.OWN) !== 0) this.checkUnchanged(d)
    return 0
  }

  /** Validates a fetched descriptor. Returns 0 or the VID_ERROR cause (vcap1.md 7.4). */
  validate(d: Descriptor, strict: boolean, maxLength: number, alignment: number): number {
    if (strict && (d.ctrl & DESC_CTRL.RESERVED) !== 0) return ERR.RESERVED_BITS
    if (d.length === 0 || d.length % 4 !== 0 || d.length > maxLength) return ERR.LEN_INVALID
    if (d.address % alignment !== 0) return ERR.ADDR_ALIGN
    return this.port.addressCheck(d.address, d.length)
  }

  /**
   * Completes the descriptor at HEAD: status, bytes and timestamp first, then OWN cleared (unless
   * `keepOwn`, the audio CYCLIC mode), then HEAD and DONE_CNT advance. Returns 0 or an abort cause.
   */
  complete(d: Descriptor, status: number, bytes: number, tsLo: number, tsHi: number, keepOwn = false): number {
    const address = this.addressOf(d.index)
    this.checkUnchangedBeforeWriteback(d)
    const w = this.wbView
    w.setUint32(0, status >>> 0, true)
    w.setUint32(4, bytes >>> 0, true)
    w.setUint32(8, tsLo >>> 0, true)
    w.setUint32(12, tsHi >>> 0, true)
    const cause = this.port.writeBackCheck(address)
    if (cause !== 0) return cause
    this.store(d.index, DESCRIPTOR.WB_STATUS, this.wb, 16)
    if (!keepOwn) {
      w.setUint32(0, (d.ctrl & ~DESC_CTRL.OWN) >>> 0, true)
      this.store(d.index, DESCRIPTOR.CTRL, this.wb, 4)
      this.owned[d.index] = 0
      this.publishedGeneration[d.index] = -1
    }
    this.head = (this.head + 1) % this.count
    this.doneCount = (this.doneCount + 1) >>> 0
    return 0
  }

  /** The driver changed a descriptor between publishing it and the card fetching it. */
  private checkUnchanged(d: Descriptor): void {
    const i = d.index
    if (this.publishedAddress[i] === d.address && this.publishedLength[i] === d.length && this.publishedCtrl[i] === d.ctrl) return
    if ((this.publishedCtrl[i] & DESC_CTRL.OWN) === 0) {
      // Published with OWN=0 (already reported); the driver finished it afterwards: take the new contents.
      this.publishedAddress[i] = d.address
      this.publishedLength[i] = d.length
      this.publishedCtrl[i] = d.ctrl
      return
    }
    this.findings().report('descriptor-misuse', `${this.name} descriptor ${i} was rewritten while the card owned it (${this.describeChange(i, d.address, d.length, d.ctrl)})`)
  }

  /** The driver touched a descriptor after the card fetched it and before the writeback. */
  private checkUnchangedBeforeWriteback(d: Descriptor): void {
    this.load(d.index, 16)
    const v = this.view
    const address = v.getUint32(0, true) + v.getUint32(4, true) * TWO_32
    const length = v.getUint32(DESCRIPTOR.BUF_LEN, true)
    const ctrl = v.getUint32(DESCRIPTOR.CTRL, true)
    if (address === d.address && length === d.length && ctrl === d.ctrl) return
    this.findings().report('descriptor-misuse', `${this.name} descriptor ${d.index} was modified while the card was using it (${describe(d.address, d.length, d.ctrl, address, length, ctrl)})`)
  }

  private describeChange(i: number, address: number, length: number, ctrl: number): string {
    return describe(this.publishedAddress[i], this.publishedLength[i], this.publishedCtrl[i], address, length, ctrl)
  }
}

function describe(a0: number, l0: number, c0: number, a1: number, l1: number, c1: number): string {
  const parts: string[] = []
  if (a0 !== a1) parts.push(`BUF_ADDR 0x${a0.toString(16)} -> 0x${a1.toString(16)}`)
  if (l0 !== l1) parts.push(`BUF_LEN ${l0} -> ${l1}`)
  if (c0 !== c1) parts.push(`CTRL 0x${c0.toString(16)} -> 0x${c1.toString(16)}${(c0 & DESC_CTRL.OWN) !== 0 && (c1 & DESC_CTRL.OWN) === 0 ? ' (OWN cleared)' : ''}`)
  return parts.join(', ')
}
