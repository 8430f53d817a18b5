import { describe, expect, it } from 'vitest'
import type { Allocation } from '../../../main/hw/physicalMemory.js'
import { PCI_STATUS, STATUS_RECEIVED_MASTER_ABORT, CMD_BUS_MASTER } from '../../../main/hw/vcap1/pci.js'
import { DESC_CTRL, DESC_WB, ERR, INT } from '../../../main/hw/vcap1/registers.js'
import { decodeStamps } from '../../../main/hw/vcap1/stamps.js'
import { MS } from '../../../main/contract/time.js'
import { Vcap1Rig } from '../../helpers/vcap1Rig.js'

/**
 * DMA safety (vcap1.md 7.11): every device write is checked against the page tags. Without an IOMMU the
 * card writes anyway and the emulator reports dma-unowned-memory; in IOMMU mode the write is blocked
 * and the channel halts with DATA_WRITE_ABORT. Bus-master disable turns every DMA into a master abort.
 */

const W = 320
const H = 240
const FRAME = W * 2 * H
const T = 166_667 * 100
const LAYOUT = { format: 0, width: W, height: H, stride: W * 2, uvOffset: 0, bottomUp: false, hflip: false }
const OWN_SOF_EOF = DESC_CTRL.OWN | DESC_CTRL.SOF | DESC_CTRL.EOF | DESC_CTRL.IOC
const TWO_32 = 0x1_0000_0000

function rig(iommu = false): Vcap1Rig {
  const r = new Vcap1Rig({ iommu })
  r.ring('video', 64)
  r.videoFormat(W, H, 166_667)
  r.write('INT_ENABLE', INT.VID_DMA_ERR | INT.VID_IOC)
  return r
}

/** Queues `buffer` as one frame (one descriptor of `length` bytes), lets `mischief` run, and captures a frame. */
function capture(r: Vcap1Rig, buffer: Allocation, mischief: (b: Allocation) => void, length = FRAME) {
  r.descriptor('video', 0, buffer.physicalAddressOf(0).address, length, OWN_SOF_EOF)
  r.write('VID_DESC_TAIL', 1)
  mischief(buffer)
  r.startVideo()
  r.run(T - 1)
  return r.writtenBack('video', 0)
}

const pciStatus = (r: Vcap1Rig) => r.card.pci.space[PCI_STATUS] | (r.card.pci.space[PCI_STATUS + 1] << 8)

/** The ways a driver can hand the card memory it must not write (each with what the finding says). */
const MISUSE: [string, number, (b: Allocation, r: Vcap1Rig) => void, string][] = [
  ['never mapped for the device', FRAME, (b) => (b.mappedForDevice = false), 'is not mapped for the device'],
  ['not locked', FRAME, (b) => (b.locked = false), 'is not locked'],
  ['freed', FRAME, (b, r) => r.machine.memory.free(b), 'was freed'],
  ['completed and mapped again (a new generation) after the descriptor was queued', FRAME, (b) => b.generation++, 'was completed and mapped again for another request after this descriptor was queued'],
  ['too small: the descriptor runs past its end', FRAME - 1024, () => {}, 'past the end of buffer 152576 (user-buffer) (152576 bytes)'],
]

