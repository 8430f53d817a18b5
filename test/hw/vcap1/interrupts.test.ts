import { describe, expect, it } from 'vitest'
import { IOC_HOLDOFF_NS, IRQ_ASSERT_DELAY_NS } from '../../../main/hw/vcap1/interruptBlock.js'
import { INT } from '../../../main/hw/vcap1/registers.js'
import { MS, US } from '../../../main/contract/time.js'
import { Vcap1Rig } from '../../helpers/vcap1Rig.js'

/**
 * The interrupt model (vcap1.md 7.5a): INTA# is asserted while IRQ_MASTER_EN && (INT_STATUS & INT_ENABLE),
 * 1 µs after the event; masking, W1C and master disable drop it at once; moderation spaces assertions;
 * IOC coalescing with a hold-off flush; MSI sends one message per 0 -> non-zero transition of pending.
 */

const IRQ_MASTER_EN = 2
const MSI_MODE = 4

const line = (rig: Vcap1Rig) => rig.machine.intaVector.asserted

describe('VCAP-1 interrupts: the INTA# level', () => {
  it.each([
    [false, 0, false],
    [true, 0, false],
    [false, INT.SW, false],
    [true, INT.TIMER, false],
    [true, INT.SW, true],
    [true, INT.SW | INT.TIMER, true],
  ])('IRQ_MASTER_EN=%s, INT_ENABLE=0x%s, INT_STATUS=SW: asserted=%s', (master, enable, asserted) => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', master ? IRQ_MASTER_EN : 0)
    rig.write('INT_ENABLE', enable)
    rig.write('INT_FORCE', INT.SW)
    rig.run(10 * US)
    expect(line(rig)).toBe(asserted)
    expect(rig.card.irq.asserted).toBe(asserted)
    expect(rig.read('INT_PENDING')).toBe(enable & INT.SW)
  })

  it('asserts 1 µs after the event, not before', () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_ENABLE', INT.SW)
    rig.run(3 * US)
    rig.write('INT_FORCE', INT.SW)
    expect(IRQ_ASSERT_DELAY_NS).toBe(1 * US)
    rig.run(IRQ_ASSERT_DELAY_NS - 1)
    expect(line(rig)).toBe(false)
    rig.run(1)
    expect(line(rig)).toBe(true)
    expect(rig.machine.intaVector.raised).toBe(1)
  })

  it('unmasking a pending event asserts (after the delay); masking, W1C and IRQ_MASTER_EN=0 drop the line at once', () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_FORCE', INT.SW | INT.TIMER)
    rig.run(5 * US)
    expect(line(rig)).toBe(false)
    rig.write('INT_ENABLE', INT.SW | INT.TIMER)
    rig.run(1 * US)
    expect(line(rig)).toBe(true)
    // Masking one of two pending sources keeps it; masking both drops it with no time passing.
    rig.write('INT_ENABLE', INT.SW)
    expect(line(rig)).toBe(true)
    rig.write('INT_ENABLE', 0)
    expect(line(rig)).toBe(false)
    rig.write('INT_ENABLE', INT.SW | INT.TIMER)
    rig.run(1 * US)
    expect(line(rig)).toBe(true)
    rig.write('GCTRL', 0)
    expect(line(rig)).toBe(false)
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.run(1 * US)
    expect(line(rig)).toBe(true)
    // W1C: clearing one of two pending bits keeps the line, clearing the last drops it at once.
    const pending = rig.read('INT_PENDING')
    rig.write('INT_STATUS', pending & INT.SW)
    expect(line(rig)).toBe(true)
    rig.write('INT_STATUS', pending & INT.TIMER)
    expect(line(rig)).toBe(false)
    rig.run(10 * US)
    expect(line(rig)).toBe(false)
    expect(rig.findings.findings).toEqual([])
  })

  it('an event masked within its 1 µs assert delay never reaches the line', () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_ENABLE', INT.SW)
    rig.write('INT_FORCE', INT.SW)
    rig.run(500)
    rig.write('INT_ENABLE', 0)
    rig.run(10 * US)
    expect(rig.machine.intaVector.raised).toBe(0)
  })

  it('acknowledging a bit the driver never read is reported as an event cleared unseen (check C5)', () => {
    const rig = new Vcap1Rig()
    rig.write('INT_ENABLE', INT.SW | INT.TIMER)
    rig.write('INT_FORCE', INT.SW)
    const seen = rig.read('INT_PENDING')
    rig.write('INT_FORCE', INT.TIMER) // a new event after the ISR's read
    rig.write('INT_STATUS', seen)
    expect(rig.findings.findings).toEqual([])
    rig.write('INT_STATUS', 0xffffffff) // the bad ISR: acks everything
    expect(rig.messages('register-access')).toEqual([
      expect.stringContaining('cleared TIMER, which the driver had not read: an event cleared unseen'),
      expect.stringContaining('write of 1 to reserved bits'),
    ])
  })
})

