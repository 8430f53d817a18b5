import { describe, expect, it, vi } from 'vitest'
import type { Allocation } from '../../../main/hw/physicalMemory.js'
import { DESC_CTRL, DESC_WB, DESCRIPTOR, ERR, INT } from '../../../main/hw/vcap1/registers.js'
import { decodeStamps } from '../../../main/hw/vcap1/stamps.js'
import { FETCH_LATENCY_NS } from '../../../main/hw/vcap1/videoChannel.js'
import { MS, US } from '../../../main/contract/time.js'
import { Vcap1Rig } from '../../helpers/vcap1Rig.js'

/**
 * The descriptor ring protocol (vcap1.md 7.4, 7.5): the driver publishes at TAIL, the card consumes at
 * HEAD, writes back status, bytes and timestamp, then clears OWN, then advances HEAD and DONE_CNT.
 */

// 320x240 YUY2 at 60 fps: a small frame, T = 16.6667 ms, the timestamp of frame n is n * 166667.
const W = 320
const H = 240
const FRAME = W * 2 * H
const INTERVAL = 166_667
const T = INTERVAL * 100
const LAYOUT = { format: 0, width: W, height: H, stride: W * 2, uvOffset: 0, bottomUp: false, hflip: false }
const LAYOUT_1080 = { format: 0, width: 1920, height: 1080, stride: 3840, uvOffset: 0, bottomUp: false, hflip: false }
const FRAME_1080 = 3840 * 1080

function small(count = 256, options: { strict?: boolean } = {}): Vcap1Rig {
  const rig = new Vcap1Rig()
  rig.ring('video', count)
  rig.videoFormat(W, H, INTERVAL)
  rig.write('INT_ENABLE', ALL_INT)
  if (options.strict) rig.write('GCTRL', 0x10)
  return rig
}

/**
 * The stamps carry the source's own frame number, counted since power-up and from 1 (the code's choice:
 * it never restarts with RUN, so a restarted stream is not mistaken for stale frames). In a first run
 * after power-up, stamp = WB sequence + STAMP_BASE.
 */
const STAMP_BASE = 1

/** The frame sequence the top and bottom stamps of a delivered frame name (as WB sequences). */
function stampSequences(buffer: Allocation | Uint8Array, layout = LAYOUT): [number | undefined, number | undefined] {
  const s = decodeStamps(buffer instanceof Uint8Array ? buffer : buffer.bytes, layout)
  return [s.top ? s.top.sequence - STAMP_BASE : undefined, s.bottom ? s.bottom.sequence - STAMP_BASE : undefined]
}

const sequenceOf = (status: number) => status >>> 16
const ALL_INT = Object.values(INT).reduce((a, b) => a | b, 0) >>> 0

