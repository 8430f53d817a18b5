import type { Allocation, PhysicalMemory } from '../physicalMemory.js'
import { FOUR_GIB } from '../physicalMemory.js'
import type { CardFindingSink } from './findings.js'
import { STATUS_RECEIVED_MASTER_ABORT, type PciConfig } from './pci.js'
import { ERR } from './registers.js'

export type Channel = 'video' | 'audio'

/** Where DMA data comes from: a prepared video frame or the audio generator, read at an offset. */
export interface DmaSource {
  copy(offset: number, length: number, dst: Uint8Array, dstOffset: number): void
}

/**
 * VCAP-1's bus-master port: every descriptor fetch, writeback and data write goes through here, so
 * every one is checked (vcap1.md 7.11) against Bus Master Enable, the 32-bit DMA mask and the tags of
 * the physical pages it lands on. Like real hardware the card writes anyway and the emulator flags it
 * loudly; in IOMMU mode the write is blocked and becomes a DATA_WRITE_ABORT instead.
 */
export class BusMaster {
  /** CAPS.DMA64: may the card drive addresses at or above 4 GiB? */
  dma64 = false
  /** Block writes to memory the device does not own (instead of only reporting them). */
  iommu = false
  /** Set by a fault: the next data write / descriptor fetch of that channel (or any) master-aborts. */
  abortNextWrite: Channel | 'any' | null = null
  abortNextFetch: Channel | 'any' | null = null
  /** Bytes written by DMA since power-up (benchmarks read it). */
  bytesWritten = 0
  /** Benchmarks only: accumulate the wall time spent moving data (performance.now per transfer). */
  measure = false
  busyMs = 0
  /** The faulting address of the last abort, for VID_ERR_ADDR / AUD_ERR_ADDR. */
  faultAddress = 0

  // Per-write state for the run visitor (one bound visitor, no closure per write).
  private source: DmaSource | null = null
  private sourceOffset = 0
  private what = ''
  private verdict = 0
  private generation = -1
  private readonly visitRun = this.writeRun.bind(this)

  constructor(
    private readonly memory: PhysicalMemory,
    private readonly pci: PciConfig,
    public findings: CardFindingSink,
  ) {}

  /** Can the card reach [address, address + length) at all? Returns 0 or an ERR cause bit. */
  addressCheck(address: number, length: number): number {
    if (!this.dma64 && address + length > FOUR_GIB) return ERR.ADDR_RANGE
    return 0
  }

  /**
   * May the card fetch a descriptor at `address` now? Returns 0 or ERR.DESC_FETCH_ABORT (bus
   * mastering off, an injected abort, or no memory there). The ring then reads the bytes itself.
   */
  fetchCheck(channel: Channel, address: number): number {
    if (!this.pci.busMaster) return this.masterAbort(address, ERR.DESC_FETCH_ABORT)
    if (this.abortNextFetch === channel || this.abortNextFetch === 'any') {
      this.abortNextFetch = null
      return this.masterAbort(address, ERR.DESC_FETCH_ABORT)
    }
    if (this.memory.allocationAt(address) === null) return this.masterAbort(address, ERR.DESC_FETCH_ABORT)
    return 0
  }

  /** May the card write descriptor status back at `address`? Returns 0 or an abort cause. */
  writeBackCheck(address: number): number {
    if (!this.pci.busMaster) return this.masterAbort(address, ERR.DATA_WRITE_ABORT)
    return 0
  }

  /**
   * Writes `length` bytes of `source` (from `sourceOffset`) to physical `address`. `what` names the
   * transfer for findings ("video descriptor 17"). `generation` is the target allocation's mapping
   * generation when the descriptor was published (-1: unknown); a different one now means the buffer
   * was completed and handed out again while the card still held a descriptor for it.
   * Returns 0 or ERR.DATA_WRITE_ABORT.
   */
  writeData(channel: Channel, address: number, length: number, source: DmaSource, sourceOffset: number, what: string, generation = -1): number {
    if (!this.pci.busMaster) return this.masterAbort(address, ERR.DATA_WRITE_ABORT)
    if (this.abortNextWrite === channel || this.abortNextWrite === 'any') {
      this.abortNextWrite = null
      return this.masterAbort(address, ERR.DATA_WRITE_ABORT)
    }
    const started = this.measure ? performance.now() : 0
    // The usual case: one contiguous run of one mapped buffer, moved with one copy.
    const offset = this.memory.contiguousRun(address, length)
    if (offset >= 0) {
      const alloc = this.memory.runAllocation!
      if (alloc.mappedForDevice && alloc.locked && !alloc.freed && offset + length <= alloc.size && (generation < 0 || alloc.generation === generation)) {
        source.copy(sourceOffset, length, alloc.backing, offset)
        this.bytesWritten += length
        if (this.measure) this.busyMs += performance.now() - started
        return 0
      }
    }
    this.source = source
    this.sourceOffset = sourceOffset
    this.what = what
    this.generation = generation
    this.verdict = 0
    this.faultAddress = address
    this.memory.forEachRun(address, length, this.visitRun)
    this.source = null
    if (this.verdict === 0) this.bytesWritten += length
    if (this.measure) this.busyMs += performance.now() - started
    return this.verdict
  }

  private writeRun(alloc: Allocation | null, offset: number, at: number, runLength: number): void {
    if (this.verdict !== 0) return
    if (alloc !== null && offset < alloc.size && offset + runLength > alloc.size) {
      // A run into the slack of the buffer's last page: the bytes before its end are the buffer's, only
      // the rest is "past the end" (so the finding and the IOMMU's fault address name where it starts).
      const inside = alloc.size - offset
      this.writeRun(alloc, offset, at, inside)
      this.writeRun(alloc, alloc.size, at + inside, runLength - inside)
      return
    }
    const address = this.faultAddress + at
    const problem = alloc === null ? 'memory that no allocation owns' : this.ownershipProblem(alloc, offset, runLength)
    if (problem !== null) {
      this.findings.report('dma-unowned-memory', `${this.what} wrote ${runLength} bytes at physical 0x${address.toString(16)}: ${problem}`)
      if (alloc === null || this.iommu) {
        this.verdict = this.masterAbort(address, ERR.DATA_WRITE_ABORT)
        return
      }
    }
    this.source!.copy(this.sourceOffset + at, runLength, alloc!.backing, offset)
  }

  private ownershipProblem(alloc: Allocation, offset: number, length: number): string | null {
    const name = `${alloc.owner} (${alloc.kind})`
    if (alloc.freed) return `${name} was freed`
    if (!alloc.mappedForDevice) return `${name} is not mapped for the device (its request was completed, or it was never handed over)`
    if (!alloc.locked) return `${name} is not locked`
    if (offset + length > alloc.size) return `past the end of ${name} (${alloc.size} bytes)`
    if (this.generation >= 0 && alloc.generation !== this.generation) {
      return `${name} was completed and mapped again for another request after this descriptor was queued (mapping ${this.generation}, now ${alloc.generation})`
    }
    return null
  }

  private masterAbort(address: number, cause: number): number {
    this.faultAddress = address
    this.pci.flag(STATUS_RECEIVED_MASTER_ABORT)
    return cause
  }
}