describe('VCAP-1 interrupts: moderation and coalescing', () => {
  it('INT_MODERATION.MIN_GAP spaces assertions: the next one waits until MIN_GAP after the previous', () => {
    const assertTimes = (gapUs: number) => {
      const rig = new Vcap1Rig()
      rig.write('GCTRL', IRQ_MASTER_EN)
      rig.write('INT_ENABLE', INT.SW)
      rig.write('INT_MODERATION', gapUs)
      const times: number[] = []
      let was = false
      const t0 = rig.now
      for (let t = 0; t < 400; t++) {
        if (t === 0 || t === 10 || t === 50) rig.write('INT_FORCE', INT.SW)
        rig.run(1 * US)
        if (line(rig) && !was) {
          times.push(rig.now - t0)
          // The ISR: read, ack.
          rig.write('INT_STATUS', rig.read('INT_PENDING'))
        }
        was = line(rig)
      }
      return times
    }
    expect(assertTimes(0)).toEqual([1 * US, 11 * US, 51 * US])
    expect(assertTimes(100)).toEqual([1 * US, 101 * US])
    expect(assertTimes(30)).toEqual([1 * US, 31 * US, 61 * US])
  })

  /**
   * 1080p60 in mapping mode, five 4 KiB descriptors each with IOC: the source fills one every ~16 µs.
   * Polls every µs like a driver and returns when DONE_CNT changed and when VID_IOC appeared.
   */
  function coalesce(threshold: number) {
    const rig = new Vcap1Rig()
    rig.ring('video', 16)
    rig.videoFormat(1920, 1080, 166_667)
    rig.write('INT_ENABLE', INT.VID_IOC)
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_MODERATION', threshold << 16)
    rig.queue('video', rig.buffer(5 * 4096, { contiguous: true }), { framing: false, chunk: 4096, iocEach: true })
    const sof = rig.startVideo()
    const done: number[] = []
    const ioc: { t: number; done: number }[] = []
    let count = 0
    while (rig.now < sof + 400 * US) {
      rig.run(1 * US)
      const c = rig.read('VID_DESC_DONE_CNT')
      if (c !== count) done.push(rig.now - sof)
      count = c
      const pending = rig.read('INT_PENDING')
      if ((pending & INT.VID_IOC) !== 0) {
        ioc.push({ t: rig.now - sof, done: c })
        rig.write('INT_STATUS', pending)
      }
    }
    return { done, ioc }
  }

  it('without a threshold every IOC descriptor raises VID_IOC', () => {
    const { done, ioc } = coalesce(0)
    expect(done.length).toBe(5)
    expect(ioc.map((e) => e.done)).toEqual([1, 2, 3, 4, 5])
  })

  it('IOC_THRESHOLD=4 raises VID_IOC once for four completions, and the hold-off flushes the lone fifth after 100 µs', () => {
    const { done, ioc } = coalesce(4)
    expect(done.length).toBe(5)
    // The four completions come within the hold-off, so the threshold fires first.
    expect(done[3] - done[0]).toBeLessThan(IOC_HOLDOFF_NS)
    expect(ioc.length).toBe(2)
    expect(ioc[0]).toEqual({ t: done[3], done: 4 })
    expect(ioc[1].done).toBe(5)
    const flushDelay = ioc[1].t - done[4]
    expect(flushDelay).toBeGreaterThanOrEqual(IOC_HOLDOFF_NS - 1 * US)
    expect(flushDelay).toBeLessThanOrEqual(IOC_HOLDOFF_NS + 1 * US)
  })
})