describe('VCAP-1 ring: normal operation', () => {
  it('wraps around: 12 frames through a ring of 4 (capacity 3), reclaimed by OWN=0 && DONE', () => {
    const rig = small(4)
    const buffers = Array.from({ length: 4 }, () => rig.buffer(FRAME, { contiguous: true }))
    const owner: Allocation[] = []
    let next = 0
    const queue = () => {
      const b = buffers[next++ % buffers.length]
      const [i] = rig.queue('video', b)
      owner[i] = b
    }
    for (let i = 0; i < 3; i++) queue()
    const sof0 = rig.startVideo()
    let reclaim = 0
    const delivered: { sequence: number; bytes: number; ts: number; stamp: number | undefined }[] = []
    for (let frame = 0; frame < 12; frame++) {
      rig.run(T)
      for (;;) {
        const wb = rig.writtenBack('video', reclaim)
        if ((wb.ctrl & DESC_CTRL.OWN) !== 0 || (wb.status & DESC_WB.DONE) === 0) break
        delivered.push({ sequence: sequenceOf(wb.status), bytes: wb.bytes, ts: wb.timestamp, stamp: stampSequences(owner[reclaim])[0] })
        // The driver clears the writeback before it re-publishes the slot.
        rig.descriptor('video', reclaim, 0, 0, 0)
        reclaim = (reclaim + 1) % 4
        queue()
      }
    }
    expect(delivered.length).toBe(12)
    delivered.forEach((d, n) => expect(d).toEqual({ sequence: n, bytes: FRAME, ts: Math.floor((sof0 + n * T) / 100), stamp: n }))
    expect(rig.read('VID_DESC_DONE_CNT')).toBe(12)
    expect(rig.read('VID_DESC_HEAD')).toBe(12 % 4)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(12)
    expect(rig.read('VID_DROP_CNT')).toBe(0)
    expect(rig.findings.findings).toEqual([])
  })

  it('writes back in order: whenever OWN=0 is visible, status, bytes and timestamp are valid and DONE_CNT/HEAD count it; IOC comes last', () => {
    const rig = small()
    const b = rig.buffer(FRAME)
    const indices = rig.queue('video', b)
    expect(indices.length).toBeGreaterThan(3) // a scattered buffer: several descriptors
    const last = indices[indices.length - 1]
    // At the moment VID_IOC is latched, the frame's writeback is already in memory (7.5a ordering).
    const completion = rig.card.irq.completion.bind(rig.card.irq)
    let iocChecked = false
    vi.spyOn(rig.card.irq, 'completion').mockImplementation((bit) => {
      const wb = rig.writtenBack('video', last)
      expect(wb.ctrl & DESC_CTRL.OWN).toBe(0)
      expect(wb.status & DESC_WB.DONE).toBe(DESC_WB.DONE)
      expect(rig.read('VID_DESC_DONE_CNT')).toBe(indices.length)
      iocChecked = true
      completion(bit)
    })
    const sof = rig.startVideo()
    // Sample what a polling driver sees every 5 µs through the frame.
    let sawPartial = false
    while (rig.now < sof + T - 10 * US) {
      rig.run(5 * US)
      let released = 0
      for (const i of indices) {
        const wb = rig.writtenBack('video', i)
        if ((wb.ctrl & DESC_CTRL.OWN) !== 0) continue
        released++
        expect(wb.status & 0xff).toBe(DESC_WB.DONE)
        expect(wb.status >>> 16).toBe(0)
        expect(wb.bytes).toBeGreaterThan(0)
        expect(wb.timestamp).toBe(Math.floor(sof / 100)) // the SOF of frame 0
      }
      // OWN cleared in ring order, each counted by DONE_CNT and HEAD.
      expect(indices.slice(0, released).every((i) => (rig.writtenBack('video', i).ctrl & DESC_CTRL.OWN) === 0)).toBe(true)
      expect(rig.read('VID_DESC_DONE_CNT')).toBe(released)
      expect(rig.read('VID_DESC_HEAD')).toBe(released)
      expect(rig.read('INT_STATUS') & INT.VID_IOC).toBe(released === indices.length ? INT.VID_IOC : 0)
      if (released > 0 && released < indices.length) sawPartial = true
    }
    expect(sawPartial).toBe(true)
    expect(iocChecked).toBe(true)
    expect(indices.reduce((sum, i) => sum + rig.writtenBack('video', i).bytes, 0)).toBe(FRAME)
  })

  it('timestamps SOF by default, and the last active line with GCTRL.TS_SRC_EOF', () => {
    const run = (tsEof: boolean) => {
      const rig = small()
      if (tsEof) rig.write('GCTRL', 0x8)
      rig.run(T / 2 + 30) // a RUN time that is not a multiple of 100 ns
      const [i] = rig.queue('video', rig.buffer(FRAME, { contiguous: true }))
      const sof = rig.startVideo()
      rig.run(T - 1)
      rig.read('VID_LAST_TS_LO')
      return { wb: rig.writtenBack('video', i).timestamp, last: rig.read('VID_LAST_TS_LO'), sof }
    }
    const a = run(false)
    expect(a.wb).toBe(Math.floor(a.sof / 100))
    expect(a.last).toBe(a.wb)
    const b = run(true)
    // EOF = SOF + T × H / H_total (240 lines of 262).
    expect(b.wb).toBe(Math.floor(Math.round(b.sof + (T * 240) / 262) / 100))
    expect(b.last).toBe(b.wb)
  })

  it('mapping mode (no SOF/EOF): descriptors are consumed until the frame is placed, then the next frame goes on', () => {
    const rig = small()
    const b = rig.buffer(2 * FRAME, { contiguous: true })
    const indices = rig.queue('video', b, { framing: false, ioc: false, chunk: FRAME / 10 })
    expect(indices.length).toBe(20)
    rig.startVideo()
    rig.run(2 * T - 1)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(2)
    expect(rig.read('VID_DESC_DONE_CNT')).toBe(20)
    const wbs = indices.map((i) => rig.writtenBack('video', i))
    for (const wb of wbs) {
      expect(wb.status & 0xff).toBe(DESC_WB.DONE)
      expect(wb.bytes).toBe(FRAME / 10)
    }
    expect(wbs.map((wb) => sequenceOf(wb.status))).toEqual([...Array(10).fill(0), ...Array(10).fill(1)])
    expect(stampSequences(b)).toEqual([0, 0])
    expect(stampSequences(b.bytes.subarray(FRAME))).toEqual([1, 1])
  })

  it('mapping mode: a descriptor straddling the end of a frame is written back with the bytes placed; the next frame starts at the next descriptor', () => {
    const rig = small()
    const a = rig.buffer(10 * 16384, { contiguous: true })
    const b = rig.buffer(FRAME)
    const ia = rig.queue('video', a, { framing: false, chunk: 16384 })
    rig.queue('video', b, { framing: false })
    rig.startVideo()
    rig.run(2 * T - 1)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(2)
    expect(rig.writtenBack('video', ia[9]).bytes).toBe(FRAME - 9 * 16384)
    expect(stampSequences(a)).toEqual([0, 0])
    expect(stampSequences(b)).toEqual([1, 1])
  })

  it('a chain shorter than the frame is TRUNCATED at its EOF; the rest of the frame is discarded, not spilled into the next chain', () => {
    const rig = small(256)
    const half = rig.buffer(FRAME / 2)
    const full = rig.buffer(FRAME)
    const a = rig.queue('video', half)
    const b = rig.queue('video', full)
    rig.startVideo()
    rig.run(2 * T - 1)
    const eof = rig.writtenBack('video', a[a.length - 1])
    expect(eof.status & 0xff).toBe(DESC_WB.DONE | DESC_WB.TRUNCATED)
    expect(a.reduce((s, i) => s + rig.writtenBack('video', i).bytes, 0)).toBe(FRAME / 2)
    const second = rig.writtenBack('video', b[b.length - 1])
    expect(second.status & 0xff).toBe(DESC_WB.DONE)
    expect(sequenceOf(second.status)).toBe(1)
    expect(stampSequences(full)).toEqual([1, 1])
    expect(rig.read('VID_DELIVERED_CNT')).toBe(2)
    expect(rig.read('VID_DROP_CNT')).toBe(0)
  })

  it('a chain longer than the frame leaves its tail unused (WB_BYTES < BUF_LEN), not TRUNCATED', () => {
    const rig = small()
    const chunk = 16384
    const b = rig.buffer(FRAME + chunk + 1024, { contiguous: true })
    const indices = rig.queue('video', b, { chunk })
    expect(indices.length).toBe(11)
    rig.startVideo()
    rig.run(T - 1)
    const bytes = indices.map((i) => rig.writtenBack('video', i).bytes)
    expect(bytes.slice(0, 9)).toEqual(Array(9).fill(chunk))
    expect(bytes[9]).toBe(FRAME - 9 * chunk)
    expect(bytes[10]).toBe(0)
    const eof = rig.writtenBack('video', indices[10])
    expect(eof.status & 0xff).toBe(DESC_WB.DONE)
    expect(rig.read('VID_DESC_DONE_CNT')).toBe(11)
    expect(stampSequences(b)).toEqual([0, 0])
  })
})

