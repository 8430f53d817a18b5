import { describe, expect, it } from 'vitest'
import { DESC_CTRL, DESC_WB, ERR, INT } from '../../../main/hw/vcap1/registers.js'
import { MS, US } from '../../../main/contract/time.js'
import { Vcap1Rig } from '../../helpers/vcap1Rig.js'

/**
 * Errors halt and latch (vcap1.md 7.5, 7.3 VID_ERROR): the cause, the faulting address and descriptor,
 * VID_DMA_ERR, HALTED with RUN cleared by the hardware; RUN is refused until CH_RESET; BAD_CONFIG at RUN.
 */

const W = 320
const H = 240
const FRAME = W * 2 * H
const INTERVAL = 166_667
const T = INTERVAL * 100
const TWO_32 = 0x1_0000_0000
const OWN_SOF_EOF = DESC_CTRL.OWN | DESC_CTRL.SOF | DESC_CTRL.EOF | DESC_CTRL.IOC

function rig(): Vcap1Rig {
  const r = new Vcap1Rig()
  r.ring('video', 8)
  r.videoFormat(W, H, INTERVAL)
  return r
}

/** A good one-descriptor frame at index 0, then a bad descriptor at index 1 (the next frame's SOF). */
function failAtSecondFrame(address: (good: number) => number, length: number, options: { above4G?: boolean } = {}) {
  const r = rig()
  const good = r.buffer(FRAME + 8, { contiguous: true, above4G: options.above4G })
  const base = good.physicalAddressOf(0).address
  r.descriptor('video', 0, options.above4G ? r.buffer(FRAME, { contiguous: true }).physicalAddressOf(0).address : base, FRAME, OWN_SOF_EOF)
  const bad = address(base)
  r.descriptor('video', 1, bad, length, OWN_SOF_EOF)
  r.write('VID_DESC_TAIL', 2)
  r.write('INT_ENABLE', INT.VID_DMA_ERR)
  r.write('GCTRL', 2)
  r.startVideo()
  r.run(T + 10 * US) // the second frame's SOF meets the bad descriptor
  return { r, bad }
}

describe('VCAP-1 errors: invalid descriptors halt with the cause', () => {
  const cases: [string, (base: number) => number, number, number, { above4G?: boolean }][] = [
    ['length 0', (b) => b, 0, ERR.LEN_INVALID, {}],
    ['length not a multiple of 4', (b) => b, FRAME - 2, ERR.LEN_INVALID, {}],
    ['length above MAX_SG_LEN', (b) => b, 0x100004, ERR.LEN_INVALID, {}],
    ['address not 4-byte aligned', (b) => b + 2, FRAME, ERR.ADDR_ALIGN, {}],
    ['address at or above 4 GiB', (b) => b, FRAME, ERR.ADDR_RANGE, { above4G: true }],
    ['a chunk crossing 4 GiB', () => TWO_32 - 4096, 8192, ERR.ADDR_RANGE, {}],
  ]

  it.each(cases)('%s', (_name, address, length, cause, options) => {
    const { r, bad } = failAtSecondFrame(address, length, options)
    expect(r.read('VID_DELIVERED_CNT')).toBe(1) // the good frame before it
    expect(r.read('VID_ERROR')).toBe(cause)
    expect(r.read('VID_ERR_ADDR_LO')).toBe(bad % TWO_32)
    expect(r.read('VID_ERR_ADDR_HI')).toBe(Math.floor(bad / TWO_32))
    expect(r.read('VID_ERR_DESC')).toBe(1)
    expect(r.read('VID_STATUS') & 0xf).toBe(0xa) // HALTED | ERROR
    expect(r.read('VID_CTRL') & 1).toBe(0) // RUN cleared by the hardware
    expect(r.read('INT_STATUS') & INT.VID_DMA_ERR).toBe(INT.VID_DMA_ERR)
    expect(r.machine.intaVector.asserted).toBe(true)
    // Nothing was written for the bad descriptor, and nothing more happens.
    expect(r.writtenBack('video', 1).ctrl & DESC_CTRL.OWN).toBe(DESC_CTRL.OWN)
    r.run(3 * T)
    expect(r.read('VID_FRAME_CNT')).toBe(2) // no SOF after the halt
    expect(r.read('VID_DESC_DONE_CNT')).toBe(1)
  })
})