describe('VCAP-1 DMA safety: reported (no IOMMU, the card writes anyway)', () => {
  it.each(MISUSE)('%s', (_name, size, mischief, message) => {
    const r = rig()
    const b = r.buffer(size, { contiguous: true })
    const wb = capture(r, b, (x) => mischief(x, r))
    const findings = r.messages('dma-unowned-memory')
    expect(findings.length).toBeGreaterThan(0)
    expect(findings[0]).toContain('video descriptor 0 wrote')
    expect(findings[0]).toContain(message)
    // Like real hardware without an IOMMU: the frame went there all the same.
    expect(wb.status & 0xff).toBe(DESC_WB.DONE)
    expect(wb.bytes).toBe(FRAME)
    expect(r.read('VID_ERROR')).toBe(0)
    expect(decodeStamps(b.backing, LAYOUT).top).not.toBeNull()
  })

  it('a buffer handed over properly is written without a finding (the control)', () => {
    const r = rig()
    const b = r.buffer(FRAME, { contiguous: true })
    const wb = capture(r, b, () => {})
    expect(wb.status & 0xff).toBe(DESC_WB.DONE)
    expect(r.findings.findings).toEqual([])
  })

  it('only the bytes past the end are reported, with their physical address', () => {
    const r = rig()
    const b = r.buffer(FRAME - 1024, { contiguous: true })
    capture(r, b, () => {})
    const findings = r.messages('dma-unowned-memory')
    const end = b.physicalAddressOf(0).address + FRAME - 1024
    expect(findings).toEqual([expect.stringContaining(`wrote 1024 bytes at physical 0x${end.toString(16)}: past the end`)])
  })

  it('a write to memory nobody owns is a master abort even without an IOMMU (nothing is there to write)', () => {
    const r = rig()
    const nowhere = 0x8000_0000 // an unallocated page below 4 GiB
    expect(r.machine.memory.translate(nowhere)).toBeNull()
    r.descriptor('video', 0, nowhere, FRAME, OWN_SOF_EOF)
    r.write('VID_DESC_TAIL', 1)
    r.startVideo()
    r.run(T - 1)
    expect(r.read('VID_ERROR')).toBe(ERR.DATA_WRITE_ABORT)
    expect(r.read('VID_ERR_ADDR_LO')).toBe(nowhere)
    expect(r.read('VID_STATUS') & 0xb).toBe(0xa)
    expect(pciStatus(r) & STATUS_RECEIVED_MASTER_ABORT).toBe(STATUS_RECEIVED_MASTER_ABORT)
    expect(r.messages('dma-unowned-memory')).toEqual([expect.stringContaining('memory that no allocation owns')])
  })
})

describe('VCAP-1 DMA safety: blocked in IOMMU mode (DATA_WRITE_ABORT)', () => {
  it.each(MISUSE)('%s', (_name, size, mischief, message) => {
    const r = rig(true)
    const b = r.buffer(size, { contiguous: true })
    const wb = capture(r, b, (x) => mischief(x, r))
    expect(r.messages('dma-unowned-memory')[0]).toContain(message)
    expect(r.read('VID_ERROR')).toBe(ERR.DATA_WRITE_ABORT)
    expect(r.read('VID_STATUS') & 0xb).toBe(0xa)
    expect(r.read('INT_STATUS') & INT.VID_DMA_ERR).toBe(INT.VID_DMA_ERR)
    expect(pciStatus(r) & STATUS_RECEIVED_MASTER_ABORT).toBe(STATUS_RECEIVED_MASTER_ABORT)
    // The faulting address is the first byte the IOMMU refused.
    const address = r.read('VID_ERR_ADDR_LO') + r.read('VID_ERR_ADDR_HI') * TWO_32
    const start = b.physicalAddressOf(0).address
    expect(address).toBe(size < FRAME ? start + size : start)
    // Nothing was written where it was refused, and the descriptor was not completed.
    expect(b.backing.subarray(address - start).every((x) => x === 0)).toBe(true)
    expect(wb.ctrl & DESC_CTRL.OWN).toBe(DESC_CTRL.OWN)
  })

  it('a buffer handed over properly streams normally in IOMMU mode', () => {
    const r = rig(true)
    const b = r.buffer(FRAME)
    const indices = r.queue('video', b)
    r.startVideo()
    r.run(T - 1)
    expect(r.writtenBack('video', indices[indices.length - 1]).status & 0xff).toBe(DESC_WB.DONE)
    expect(r.findings.findings).toEqual([])
  })
})

