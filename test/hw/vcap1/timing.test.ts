import { describe, expect, it } from 'vitest'
import type { Allocation } from '../../../main/hw/physicalMemory.js'
import { DESC_CTRL, DESC_WB, INT } from '../../../main/hw/vcap1/registers.js'
import { IRQ_ASSERT_DELAY_NS } from '../../../main/hw/vcap1/interruptBlock.js'
import { WRITEBACK_LATENCY_NS } from '../../../main/hw/vcap1/videoChannel.js'
import { MS, US } from '../../../main/contract/time.js'
import { Vcap1Rig } from '../../helpers/vcap1Rig.js'

/**
 * The timing model (vcap1.md 7.6) and the stop handshake (7.5): an absolute frame schedule, completion
 * at SOF + T_act + drain + writeback, FIFO overflow when the bus is slower than the source, and HALTED
 * within about a line time after RUN=0.
 */

const VGA = 640 * 2 * 480
const T30 = 333_333 * 100 // VID_INTERVAL 333333
const ACTIVE30 = (T30 * 480) / 525 // 480 of 525 lines
const LINE30 = T30 / 525

function vga(): Vcap1Rig {
  const rig = new Vcap1Rig()
  rig.ring('video', 256)
  rig.videoFormat(640, 480, 333_333)
  rig.write('INT_ENABLE', INT.VID_IOC | INT.VID_HALTED | INT.VID_FIFO_OVF)
  rig.write('GCTRL', 2)
  return rig
}

describe('VCAP-1 timing: the frame schedule', () => {
  it('the source locks within a line time of RUN, then SOF(n) = SOF(0) + n·T on an absolute schedule (100 frames at 29.97 fps)', () => {
    const rig = new Vcap1Rig()
    rig.ring('video', 256)
    rig.videoFormat(320, 240, 333_667)
    const T = 333_667 * 100
    rig.run(5 * MS + 30) // RUN at an odd time
    const tRun = rig.now
    rig.write('VID_CTRL', 0x101)
    expect(rig.read('VID_FRAME_CNT')).toBe(0)
    const sof0 = rig.runToSof()
    expect(sof0 - tRun).toBeGreaterThan(0)
    expect(sof0 - tRun).toBeLessThanOrEqual(Math.ceil(T / 262)) // one line of 262
    expect(rig.read('VID_FRAME_CNT')).toBe(1)
    rig.runUntil(sof0 + 99 * T - 1)
    expect(rig.read('VID_FRAME_CNT')).toBe(99)
    rig.runUntil(sof0 + 99 * T)
    expect(rig.read('VID_FRAME_CNT')).toBe(100)
    // A frame delivered now carries its SOF time and sequence: no drift over 100 frames.
    const [i] = rig.queue('video', rig.buffer(320 * 2 * 240, { contiguous: true }))
    rig.runUntil(sof0 + 101 * T - 1)
    const wb = rig.writtenBack('video', i)
    expect(wb.timestamp).toBe(Math.floor((sof0 + 100 * T) / 100))
    expect(wb.status >>> 16).toBe(100)
    expect(rig.read('VID_FRAME_CNT')).toBe(101)
    expect(rig.read('VID_DROP_CNT')).toBe(100)
  })

  it('a frame completes at SOF + T_act + writeback latency; the interrupt asserts 1 µs later', () => {
    const rig = vga()
    const [i] = rig.queue('video', rig.buffer(VGA, { contiguous: true }))
    const sof = rig.startVideo()
    const done = sof + Math.ceil(ACTIVE30) + WRITEBACK_LATENCY_NS
    rig.runUntil(done - 1)
    expect(rig.writtenBack('video', i).ctrl & DESC_CTRL.OWN).toBe(DESC_CTRL.OWN)
    expect(rig.read('VID_STATUS') & 4).toBe(4) // IN_FRAME
    rig.runUntil(done)
    expect(rig.writtenBack('video', i).status & 0xff).toBe(DESC_WB.DONE)
    expect(rig.read('INT_STATUS') & INT.VID_IOC).toBe(INT.VID_IOC)
    expect(rig.machine.intaVector.asserted).toBe(false)
    rig.runUntil(done + IRQ_ASSERT_DELAY_NS)
    expect(rig.machine.intaVector.asserted).toBe(true)
    expect(rig.read('VID_STATUS') & 4).toBe(0)
  })
})

