import { describe, expect, it } from 'vitest'
import type { MemoryView } from '../../../main/contract/api.js'
import { asciiOf, hexLines } from '../../../renderer/panels/hexDump.js'
import { ownerColour, regionIndexPerByte, regionLegend, REGION_PALETTE } from '../../../renderer/panels/memoryRegions.js'

describe('memory regions', () => {
  it('gives an owner the same colour every time, and different owners mostly different ones', () => {
    expect(ownerColour('video ring')).toBe(ownerColour('video ring'))
    expect(REGION_PALETTE).toContain(ownerColour('frame buffer 3'))
    const names = Array.from({ length: 10 }, (_, i) => `buffer ${i}`)
    expect(new Set(names.map(ownerColour)).size).toBeGreaterThanOrEqual(5)
  })

  it('lists the regions in view in address order, and which region holds each byte', () => {
    const regions = [
      { start: 0x2000, length: 0x100, owner: 'B' },
      { start: 0x1f80, length: 0x40, owner: 'A' },
      { start: 0x9000, length: 0x10, owner: 'outside' },
    ]
    expect(regionLegend(regions, 0x1f00, 0x200).map((r) => r.owner)).toEqual(['A', 'B'])
    const per = regionIndexPerByte(regions, 0x1f00, 0x200)
    expect(per[0x7f]).toBe(-1)
    expect(per[0x80]).toBe(1)
    expect(per[0xbf]).toBe(1)
    expect(per[0xc0]).toBe(-1)
    expect(per[0x100]).toBe(0)
    expect(per[0x1ff]).toBe(0)
  })
})

describe('hexLines', () => {
  const bytes = new Uint8Array(40).map((_, i) => (i < 5 ? 'Hello'.charCodeAt(i) : i))
  const view: MemoryView = { address: 0x1_0000_0000, bytes, regions: [{ start: 0x1_0000_0004, length: 8, owner: 'desc' }] }

  it('lays out 16 bytes a line with the address, hex and ASCII', () => {
    const lines = hexLines(view)
    expect(lines).toHaveLength(3)
    expect(lines[0].addressText).toBe('0x100000000')
    expect(lines[1].address).toBe(0x1_0000_0010)
    expect(lines[0].cells.slice(0, 6).map((c) => c.text)).toEqual(['48', '65', '6C', '6C', '6F', '05'])
    expect(lines[0].ascii.slice(0, 6)).toBe('Hello.')
    expect(lines[2].cells).toHaveLength(8)
  })

  it('colours the bytes of a region and puts its owner in the gutter of its lines only', () => {
    const lines = hexLines(view)
    expect(lines[0].cells[3].owner).toBeNull()
    expect(lines[0].cells[4]).toMatchObject({ owner: 'desc', colour: ownerColour('desc') })
    expect(lines[0].cells[11].owner).toBe('desc')
    expect(lines[0].cells[12].owner).toBeNull()
    expect(lines[0].owners).toEqual([{ owner: 'desc', colour: ownerColour('desc') }])
    expect(lines[1].owners).toEqual([])
  })

  it('shows only printable ASCII', () => {
    expect(asciiOf(0x41)).toBe('A')
    expect(asciiOf(0x20)).toBe(' ')
    expect(asciiOf(0x7f)).toBe('.')
    expect(asciiOf(0)).toBe('.')
    expect(asciiOf(0xe9)).toBe('.')
  })
})