describe('VCAP-1 errors: recovery', () => {
  it('RUN is refused (and reported) while an error is latched; CH_RESET clears errors, HEAD, TAIL; then RUN works', () => {
    const { r } = failAtSecondFrame((b) => b, 0, {})
    expect(r.read('VID_DESC_HEAD')).toBe(1)
    // RUN straight away (RUN already reads 0), and RUN after an explicit 0: both refused.
    r.write('VID_CTRL', 0x101)
    r.run(T)
    expect(r.read('VID_STATUS') & 0xf).toBe(0xa)
    r.write('VID_CTRL', 0x100)
    r.write('VID_CTRL', 0x101)
    r.run(T)
    expect(r.read('VID_STATUS') & 0xf).toBe(0xa)
    expect(r.read('VID_CTRL') & 1).toBe(0)
    expect(r.messages('register-access')).toEqual([expect.stringContaining('VID_CTRL.RUN refused: the channel has an error latched: CH_RESET first')])
    expect(r.read('VID_FRAME_CNT')).toBe(2)

    r.write('VID_CTRL', 0x102) // CH_RESET
    expect(r.read('VID_ERROR')).toBe(0)
    expect(r.read('VID_DESC_HEAD')).toBe(0)
    expect(r.read('VID_DESC_TAIL')).toBe(0)
    expect(r.read('VID_STATUS') & 0xf).toBe(0x2)
    expect(r.read('VID_CTRL') & 2).toBe(0)
    // Re-program the ring from 0 and run again.
    r.rings.video!.tail = 0
    const b = r.buffer(FRAME, { contiguous: true })
    const [i] = r.queue('video', b)
    r.startVideo()
    r.run(T - 1)
    expect(r.read('VID_STATUS') & 0xf).toBe(0x1)
    expect(r.writtenBack('video', i).status & 0xff).toBe(DESC_WB.DONE)
    expect(r.read('VID_DELIVERED_CNT')).toBe(1)
  })

  it('an error while stopping still halts the channel with the cause', () => {
    const { r } = failAtSecondFrame((b) => b + 2, FRAME, {})
    r.write('VID_CTRL', 0x100)
    r.run(1 * MS)
    expect(r.read('VID_ERROR')).toBe(ERR.ADDR_ALIGN)
    expect(r.read('VID_STATUS') & 0xf).toBe(0xa)
  })

  it('CH_RESET while running is ignored and reported', () => {
    const r = rig()
    const b = r.buffer(FRAME, { contiguous: true })
    r.queue('video', b)
    r.queue('video', r.buffer(FRAME, { contiguous: true }))
    r.startVideo()
    r.run(T + 1 * MS)
    expect(r.read('VID_DESC_HEAD')).toBe(1)
    r.write('VID_CTRL', 0x103)
    expect(r.read('VID_DESC_HEAD')).toBe(1)
    expect(r.read('VID_DESC_TAIL')).toBe(2)
    expect(r.read('VID_STATUS') & 1).toBe(1)
    expect(r.messages('register-access')).toEqual([expect.stringContaining('VID_CTRL.CH_RESET while the channel is not halted (ignored)')])
    r.run(T)
    expect(r.read('VID_DELIVERED_CNT')).toBe(2)
  })

  it('the audio channel latches, refuses RUN and resets the same way', () => {
    const r = new Vcap1Rig()
    r.ring('audio', 4)
    const b = r.buffer(4096, { contiguous: true })
    r.descriptor('audio', 0, b.physicalAddressOf(0).address + 2, 1920, DESC_CTRL.OWN | DESC_CTRL.IOC)
    r.write('AUD_DESC_TAIL', 1)
    r.write('AUD_CTRL', 1)
    r.run(1 * MS)
    expect(r.read('AUD_ERROR')).toBe(ERR.ADDR_ALIGN)
    expect(r.read('AUD_STATUS') & 7).toBe(6) // HALTED | ERROR
    expect(r.read('AUD_CTRL') & 1).toBe(0)
    expect(r.read('INT_STATUS') & INT.AUD_DMA_ERR).toBe(INT.AUD_DMA_ERR)
    r.write('AUD_CTRL', 1)
    expect(r.read('AUD_STATUS') & 7).toBe(6)
    expect(r.messages('register-access')).toEqual([expect.stringContaining('AUD_CTRL.RUN refused')])
    r.write('AUD_CTRL', 2)
    expect(r.read('AUD_ERROR')).toBe(0)
    expect(r.read('AUD_DESC_HEAD')).toBe(0)
    r.descriptor('audio', 0, b.physicalAddressOf(0).address, 1920, DESC_CTRL.OWN | DESC_CTRL.IOC)
    r.write('AUD_DESC_TAIL', 1)
    r.write('AUD_CTRL', 1)
    r.run(20 * MS)
    expect(r.writtenBack('audio', 0).status & 0xff).toBe(DESC_WB.DONE)
  })
})