describe('VCAP-1 timing: bus bandwidth below the source rate (1080p60 YUY2 = 259 MB/s)', () => {
  const FRAME = 3840 * 1080
  const T = 166_667 * 100

  /** A driver that keeps three 1080p buffers queued (1 MiB descriptors) for `frames` frame times. */
  function stream(bandwidthMBps: number, seed: number, frames = 8) {
    const rig = new Vcap1Rig({ bandwidthMBps, seed })
    rig.ring('video', 64)
    rig.videoFormat(1920, 1080, 166_667)
    rig.write('INT_ENABLE', INT.VID_FIFO_OVF)
    const buffers = [0, 1, 2].map(() => rig.buffer(FRAME, { contiguous: true }))
    const chains: { buffer: Allocation; indices: number[] }[] = []
    const queue = (b: Allocation) => chains.push({ buffer: b, indices: rig.queue('video', b, { chunk: 0x100000 }) })
    buffers.forEach(queue)
    const sof = rig.startVideo()
    const results: { status: number; bytes: number }[] = []
    for (let n = 0; n < frames; n++) {
      rig.runUntil(sof + (n + 1) * T - 1)
      while (chains.length > 0) {
        const { buffer, indices } = chains[0]
        const eof = rig.writtenBack('video', indices[indices.length - 1])
        if ((eof.ctrl & DESC_CTRL.OWN) !== 0) break
        chains.shift()
        results.push({ status: eof.status, bytes: indices.reduce((s, i) => s + rig.writtenBack('video', i).bytes, 0) })
        queue(buffer)
      }
    }
    return { rig, results, drops: rig.read('VID_DROP_CNT'), frames: rig.read('VID_FRAME_CNT'), delivered: rig.read('VID_DELIVERED_CNT') }
  }

  it('at 200 MB/s (Gen1) every frame overflows the FIFO after about 4.4 ms and is dropped, the same way for the same seed', () => {
    const a = stream(200, 7)
    expect(a.frames).toBe(8)
    expect(a.drops).toBe(a.frames)
    expect(a.delivered).toBe(0)
    expect(a.rig.read('INT_STATUS') & INT.VID_FIFO_OVF).toBe(INT.VID_FIFO_OVF)
    for (const r of a.results) {
      expect(r.status & 0xff).toBe(DESC_WB.DONE | DESC_WB.TRUNCATED)
      // What reached memory before the overflow: about 4.4 ms at 200 MB/s.
      expect(r.bytes).toBeGreaterThan(0.8e6)
      expect(r.bytes).toBeLessThan(0.95e6)
    }
    const b = stream(200, 7)
    expect(b.results).toEqual(a.results)
    expect(b.drops).toBe(a.drops)
  })

  it('at 400 MB/s (the default, Gen2 x1) nothing is dropped', () => {
    const a = stream(400, 7)
    expect(a.drops).toBe(0)
    expect(a.delivered).toBe(a.frames)
    expect(a.rig.read('INT_STATUS') & INT.VID_FIFO_OVF).toBe(0)
    expect(a.results.length).toBe(8)
    for (const r of a.results) expect(r).toEqual({ status: DESC_WB.DONE | ((r.status >>> 16) << 16), bytes: FRAME })
    expect(a.results.map((r) => r.status >>> 16)).toEqual(a.results.map((_, n) => n))
  })

  it('1080p30 YUY2 at 200 MB/s is sustained (the FIFO absorbs the difference only at 60 fps)', () => {
    const rig = new Vcap1Rig({ bandwidthMBps: 200 })
    rig.ring('video', 64)
    rig.videoFormat(1920, 1080, 333_333)
    const b = rig.buffer(FRAME, { contiguous: true })
    const indices = rig.queue('video', b, { chunk: 0x100000 })
    rig.startVideo()
    rig.run(33 * MS)
    expect(rig.writtenBack('video', indices[indices.length - 1]).status & 0xff).toBe(DESC_WB.DONE)
    expect(rig.read('VID_DROP_CNT')).toBe(0)
  })
})