describe('VCAP-1 ring: full and empty', () => {
  it('holds N-1 descriptors; a TAIL that passes HEAD is RING_OVERRUN, a descriptor-misuse finding, and a halt', () => {
    const rig = small(4)
    const bs = Array.from({ length: 4 }, () => rig.buffer(4096, { contiguous: true }))
    for (let i = 0; i < 3; i++) rig.queue('video', bs[i], { framing: false })
    expect(rig.read('VID_DESC_TAIL')).toBe(3)
    expect(rig.read('VID_ERROR')).toBe(0)
    rig.startVideo()
    rig.run(10 * US)
    expect(rig.findings.findings).toEqual([])
    // A fourth entry would make TAIL == HEAD (an empty-looking ring).
    rig.queue('video', bs[3], { framing: false })
    expect(rig.read('VID_ERROR')).toBe(ERR.RING_OVERRUN)
    expect(rig.read('VID_STATUS') & 0xb).toBe(0xa) // HALTED | ERROR, not RUNNING
    expect(rig.read('INT_STATUS') & INT.VID_DMA_ERR).toBe(INT.VID_DMA_ERR)
    expect(rig.read('VID_DESC_TAIL')).toBe(3) // the bad TAIL was not taken
    expect(rig.messages('descriptor-misuse')).toEqual([expect.stringContaining('video TAIL moved from 3 to 0 past HEAD 0: the ring holds at most 3 descriptors')])
  })

  it('a TAIL outside the ring is RING_OVERRUN', () => {
    const rig = small(4)
    rig.write('VID_DESC_TAIL', 4)
    expect(rig.read('VID_ERROR')).toBe(ERR.RING_OVERRUN)
    expect(rig.messages('descriptor-misuse')).toEqual([expect.stringContaining('TAIL 4 is outside the ring of 4')])
  })

  it('an empty ring at SOF drops the frame (STARVED, VID_DROP_CNT); the next delivered frame has DISCONTINUITY, the one after not', () => {
    const rig = small()
    rig.startVideo()
    rig.run(1 * MS)
    expect(rig.read('VID_FRAME_CNT')).toBe(1)
    expect(rig.read('VID_DROP_CNT')).toBe(1)
    expect(rig.read('INT_STATUS') & INT.VID_STARVED).toBe(INT.VID_STARVED)
    const b1 = rig.buffer(FRAME)
    const b2 = rig.buffer(FRAME)
    const a = rig.queue('video', b1)
    const b = rig.queue('video', b2)
    rig.run(3 * T - 2 * MS)
    expect(rig.read('VID_FRAME_CNT')).toBe(3)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(2)
    const first = rig.writtenBack('video', a[a.length - 1]).status
    const second = rig.writtenBack('video', b[b.length - 1]).status
    expect(first & 0xff).toBe(DESC_WB.DONE | DESC_WB.DISCONTINUITY)
    expect(sequenceOf(first)).toBe(1)
    expect(second & 0xff).toBe(DESC_WB.DONE)
    expect(sequenceOf(second)).toBe(2)
    expect(stampSequences(b1)).toEqual([1, 1])
    // Starvation is the driver's business, not misuse.
    expect(rig.findings.findings).toEqual([])
  })

  it('keeps a steady stream with no drops when two frames are always queued (check C7)', () => {
    const rig = small(64)
    const buffers = [rig.buffer(FRAME), rig.buffer(FRAME), rig.buffer(FRAME)]
    const chains: number[][] = []
    chains.push(rig.queue('video', buffers[0]), rig.queue('video', buffers[1]))
    rig.startVideo()
    for (let n = 0; n < 20; n++) {
      rig.run(T)
      const done = chains.shift()!
      expect(rig.writtenBack('video', done[done.length - 1]).status & 0xff).toBe(DESC_WB.DONE)
      chains.push(rig.queue('video', buffers[(n + 2) % 3]))
    }
    expect(rig.read('VID_DROP_CNT')).toBe(0)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(20)
  })
})