describe('VCAP-1 errors: BAD_CONFIG at RUN', () => {
  const cases: [string, (r: Vcap1Rig) => void, string][] = [
    ['an odd width', (r) => r.write('VID_SIZE', (240 << 16) | 321), 'width 321 must be even'],
    ['an odd height', (r) => r.write('VID_SIZE', (241 << 16) | 320), 'height 241 must be even'],
    ['a size below 320x240', (r) => r.write('VID_SIZE', (240 << 16) | 318), 'outside 320×240..1920×1080'],
    ['a size above 1920x1080', (r) => r.write('VID_SIZE', (1082 << 16) | 1920), 'outside 320×240..1920×1080'],
    ['an unknown format', (r) => r.write('VID_FORMAT', 5), 'unknown format 5'],
    ['a stride below width × Bpp', (r) => r.write('VID_STRIDE', W * 2 - 4), 'stride 636 is below width × Bpp = 640'],
    ['a stride not a multiple of 4', (r) => r.write('VID_STRIDE', W * 2 + 2), 'stride 642 is not a multiple of 4'],
    ['an NV12 UV plane overlapping Y', (r) => (r.write('VID_FORMAT', 4), r.write('VID_STRIDE', W), r.write('VID_UV_OFFSET', W * 100)), 'overlaps the Y plane'],
    ['an interval faster than 60 fps', (r) => r.write('VID_INTERVAL', 166_665), 'VID_INTERVAL 166665 is outside'],
    ['an interval slower than 15 fps', (r) => r.write('VID_INTERVAL', 666_668), 'VID_INTERVAL 666668 is outside'],
    ['a ring of 1', (r) => r.write('VID_DESC_COUNT', 1), 'DESC_COUNT 1 is outside 2..256'],
    ['a ring of 257', (r) => r.write('VID_DESC_COUNT', 257), 'DESC_COUNT 257 is outside 2..256'],
    ['a ring base not 32-byte aligned', (r) => r.write('VID_DESC_BASE_LO', r.read('VID_DESC_BASE_LO') + 16), 'is not 32-byte aligned'],
    ['no ring', (r) => (r.write('VID_DESC_BASE_LO', 0), r.write('VID_DESC_BASE_HI', 0)), 'DESC_BASE is 0'],
    ['a ring above 4 GiB', (r) => r.write('VID_DESC_BASE_HI', 1), 'above the 32-bit DMA limit'],
  ]

  it.each(cases)('%s', (_name, setup, reason) => {
    const r = rig()
    r.queue('video', r.buffer(FRAME, { contiguous: true }))
    setup(r)
    r.write('VID_CTRL', 0x101)
    expect(r.read('VID_ERROR')).toBe(ERR.BAD_CONFIG)
    expect(r.read('VID_STATUS') & 0xf).toBe(0xa)
    expect(r.read('VID_CTRL') & 1).toBe(0)
    expect(r.read('INT_STATUS') & INT.VID_DMA_ERR).toBe(INT.VID_DMA_ERR)
    expect(r.messages('register-access')).toEqual([expect.stringContaining(reason)])
    r.run(2 * T)
    expect(r.read('VID_FRAME_CNT')).toBe(0)
  })

  it('the edges of the legal ranges are accepted (60 and 15 fps, 1920x1080, a ring of 2 and of 256)', () => {
    for (const [interval, count] of [
      [166_666, 2],
      [666_667, 256],
    ]) {
      const r = new Vcap1Rig()
      r.ring('video', count)
      r.videoFormat(1920, 1080, interval)
      r.write('VID_CTRL', 0x101)
      expect(r.read('VID_ERROR')).toBe(0)
      expect(r.read('VID_STATUS') & 1).toBe(1)
    }
  })

  it('a chain starting without SOF but with EOF is BAD_CONFIG', () => {
    const r = rig()
    const b = r.buffer(FRAME, { contiguous: true })
    r.descriptor('video', 0, b.physicalAddressOf(0).address, FRAME, DESC_CTRL.OWN | DESC_CTRL.EOF)
    r.write('VID_DESC_TAIL', 1)
    r.startVideo()
    r.run(10 * US)
    expect(r.read('VID_ERROR')).toBe(ERR.BAD_CONFIG)
    expect(r.read('VID_ERR_DESC')).toBe(0)
  })

  it('a chain that meets a new SOF before its EOF is BAD_CONFIG', () => {
    const r = rig()
    const b = r.buffer(FRAME, { contiguous: true })
    const a = b.physicalAddressOf(0).address
    r.descriptor('video', 0, a, FRAME / 2, DESC_CTRL.OWN | DESC_CTRL.SOF)
    r.descriptor('video', 1, a + FRAME / 2, FRAME / 2, DESC_CTRL.OWN | DESC_CTRL.SOF | DESC_CTRL.EOF)
    r.write('VID_DESC_TAIL', 2)
    r.startVideo()
    r.run(T - 1)
    expect(r.read('VID_ERROR')).toBe(ERR.BAD_CONFIG)
    expect(r.read('VID_ERR_DESC')).toBe(1)
    expect(r.writtenBack('video', 0).status & DESC_WB.DONE).toBe(DESC_WB.DONE)
  })
})
