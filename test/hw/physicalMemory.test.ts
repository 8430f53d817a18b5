import { describe, expect, it } from 'vitest'
import { FOUR_GIB, PAGE_SIZE, PhysicalMemory } from '../../main/hw/physicalMemory.js'
import { Rng } from '../../main/sim/rng.js'

/** Emulated memory: one CPU view and scattered physical pages are the same bytes. */

describe('physical memory', () => {
  it('scatters a frame buffer over many runs, and the CPU view and DMA see the same bytes', () => {
    const mem = new PhysicalMemory(new Rng(1))
    const frame = mem.allocate(614_400, { kind: 'user-buffer', owner: 'test' })
    const sg = frame.scatterGather()
    expect(sg.reduce((n, e) => n + e.Length, 0)).toBe(614_400)
    expect(sg.length).toBeGreaterThan(20)
    // With no contiguity every one of the 150 pages is its own run.
    mem.contiguityChance = 0
    expect(mem.allocate(614_400, { kind: 'user-buffer', owner: 'test' }).scatterGather().length).toBeGreaterThan(140)
    for (const e of sg) expect(e.PhysicalAddress + e.Length).toBeLessThanOrEqual(FOUR_GIB)
    // A DMA write through the S/G list lands in the CPU view.
    let offset = 0
    for (const e of sg) {
      const chunk = new Uint8Array(e.Length)
      for (let i = 0; i < e.Length; i++) chunk[i] = Math.floor((offset + i) / PAGE_SIZE)
      mem.write(e.PhysicalAddress, chunk)
      offset += e.Length
    }
    for (let page = 0; page < 150; page++) expect(frame.bytes[page * PAGE_SIZE + 17]).toBe(page & 0xff)
    // And a CPU write is what a DMA read sees.
    frame.bytes[5000] = 0xab
    const out = new Uint8Array(1)
    const { address } = frame.physicalAddressOf(5000)
    mem.read(address, out)
    expect(out[0]).toBe(0xab)
  })

  it('places buffers above 4 GiB on request, and gives common buffers one contiguous run', () => {
    const mem = new PhysicalMemory(new Rng(2))
    const high = mem.allocate(65_536, { kind: 'user-buffer', owner: 'test', above4G: true })
    expect(high.scatterGather().every((e) => e.PhysicalAddress >= FOUR_GIB)).toBe(true)
    const common = mem.allocate(3 * PAGE_SIZE, { kind: 'common-buffer', owner: 'test', contiguous: true })
    expect(common.scatterGather()).toHaveLength(1)
  })

  it('resolves views to their allocation and forgets freed pages', () => {
    const mem = new PhysicalMemory(new Rng(3))
    const a = mem.allocate(10_000, { kind: 'user-buffer', owner: 'test' })
    expect(mem.resolveView(a.bytes.subarray(4096))).toEqual({ alloc: a, offset: 4096 })
    const { address } = a.physicalAddressOf(0)
    expect(mem.translate(address)?.alloc).toBe(a)
    mem.free(a)
    expect(a.freed).toBe(true)
    expect(mem.translate(address)).toBeNull()
  })
})
