import { describe, expect, it } from 'vitest'
import { Kernel } from '../../main/sim/kernel.js'
import { EventQueue } from '../../main/sim/eventQueue.js'
import { Rng } from '../../main/sim/rng.js'
import { DEVICE_IRQL, DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../main/sim/irql.js'
import { Work } from '../../main/sim/work.js'
import { US } from '../../main/contract/time.js'
import { BUGCHECK } from '../../main/sim/bugcheck.js'
import { InterruptController } from '../../main/sim/interrupts.js'

describe('event queue', () => {
  it('runs events in time order and keeps scheduling order for equal times', () => {
    const q = new EventQueue()
    const seen: string[] = []
    const log = (s: string) => seen.push(s)
    q.schedule(20, log, 'c')
    q.schedule(10, log, 'a')
    q.schedule(10, log, 'b')
    const h = q.schedule(15, log, 'cancelled')
    q.schedule(30, log, 'd')
    expect(q.cancel(h)).toBe(true)
    expect(q.cancel(h)).toBe(false)
    while (q.runNext(25) >= 0);
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(q.peekTime()).toBe(30)
  })

  it('survives growth with thousands of interleaved events', () => {
    const q = new EventQueue()
    const rng = new Rng(7)
    const times: number[] = []
    for (let i = 0; i < 5000; i++) q.schedule(rng.int(0, 1000), (t: number) => times.push(t), i)
    const order: number[] = []
    let t: number
    while ((t = q.runNext(Infinity)) >= 0) order.push(t)
    expect(order.length).toBe(5000)
    for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThanOrEqual(order[i - 1])
  })
})

describe('rng', () => {
  it('is reproducible from its seed', () => {
    const a = new Rng(42)
    const b = new Rng(42)
    const c = new Rng(43)
    const sa = Array.from({ length: 8 }, () => a.nextU32())
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(sa)
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(sa)
  })
})

describe('kernel', () => {
  it('charges virtual time to the running work and records its slice', () => {
    const k = new Kernel()
    const w = new Work(PASSIVE_LEVEL, () => k.charge(7 * US), null)
    w.name = k.trace.strings.intern('job')
    k.submit(w, 100)
    k.runUntil(Infinity)
    expect(w.startedAt).toBe(100)
    expect(k.trace.count).toBe(1)
    const c = k.trace.columns()
    expect(c.ts[0]).toBe(100)
    expect(c.x[0]).toBe(7 * US)
  })

  it('lets higher-IRQL work preempt at a checkpoint and nests its slice', () => {
    const k = new Kernel()
    const order: string[] = []
    const dpc = new Work(DISPATCH_LEVEL, () => {
      order.push(`dpc@${k.now()}`)
      k.charge(2 * US)
    }, null)
    const passive = new Work(PASSIVE_LEVEL, () => {
      order.push(`passive start@${k.now()}`)
      k.charge(10 * US)
      k.checkpoint() // the DPC became due at 5 us: it runs here, at 10 us
      order.push(`passive end@${k.now()}`)
      k.charge(1 * US)
    }, null)
    k.submit(passive, 0)
    k.submit(dpc, 5 * US)
    k.runUntil(Infinity)
    expect(order).toEqual(['passive start@0', 'dpc@10000', 'passive end@12000'])
    // The outer slice contains the nested one.
    const c = k.trace.columns()
    const slices = Array.from({ length: k.trace.count }, (_, i) => ({ ts: c.ts[i], dur: c.x[i], depth: c.depth[i] }))
    expect(slices).toContainEqual({ ts: 0, dur: 13 * US, depth: 0 })
    expect(slices).toContainEqual({ ts: 10 * US, dur: 2 * US, depth: 1 })
  })

  it('does not let equal or lower IRQL work preempt; it runs when the CPU is free', () => {
    const k = new Kernel()
    const order: string[] = []
    const a = new Work(DISPATCH_LEVEL, () => {
      k.charge(10 * US)
      k.checkpoint()
      order.push('a')
    }, null)
    const b = new Work(DISPATCH_LEVEL, () => order.push(`b@${k.now()}`), null)
    k.submit(a, 0)
    k.submit(b, 1 * US)
    k.runUntil(Infinity)
    expect(order).toEqual(['a', `b@${10 * US}`])
  })

  it('raising IRQL holds off a DPC until the level drops', () => {
    const k = new Kernel()
    const order: string[] = []
    const dpc = new Work(DISPATCH_LEVEL, () => order.push(`dpc@${k.now()}`), null)
    const passive = new Work(PASSIVE_LEVEL, () => {
      const old = k.raiseIrql(DISPATCH_LEVEL)
      k.charge(10 * US)
      k.checkpoint()
      order.push('locked work done')
      k.lowerIrql(old)
      order.push('after release')
    }, null)
    k.submit(passive, 0)
    k.submit(dpc, 1 * US)
    k.runUntil(Infinity)
    expect(order).toEqual(['locked work done', `dpc@${10 * US}`, 'after release'])
  })

  it('stops at a bug check and keeps what was recorded', () => {
    const k = new Kernel()
    const w = new Work(PASSIVE_LEVEL, () => {
      k.charge(5)
      k.bugcheck(BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED, 'boom')
    }, null)
    const later = new Work(PASSIVE_LEVEL, () => {}, null)
    k.submit(w, 0)
    k.submit(later, 1000)
    k.runUntil(Infinity)
    expect(k.halted?.code).toBe(0x1e)
    expect(k.halted?.name).toBe('KMODE_EXCEPTION_NOT_HANDLED')
    expect(later.startedAt).toBe(-1)
  })

  it('runs ready work on every free CPU at once, and queues the rest', () => {
    const k = new Kernel({ cpus: 2 })
    const starts: string[] = []
    for (const name of ['a', 'b', 'c']) {
      const w = new Work(PASSIVE_LEVEL, () => {
        starts.push(`${name}@${k.now()} on ${k.currentCpu!.index}`)
        k.charge(10 * US)
      }, null)
      k.submit(w, 0)
    }
    k.runUntil(Infinity)
    expect(starts).toEqual(['a@0 on 0', 'b@0 on 1', `c@${10 * US} on 0`])
  })

  it('advances to the limit when idle', () => {
    const k = new Kernel()
    expect(k.runUntil(5 * US)).toBe(5 * US)
    expect(k.now()).toBe(5 * US)
  })
})

describe('interrupt vectors', () => {
  it('re-invokes the ISR while a level line stays asserted and bug-checks 0xF2 on a storm', () => {
    const k = new Kernel()
    const ic = new InterruptController(k, 50)
    const v = ic.vector(9, DEVICE_IRQL, 'level')
    let calls = 0
    v.connect('BadIsr', () => {
      calls++
      return true // claims but never dismisses the device
    })
    k.scheduleHw(0, () => v.setLevel(true), null)
    k.runUntil(Infinity)
    expect(calls).toBe(50)
    expect(k.halted?.code).toBe(0xf2)
    expect(k.halted?.callback).toBe('BadIsr')
  })

  it('stops invoking once the ISR dismisses the device', () => {
    const k = new Kernel()
    const v = new InterruptController(k).vector(9, DEVICE_IRQL, 'level')
    let calls = 0
    v.connect('GoodIsr', () => {
      calls++
      v.setLevel(false)
      return true
    })
    k.scheduleHw(0, () => v.setLevel(true), null)
    k.scheduleHw(100 * US, () => v.setLevel(true), null)
    k.runUntil(Infinity)
    expect(calls).toBe(2)
    expect(k.halted).toBeNull()
    expect(v.claimed).toBe(2)
  })
})