describe('VCAP-1 timing: the stop handshake', () => {
  it('RUN=0 mid-frame with STOP_AT_EOF=0: the partial descriptor is written back ABORTED and VID_HALTED follows within a line time', () => {
    const rig = vga()
    const b = rig.buffer(VGA, { contiguous: true })
    const [i] = rig.queue('video', b)
    const sof = rig.startVideo()
    rig.run(10 * MS)
    const tStop = rig.now
    rig.write('VID_CTRL', 0x100)
    // Until HALTED the card may still write: not halted yet, and the descriptor still owned.
    expect(rig.read('VID_STATUS') & 2).toBe(0)
    expect(rig.writtenBack('video', i).ctrl & DESC_CTRL.OWN).toBe(DESC_CTRL.OWN)
    let haltedAt = -1
    for (let t = 0; t < 200 && haltedAt < 0; t++) {
      rig.run(1 * US)
      if ((rig.read('INT_STATUS') & INT.VID_HALTED) !== 0) haltedAt = rig.now
    }
    expect(haltedAt - tStop).toBeGreaterThan(0)
    expect(haltedAt - tStop).toBeLessThanOrEqual(LINE30 + WRITEBACK_LATENCY_NS + 1 * US)
    expect(rig.read('VID_STATUS') & 3).toBe(2)
    const wb = rig.writtenBack('video', i)
    expect(wb.ctrl & DESC_CTRL.OWN).toBe(0)
    expect(wb.status & 0xff).toBe(DESC_WB.DONE | DESC_WB.ABORTED)
    // The lines captured up to the stop reached memory, and nothing after.
    const produced = ((tStop - sof) / ACTIVE30) * VGA
    expect(wb.bytes % 4).toBe(0)
    expect(wb.bytes).toBeGreaterThan(produced - 2 * 1280)
    expect(wb.bytes).toBeLessThanOrEqual(produced + 1280 + 4)
    expect(b.bytes.subarray(wb.bytes).every((x) => x === 0)).toBe(true)
    expect(b.bytes[wb.bytes - 1] | b.bytes[wb.bytes - 2]).not.toBe(0)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(0)
    // The interrupt reports it, and nothing more happens after HALTED.
    rig.run(2 * US)
    expect(rig.machine.intaVector.asserted).toBe(true)
    const snapshot = b.bytes.slice()
    rig.run(100 * MS)
    expect(b.bytes).toEqual(snapshot)
    expect(rig.read('VID_FRAME_CNT')).toBe(1)
  })

  it('RUN=0 with STOP_AT_EOF=1 finishes the frame first, then halts', () => {
    const rig = vga()
    const b = rig.buffer(VGA, { contiguous: true })
    const [i] = rig.queue('video', b)
    rig.queue('video', rig.buffer(VGA, { contiguous: true }))
    const sof = rig.startVideo(0x105) // RUN | STOP_AT_EOF | PATTERN_EN
    rig.run(10 * MS)
    rig.write('VID_CTRL', 0x104)
    rig.runUntil(sof + Math.ceil(ACTIVE30) - 1)
    expect(rig.read('VID_STATUS') & 2).toBe(0)
    expect(rig.read('INT_STATUS') & INT.VID_HALTED).toBe(0)
    rig.runUntil(sof + Math.ceil(ACTIVE30) + WRITEBACK_LATENCY_NS)
    const wb = rig.writtenBack('video', i)
    expect(wb.status & 0xff).toBe(DESC_WB.DONE)
    expect(wb.bytes).toBe(VGA)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(1)
    expect(rig.read('VID_STATUS') & 3).toBe(2)
    expect(rig.read('INT_STATUS') & INT.VID_HALTED).toBe(INT.VID_HALTED)
    rig.run(100 * MS)
    expect(rig.read('VID_FRAME_CNT')).toBe(1) // no next frame
  })

  it('RUN=0 with STOP_AT_EOF=1 when the frame can never finish (chain without EOF, FIFO overflow) still halts once the frame is dropped', () => {
    for (const stopBeforeOverflow of [true, false]) {
      const rig = vga()
      const b = rig.buffer(VGA, { contiguous: true })
      const indices = rig.queue('video', b, { chunk: 65536, doorbell: false })
      rig.write('VID_DESC_TAIL', 1) // only the first 64 KiB of the chain is published, never the rest
      const sof = rig.startVideo(0x105)
      rig.run(stopBeforeOverflow ? 5 * MS : 25 * MS)
      rig.write('VID_CTRL', 0x104)
      rig.runUntil(sof + T30 - 1)
      expect(rig.read('VID_DROP_CNT')).toBe(1)
      expect(rig.read('VID_STATUS') & 7).toBe(2) // HALTED, not RUNNING, not IN_FRAME
      expect(rig.read('INT_STATUS') & INT.VID_HALTED).toBe(INT.VID_HALTED)
      expect(rig.writtenBack('video', indices[0]).status & DESC_WB.DONE).toBe(DESC_WB.DONE)
      expect(rig.writtenBack('video', indices[1]).ctrl & DESC_CTRL.OWN).toBe(DESC_CTRL.OWN)
    }
  })

  it('RUN=0 between frames halts after about 1 µs; the queued descriptors stay owned for the driver to reclaim', () => {
    const rig = vga()
    const [i] = rig.queue('video', rig.buffer(VGA, { contiguous: true }))
    const [j] = rig.queue('video', rig.buffer(VGA, { contiguous: true }))
    rig.startVideo()
    rig.run(32 * MS) // frame 0 done, waiting for SOF(1)
    expect(rig.writtenBack('video', i).status & 0xff).toBe(DESC_WB.DONE)
    rig.write('VID_CTRL', 0x100)
    rig.run(1 * US)
    expect(rig.read('VID_STATUS') & 3).toBe(2)
    expect(rig.read('INT_STATUS') & INT.VID_HALTED).toBe(INT.VID_HALTED)
    rig.run(T30)
    expect(rig.writtenBack('video', j).ctrl & DESC_CTRL.OWN).toBe(DESC_CTRL.OWN)
    expect(rig.read('VID_DESC_HEAD')).toBe(1)
  })

  it('RUN=1 while still stopping is refused and reported; after HALTED the channel restarts with VID_FRAME_CNT from 0', () => {
    const rig = vga()
    rig.queue('video', rig.buffer(VGA, { contiguous: true }))
    rig.startVideo()
    rig.run(10 * MS)
    rig.write('VID_CTRL', 0x100)
    rig.write('VID_CTRL', 0x101)
    expect(rig.messages('register-access')).toEqual([expect.stringContaining('VID_CTRL.RUN set while the channel is still stopping')])
    expect(rig.read('VID_CTRL') & 1).toBe(0)
    rig.run(1 * MS)
    expect(rig.read('VID_STATUS') & 3).toBe(2)
    rig.write('VID_CTRL', 0x101)
    expect(rig.read('VID_STATUS') & 3).toBe(1)
    expect(rig.read('VID_FRAME_CNT')).toBe(0)
    rig.run(T30)
    expect(rig.read('VID_FRAME_CNT')).toBe(1)
  })

  it('the audio stop handshake writes back the partial period ABORTED and raises AUD_HALTED', () => {
    const rig = new Vcap1Rig()
    rig.ring('audio', 4)
    const b = rig.buffer(19200, { contiguous: true }) // 100 ms of 48 kHz stereo 16-bit
    const [i] = rig.queue('audio', b)
    rig.write('AUD_GEN', 1)
    rig.write('AUD_CTRL', 1)
    rig.run(30 * MS)
    rig.write('AUD_CTRL', 0)
    expect(rig.read('AUD_STATUS') & 2).toBe(0)
    rig.run(1 * MS)
    expect(rig.read('AUD_STATUS') & 3).toBe(2)
    expect(rig.read('INT_STATUS') & INT.AUD_HALTED).toBe(INT.AUD_HALTED)
    const wb = rig.writtenBack('audio', i)
    expect(wb.status & 0xff).toBe(DESC_WB.DONE | DESC_WB.ABORTED)
    expect(wb.ctrl & DESC_CTRL.OWN).toBe(0)
    // About 30 ms of samples (+ the burst in flight): 1440 frames of 4 bytes.
    expect(wb.bytes).toBeGreaterThanOrEqual(1440 * 4)
    expect(wb.bytes).toBeLessThanOrEqual(1440 * 4 + 128)
  })
})
