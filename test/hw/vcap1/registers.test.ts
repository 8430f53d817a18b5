import { describe, expect, it } from 'vitest'
import { BAR0_SIZE, ERR, INT, REGISTERS, REGISTER_AT, bitsOf, type Access, type RegisterSpec } from '../../../main/hw/vcap1/registers.js'
import { RESET_TIME_NS } from '../../../main/hw/vcap1/vcap1.js'
import { MS, US } from '../../../main/contract/time.js'
import { Vcap1Rig } from '../../helpers/vcap1Rig.js'

/**
 * VCAP-1 register access rules (vcap1.md 7.1-7.3), driven by the register table itself: every register
 * falls into one class below, so a register added to the table without a rule here fails the census.
 */

const TWO_32 = 0x1_0000_0000

/** Registers with a documented behaviour of their own, tested one by one below. */
const SPECIAL: Record<string, string> = {
  SCRATCH: 'reads ~value',
  INT_STATUS: 'W1C of latched events',
  INT_FORCE: 'WO: W1S into INT_STATUS',
  VID_DROP_CNT: 'only 0 may be written',
  VID_DESC_TAIL: 'the doorbell (ring.test.ts)',
  AUD_DESC_TAIL: 'the doorbell (audio.test.ts)',
  VID_ERROR: 'W1C error causes',
  AUD_ERROR: 'W1C error causes',
}

function mask(spec: RegisterSpec, ...access: Access[]): number {
  let m = 0
  for (const f of spec.fields) if (access.includes(f.access)) m = (m | bitsOf(f)) >>> 0
  return m
}

const isReadOnly = (r: RegisterSpec) => r.fields.every((f) => f.access === 'RO')
const isStored = (r: RegisterSpec) => SPECIAL[r.name] === undefined && !isReadOnly(r) && mask(r, 'RW') !== 0

/** Reads a register the way a driver must: the low word of a 64-bit pair before its high word. */
function readLikeDriver(rig: Vcap1Rig, r: RegisterSpec): number {
  if (r.highOf !== undefined) rig.read(r.highOf)
  return rig.read(r.name)
}

/** A running video or audio channel (starving: the ring is empty, which is harmless here). */
function running(channel: 'video' | 'audio'): Vcap1Rig {
  const rig = new Vcap1Rig()
  rig.ring(channel, 4)
  if (channel === 'video') rig.write('VID_CTRL', 0x101)
  else rig.write('AUD_CTRL', 1)
  rig.run(10 * US)
  expect(rig.read(channel === 'video' ? 'VID_STATUS' : 'AUD_STATUS') & 3).toBe(1) // RUNNING, not HALTED
  return rig
}

describe('VCAP-1 registers: the table', () => {
  it('every register has an access rule tested here (census)', () => {
    for (const r of REGISTERS) {
      const classes = [SPECIAL[r.name] !== undefined, isReadOnly(r), isStored(r)].filter(Boolean).length
      expect(classes, `${r.name} must be exactly one of special, read-only or stored`).toBe(1)
    }
  })

  it('offsets are 32-bit aligned, unique, inside BAR0, and fields do not overlap', () => {
    const seen = new Set<number>()
    for (const r of REGISTERS) {
      expect(r.offset % 4, r.name).toBe(0)
      expect(r.offset < BAR0_SIZE, r.name).toBe(true)
      expect(seen.has(r.offset), r.name).toBe(false)
      seen.add(r.offset)
      let used = 0
      for (const f of r.fields) {
        expect((used & bitsOf(f)) >>> 0, `${r.name}.${f.name}`).toBe(0)
        used = (used | bitsOf(f)) >>> 0
      }
    }
  })

  it.each(REGISTERS.map((r) => [r.name, r] as const))('%s reads its reset value after power-up', (_name, r) => {
    const rig = new Vcap1Rig()
    const value = readLikeDriver(rig, r)
    // SCRATCH reads back the complement of what it holds.
    expect(value >>> 0).toBe(r.name === 'SCRATCH' ? ~r.reset >>> 0 : r.reset >>> 0)
    expect(rig.messages('register-access')).toEqual([])
  })

  it('the identity and capability words say what the datasheet says', () => {
    const rig = new Vcap1Rig()
    expect(rig.read('DEV_ID') >>> 16).toBe(0x5643)
    const caps = rig.read('CAPS')
    expect(caps & 0xf).toBe(1) // one video channel
    expect((caps >>> 4) & 0xf).toBe(1) // one audio channel
    expect((caps >>> 8) & 1).toBe(0) // no DMA64: 32-bit addressing
    expect((caps >>> 16) & 0xff).toBe(255) // 256 descriptors per ring
    expect(caps >>> 24).toBe(0x1f) // YUY2, UYVY, RGB24, RGB32, NV12
    expect(rig.read('TS_FREQ')).toBe(10_000_000)
    expect(rig.read('VID_FRAME_BYTES')).toBe(640 * 2 * 480)
  })
})

