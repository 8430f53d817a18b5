import type { Rng } from '../sim/rng.js'

export const PAGE_SIZE = 4096
const PAGE_SHIFT = 12
/** 4 GiB: the limit of 32-bit DMA. */
export const FOUR_GIB = 0x1_0000_0000
const FIRST_PAGE_LOW = 0x1000 // 16 MiB: below that lives "the kernel"
const LAST_PAGE_LOW = FOUR_GIB / PAGE_SIZE
const FIRST_PAGE_HIGH = FOUR_GIB / PAGE_SIZE
const LAST_PAGE_HIGH = (64 * FOUR_GIB) / PAGE_SIZE // 256 GiB of address space above 4 GiB

/** Who a block of physical memory belongs to. */
export type AllocationKind = 'user-buffer' | 'common-buffer' | 'srb-extension' | 'pool'

/**
 * A block of emulated memory: one contiguous view (what the CPU sees through a virtual address) backed
 * by physical pages that need not be contiguous (what a bus master sees). The two are the same bytes:
 * each physical page is a window onto `bytes`.
 */
export class Allocation {
  /** Physical page number of each 4 KiB page of the block, in virtual order. */
  readonly pages: number[]
  /** Tags the DMA checks read (vcap1.md 7.11). */
  locked = false
  mappedForDevice = false
  freed = false

  constructor(
    readonly id: number,
    readonly kind: AllocationKind,
    readonly owner: string,
    readonly bytes: Uint8Array,
    /** The page-rounded store behind `bytes`: what a bus master can reach through the last page. */
    readonly backing: Uint8Array,
    pages: number[],
    /** Bumped each time the block is handed to the device again, so stale mappings are detectable. */
    public generation: number,
  ) {
    this.pages = pages
  }

  get size(): number {
    return this.bytes.length
  }

  /** Physical address of the byte at `offset`, and how many bytes are physically contiguous from there. */
  physicalAddressOf(offset: number): { address: number; contiguous: number } {
    if (offset < 0 || offset >= this.size) throw new RangeError(`offset ${offset} outside allocation of ${this.size} bytes`)
    let index = offset >>> PAGE_SHIFT
    const address = this.pages[index] * PAGE_SIZE + (offset & (PAGE_SIZE - 1))
    let end = (index + 1) * PAGE_SIZE
    while (index + 1 < this.pages.length && this.pages[index + 1] === this.pages[index] + 1) {
      index++
      end += PAGE_SIZE
    }
    return { address, contiguous: Math.min(end, this.size) - offset }
  }

  /** The scatter/gather runs covering [offset, offset + length): physically contiguous pieces in order. */
  scatterGather(offset = 0, length = this.size - offset): { PhysicalAddress: number; Length: number }[] {
    const runs: { PhysicalAddress: number; Length: number }[] = []
    let pos = offset
    const end = offset + length
    while (pos < end) {
      const { address, contiguous } = this.physicalAddressOf(pos)
      const n = Math.min(contiguous, end - pos)
      runs.push({ PhysicalAddress: address, Length: n })
      pos += n
    }
    return runs
  }
}

export interface AllocateOptions {
  kind: AllocationKind
  owner: string
  /** Place the pages above 4 GiB (to exercise 32-bit DMA limits). */
  above4G?: boolean
  /** One physically contiguous run (common buffers), instead of scattered pages. */
  contiguous?: boolean
}

/**
 * Sparse emulated physical memory in 4 KiB pages. Allocations take deliberately scattered pages (with a
 * seeded chance of short contiguous runs), so a frame buffer has many scatter/gather elements the way a
 * real one does. Page lookups go through a map from page number to (allocation, page index).
 */
export class PhysicalMemory {
  /** page number -> allocation id * 2^20 + page index within it */
  private readonly pageTable = new Map<number, number>()
  /** Pages of freed allocations, same encoding, until they are handed out again (to name what a stray DMA hit). */
  private readonly freedPageTable = new Map<number, number>()
  private readonly allocations: (Allocation | undefined)[] = [undefined]
  private readonly byBuffer = new WeakMap<ArrayBufferLike, Allocation>()
  /**
   * Probability that the next page of a scattered allocation follows the previous one physically:
   * 0.75 gives runs of four pages on average (a 640x480 YUY2 frame in about 40 pieces); 0 scatters
   * every page. Scenarios set it with `device.contiguity`.
   */
  contiguityChance = 0.75