describe('VCAP-1 ring: late doorbells and the FIFO slack (1080p60 YUY2, 256 KiB FIFO, about 1 ms)', () => {
  /** RUN with only the first 64 KiB descriptor of a 1080p frame published; the rest at `lateNs` after SOF. */
  function late(lateNs: number) {
    const rig = new Vcap1Rig()
    rig.ring('video', 256)
    rig.videoFormat(1920, 1080, 166_667)
    rig.write('INT_ENABLE', ALL_INT)
    const b = rig.buffer(FRAME_1080, { contiguous: true })
    const indices = rig.queue('video', b, { chunk: 65536, doorbell: false })
    expect(indices.length).toBe(64)
    rig.write('VID_DESC_TAIL', 1)
    const t0 = rig.startVideo()
    // The first 64 KiB is placed about 0.25 ms after SOF; then the engine starves and the FIFO fills.
    rig.run(lateNs - 100 * US)
    const fill = (rig.read('VID_STATUS') >>> 16) & 0xff
    rig.run(100 * US)
    rig.doorbell('video')
    rig.runUntil(t0 + T - 1) // before the next SOF
    const eof = rig.writtenBack('video', indices[63])
    const total = indices.reduce((s, i) => s + rig.writtenBack('video', i).bytes, 0)
    return { rig, b, eof, total, fill }
  }

  it('a doorbell 1.15 ms after SOF (0.9 ms into the starvation) is absorbed: the frame is whole', () => {
    const { rig, b, eof, total, fill } = late(1.15 * MS)
    expect(fill).toBeGreaterThan(70) // the FIFO was filling while the engine starved
    expect(fill).toBeLessThan(100)
    expect(eof.status & 0xff).toBe(DESC_WB.DONE)
    expect(total).toBe(FRAME_1080)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(1)
    expect(rig.read('VID_DROP_CNT')).toBe(0)
    expect(rig.read('INT_STATUS') & INT.VID_FIFO_OVF).toBe(0)
    expect(stampSequences(b, LAYOUT_1080)).toEqual([0, 0])
  })

  it('a doorbell 1.4 ms after SOF is too late: FIFO_OVF, the frame dropped, TRUNCATED on its EOF', () => {
    const { rig, eof, total } = late(1.4 * MS)
    expect(eof.status & 0xff).toBe(DESC_WB.DONE | DESC_WB.TRUNCATED)
    expect(total).toBe(65536) // what reached memory before the overflow stays; nothing after it
    expect(rig.read('VID_DELIVERED_CNT')).toBe(0)
    expect(rig.read('VID_DROP_CNT')).toBe(1)
    expect(rig.read('INT_STATUS') & INT.VID_FIFO_OVF).toBe(INT.VID_FIFO_OVF)
    expect(rig.read('VID_DESC_DONE_CNT')).toBe(64) // the chain was consumed up to EOF
  })

  it('LATE_START: a frame with no descriptor at SOF survives a doorbell within the slack, and is dropped beyond it', () => {
    const run = (lateNs: number) => {
      const rig = new Vcap1Rig()
      rig.ring('video', 256)
      rig.videoFormat(1920, 1080, 166_667)
      const b = rig.buffer(FRAME_1080, { contiguous: true })
      const indices = rig.queue('video', b, { chunk: 65536, doorbell: false })
      const t0 = rig.startVideo(0x109) // RUN | LATE_START | PATTERN_EN
      rig.run(lateNs)
      rig.doorbell('video')
      rig.runUntil(t0 + T - 1)
      return { rig, b, eof: rig.writtenBack('video', indices[63]) }
    }
    const ok = run(0.9 * MS)
    expect(ok.eof.status & 0xff).toBe(DESC_WB.DONE)
    expect(ok.rig.read('VID_DELIVERED_CNT')).toBe(1)
    expect(stampSequences(ok.b, LAYOUT_1080)).toEqual([0, 0])
    const tooLate = run(1.2 * MS)
    expect(tooLate.rig.read('VID_DELIVERED_CNT')).toBe(0)
    expect(tooLate.rig.read('VID_DROP_CNT')).toBe(1)
    expect(tooLate.rig.read('INT_STATUS') & (INT.VID_FIFO_OVF | INT.VID_STARVED)).toBe(INT.VID_FIFO_OVF)
    // Nothing of the lost frame was written; its descriptors wait for the next frame (SOF at 16.7 ms).
    expect(tooLate.eof.status).toBe(0)
  })

  it('without LATE_START a frame with no descriptor at SOF is dropped at once (STARVED), however soon the doorbell comes', () => {
    const rig = new Vcap1Rig()
    rig.ring('video', 256)
    rig.videoFormat(1920, 1080, 166_667)
    const b = rig.buffer(FRAME_1080, { contiguous: true })
    rig.queue('video', b, { chunk: 65536, doorbell: false })
    rig.startVideo()
    rig.run(FETCH_LATENCY_NS)
    rig.doorbell('video')
    rig.run(16 * MS)
    expect(rig.read('VID_DROP_CNT')).toBe(1)
    expect(rig.read('INT_STATUS') & INT.VID_STARVED).toBe(INT.VID_STARVED)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(0)
  })
})