describe('VCAP-1 registers: access classes', () => {
  it.each(REGISTERS.filter(isReadOnly).map((r) => [r.name, r] as const))('RO %s ignores writes and reports register-access', (_name, r) => {
    const rig = new Vcap1Rig()
    const before = readLikeDriver(rig, r)
    rig.write(r.name, ~r.reset >>> 0)
    expect(readLikeDriver(rig, r)).toBe(before)
    const messages = rig.messages('register-access')
    expect(messages.some((m) => m.includes(r.name))).toBe(true)
  })

  it.each(REGISTERS.filter(isStored).map((r) => [r.name, r] as const))('RW %s stores what is written (all RW bits)', (_name, r) => {
    const rig = new Vcap1Rig()
    // Every RW bit set, except RUN (starting a channel is tested elsewhere); RO fields keep their value.
    const noRun = r.name === 'VID_CTRL' || r.name === 'AUD_CTRL' ? ~1 : ~0
    const rw = (mask(r, 'RW') & noRun) >>> 0
    const value = (rw | (r.reset & mask(r, 'RO'))) >>> 0
    rig.write(r.name, value)
    expect(readLikeDriver(rig, r) >>> 0).toBe(value)
    rig.write(r.name, r.reset & ~rw)
    expect(readLikeDriver(rig, r) >>> 0).toBe((r.reset & ~rw) >>> 0)
    expect(rig.messages('register-access')).toEqual([])
  })

  it.each(REGISTERS.filter((r) => r.fields.some((f) => f.access === 'SC')).map((r) => [r.name, r] as const))('SC bits of %s read 0', (_name, r) => {
    const rig = new Vcap1Rig()
    rig.run(RESET_TIME_NS) // out of reset busy after a soft reset below
    for (const f of r.fields.filter((x) => x.access === 'SC')) {
      rig.write(r.name, bitsOf(f))
      expect(rig.read(r.name) & bitsOf(f), `${r.name}.${f.name}`).toBe(0)
    }
  })

  it('writing a reserved bit of a register is reported', () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', 1 << 20)
    expect(rig.read('GCTRL')).toBe(0)
    expect(rig.messages('register-access').some((m) => m.includes('reserved bits 0x100000 of GCTRL'))).toBe(true)
  })
})

describe('VCAP-1 registers: reserved space and bus errors', () => {
  const reserved: number[] = []
  for (let o = 0; o < BAR0_SIZE; o += 4) if (!REGISTER_AT.has(o)) reserved.push(o)

  it('every reserved offset reads 0, and every write there is dropped and reported', () => {
    const rig = new Vcap1Rig()
    expect(reserved.length).toBeGreaterThan(800)
    for (const o of reserved) {
      expect(rig.card.mmioRead(0, o, 4), `0x${o.toString(16)}`).toBe(0)
      rig.card.mmioWrite(0, o, 4, 0xdeadbeef)
      expect(rig.card.mmioRead(0, o, 4), `0x${o.toString(16)}`).toBe(0)
    }
    const messages = rig.messages('register-access')
    expect(messages.length).toBe(reserved.length)
    expect(messages[0]).toContain('reserved offset 0x14')
  })

  it('a byte, a word or an unaligned access reads all ones, drops the write, and is a BAD_ACCESS', () => {
    const rig = new Vcap1Rig()
    const scratch = rig.offset('SCRATCH')
    rig.write('SCRATCH', 0x12345678)
    expect(rig.card.mmioRead(0, scratch + 2, 4)).toBe(0xffffffff)
    expect(rig.card.mmioRead(0, scratch, 2)).toBe(0xffff) // all ones of the access width
    expect(rig.card.mmioRead(0, scratch, 1)).toBe(0xff)
    rig.card.mmioWrite(0, scratch, 1, 0xaa)
    rig.card.mmioWrite(0, scratch, 2, 0xaaaa)
    rig.card.mmioWrite(0, scratch + 1, 4, 0)
    expect(rig.read('SCRATCH')).toBe(~0x12345678 >>> 0)
    // A byte write to INT_FORCE must not set anything either.
    rig.card.mmioWrite(0, rig.offset('INT_FORCE'), 1, 0xff)
    expect(rig.read('INT_STATUS')).toBe(0)
    const messages = rig.messages('register-access')
    expect(messages.filter((m) => m.includes('only aligned 32-bit accesses')).length).toBe(7)
    const bad = rig.instants('VCAP-1 faults').filter((e) => e.name === 'BAD_ACCESS')
    expect(bad.map((e) => e.detail)).toEqual(['4-byte read at 0xa', '2-byte read at 0x8', '1-byte read at 0x8', '1-byte write at 0x8', '2-byte write at 0x8', '4-byte write at 0x9', '1-byte write at 0x2c'])
  })
})

