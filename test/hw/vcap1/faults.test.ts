import { describe, expect, it } from 'vitest'
import { FAULTS } from '../../../main/hw/vcap1/faultCatalogue.js'
import { FAULT_HANDLERS } from '../../../main/hw/vcap1/faultHandlers.js'
import { FaultInjector, type FaultRequest } from '../../../main/hw/vcap1/faultInjector.js'
import { STATUS_RECEIVED_MASTER_ABORT } from '../../../main/hw/vcap1/pci.js'
import { DESC_CTRL, DESC_WB, ERR, INT } from '../../../main/hw/vcap1/registers.js'
import { MS, SECOND, US } from '../../../main/contract/time.js'
import { Vcap1Rig } from '../../helpers/vcap1Rig.js'
import { Vcap1Stream } from '../../helpers/vcap1Stream.js'

/**
 * The fault catalogue (vcap1.md 7.10): every fault in FAULTS has a test of its documented device
 * behaviour and of its trace entry ('VCAP-1 faults' track, card.faults.fired). The table below is keyed
 * by fault id and checked against the catalogue, so a fault added without a test fails here.
 */

const TWO_32 = 0x1_0000_0000
/** The stamps number the source's frames from 1 after power-up (see ring.test.ts): stamp = sequence + 1. */
const STAMP_BASE = 1
const IRQ_MASTER_EN = 2
const ALL_INT = Object.values(INT).reduce((a, b) => a | b, 0) >>> 0

function inject(rig: Vcap1Rig, request: FaultRequest): void {
  expect(rig.card.faults.inject(request)).toBeNull()
}

/** The fault fired (counted) and is on the 'VCAP-1 faults' track. */
function expectFired(rig: Vcap1Rig, id: string, times?: number): void {
  const fired = rig.card.faults.fired.get(id) ?? 0
  if (times === undefined) expect(fired, `${id} fired`).toBeGreaterThan(0)
  else expect(fired, `${id} fired`).toBe(times)
  expect(
    rig.instants('VCAP-1 faults').some((e) => e.name === id),
    `${id} on the VCAP-1 faults track`,
  ).toBe(true)
}

/** A rig streaming 320x240 at 60 fps with interrupts enabled. */
function streaming(options: { seed?: number; iommu?: boolean } = {}): { rig: Vcap1Rig; s: Vcap1Stream; sof: number } {
  const rig = new Vcap1Rig(options)
  rig.write('INT_ENABLE', ALL_INT)
  rig.write('GCTRL', IRQ_MASTER_EN)
  const s = new Vcap1Stream(rig)
  const sof = s.start()
  return { rig, s, sof }
}

const pciStatus = (rig: Vcap1Rig) => rig.card.pci.space[6] | (rig.card.pci.space[7] << 8)
const line = (rig: Vcap1Rig) => rig.machine.intaVector.asserted

/** Audio: a ring of `count` descriptors of `bytes` each over one common buffer, ramp generator, RUN. */
function audio(rig: Vcap1Rig, count: number, bytes: number, options: { cyclic?: boolean; queued?: number } = {}) {
  rig.ring('audio', count)
  const buffer = rig.buffer(count * bytes, { contiguous: true })
  const base = buffer.physicalAddressOf(0).address
  const queued = options.queued ?? count - 1
  for (let i = 0; i < queued; i++) rig.descriptor('audio', i, base + i * bytes, bytes, DESC_CTRL.OWN | DESC_CTRL.IOC)
  rig.write('AUD_DESC_TAIL', queued % count)
  rig.write('AUD_GEN', 1)
  rig.write('AUD_CTRL', options.cyclic ? 5 : 1)
  return buffer
}

