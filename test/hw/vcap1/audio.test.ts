import { describe, expect, it } from 'vitest'
import type { Allocation } from '../../../main/hw/physicalMemory.js'
import { DESC_CTRL, DESC_WB, ERR, INT } from '../../../main/hw/vcap1/registers.js'
import { MS, SECOND, US } from '../../../main/contract/time.js'
import { Vcap1Rig } from '../../helpers/vcap1Rig.js'

/**
 * The audio channel (vcap1.md 7.6, 7.8): 48 kHz PCM delivered period by period, each descriptor
 * complete when its last sample exists, timestamped with its first sample; a 4 KiB FIFO (about 21 ms
 * of stereo 16-bit) before samples are lost; CYCLIC mode; AUD_POSITION in 128-byte bursts.
 */

const RATE = 48_000
const FRAME = 4 // stereo 16-bit
const PERIOD = 480 // 10 ms
const PERIOD_BYTES = PERIOD * FRAME
const OWN_IOC = DESC_CTRL.OWN | DESC_CTRL.IOC

/** When sample frame n exists, for a run started at t0 (ns). */
const sampleTime = (t0: number, n: number) => t0 + Math.ceil((n * SECOND) / RATE)

interface AudioBench {
  rig: Vcap1Rig
  buffer: Allocation
  base: number
  t0: number
}

/** A ring of `count` period descriptors over one buffer; `queued` of them published; ramp generator. */
function bench(count: number, options: { queued?: number; ctrl?: number; format?: number; periodBytes?: number; run?: boolean } = {}): AudioBench {
  const rig = new Vcap1Rig()
  rig.write('INT_ENABLE', INT.AUD_IOC | INT.AUD_OVERRUN)
  rig.write('GCTRL', 2)
  rig.ring('audio', count)
  const bytes = options.periodBytes ?? PERIOD_BYTES
  const buffer = rig.buffer(count * bytes, { contiguous: true })
  const base = buffer.physicalAddressOf(0).address
  const queued = options.queued ?? count - 1
  for (let i = 0; i < queued; i++) rig.descriptor('audio', i, base + i * bytes, bytes, OWN_IOC)
  if (queued > 0) rig.write('AUD_DESC_TAIL', queued % count)
  if (options.format !== undefined) rig.write('AUD_FORMAT', options.format)
  rig.write('AUD_GEN', 1) // the sample-counter ramp
  rig.run(3 * MS + 7) // RUN at a time that is not a multiple of 100 ns
  const t0 = rig.now
  if (options.run !== false) rig.write('AUD_CTRL', options.ctrl ?? 1)
  return { rig, buffer, base, t0 }
}

/** Left and right samples of frame `i` of a stereo 16-bit buffer. */
function frameAt(buffer: Allocation, i: number): [number, number] {
  const v = new DataView(buffer.bytes.buffer, buffer.bytes.byteOffset)
  return [v.getUint16(i * 4, true), v.getUint16(i * 4 + 2, true)]
}