describe('VCAP-1 interrupts: MSI', () => {
  it('sends one message per 0 -> non-zero transition of INT_PENDING, nothing while bits stay pending, and never drives INTA#', () => {
    const rig = new Vcap1Rig({ msi: true })
    const msi = rig.machine.msiVector
    expect(rig.card.resources().interrupt).toMatchObject({ mode: 'latched', shared: false })
    rig.write('GCTRL', IRQ_MASTER_EN | MSI_MODE)
    rig.write('INT_ENABLE', INT.SW | INT.TIMER)
    rig.write('INT_FORCE', INT.SW)
    rig.run(IRQ_ASSERT_DELAY_NS - 1)
    expect(msi.raised).toBe(0)
    rig.run(1)
    expect(msi.raised).toBe(1)
    // A new event while SW is still pending: no message (the driver that forgets the W1C loses it).
    rig.write('INT_FORCE', INT.TIMER)
    rig.run(10 * US)
    expect(msi.raised).toBe(1)
    rig.write('INT_STATUS', rig.read('INT_PENDING') & INT.SW)
    rig.run(10 * US)
    expect(msi.raised).toBe(1) // TIMER still pending: no 0 -> non-zero transition
    rig.write('INT_STATUS', rig.read('INT_PENDING'))
    rig.write('INT_FORCE', INT.SW)
    rig.run(10 * US)
    expect(msi.raised).toBe(2)
    expect(rig.machine.intaVector.raised).toBe(0)
    expect(line(rig)).toBe(false)
    // A masked-then-unmasked pending bit is a new transition too.
    rig.write('INT_ENABLE', 0)
    rig.write('INT_ENABLE', INT.SW)
    rig.run(10 * US)
    expect(msi.raised).toBe(3)
  })

  it('MSI_MODE while MSI is not enabled in config space sends nothing (and does not fall back to INTA#)', () => {
    const rig = new Vcap1Rig()
    expect(rig.card.resources().interrupt).toMatchObject({ mode: 'level', shared: true })
    rig.write('GCTRL', IRQ_MASTER_EN | MSI_MODE)
    rig.write('INT_ENABLE', INT.SW)
    rig.write('INT_FORCE', INT.SW)
    rig.run(10 * US)
    expect(rig.machine.msiVector.raised).toBe(0)
    expect(rig.machine.intaVector.raised).toBe(0)
    // Back to INTx: the pending bit asserts the line.
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.run(1 * US)
    expect(line(rig)).toBe(true)
  })
})

describe('VCAP-1 interrupts: the periodic timer', () => {
  it('TIMER_PERIOD raises INT_STATUS.TIMER every period from the write; 0 stops it', () => {
    const rig = new Vcap1Rig()
    rig.write('GCTRL', IRQ_MASTER_EN)
    rig.write('INT_ENABLE', INT.TIMER)
    rig.run(7 * US)
    const t0 = rig.now
    rig.write('TIMER_PERIOD', 250)
    const asserted: number[] = []
    for (let t = 0; t < 1000; t++) {
      rig.run(1 * US)
      if (line(rig)) {
        asserted.push(rig.now - t0)
        rig.write('INT_STATUS', rig.read('INT_STATUS'))
      }
    }
    // Latched at 250, 500, 750, 1000 µs; the line follows 1 µs later.
    expect(asserted).toEqual([251 * US, 501 * US, 751 * US])
    rig.write('TIMER_PERIOD', 0)
    rig.run(2 * MS)
    expect(rig.read('INT_STATUS') & INT.TIMER).toBe(INT.TIMER) // the one latched at 1000 µs
    rig.write('INT_STATUS', INT.TIMER)
    rig.run(2 * MS)
    expect(rig.read('INT_STATUS') & INT.TIMER).toBe(0)
  })
})