const SCENARIOS: Record<string, () => void> = {
  'frame-drop': () => {
    const { rig, s } = streaming()
    s.run(2) // at SOF(2): frames 0 and 1 delivered, frame 2 started
    inject(rig, { fault: 'frame-drop', count: 2 })
    s.run(5)
    expect(s.sequences()).toEqual([0, 1, 2, 5, 6])
    expect(rig.read('VID_FRAME_CNT')).toBe(8)
    expect(rig.read('VID_DROP_CNT')).toBe(2)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(5)
    expect(s.frames[3].status & 0xff).toBe(DESC_WB.DONE | DESC_WB.DISCONTINUITY)
    expect(s.frames[4].status & 0xff).toBe(DESC_WB.DONE)
    // No data and no IOC for the dropped frames: the buffers went to the next frames.
    expect(s.frames.map((f) => f.stamp)).toEqual([0, 1, 2, 5, 6].map((n) => n + STAMP_BASE))
    expectFired(rig, 'frame-drop', 2)
    expect(rig.instants('VCAP-1 faults').filter((e) => e.name === 'frame-drop').map((e) => e.detail)).toEqual(['armed for 2 frame(s)', 'frame 3', 'frame 4'])
  },

  'drop-percent': () => {
    const run = (seed: number) => {
      const { rig, s } = streaming({ seed })
      inject(rig, { fault: 'drop-percent', value: 50 })
      s.run(40)
      return { rig, delivered: s.sequences() }
    }
    const a = run(11)
    const dropped = a.rig.read('VID_DROP_CNT')
    expect(dropped).toBeGreaterThan(8)
    expect(dropped).toBeLessThan(32)
    // Every frame is either delivered, dropped, or (the last one) still in flight.
    const inFlight = (a.rig.read('VID_STATUS') & 4) !== 0 ? 1 : 0
    expect(a.delivered.length + dropped + inFlight).toBe(a.rig.read('VID_FRAME_CNT'))
    expectFired(a.rig, 'drop-percent', dropped)
    expect(run(11).delivered).toEqual(a.delivered) // same seed, same frames
    expect(run(12).delivered).not.toEqual(a.delivered)
  },

  'corrupt-frame': () => {
    const clean = streaming({ seed: 5 })
    clean.s.run(4)
    const bad = streaming({ seed: 5 })
    bad.s.run(1) // frame 1 has started: the fault takes frame 2
    inject(bad.rig, { fault: 'corrupt-frame' })
    bad.s.run(3)
    expect(bad.s.frames[1].status & 0xff).toBe(DESC_WB.DONE)
    expect(bad.s.frames[2].status & 0xff).toBe(DESC_WB.DONE | DESC_WB.ERROR)
    expect(bad.s.frames[3].status & 0xff).toBe(DESC_WB.DONE)
    const size = bad.s.frameBytes
    const a = clean.s.frames[2].data
    const b = bad.s.frames[2].data
    const differ: number[] = []
    for (let i = 0; i < size; i++) if (a[i] !== b[i]) differ.push(i)
    // A damaged band: 40%..45% of the frame, everything else (stamps included) intact.
    expect(differ[0]).toBeGreaterThanOrEqual(Math.floor(size * 0.4))
    expect(differ[differ.length - 1]).toBeLessThan(Math.floor(size * 0.45))
    expect(differ.length).toBeGreaterThan(size * 0.04)
    expect(bad.s.frames[2].stamp).toBe(2 + STAMP_BASE)
    expect(clean.s.frames[3].data).toEqual(bad.s.frames[3].data)
    expectFired(bad.rig, 'corrupt-frame', 1)
  },

  'short-frame': () => {
    const { rig, s } = streaming()
    inject(rig, { fault: 'short-frame' }) // frame 0 has started: the fault takes frame 1
    s.run(3)
    expect(s.frames[0].bytes).toBe(s.frameBytes)
    const short = s.frames[1]
    expect(short.status & 0xff).toBe(DESC_WB.DONE | DESC_WB.TRUNCATED)
    expect(short.bytes).toBe(Math.floor(240 * 0.6) * 640)
    expect(short.bytes).toBeLessThan(rig.read('VID_FRAME_BYTES'))
    expect(short.data.subarray(short.bytes).every((x) => x === 0)).toBe(true)
    expect(s.frames[2].bytes).toBe(s.frameBytes)
    expectFired(rig, 'short-frame', 1)
  },

  'dma-write-abort': () => {
    for (const fatal of [0, 1]) {
      const { rig, s } = streaming()
      s.run(1)
      inject(rig, { fault: 'dma-write-abort', value: fatal })
      s.run(1)
      expect(rig.read('VID_ERROR')).toBe(ERR.DATA_WRITE_ABORT)
      const address = rig.read('VID_ERR_ADDR_LO') + rig.read('VID_ERR_ADDR_HI') * TWO_32
      const chain = rig.rings.video!.alloc
      expect(rig.machine.memory.translate(address)?.alloc).not.toBe(chain) // a data address, not the ring
      expect(rig.machine.memory.translate(address)?.alloc.kind).toBe('user-buffer')
      expect(rig.read('VID_STATUS') & 0xb).toBe(0xa)
      expect(rig.read('INT_STATUS') & INT.VID_DMA_ERR).toBe(INT.VID_DMA_ERR)
      expect(pciStatus(rig) & STATUS_RECEIVED_MASTER_ABORT).toBe(STATUS_RECEIVED_MASTER_ABORT)
      expect((rig.read('GSTATUS') >>> 8) & 1).toBe(fatal)
      expect(rig.read('INT_STATUS') & INT.FATAL).toBe(fatal ? INT.FATAL : 0)
      expectFired(rig, 'dma-write-abort', 1)
      // FATAL is cleared by a reset.
      rig.write('GCTRL', 1)
      rig.run(20 * US)
      expect(rig.read('GSTATUS') & 0x101).toBe(0)
    }
  },

  'desc-fetch-abort': () => {
    const { rig, s } = streaming()
    s.run(1)
    inject(rig, { fault: 'desc-fetch-abort' })
    s.run(1)
    expect(rig.read('VID_ERROR')).toBe(ERR.DESC_FETCH_ABORT)
    // The entry the card was about to fetch: HEAD did not move past it.
    const head = rig.read('VID_DESC_HEAD')
    expect(rig.read('VID_ERR_DESC')).toBe(head)
    expect(rig.read('VID_ERR_ADDR_LO')).toBe(rig.rings.video!.alloc.physicalAddressOf(head * 32).address)
    expect(rig.read('VID_STATUS') & 0xb).toBe(0xa)
    expect(pciStatus(rig) & STATUS_RECEIVED_MASTER_ABORT).toBe(STATUS_RECEIVED_MASTER_ABORT)
    expectFired(rig, 'desc-fetch-abort', 1)
  },

  'bus-master-disable': () => {
    const rig = new Vcap1Rig()
    const s = new Vcap1Stream(rig)
    expect(pciStatus(rig) & STATUS_RECEIVED_MASTER_ABORT).toBe(0)
    inject(rig, { fault: 'bus-master-disable' })
    expect(rig.card.pci.busMaster).toBe(false)
    s.start()
    expect(rig.read('VID_ERROR')).toBe(ERR.DESC_FETCH_ABORT)
    expect(rig.read('VID_STATUS') & 0xb).toBe(0xa)
    expect(pciStatus(rig) & STATUS_RECEIVED_MASTER_ABORT).toBe(STATUS_RECEIVED_MASTER_ABORT)
    expect(rig.read('VID_DESC_DONE_CNT')).toBe(0)
    expectFired(rig, 'bus-master-disable', 1)
  },

  'spurious-interrupt': () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_ENABLE', ALL_INT)
    inject(rig, { fault: 'spurious-interrupt' })
    expect(line(rig)).toBe(true)
    expect(rig.read('INT_PENDING')).toBe(0)
    rig.run(2 * US - 1)
    expect(line(rig)).toBe(true)
    rig.run(1)
    expect(line(rig)).toBe(false)
    expect(rig.machine.intaVector.raised).toBe(1)
    expectFired(rig, 'spurious-interrupt', 1)
  },

  'neighbour-interrupt': () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', IRQ_MASTER_EN)
    inject(rig, { fault: 'neighbour-interrupt' })
    expect(line(rig)).toBe(true)
    expect(rig.machine.inta.drivers()).toEqual(['neighbour'])
    expect(rig.read('INT_PENDING')).toBe(0)
    expect(rig.card.irq.asserted).toBe(false)
    // The neighbour's own ISR (the only one connected here) services it after the dispatch latency.
    rig.run(200 * US)
    expect(line(rig)).toBe(false)
    expect(rig.machine.intaVector.claimed).toBe(1)
    expectFired(rig, 'neighbour-interrupt', 1)
  },

  'stuck-status-bit': () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_ENABLE', INT.SW | INT.VID_IOC)
    inject(rig, { fault: 'stuck-status-bit', duration: 1 * MS })
    rig.run(1 * US)
    expect(rig.read('INT_STATUS')).toBe(INT.VID_IOC)
    expect(line(rig)).toBe(true)
    // W1C does nothing to the stuck bit (the line stays high: a storm), other bits still clear.
    rig.write('INT_FORCE', INT.SW)
    rig.write('INT_STATUS', rig.read('INT_PENDING'))
    expect(rig.read('INT_STATUS')).toBe(INT.VID_IOC)
    expect(line(rig)).toBe(true)
    rig.run(1 * MS)
    rig.write('INT_STATUS', rig.read('INT_PENDING'))
    expect(rig.read('INT_STATUS')).toBe(0)
    expect(line(rig)).toBe(false)
    expectFired(rig, 'stuck-status-bit', 1)
    expect(rig.instants('VCAP-1 faults').filter((e) => e.name === 'stuck-status-bit').map((e) => e.detail)).toEqual(['INT_STATUS 0x1 ignores W1C', 'ended'])
  },

  'interrupt-storm': () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_ENABLE', INT.VID_IOC)
    inject(rig, { fault: 'interrupt-storm', duration: 1 * MS })
    let latched = 0
    for (let t = 0; t < 2000; t++) {
      rig.run(1 * US)
      const pending = rig.read('INT_PENDING')
      if (pending !== 0) {
        latched++
        rig.write('INT_STATUS', pending)
      }
    }
    // Every 5 µs for 1 ms: about 200 events, then nothing.
    expect(latched).toBeGreaterThanOrEqual(199)
    expect(latched).toBeLessThanOrEqual(201)
    rig.run(1 * MS)
    expect(rig.read('INT_STATUS')).toBe(0)
    expectFired(rig, 'interrupt-storm', 1)
  },

  'lost-interrupt': () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_ENABLE', INT.SW | INT.TIMER)
    inject(rig, { fault: 'lost-interrupt' })
    rig.write('INT_FORCE', INT.SW)
    rig.run(100 * US)
    // The event is latched, but the line never came.
    expect(rig.read('INT_PENDING')).toBe(INT.SW)
    expect(rig.machine.intaVector.raised).toBe(0)
    // The next event asserts it again (a watchdog or the next event recovers).
    rig.write('INT_FORCE', INT.TIMER)
    rig.run(1 * US)
    expect(line(rig)).toBe(true)
    expectFired(rig, 'lost-interrupt', 1)
    expect(rig.instants('VCAP-1 faults').some((e) => e.name === 'interrupt' && e.detail === 'interrupt not asserted (lost)')).toBe(true)
  },

  'late-interrupt': () => {
    const rig = new Vcap1Rig()
    rig.write('VID_INTERVAL', 166_667)
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_ENABLE', INT.SW)
    inject(rig, { fault: 'late-interrupt', value: 2 })
    const t0 = rig.now
    rig.write('INT_FORCE', INT.SW)
    const late = 2 * 166_667 * 100
    rig.runUntil(t0 + late + 1 * US - 1)
    expect(line(rig)).toBe(false)
    rig.run(1)
    expect(line(rig)).toBe(true)
    // Only the next assertion was late: the one after is on time.
    rig.write('INT_STATUS', rig.read('INT_PENDING'))
    rig.write('INT_FORCE', INT.SW)
    rig.run(1 * US)
    expect(line(rig)).toBe(true)
    expectFired(rig, 'late-interrupt', 1)
  },

  'fifo-overflow': () => {
    const { rig, s } = streaming()
    s.run(1) // frame 1 has started: the fault takes frame 2
    inject(rig, { fault: 'fifo-overflow' })
    s.run(3)
    const dropped = s.frames[2]
    expect(dropped.status & 0xff).toBe(DESC_WB.DONE | DESC_WB.TRUNCATED)
    // Half way through the active lines, minus what was still in the FIFO.
    expect(dropped.bytes).toBeGreaterThan(s.frameBytes * 0.45)
    expect(dropped.bytes).toBeLessThanOrEqual(s.frameBytes * 0.5)
    expect(rig.read('VID_DROP_CNT')).toBe(1)
    expect(rig.read('VID_DELIVERED_CNT')).toBe(3)
    expect(rig.read('INT_STATUS') & INT.VID_FIFO_OVF).toBe(INT.VID_FIFO_OVF)
    expect(s.frames[3].status & 0xff).toBe(DESC_WB.DONE | DESC_WB.DISCONTINUITY)
    expectFired(rig, 'fifo-overflow', 1)
  },

  'slow-dma': () => {
    // 640x480 at 60 fps is 40 MB/s from the source: fine at 400 MB/s, too much at 400 / 40.
    const run = (slow: boolean) => {
      const rig = new Vcap1Rig()
      const s = new Vcap1Stream(rig, { width: 640, height: 480 })
      s.start()
      if (slow) inject(rig, { fault: 'slow-dma', value: 40, duration: 50 * MS })
      s.run(3)
      const during = rig.read('VID_DROP_CNT')
      s.run(4)
      return { rig, during, after: rig.read('VID_DROP_CNT') - during, frames: s.frames }
    }
    const normal = run(false)
    expect(normal.during + normal.after).toBe(0)
    const slow = run(true)
    expect(slow.during).toBeGreaterThan(0)
    expect(slow.rig.read('INT_STATUS') & INT.VID_FIFO_OVF).toBe(INT.VID_FIFO_OVF)
    expect(slow.after).toBe(0) // the fault ended after 50 ms
    expectFired(slow.rig, 'slow-dma', 1)
  },

  'dma-timeout': () => {
    for (const timeoutMs of [50, 0]) {
      const { rig, s } = streaming()
      s.run(1)
      inject(rig, { fault: 'dma-timeout', value: timeoutMs })
      const done = rig.read('VID_DESC_DONE_CNT')
      const frames = rig.read('VID_FRAME_CNT')
      rig.run(49 * MS)
      // Silently stuck: still RUNNING, no progress, no error.
      expect(rig.read('VID_DESC_DONE_CNT')).toBe(done)
      expect(rig.read('VID_FRAME_CNT')).toBe(frames)
      expect(rig.read('VID_STATUS') & 0xb).toBe(0x1)
      rig.run(2 * MS)
      if (timeoutMs > 0) {
        expect(rig.read('VID_ERROR')).toBe(ERR.DMA_TIMEOUT)
        expect(rig.read('VID_STATUS') & 0xb).toBe(0xa)
        expect(rig.read('INT_STATUS') & INT.VID_DMA_ERR).toBe(INT.VID_DMA_ERR)
      } else {
        rig.run(500 * MS)
        expect(rig.read('VID_ERROR')).toBe(0)
        expect(rig.read('VID_STATUS') & 0xb).toBe(0x1)
      }
      expectFired(rig, 'dma-timeout', 1)
    }
  },

  'halt-never-arrives': () => {
    const { rig, s } = streaming()
    s.run(1)
    inject(rig, { fault: 'halt-never-arrives' })
    rig.write('VID_CTRL', 0x100)
    const done = rig.read('VID_DESC_DONE_CNT')
    rig.run(200 * MS)
    expect(rig.read('VID_STATUS') & 2).toBe(0)
    expect(rig.read('INT_STATUS') & INT.VID_HALTED).toBe(0)
    expect(rig.read('VID_DESC_DONE_CNT')).toBe(done) // and no more DMA
    // CH_RESET is refused (not halted); a soft reset recovers.
    rig.write('VID_CTRL', 0x102)
    expect(rig.read('VID_STATUS') & 2).toBe(0)
    rig.write('GCTRL', 1)
    rig.run(20 * US)
    expect(rig.read('VID_STATUS') & 3).toBe(2)
    expectFired(rig, 'halt-never-arrives', 1)
  },

  'reset-stuck': () => {
    const rig = new Vcap1Rig()
    inject(rig, { fault: 'reset-stuck', duration: 5 * MS })
    rig.write('GCTRL', 1)
    rig.run(1 * MS)
    expect(rig.read('GSTATUS') & 1).toBe(1) // far beyond the 10 µs reset time
    rig.write('SCRATCH', 0x1234) // dropped while busy
    expect(rig.read('SCRATCH')).toBe(0xffffffff)
    rig.run(5 * MS)
    expect(rig.read('GSTATUS') & 1).toBe(0)
    rig.write('SCRATCH', 0x1234)
    expect(rig.read('SCRATCH')).toBe(~0x1234 >>> 0)
    expectFired(rig, 'reset-stuck', 1)
  },

  'signal-loss': () => {
    const { rig, s } = streaming()
    s.run(1)
    inject(rig, { fault: 'signal-loss', duration: 50 * MS })
    expect(rig.read('GSTATUS') & 2).toBe(0)
    expect(rig.read('SIG_WIDTH')).toBe(0)
    expect(rig.read('INT_STATUS') & INT.SIGNAL_CHANGE).toBe(INT.SIGNAL_CHANGE)
    rig.write('INT_STATUS', INT.SIGNAL_CHANGE)
    const frames = rig.read('VID_FRAME_CNT')
    rig.run(45 * MS)
    expect(rig.read('VID_FRAME_CNT')).toBe(frames) // no frames without a signal
    expect(rig.read('VID_DROP_CNT')).toBe(0)
    rig.run(10 * MS)
    expect(rig.read('GSTATUS') & 2).toBe(2)
    expect(rig.read('SIG_WIDTH')).toBe(1920)
    expect(rig.read('INT_STATUS') & INT.SIGNAL_CHANGE).toBe(INT.SIGNAL_CHANGE)
    s.run(3)
    expect(rig.read('VID_FRAME_CNT')).toBeGreaterThan(frames)
    expectFired(rig, 'signal-loss', 1)
  },

  'signal-change': () => {
    const rig = new Vcap1Rig()
    expect([rig.read('SIG_WIDTH'), rig.read('SIG_HEIGHT'), rig.read('SIG_INTERVAL')]).toEqual([1920, 1080, 166_833])
    inject(rig, { fault: 'signal-change' })
    expect([rig.read('SIG_WIDTH'), rig.read('SIG_HEIGHT'), rig.read('SIG_INTERVAL')]).toEqual([1280, 720, 333_667])
    expect(rig.read('INT_STATUS') & INT.SIGNAL_CHANGE).toBe(INT.SIGNAL_CHANGE)
    expect(rig.read('GSTATUS') & 2).toBe(2) // still locked
    expectFired(rig, 'signal-change', 1)
  },

  'timestamp-jump': () => {
    const rig = new Vcap1Rig()
    rig.run(500 * MS)
    expect(rig.read('TS_LO')).toBe(5_000_000)
    inject(rig, { fault: 'timestamp-jump', value: 100 })
    expect(rig.read('TS_LO')).toBe(4_000_000)
    rig.run(1 * MS)
    expect(rig.read('TS_LO')).toBe(4_010_000)
    expectFired(rig, 'timestamp-jump', 1)
  },

  'timestamp-freeze': () => {
    const rig = new Vcap1Rig()
    rig.run(10 * MS)
    inject(rig, { fault: 'timestamp-freeze' })
    rig.run(99 * MS)
    expect(rig.read('TS_LO')).toBe(100_000)
    rig.run(1 * MS) // the default 100 ms ends: the counter goes on from where it held
    rig.run(5 * MS)
    expect(rig.read('TS_LO')).toBe(150_000)
    expectFired(rig, 'timestamp-freeze', 1)
  },

  'timestamp-wrap': () => {
    const rig = new Vcap1Rig()
    inject(rig, { fault: 'timestamp-wrap', value: 1 })
    rig.read('TS_LO')
    expect(rig.read('TS_HI')).toBe(0xffffffff)
    rig.run(SECOND - 100)
    expect(rig.read('TS_LO')).toBe(0xffffffff)
    expect(rig.read('TS_HI')).toBe(0xffffffff)
    rig.run(200)
    expect(rig.read('TS_LO')).toBe(1)
    expect(rig.read('TS_HI')).toBe(0)
    expectFired(rig, 'timestamp-wrap', 1)
  },

  'timestamp-drift': () => {
    const rig = new Vcap1Rig()
    rig.run(100 * SECOND)
    expect(rig.read('TS_LO')).toBe(1_000_000_000)
    // Drift is a rate: it starts without a jump, runs 100 ppm fast, and ends without a jump back.
    inject(rig, { fault: 'timestamp-drift', value: 100, duration: SECOND })
    expect(rig.read('TS_LO')).toBe(1_000_000_000)
    rig.run(SECOND - 1)
    expect(rig.read('TS_LO')).toBe(1_010_000_999)
    rig.run(1)
    expect(rig.read('TS_LO')).toBe(1_010_001_000)
    rig.run(SECOND)
    expect(rig.read('TS_LO')).toBe(1_020_001_000)
    expectFired(rig, 'timestamp-drift', 1)
  },

  'sequence-wrap': () => {
    const rig = new Vcap1Rig()
    inject(rig, { fault: 'sequence-wrap', value: 4 })
    const s = new Vcap1Stream(rig)
    s.start()
    expect(rig.read('VID_FRAME_CNT')).toBe(0xfffffffd) // the first SOF was sequence 2^32 - 4
    s.run(6)
    expect(rig.read('VID_FRAME_CNT')).toBe(3)
    expect(s.sequences()).toEqual([0xfffc, 0xfffd, 0xfffe, 0xffff, 0, 1])
    expect(s.frames.map((f) => f.stamp)).toEqual([0xfffffffc, 0xfffffffd, 0xfffffffe, 0xffffffff, 0, 1].map((n) => (n + STAMP_BASE) >>> 0))
    expectFired(rig, 'sequence-wrap', 1)
  },

  'torn-timestamp': () => {
    const read = (torn: boolean) => {
      const rig = new Vcap1Rig()
      if (torn) inject(rig, { fault: 'torn-timestamp' })
      rig.runUntil(TWO_32 * 100 - 500)
      const lo = rig.read('TS_LO')
      rig.run(1000) // the carry into HI happens between the two reads
      const hi = rig.read('TS_HI')
      return { rig, value: hi * TWO_32 + lo }
    }
    expect(read(false).value).toBe(TWO_32 - 5)
    const torn = read(true)
    expect(torn.value).toBe(2 * TWO_32 - 5) // a torn read: LO of before, HI of after
    expectFired(torn.rig, 'torn-timestamp', 1)
  },

  'read-to-clear': () => {
    const rig = new Vcap1Rig()
    rig.ring('video', 4)
    rig.write('VID_DESC_TAIL', 7) // RING_OVERRUN: VID_DMA_ERR and an error cause
    inject(rig, { fault: 'read-to-clear' })
    rig.write('INT_FORCE', INT.SW)
    expect(rig.read('INT_STATUS')).toBe((INT.SW | INT.VID_DMA_ERR) >>> 0)
    expect(rig.read('INT_STATUS')).toBe(0)
    expect(rig.read('VID_ERROR')).toBe(ERR.RING_OVERRUN) // errors stay in VID_ERROR
    expect(rig.read('VID_ERROR')).toBe(ERR.RING_OVERRUN)
    expectFired(rig, 'read-to-clear', 1)
  },

  'surprise-removal': () => {
    const { rig, s } = streaming()
    let told = 0
    rig.card.onSurpriseRemoval = () => told++
    s.run(1)
    rig.run(5 * MS) // mid-frame
    const buffers = s.frames.length
    const snapshot = rig.machine.memory.translate(rig.rings.video!.alloc.physicalAddressOf(0).address)!.alloc.bytes.slice()
    inject(rig, { fault: 'surprise-removal' })
    expect(told).toBe(1)
    expect(rig.read('DEV_ID')).toBe(0xffffffff)
    expect(rig.read('VID_STATUS')).toBe(0xffffffff)
    expect(rig.card.mmioRead(0, rig.offset('SCRATCH'), 2)).toBe(0xffff)
    rig.write('INT_FORCE', INT.SW)
    rig.run(100 * MS)
    // No more DMA (the ring is untouched), no interrupt.
    expect(rig.rings.video!.alloc.bytes).toEqual(snapshot)
    expect(s.frames.length).toBe(buffers)
    expect(line(rig)).toBe(false)
    expectFired(rig, 'surprise-removal', 1)
  },

  'power-context-loss': () => {
    const cycle = (fault: boolean) => {
      const rig = new Vcap1Rig()
      rig.write('SCRATCH', 5)
      rig.write('INT_ENABLE', INT.SW)
      rig.write('VID_INTERVAL', 200_000)
      if (fault) inject(rig, { fault: 'power-context-loss' })
      rig.card.setPowerState(4)
      rig.run(1 * MS)
      rig.card.setPowerState(1)
      return { rig, values: [rig.read('SCRATCH'), rig.read('INT_ENABLE'), rig.read('VID_INTERVAL')] }
    }
    expect(cycle(false).values).toEqual([~5 >>> 0, INT.SW, 200_000])
    const lost = cycle(true)
    expect(lost.values).toEqual([0xffffffff, 0, 333_667])
    expectFired(lost.rig, 'power-context-loss', 1)
  },

  'audio-overrun': () => {
    const rig = new Vcap1Rig()
    rig.write('INT_ENABLE', INT.AUD_OVERRUN)
    const buffer = audio(rig, 8, 1920) // 10 ms periods
    rig.run(15 * MS) // mid-period 1
    const position = rig.read('AUD_POSITION')
    inject(rig, { fault: 'audio-overrun', value: 10 })
    expect(rig.read('AUD_LOST_SAMPLES')).toBe(480)
    expect(rig.read('INT_STATUS') & INT.AUD_OVERRUN).toBe(INT.AUD_OVERRUN)
    expect(rig.read('AUD_POSITION')).toBe(position) // the position never goes back
    rig.run(40 * MS)
    // The period in progress is whole; the gap falls before the next one, which says so.
    expect(rig.writtenBack('audio', 0).status & 0xff).toBe(DESC_WB.DONE)
    expect(rig.writtenBack('audio', 1).status & 0xff).toBe(DESC_WB.DONE)
    expect(rig.writtenBack('audio', 2).status & 0xff).toBe(DESC_WB.DONE | DESC_WB.DISCONTINUITY)
    expect(rig.writtenBack('audio', 3).status & 0xff).toBe(DESC_WB.DONE)
    // The ramp (sample index) jumps by the 480 lost frames between periods 1 and 2, and the
    // timestamp of period 2 is the true time of its first sample.
    const v = new DataView(buffer.bytes.buffer, buffer.bytes.byteOffset)
    const ramp = (frame: number) => v.getUint16(frame * 4, true)
    const jumps: number[] = []
    for (let f = 1; f < 4 * 480; f++) if (ramp(f) !== ramp(f - 1) + 1) jumps.push(f)
    expect(jumps).toEqual([960])
    expect(ramp(960)).toBe(960 + 480)
    expect(rig.writtenBack('audio', 2).timestamp).toBe(Math.floor(Math.ceil(((960 + 480) * SECOND) / 48_000) / 100))
    expectFired(rig, 'audio-overrun', 1)
  },

  'audio-drift': () => {
    const done = (drift: boolean) => {
      const rig = new Vcap1Rig()
      if (drift) inject(rig, { fault: 'audio-drift', value: 200 })
      audio(rig, 2, 192_000, { queued: 1 }) // one second of samples
      let t = 0
      while ((rig.writtenBack('audio', 0).ctrl & DESC_CTRL.OWN) !== 0) {
        rig.run(10 * US)
        t = rig.now
      }
      return { rig, t }
    }
    const normal = done(false)
    expect(normal.t).toBeGreaterThanOrEqual(SECOND)
    expect(normal.t).toBeLessThan(SECOND + 10 * US)
    const fast = done(true)
    // 200 ppm fast: the second of samples is there 200 µs early.
    expect(fast.t).toBeGreaterThan(SECOND - 210 * US)
    expect(fast.t).toBeLessThanOrEqual(SECOND - 190 * US)
    expectFired(fast.rig, 'audio-drift', 1)
    // Set mid-run, drift changes the rate from then on: AUD_POSITION does not jump (a retroactive
    // rate would add 2.5 s × 200 ppm = 24 frames at once, crossing the next 128-byte burst here).
    const rig = new Vcap1Rig()
    audio(rig, 2, 192_000 * 5, { queued: 1 }) // five seconds in one period (under MAX_SG_LEN)
    rig.run(2.5 * SECOND + 521 * US) // 120025 frames: 480100 bytes, 100 into a burst
    const position = rig.read('AUD_POSITION')
    expect(position).toBe(480_000)
    inject(rig, { fault: 'audio-drift', value: 200, duration: 2 * SECOND })
    expect(rig.read('AUD_POSITION')).toBe(position)
    rig.run(0.5 * SECOND)
    // 120025 + 0.5 s × 48000 × 1.0002 = 144029.8 frames.
    expect(rig.read('AUD_POSITION')).toBe(Math.floor((144_029 * 4) / 128) * 128)
  },

  'audio-jitter': () => {
    const rig = new Vcap1Rig()
    audio(rig, 4, 19_200)
    rig.run(50 * MS) // 2400 frames = 9600 bytes into period 0
    const clean = rig.read('AUD_POSITION')
    expect(clean).toBe(9600)
    inject(rig, { fault: 'audio-jitter', value: 2 })
    const reads = new Set<number>()
    for (let i = 0; i < 50; i++) reads.add(rig.read('AUD_POSITION'))
    expect(reads.size).toBeGreaterThan(1)
    for (const r of reads) {
      expect(r % 128).toBe(0)
      expect(Math.abs(r - clean)).toBeLessThanOrEqual(256)
    }
    expectFired(rig, 'audio-jitter', 1)
  },

  'race-amplifier': () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_ENABLE', INT.SW | INT.TIMER)
    inject(rig, { fault: 'race-amplifier' })
    rig.write('INT_FORCE', INT.SW)
    rig.run(1 * US)
    const seen = rig.read('INT_PENDING')
    expect(seen).toBe(INT.SW)
    rig.run(2 * US)
    // A new enabled event landed between the ISR's read and its ack.
    expect(rig.read('INT_STATUS')).toBe((INT.SW | INT.TIMER) >>> 0)
    expectFired(rig, 'race-amplifier', 1)
    // The correct ISR acks what it saw; the new bit stays for the next round.
    rig.write('INT_STATUS', seen)
    expect(rig.card.irq.status & INT.TIMER).toBe(INT.TIMER)
    expect(rig.findings.findings).toEqual([])
  },
}