describe('VCAP-1 DMA safety: bus mastering', () => {
  it('clearing Bus Master Enable mid-frame makes the next DMA a master abort: DATA_WRITE_ABORT, PCI status RMA (W1C in config space)', () => {
    const r = rig()
    const b = r.buffer(FRAME, { contiguous: true })
    r.descriptor('video', 0, b.physicalAddressOf(0).address, FRAME, OWN_SOF_EOF)
    r.write('VID_DESC_TAIL', 1)
    r.startVideo()
    r.run(5 * MS)
    r.card.pci.command = r.card.pci.command & ~CMD_BUS_MASTER
    r.run(T)
    expect(r.read('VID_ERROR')).toBe(ERR.DATA_WRITE_ABORT)
    expect(r.read('VID_ERR_ADDR_LO')).toBe(b.physicalAddressOf(0).address)
    expect(r.read('VID_STATUS') & 0xb).toBe(0xa)
    expect(b.bytes.every((x) => x === 0)).toBe(true)
    expect(pciStatus(r) & STATUS_RECEIVED_MASTER_ABORT).toBe(STATUS_RECEIVED_MASTER_ABORT)
    // The driver clears the status bit by writing 1 to it.
    r.card.pci.write(PCI_STATUS + 1, new Uint8Array([STATUS_RECEIVED_MASTER_ABORT >> 8]), 1)
    expect(pciStatus(r) & STATUS_RECEIVED_MASTER_ABORT).toBe(0)
  })

  it('with Bus Master Enable clear, even the first descriptor fetch aborts (DESC_FETCH_ABORT); audio too', () => {
    const r = rig()
    r.card.pci.command = r.card.pci.command & ~CMD_BUS_MASTER
    r.queue('video', r.buffer(FRAME))
    r.write('VID_CTRL', 0x101)
    r.run(T * 2)
    expect(r.read('VID_ERROR')).toBe(ERR.DESC_FETCH_ABORT)
    r.ring('audio', 4)
    const a = r.buffer(4096, { contiguous: true })
    r.descriptor('audio', 0, a.physicalAddressOf(0).address, 1920, DESC_CTRL.OWN)
    r.write('AUD_DESC_TAIL', 1)
    r.write('AUD_CTRL', 1)
    expect(r.read('AUD_ERROR')).toBe(ERR.DESC_FETCH_ABORT)
    expect(r.read('AUD_STATUS') & 6).toBe(6)
  })
})

describe('VCAP-1 DMA safety: memory tags', () => {
  it('allocations start unlocked and unmapped; the rig hands buffers over (locked, mapped, generation bumped); free clears both and sets freed', () => {
    const r = new Vcap1Rig()
    const raw = r.machine.memory.allocate(8192, { kind: 'user-buffer', owner: 'raw' })
    expect([raw.locked, raw.mappedForDevice, raw.freed, raw.generation]).toEqual([false, false, false, 1])
    const b = r.buffer(8192)
    expect([b.locked, b.mappedForDevice, b.freed, b.generation]).toEqual([true, true, false, 2])
    const page = b.physicalAddressOf(0).address
    expect(r.machine.memory.translate(page)?.alloc).toBe(b)
    r.machine.memory.free(b)
    expect([b.locked, b.mappedForDevice, b.freed]).toEqual([false, false, true])
    expect(r.machine.memory.translate(page)).toBeNull()
  })

  it('the generation is captured at the doorbell: a buffer re-mapped after the doorbell is caught, one re-mapped before it is not', () => {
    const before = rig()
    const a = before.buffer(FRAME, { contiguous: true })
    a.generation++ // re-mapped, then queued: the descriptor names the current mapping
    capture(before, a, () => {})
    expect(before.findings.findings).toEqual([])
    const after = rig()
    const b = after.buffer(FRAME, { contiguous: true })
    capture(after, b, (x) => x.generation++)
    expect(after.messages('dma-unowned-memory')).toEqual([expect.stringContaining(`(mapping ${b.generation - 1}, now ${b.generation})`)])
  })

  it('descriptor fetches from a freed ring are master aborts (DESC_FETCH_ABORT)', () => {
    const r = rig()
    r.queue('video', r.buffer(FRAME))
    r.machine.memory.free(r.rings.video!.alloc)
    r.startVideo()
    expect(r.read('VID_ERROR')).toBe(ERR.DESC_FETCH_ABORT)
  })
})