describe('VCAP-1 audio: delivery', () => {
  it('delivers the 48 kHz stereo 16-bit ramp period by period: each sample is its frame index, chunks continuous, timestamps of their first sample', () => {
    const { rig, buffer, t0 } = bench(8)
    for (let k = 0; k < 7; k++) {
      const due = sampleTime(t0, (k + 1) * PERIOD)
      rig.runUntil(due - 1)
      expect(rig.writtenBack('audio', k).ctrl & DESC_CTRL.OWN, `period ${k} not before its last sample`).toBe(DESC_CTRL.OWN)
      rig.runUntil(due)
      const wb = rig.writtenBack('audio', k)
      expect(wb.ctrl & DESC_CTRL.OWN).toBe(0)
      expect(wb.status & 0xff).toBe(DESC_WB.DONE)
      expect(wb.status >>> 16).toBe(k)
      expect(wb.bytes).toBe(PERIOD_BYTES)
      expect(wb.timestamp).toBe(Math.floor(sampleTime(t0, k * PERIOD) / 100))
      expect(rig.read('INT_STATUS') & INT.AUD_IOC).toBe(INT.AUD_IOC)
      rig.write('INT_STATUS', INT.AUD_IOC)
    }
    for (let i = 0; i < 7 * PERIOD; i++) expect(frameAt(buffer, i)).toEqual([i, i])
    expect(rig.read('AUD_DESC_HEAD')).toBe(7)
    rig.read('AUD_BYTES_LO')
    expect(rig.read('AUD_BYTES_LO')).toBe(7 * PERIOD_BYTES)
    expect(rig.read('AUD_BYTES_HI')).toBe(0)
    expect(rig.read('AUD_LOST_SAMPLES')).toBe(0)
    expect(rig.findings.findings).toEqual([])
  })

  it('AUD_TS is the timestamp of the first sample of the current descriptor', () => {
    const { rig, t0 } = bench(4)
    rig.run(15 * MS) // in period 1
    rig.read('AUD_TS_LO')
    expect(rig.read('AUD_TS_LO')).toBe(Math.floor(sampleTime(t0, PERIOD) / 100))
    expect(rig.read('AUD_TS_HI')).toBe(0)
  })

  it('mono and 24-in-32 formats: the ramp per channel, modulo the container range', () => {
    const mono = bench(2, { format: (RATE << 8) | 0, periodBytes: 960, queued: 1 })
    mono.rig.run(11 * MS)
    const v = new DataView(mono.buffer.bytes.buffer, mono.buffer.bytes.byteOffset)
    expect(mono.rig.writtenBack('audio', 0).bytes).toBe(960)
    for (let i = 0; i < 480; i++) expect(v.getUint16(i * 2, true)).toBe(i)
    const wide = bench(2, { format: (RATE << 8) | 0x11, periodBytes: 3840, queued: 1 })
    wide.rig.run(11 * MS)
    const w = new DataView(wide.buffer.bytes.buffer, wide.buffer.bytes.byteOffset)
    for (let i = 0; i < 480; i++) {
      expect(w.getUint32(i * 8, true)).toBe(i << 8) // 24 valid bits, left-justified
      expect(w.getUint32(i * 8 + 4, true)).toBe(i << 8)
    }
  })

  it('a descriptor that is not a whole number of sample frames is LEN_INVALID', () => {
    const r = new Vcap1Rig()
    r.ring('audio', 4)
    const b = r.buffer(4096, { contiguous: true })
    r.descriptor('audio', 0, b.physicalAddressOf(0).address, 1922, OWN_IOC)
    r.write('AUD_DESC_TAIL', 1)
    r.write('AUD_CTRL', 1)
    expect(r.read('AUD_ERROR')).toBe(ERR.LEN_INVALID)
  })
})

describe('VCAP-1 audio: overrun', () => {
  it('with no descriptor the FIFO (4 KiB = 1024 frames, 21.3 ms) fills, then AUD_OVERRUN; samples are lost while the timeline runs on', () => {
    const { rig, buffer, base, t0 } = bench(8, { queued: 0 })
    const full = sampleTime(t0, 1024)
    rig.runUntil(full - 1)
    expect(rig.read('INT_STATUS') & INT.AUD_OVERRUN).toBe(0)
    expect(rig.read('AUD_STATUS') >>> 16).toBe(100) // FIFO_FILL %
    rig.runUntil(full)
    expect(rig.read('INT_STATUS') & INT.AUD_OVERRUN).toBe(INT.AUD_OVERRUN)
    rig.runUntil(t0 + 40 * MS)
    // Lost so far: everything produced beyond the FIFO's 1024 frames.
    const lostAt40 = Math.floor((40 * MS * RATE) / SECOND) - 1024
    expect(rig.read('AUD_LOST_SAMPLES')).toBe(lostAt40)
    rig.runUntil(t0 + 50 * MS)
    for (let i = 0; i < 3; i++) rig.descriptor('audio', i, base + i * PERIOD_BYTES, PERIOD_BYTES, OWN_IOC)
    rig.write('AUD_DESC_TAIL', 3)
    const lost = 2400 - 1024 // 50 ms = 2400 frames produced; the FIFO keeps the newest 1024
    expect(rig.read('AUD_LOST_SAMPLES')).toBe(lost)
    rig.run(30 * MS)
    const first = rig.writtenBack('audio', 0)
    expect(first.status & 0xff).toBe(DESC_WB.DONE | DESC_WB.DISCONTINUITY)
    expect(first.timestamp).toBe(Math.floor(sampleTime(t0, lost) / 100)) // the true time of its first sample
    expect(frameAt(buffer, 0)).toEqual([lost, lost])
    expect(rig.writtenBack('audio', 1).status & 0xff).toBe(DESC_WB.DONE)
    for (let i = 0; i < 3 * PERIOD; i++) expect(frameAt(buffer, i)[0]).toBe(lost + i)
    expect(rig.read('AUD_LOST_SAMPLES')).toBe(lost)
  })

  it('a descriptor within the FIFO slack loses nothing: no overrun, no DISCONTINUITY', () => {
    const { rig, buffer, base, t0 } = bench(8, { queued: 0 })
    rig.runUntil(t0 + 20 * MS)
    rig.descriptor('audio', 0, base, PERIOD_BYTES, OWN_IOC)
    rig.write('AUD_DESC_TAIL', 1)
    rig.run(5 * MS)
    expect(rig.writtenBack('audio', 0).status & 0xff).toBe(DESC_WB.DONE)
    expect(rig.writtenBack('audio', 0).timestamp).toBe(Math.floor(t0 / 100))
    expect(frameAt(buffer, 0)).toEqual([0, 0])
    expect(rig.read('AUD_LOST_SAMPLES')).toBe(0)
    expect(rig.read('INT_STATUS') & INT.AUD_OVERRUN).toBe(0)
  })
})