describe('VCAP-1 faults: the catalogue', () => {
  it('every fault in the catalogue has a test here, and every test names a fault', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(FaultInjector.ids().sort())
  })

  it('every fault has a unique id, a datasheet number, and documented device and driver behaviour', () => {
    expect(new Set(FAULTS.map((f) => f.id)).size).toBe(FAULTS.length)
    expect([...new Set(FAULTS.map((f) => f.number))].sort((a, b) => a - b)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1))
    for (const f of FAULTS) {
      expect(f.device.length, f.id).toBeGreaterThan(10)
      expect(f.driver.length, f.id).toBeGreaterThan(10)
    }
  })

  it('every fault that is not a frame fault has a handler in the table, and every handler is a catalogue fault', () => {
    expect(Object.keys(FAULT_HANDLERS).sort()).toEqual(FAULTS.filter((f) => f.kind !== 'frame').map((f) => f.id).sort())
  })

  it('an unknown fault or register is refused with a message', () => {
    const rig = new Vcap1Rig()
    expect(rig.card.faults.inject({ fault: 'no-such-fault' })).toContain("VCAP-1 has no fault 'no-such-fault'")
    expect(rig.card.faults.inject({ fault: 'frame-drop', register: 'NOPE' })).toContain("no register 'NOPE'")
  })
})