  constructor(private readonly rng: Rng) {}

  allocate(size: number, options: AllocateOptions): Allocation {
    if (!(size > 0)) throw new RangeError(`allocation size must be positive, got ${size}`)
    const pageCount = Math.ceil(size / PAGE_SIZE)
    const high = options.above4G ?? (options.kind === 'user-buffer' && this.userBuffersAbove4G)
    const pages = options.contiguous ? this.contiguousPages(pageCount, high) : this.scatteredPages(pageCount, high)
    const id = this.allocations.length
    // Round the backing store up to whole pages so physical windows never run past its end.
    const backing = new Uint8Array(pageCount * PAGE_SIZE)
    const bytes = backing.subarray(0, size)
    const alloc = new Allocation(id, options.kind, options.owner, bytes, backing, pages, 1)
    this.allocations.push(alloc)
    for (let i = 0; i < pages.length; i++) {
      this.pageTable.set(pages[i], id * 0x100000 + i)
      this.freedPageTable.delete(pages[i])
    }
    this.byBuffer.set(backing.buffer, alloc)
    return alloc
  }

  /** Returns the pages to the free pool; the allocation stays readable but is tagged freed. */
  free(alloc: Allocation): void {
    if (alloc.freed) return
    alloc.freed = true
    alloc.locked = false
    alloc.mappedForDevice = false
    for (let i = 0; i < alloc.pages.length; i++) {
      this.pageTable.delete(alloc.pages[i])
      this.freedPageTable.set(alloc.pages[i], alloc.id * 0x100000 + i)
    }
  }

  /** The allocation a CPU view (Uint8Array) points into, and the view's offset within it. */
  resolveView(view: Uint8Array): { alloc: Allocation; offset: number } | null {
    const alloc = this.byBuffer.get(view.buffer)
    if (alloc === undefined) return null
    return { alloc, offset: view.byteOffset - alloc.bytes.byteOffset }
  }

  /** Place client buffers above 4 GiB (scenario `device.buffersAbove4G`), to test 32-bit DMA limits. */
  userBuffersAbove4G = false

  /** Set by `contiguousRun`: the allocation the run lies in. */
  runAllocation: Allocation | null = null

  /**
   * If [address, address + length) lies in one live allocation and is physically contiguous there (the
   * usual scatter/gather element), returns its offset in the allocation and sets `runAllocation`;
   * otherwise -1. One page-table lookup instead of one per page: the bus master's fast path.
   */
  contiguousRun(address: number, length: number): number {
    const entry = this.pageTable.get(Math.floor(address / PAGE_SIZE))
    if (entry === undefined) return -1
    const alloc = this.allocations[Math.floor(entry / 0x100000)]!
    const first = entry % 0x100000
    const offset = first * PAGE_SIZE + (address % PAGE_SIZE)
    const lastPage = (offset + length - 1) >>> PAGE_SHIFT
    if (length <= 0 || lastPage >= alloc.pages.length) return -1
    const pages = alloc.pages
    const base = pages[first]
    for (let i = first + 1; i <= lastPage; i++) if (pages[i] !== base + (i - first)) return -1
    this.runAllocation = alloc
    return offset
  }

  /** The allocation holding a physical address, or null (no result object: for hot paths). */
  allocationAt(address: number): Allocation | null {
    const entry = this.pageTable.get(Math.floor(address / PAGE_SIZE))
    return entry === undefined ? null : this.allocations[Math.floor(entry / 0x100000)]!
  }

  /** Which allocation owns a physical address (null for unbacked memory). */
  translate(address: number): { alloc: Allocation; offset: number } | null {
    const entry = this.pageTable.get(Math.floor(address / PAGE_SIZE))
    if (entry === undefined) return null
    const alloc = this.allocations[Math.floor(entry / 0x100000)]!
    const offset = (entry % 0x100000) * PAGE_SIZE + (address % PAGE_SIZE)
    return { alloc, offset }
  }