describe('VCAP-1 audio: CYCLIC mode and AUD_POSITION', () => {
  it('CYCLIC keeps OWN, loops over the ring without new doorbells, and writes back each period', () => {
    const { rig, buffer, t0 } = bench(4, { queued: 4, ctrl: 5 })
    rig.runUntil(sampleTime(t0, 10 * PERIOD))
    expect(rig.read('AUD_DESC_HEAD')).toBe(10 % 4)
    expect(rig.read('AUD_STATUS') & 3).toBe(1)
    for (let i = 0; i < 4; i++) {
      const wb = rig.writtenBack('audio', i)
      expect(wb.ctrl & DESC_CTRL.OWN).toBe(DESC_CTRL.OWN)
      expect(wb.status & 0xff).toBe(DESC_WB.DONE)
    }
    // Periods 8 and 9 are the latest in slots 0 and 1, periods 6 and 7 in slots 2 and 3.
    expect((rig.writtenBack('audio', 0).status >>> 16)).toBe(8)
    expect((rig.writtenBack('audio', 3).status >>> 16)).toBe(7)
    expect(frameAt(buffer, 0)).toEqual([8 * PERIOD, 8 * PERIOD])
    expect(frameAt(buffer, 2 * PERIOD)).toEqual([6 * PERIOD, 6 * PERIOD])
    expect(frameAt(buffer, 4 * PERIOD - 1)[0]).toBe(8 * PERIOD - 1)
    expect(rig.read('AUD_LOST_SAMPLES')).toBe(0)
  })

  it('AUD_POSITION counts bytes into the current descriptor in whole 128-byte bursts, and what it reports is in memory', () => {
    const { rig, buffer, t0 } = bench(4, { queued: 4, ctrl: 5 })
    let last = -1
    for (let us = 100; us < 10_000; us += 333) {
      rig.runUntil(t0 + us * US)
      const position = rig.read('AUD_POSITION')
      const produced = Math.floor(((rig.now - t0) * RATE) / SECOND)
      expect(position % 128).toBe(0)
      expect(position).toBe(Math.floor((produced * FRAME) / 128) * 128)
      expect(position).toBeGreaterThanOrEqual(last)
      last = position
      // The bursts up to the position have reached memory; beyond it nothing yet.
      if (position > 0) expect(frameAt(buffer, position / FRAME - 1)[0]).toBe(position / FRAME - 1)
      expect(buffer.bytes.subarray(position, PERIOD_BYTES).every((x) => x === 0)).toBe(true)
    }
    // In the next period it starts again from 0 (relative to that descriptor).
    rig.runUntil(sampleTime(t0, PERIOD) + 100 * US)
    expect(rig.read('AUD_POSITION')).toBe(Math.floor((Math.floor((100 * US * RATE) / SECOND) * FRAME) / 128) * 128)
  })
})