describe('VCAP-1 ring: descriptor misuse', () => {
  it('a doorbell before OWN is a finding; without STRICT the card treats the entry as not yet available', () => {
    const rig = small()
    const b = rig.buffer(FRAME)
    const indices = rig.queue('video', b, { own: false })
    expect(rig.messages('descriptor-misuse')).toEqual(indices.map((i) => expect.stringContaining(`doorbell rung before descriptor ${i} was handed over (OWN=0)`)))
    rig.startVideo()
    rig.run(1 * MS)
    expect(rig.read('VID_DROP_CNT')).toBe(1) // starved: nothing owned at SOF
    expect(rig.read('VID_ERROR')).toBe(0)
    // The driver finishes the hand-over late (no new doorbell): the next frame uses the entries.
    const ring = rig.rings.video!.alloc
    for (const i of indices) {
      const v = new DataView(ring.bytes.buffer, ring.bytes.byteOffset + i * DESCRIPTOR.SIZE)
      v.setUint32(DESCRIPTOR.CTRL, v.getUint32(DESCRIPTOR.CTRL, true) | DESC_CTRL.OWN, true)
    }
    rig.runUntil(3 * T - 1)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(1)
    expect(stampSequences(b)).toEqual([1, 1])
    expect(rig.messages('descriptor-misuse').length).toBe(indices.length) // nothing more
  })

  it('with STRICT_DESC, OWN=0 inside [HEAD, TAIL) halts with NOT_OWNED at the faulting descriptor', () => {
    const rig = small(16, { strict: true })
    rig.queue('video', rig.buffer(FRAME), { own: false })
    rig.startVideo()
    rig.run(10 * US)
    expect(rig.read('VID_ERROR')).toBe(ERR.NOT_OWNED)
    expect(rig.read('VID_ERR_DESC')).toBe(0)
    expect(rig.read('VID_ERR_ADDR_LO')).toBe(rig.rings.video!.alloc.physicalAddressOf(0).address)
    expect(rig.read('VID_STATUS') & 0xb).toBe(0xa)
    expect(rig.messages('descriptor-misuse').length).toBeGreaterThan(0)
  })

  it('with STRICT_DESC, reserved CTRL bits halt with RESERVED_BITS; without it they are ignored', () => {
    for (const strict of [true, false]) {
      const rig = small(16, { strict })
      const b = rig.buffer(FRAME, { contiguous: true })
      rig.descriptor('video', 0, b.physicalAddressOf(0).address, FRAME, DESC_CTRL.OWN | DESC_CTRL.SOF | DESC_CTRL.EOF | 0x100)
      rig.write('VID_DESC_TAIL', 1)
      rig.startVideo()
      rig.run(T - 1)
      if (strict) expect(rig.read('VID_ERROR')).toBe(ERR.RESERVED_BITS)
      else expect(rig.read('VID_DELIVERED_CNT')).toBe(1)
    }
  })

  it('a descriptor rewritten while the card owns it (before the fetch) is a finding', () => {
    const rig = small()
    const b = rig.buffer(FRAME)
    const [first] = rig.queue('video', b)
    const ring = rig.rings.video!.alloc
    const v = new DataView(ring.bytes.buffer, ring.bytes.byteOffset + first * DESCRIPTOR.SIZE)
    v.setUint32(DESCRIPTOR.BUF_LEN, v.getUint32(DESCRIPTOR.BUF_LEN, true) + 4096, true)
    rig.startVideo()
    rig.run(1 * MS)
    expect(rig.messages('descriptor-misuse')).toEqual([expect.stringMatching(/video descriptor 0 was rewritten while the card owned it \(BUF_LEN \d+ -> \d+\)/)])
  })

  it('a descriptor modified while the card is using it (after the fetch, before the writeback) is a finding', () => {
    const rig = small()
    const b = rig.buffer(FRAME, { contiguous: true })
    const [i] = rig.queue('video', b)
    rig.startVideo()
    rig.run(1 * MS) // the one descriptor is held, filling
    const ring = rig.rings.video!.alloc
    const v = new DataView(ring.bytes.buffer, ring.bytes.byteOffset + i * DESCRIPTOR.SIZE)
    v.setUint32(DESCRIPTOR.CTRL, DESC_CTRL.SOF | DESC_CTRL.EOF, true) // the driver takes OWN back
    rig.run(T)
    expect(rig.messages('descriptor-misuse')).toEqual([expect.stringContaining('video descriptor 0 was modified while the card was using it (CTRL 0xf -> 0xc (OWN cleared))')])
  })
})