describe('VCAP-1 registers: [stopped] registers', () => {
  for (const channel of ['video', 'audio'] as const) {
    const stopped = REGISTERS.filter((r) => r.stopped === channel)

    it(`${channel}: [stopped] registers ignore writes while running, and are reported; after HALTED they take them`, () => {
      expect(stopped.length).toBeGreaterThan(channel === 'video' ? 7 : 3)
      const rig = running(channel)
      const before = stopped.map((r) => rig.read(r.name))
      for (const r of stopped) rig.write(r.name, rig.read(r.name) ^ (1 << r.fields.find((f) => f.access === 'RW')!.lsb) ^ 0x20)
      expect(stopped.map((r) => rig.read(r.name))).toEqual(before)
      const messages = rig.messages('register-access')
      for (const r of stopped) expect(messages.some((m) => m.includes(`write to ${r.name} while the ${channel} channel is running`)), r.name).toBe(true)
      // Stop, wait for HALTED: now they are writable.
      rig.write(channel === 'video' ? 'VID_CTRL' : 'AUD_CTRL', channel === 'video' ? 0x100 : 0)
      rig.run(1 * MS)
      expect(rig.read(channel === 'video' ? 'VID_STATUS' : 'AUD_STATUS') & 3).toBe(2)
      const target = channel === 'video' ? 'VID_INTERVAL' : 'AUD_DESC_COUNT'
      rig.write(target, 200_000)
      expect(rig.read(target)).toBe(200_000)
    })
  }

  it('registers without [stopped] stay writable while running (TAIL, VID_PATTERN, INT_ENABLE)', () => {
    const rig = running('video')
    rig.write('VID_PATTERN', 0x305)
    rig.write('INT_ENABLE', INT.VID_IOC)
    expect(rig.read('VID_PATTERN')).toBe(0x305)
    expect(rig.read('INT_ENABLE')).toBe(INT.VID_IOC)
    expect(rig.messages('register-access')).toEqual([])
  })
})

