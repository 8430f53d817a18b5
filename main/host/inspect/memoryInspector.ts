import type { MemoryRegion, MemoryView } from '../../contract/api.js'
import type { Allocation, AllocationKind, PhysicalMemory } from '../../hw/physicalMemory.js'
import type { Vcap1Card } from '../../hw/vcap1/vcap1.js'
import { DESCRIPTOR } from '../../hw/vcap1/registers.js'

/** The most a memory view shows at once. */
export const MEMORY_VIEW_MAX = 64 * 1024

const KIND_NAMES: Record<AllocationKind, string> = {
  'user-buffer': 'client buffer',
  'common-buffer': 'common buffer',
  'srb-extension': 'SRB extension',
  pool: 'pool',
}

/**
 * `length` bytes of emulated physical memory at `address` (*context*), read without side effects
 * (unbacked memory reads 0xFF, as a bus master would see it), and what lies there: each piece of an
 * allocation the range crosses (physically contiguous, clipped to the view) named by its owner, and
 * the card's descriptor rings where they overlap the view.
 */
export function inspectMemory(memory: PhysicalMemory, card: Vcap1Card | null, address: number, length: number): MemoryView {
  if (!Number.isSafeInteger(address) || address < 0) throw new RangeError(`memory view: address ${address} is not a physical address`)
  if (!Number.isInteger(length) || length <= 0) throw new RangeError(`memory view: length ${length} must be a positive whole number of bytes`)
  const n = Math.min(length, MEMORY_VIEW_MAX)
  const bytes = new Uint8Array(n)
  memory.read(address, bytes)
  const regions: MemoryRegion[] = []
  memory.forEachRun(address, n, (alloc, offset, at, run) => {
    if (alloc !== null) regions.push({ start: address + at, length: run, owner: ownerName(alloc, offset) })
  })
  if (card !== null) {
    for (const [name, ring] of [['video', card.video.ring], ['audio', card.audio.ring]] as const) {
      const size = ring.count * DESCRIPTOR.SIZE
      const start = Math.max(ring.base, address)
      const end = Math.min(ring.base + size, address + n)
      if (size > 0 && start < end) regions.push({ start, length: end - start, owner: `${name} descriptor ring (${ring.count} entries at 0x${ring.base.toString(16)})` })
    }
  }
  return { address, bytes, regions }
}

function ownerName(alloc: Allocation, offset: number): string {
  const state = alloc.freed ? ', freed' : ''
  return `${KIND_NAMES[alloc.kind]}: ${alloc.owner} (allocation ${alloc.id}, +0x${offset.toString(16)}${state})`
}