  /**
   * Walks [address, address + length) in runs that are contiguous both physically and within one
   * allocation (or unbacked), so a bus master moves each run with one copy. `at` is the run's offset
   * from `address`. Pages of a freed allocation come with that allocation (tagged `freed`) until they
   * are reused, so a stray write can be named.
   */
  forEachRun(address: number, length: number, visit: (alloc: Allocation | null, offset: number, at: number, runLength: number) => void): void {
    let pos = 0
    while (pos < length) {
      const a = address + pos
      const page = Math.floor(a / PAGE_SIZE)
      const live = this.pageTable.get(page)
      const table = live !== undefined ? this.pageTable : this.freedPageTable
      const entry = live ?? this.freedPageTable.get(page)
      const inPage = PAGE_SIZE - (a % PAGE_SIZE)
      let run = Math.min(inPage, length - pos)
      if (entry === undefined) {
        let p = page + 1
        while (pos + run < length && !this.pageTable.has(p) && !this.freedPageTable.has(p)) {
          run = Math.min(run + PAGE_SIZE, length - pos)
          p++
        }
        visit(null, 0, pos, run)
      } else {
        const allocId = Math.floor(entry / 0x100000)
        let index = entry % 0x100000
        let p = page + 1
        while (pos + run < length && table.get(p) === allocId * 0x100000 + index + 1) {
          run = Math.min(run + PAGE_SIZE, length - pos)
          p++
          index++
        }
        const alloc = this.allocations[allocId]!
        visit(alloc, (entry % 0x100000) * PAGE_SIZE + (a % PAGE_SIZE), pos, run)
      }
      pos += run
    }
  }

  /** Copies `length` bytes at physical `address` into `dest` (DMA read). Unbacked memory reads as 0xFF. */
  read(address: number, dest: Uint8Array, destOffset = 0, length = dest.length - destOffset): void {
    let pos = 0
    while (pos < length) {
      const a = address + pos
      const inPage = Math.min(PAGE_SIZE - (a % PAGE_SIZE), length - pos)
      const t = this.translate(a)
      if (t === null) dest.fill(0xff, destOffset + pos, destOffset + pos + inPage)
      else dest.set(t.alloc.bytes.subarray(t.offset, t.offset + Math.min(inPage, t.alloc.size - t.offset)), destOffset + pos)
      pos += inPage
    }
  }

  /** Copies bytes into physical memory (DMA write). Writes to unbacked memory are lost. */
  write(address: number, src: Uint8Array, srcOffset = 0, length = src.length - srcOffset): void {
    let pos = 0
    while (pos < length) {
      const a = address + pos
      const inPage = Math.min(PAGE_SIZE - (a % PAGE_SIZE), length - pos)
      const t = this.translate(a)
      if (t !== null) {
        const n = Math.min(inPage, t.alloc.size - t.offset)
        t.alloc.bytes.set(src.subarray(srcOffset + pos, srcOffset + pos + n), t.offset)
      }
      pos += inPage
    }
  }

  private randomFreePage(above4G: boolean | undefined): number {
    const lo = above4G ? FIRST_PAGE_HIGH : FIRST_PAGE_LOW
    const hi = above4G ? LAST_PAGE_HIGH : LAST_PAGE_LOW
    for (;;) {
      const p = this.rng.int(lo, hi - 1)
      if (!this.pageTable.has(p)) return p
    }
  }

  private scatteredPages(count: number, above4G: boolean | undefined): number[] {
    const pages: number[] = []
    const taken = new Set<number>()
    for (let i = 0; i < count; i++) {
      const prev = pages[i - 1]
      if (i > 0 && this.rng.chance(this.contiguityChance) && !this.pageTable.has(prev + 1) && !taken.has(prev + 1)) {
        pages.push(prev + 1)
      } else {
        let p = this.randomFreePage(above4G)
        while (taken.has(p)) p = this.randomFreePage(above4G)
        pages.push(p)
      }
      taken.add(pages[i])
    }
    return pages
  }

  private contiguousPages(count: number, above4G: boolean | undefined): number[] {
    for (;;) {
      const start = this.randomFreePage(above4G)
      let ok = true
      for (let i = 1; i < count && ok; i++) ok = !this.pageTable.has(start + i)
      if (ok) return Array.from({ length: count }, (_, i) => start + i)
    }
  }
}