describe('VCAP-1 registers: special registers', () => {
  it('SCRATCH returns the complement of the value written', () => {
    const rig = new Vcap1Rig()
    for (const v of [0, 0xffffffff, 0x12345678, 0x80000001]) {
      rig.write('SCRATCH', v)
      expect(rig.read('SCRATCH')).toBe(~v >>> 0)
    }
  })

  it('INT_FORCE sets INT_STATUS bits (defined ones only), reads 0; INT_STATUS W1C clears only the bits written', () => {
    const rig = new Vcap1Rig()
    rig.write('INT_FORCE', INT.SW | INT.TIMER | INT.VID_IOC | (1 << 7))
    expect(rig.read('INT_FORCE')).toBe(0)
    expect(rig.read('INT_STATUS')).toBe((INT.SW | INT.TIMER | INT.VID_IOC) >>> 0)
    rig.write('INT_STATUS', INT.TIMER)
    expect(rig.read('INT_STATUS')).toBe((INT.SW | INT.VID_IOC) >>> 0)
    rig.write('INT_STATUS', 0)
    expect(rig.read('INT_STATUS')).toBe((INT.SW | INT.VID_IOC) >>> 0)
    rig.write('INT_STATUS', INT.SW | INT.VID_IOC)
    expect(rig.read('INT_STATUS')).toBe(0)
    // INT_FORCE bit 7 is reserved: reported.
    expect(rig.messages('register-access').some((m) => m.includes('reserved bits 0x80 of INT_FORCE'))).toBe(true)
  })

  it('INT_PENDING is INT_STATUS & INT_ENABLE', () => {
    const rig = new Vcap1Rig()
    rig.write('INT_FORCE', INT.SW | INT.TIMER)
    expect(rig.read('INT_PENDING')).toBe(0)
    rig.write('INT_ENABLE', INT.TIMER | INT.VID_IOC)
    expect(rig.read('INT_PENDING')).toBe(INT.TIMER)
  })

  it('VID_ERROR and AUD_ERROR are W1C: a write clears only the cause bits written', () => {
    const rig = new Vcap1Rig()
    rig.ring('video', 4)
    rig.ring('audio', 4)
    // Two causes: BAD_CONFIG (odd width at RUN), then RING_OVERRUN (TAIL outside the ring).
    rig.write('VID_SIZE', (480 << 16) | 641)
    rig.write('VID_CTRL', 0x101)
    rig.write('VID_DESC_TAIL', 9)
    expect(rig.read('VID_ERROR')).toBe(ERR.BAD_CONFIG | ERR.RING_OVERRUN)
    rig.write('VID_ERROR', ERR.RING_OVERRUN)
    expect(rig.read('VID_ERROR')).toBe(ERR.BAD_CONFIG)
    rig.write('VID_ERROR', ERR.BAD_CONFIG)
    expect(rig.read('VID_ERROR')).toBe(0)

    rig.write('AUD_FORMAT', (48000 << 8) | 0x21) // SAMPLE_SIZE 2 is invalid
    rig.write('AUD_CTRL', 1)
    rig.write('AUD_DESC_TAIL', 9)
    expect(rig.read('AUD_ERROR')).toBe(ERR.BAD_CONFIG | ERR.RING_OVERRUN)
    rig.write('AUD_ERROR', ERR.BAD_CONFIG)
    expect(rig.read('AUD_ERROR')).toBe(ERR.RING_OVERRUN)
  })

  it('VID_DROP_CNT: a write of 0 resets it; any other value is ignored and reported', () => {
    const rig = new Vcap1Rig()
    rig.ring('video', 4)
    rig.write('VID_INTERVAL', 166_667)
    rig.write('VID_CTRL', 0x101)
    rig.run(45 * MS) // three SOFs (at about 0, 16.7 and 33.3 ms), no descriptors: three starvation drops
    expect(rig.read('VID_DROP_CNT')).toBe(3)
    rig.write('VID_DROP_CNT', 7)
    expect(rig.read('VID_DROP_CNT')).toBe(3)
    expect(rig.messages('register-access').some((m) => m.includes('VID_DROP_CNT written with 7'))).toBe(true)
    rig.write('VID_DROP_CNT', 0)
    expect(rig.read('VID_DROP_CNT')).toBe(0)
    rig.run(17 * MS)
    expect(rig.read('VID_DROP_CNT')).toBe(1)
  })

  it('TS_LO latches TS_HI: HI read after LO is the word of the same instant, even after the counter carries', () => {
    const rig = new Vcap1Rig()
    // Just below the first carry into the high word: 2^32 ticks of 100 ns.
    const carry = TWO_32 * 100
    rig.runUntil(carry - 1000)
    const lo = rig.read('TS_LO')
    expect(lo).toBe(TWO_32 - 10)
    rig.run(2000) // the counter carries into HI meanwhile
    expect(rig.read('TS_HI')).toBe(0) // latched at the LO read
    const lo2 = rig.read('TS_LO')
    expect(rig.read('TS_HI')).toBe(1)
    expect(lo2).toBe(10)
    expect(rig.messages('register-access')).toEqual([])
  })

  it('reading TS_HI without TS_LO first is reported (the 64-bit value may be torn)', () => {
    const rig = new Vcap1Rig()
    rig.run(1 * MS)
    rig.read('TS_LO')
    rig.read('TS_HI')
    expect(rig.messages('register-access')).toEqual([])
    rig.read('TS_HI') // a second HI read is not covered by the first LO read
    expect(rig.messages('register-access')).toEqual([expect.stringContaining('TS_HI read without reading TS_LO first')])
  })

  it('the timestamp counter counts 100 ns units since reset, and SOFT_RESET restarts it', () => {
    const rig = new Vcap1Rig()
    rig.runUntil(123_456_789)
    expect(rig.read('TS_LO')).toBe(1_234_567)
    rig.write('SCRATCH', 5)
    rig.write('GCTRL', 1)
    expect(rig.read('GSTATUS') & 1).toBe(1) // RESET_BUSY
    rig.write('SCRATCH', 9) // dropped while busy
    rig.run(RESET_TIME_NS - 100)
    expect(rig.read('GSTATUS') & 1).toBe(1)
    rig.run(100)
    expect(rig.read('GSTATUS') & 1).toBe(0)
    expect(rig.read('TS_LO')).toBe(RESET_TIME_NS / 100)
    expect(rig.read('SCRATCH')).toBe(0xffffffff) // back to its reset value, the busy-time write dropped
    expect(rig.messages('register-access').some((m) => m.includes('RESET_BUSY'))).toBe(true)
  })
})
