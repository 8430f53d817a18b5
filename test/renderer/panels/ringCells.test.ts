import { describe, expect, it } from 'vitest'
import type { DescriptorView, RingView } from '../../../main/contract/api.js'
import { hexAddress } from '../../../renderer/panels/hex.js'
import { descriptorState, lastFrameAddress, ringCells, stateCounts } from '../../../renderer/panels/ringCells.js'

function desc(index: number, own: boolean, done: boolean, flags: string[] = []): DescriptorView {
  return { index, address: 0x100000 + index * 0x1000, length: 4096, flags, own, done, wbBytes: done ? 4096 : 0, wbStatus: done ? ['DONE'] : [] }
}

// Eight descriptors: 0-2 done (frame at 1..2), 3-5 owned by the card, 6-7 free; the card works on 3.
const ring: RingView = {
  channel: 'video',
  base: 0x80000,
  entries: 8,
  head: 3,
  tail: 6,
  running: true,
  descriptors: [desc(0, false, true, ['SOF', 'EOF']), desc(1, false, true, ['SOF']), desc(2, false, true, ['EOF', 'IOC']), desc(3, true, false, ['OWN', 'SOF']), desc(4, true, false, ['OWN']), desc(5, true, false, ['OWN', 'EOF']), desc(6, false, false), desc(7, false, false)],
}

describe('ring cells', () => {
  it('colours each descriptor by who holds it and marks HEAD and TAIL', () => {
    const cells = ringCells(ring, hexAddress)
    expect(cells.map((c) => c.state)).toEqual(['done', 'done', 'done', 'card', 'card', 'card', 'free', 'free'])
    expect(cells.filter((c) => c.head).map((c) => c.index)).toEqual([3])
    expect(cells.filter((c) => c.tail).map((c) => c.index)).toEqual([6])
    expect(cells[3].title).toBe('#3 (HEAD): owned by card, 0x00103000, 4096 bytes OWN|SOF')
    expect(stateCounts(ring)).toEqual({ card: 3, done: 3, free: 2 })
  })

  it('OWN wins over a stale done bit (the driver re-published the descriptor)', () => {
    expect(descriptorState(desc(0, true, true))).toBe('card')
  })

  it('finds the newest completed frame: the last done SOF before HEAD', () => {
    expect(lastFrameAddress(ring)).toBe(0x101000)
    // HEAD at 0 wraps round to the end of the ring.
    const wrapped: RingView = { ...ring, head: 0, descriptors: ring.descriptors.map((d) => (d.index === 7 ? desc(7, false, true, ['SOF', 'EOF']) : d)) }
    expect(lastFrameAddress(wrapped)).toBe(0x107000)
    expect(lastFrameAddress({ ...ring, descriptors: [] })).toBeNull()
    expect(lastFrameAddress({ ...ring, descriptors: ring.descriptors.map((d) => ({ ...d, done: false })) })).toBeNull()
  })
})