describe('VCAP-1 faults: device behaviour', () => {
  it.each(FAULTS.map((f) => [f.id, f.number] as const))('%s (#%i)', (id) => {
    const scenario = SCENARIOS[id]
    expect(scenario, `fault ${id} has no test`).toBeDefined()
    scenario()
  })
})

describe('VCAP-1 faults: triggers', () => {
  it('at a virtual time: armed then, not before', () => {
    const { rig, s, sof } = streaming()
    inject(rig, { fault: 'frame-drop', at: sof + 2.5 * s.period })
    expect(rig.card.faults.fired.get('frame-drop') ?? 0).toBe(0)
    s.run(5)
    expect(s.sequences()).toEqual([0, 1, 2, 4])
    const armed = rig.instants('VCAP-1 faults').find((e) => e.name === 'frame-drop')!
    expect(armed.t).toBe(sof + 2.5 * s.period)
  })

  it('on the m-th access to a register (reads and writes count), effective right after that access', () => {
    const rig = new Vcap1Rig()
    rig.run(500 * MS)
    inject(rig, { fault: 'timestamp-jump', register: 'TS_LO', access: 3, value: 100 })
    expect(rig.read('TS_LO')).toBe(5_000_000)
    rig.write('TS_LO', 0) // a (bad) write is an access too
    rig.run(0)
    expect(rig.read('TS_LO')).toBe(5_000_000) // the third access itself is not affected
    rig.run(0)
    expect(rig.read('TS_LO')).toBe(4_000_000)
    expectFired(rig, 'timestamp-jump', 1)
  })

  it('for a count of frames: exactly that many', () => {
    const { rig, s } = streaming()
    inject(rig, { fault: 'frame-drop', count: 3 }) // frame 0 has started: frames 1, 2, 3 go
    s.run(8)
    expect(rig.read('VID_DROP_CNT')).toBe(3)
    expect(s.sequences()).toEqual([0, 4, 5, 6, 7])
  })

  it('with a probability per frame, drawn from the seeded RNG: the same seed drops the same frames', () => {
    const dropped = (seed: number) => {
      const { rig, s } = streaming({ seed })
      // Armed at SOF(0) for 25 periods: frames 1..25 may drop (frame 0 has started).
      inject(rig, { fault: 'frame-drop', probability: 0.3, duration: 25 * s.period })
      s.run(30)
      const delivered = new Set(s.sequences())
      return { count: rig.read('VID_DROP_CNT'), frames: Array.from({ length: 29 }, (_, n) => n).filter((n) => !delivered.has(n)) }
    }
    const a = dropped(3)
    expect(a.count).toBe(a.frames.length)
    expect(a.frames.every((n) => n >= 1 && n <= 25)).toBe(true)
    expect(a.count).toBeGreaterThan(2)
    expect(a.count).toBeLessThan(16)
    expect(dropped(3)).toEqual(a)
    expect(dropped(4).frames).not.toEqual(a.frames)
  })
})
