import { describe, expect, it } from 'vitest'
import { probe, runDriver, START } from '../helpers/run.js'

/** docs/classdriver.md#synchronization: the three queues, ReadyForNext, non-reentrancy, and synchronization off. */

// Three reads at once: under synchronization the class driver hands them over one at a time.
const THREE_READS = [...START, { op: 'set-state', stream: 0, state: 'PAUSE' }, { op: 'read', stream: 0, buffers: 3 }, { op: 'wait', duration: '1ms' }] as const

describe('synchronization on', () => {
  it('delivers one request at a time per queue and the next only after ReadyForNext, after the routine returns', async () => {
    const driver = probe(`
      data: (srb) => {
        log.push('enter ' + srb.NumberOfBytesToTransfer)
        reads.push(srb)
        S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject)
        // The next read must not arrive inside this call, even though the queue is ready now.
        log.push('return')
        return true
      },`)
    const { driver: d, report } = await runDriver(driver, [...THREE_READS] as never)
    expect(report.bugcheck).toBeNull()
    const order = (d.log as string[]).filter((l) => l.startsWith('enter') || l === 'return')
    expect(order).toEqual(['enter 153600', 'return', 'enter 153600', 'return', 'enter 153600', 'return'])
    expect(report.verifier).toEqual([])
  })

  it('keeps requests queued while the minidriver does not signal ready, and reports the stall', async () => {
    // The control routine completes but never says ReadyForNextStreamControlRequest.
    const driver = probe(`
      control: (srb) => {
        srb.Status = S.STATUS_SUCCESS
        if (srb.Command === S.SRB_GET_STREAM_STATE) { srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4 }
        S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject, srb)
        return true
      },`)
    const { driver: d, report, rules } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }, { op: 'get-state', stream: 0 }], { timeLimitNs: 10e9 })
    const gets = (d.seen as { command: string }[]).filter((s) => s.command === 'SRB_GET_STREAM_STATE')
    expect(gets).toHaveLength(1)
    expect(report.run.completed).toBe(false)
    expect(rules).toContain('queue-stalled')
    const stall = report.verifier.find((f) => f.rule === 'queue-stalled')!
    expect(stall.message).toMatch(/stream 0 control queue/)
    // Reported after the threshold (5 s), not at once.
    expect(stall.timeNs).toBeGreaterThanOrEqual(5e9)
  })

  it('accepts ReadyForNext before the completion (the DVDTS order)', async () => {
    const driver = probe(`
      control: (srb) => {
        srb.Status = S.STATUS_SUCCESS
        if (srb.Command === S.SRB_GET_STREAM_STATE) { srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4 }
        S.StreamClassStreamNotification(S.ReadyForNextStreamControlRequest, srb.StreamObject)
        S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject, srb)
        return true
      },`)
    const { report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0, count: 3 }])
    expect(report.run.completed).toBe(true)
    expect(report.verifier).toEqual([])
  })

  it('warns about a second ReadyForNext with nothing delivered in between', async () => {
    const driver = probe(`
      data: (srb) => {
        reads.push(srb)
        S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject)
        S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject)
        return true
      },`)
    const { report, rules } = await runDriver(driver, [...THREE_READS] as never)
    expect(rules).toContain('duplicate-ready')
    expect(report.verifier.find((f) => f.rule === 'duplicate-ready')?.location).toMatchObject({ file: 'test/drivers/probe.ts', line: 9 })
  })

  it('runs packet routines at DISPATCH_LEVEL without an ISR and at DIRQL with one', async () => {
    const plain = await runDriver(probe(), START)
    const levels = new Set((plain.driver.seen as { irql: number }[]).map((s) => s.irql))
    expect([...levels]).toEqual([2])
    // With an interrupt connected, minidriver code is synchronized with the ISR at its DIRQL.
    const withIsr = await runDriver(probe(`isr: () => false,`), START, { card: 'stub' })
    const seen = withIsr.driver.seen as { command: string; irql: number }[]
    expect(seen.filter((s) => s.command !== 'SRB_INITIALIZE_DEVICE').every((s) => s.irql === 5)).toBe(true)
  })

  it('holds the interrupt off while minidriver code runs at the synchronized level', async () => {
    // The control routine makes the STUB-1 card interrupt, then keeps working for 50 µs.
    const prelude = `
      let base = 0
      function isr(ext) {
        const status = S.READ_REGISTER_ULONG(base + 0x04)
        if (status === 0) return false
        S.WRITE_REGISTER_ULONG(base + 0x04, status)
        log.push('isr at ' + S.KeQueryInterruptTime())
        return true
      }`
    const driver = probe(
      `isr,
      device: (srb) => { if (srb.Command === S.SRB_INITIALIZE_DEVICE) { base = srb.CommandData.ConfigInfo.AccessRanges[0].RangeStart; S.WRITE_REGISTER_ULONG(base + 0x08, 1) } return false },
      control: (srb) => {
        if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
        S.WRITE_REGISTER_ULONG(base + 0x0c, 1)
        log.push('forced at ' + S.KeQueryInterruptTime())
        S.KeStallExecutionProcessor(50)
        log.push('returning at ' + S.KeQueryInterruptTime())
        srb.Status = S.STATUS_SUCCESS; srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4
        completeControl(srb)
        return true
      },`,
      prelude,
    )
    for (const sync of ['on', 'off'] as const) {
      const { driver: d, report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }], { card: 'stub', sync })
      expect(report.bugcheck).toBeNull()
      const events = (d.log as string[]).filter((l) => / at /.test(l)).map((l) => l.split(' at ')[0])
      if (sync === 'on') expect(events).toEqual(['forced', 'returning', 'isr'])
      // Without synchronization the routine runs at PASSIVE_LEVEL and the ISR preempts it.
      else expect(events).toEqual(['forced', 'isr', 'returning'])
    }
  })
})

describe('synchronization off', () => {
  it('delivers every request at once at PASSIVE_LEVEL, several in the minidriver together', async () => {
    const driver = probe(`sync: false, data: (srb) => { log.push('read ' + reads.length); reads.push(srb); return true },`)
    const { driver: d, report } = await runDriver(driver, [...THREE_READS] as never)
    expect(d.log.filter((l: string) => l.startsWith('read '))).toEqual(['read 0', 'read 1', 'read 2'])
    expect((d.seen as { routine: string; irql: number }[]).filter((s) => s.routine === 'data').every((s) => s.irql === 0)).toBe(true)
    expect(report.verifier).toEqual([])
  })

  it('warns that ReadyForNext means nothing without synchronization', async () => {
    // The base driver signals ready as if synchronization were on.
    const driver = probe(`sync: false, data: (srb) => { reads.push(srb); S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject); return true },`)
    const { rules } = await runDriver(driver, [...THREE_READS] as never)
    expect(rules).toContain('ready-without-sync')
  })

  it('runs a request routine preempted by a timer DPC when it does not raise IRQL', async () => {
    // A stream timer fires while a long PASSIVE routine runs: the timer routine nests inside it.
    const driver = probe(`
      sync: false,
      control: (srb) => {
        if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
        S.StreamClassScheduleTimer(srb.StreamObject, srb.HwDeviceExtension, 10, () => log.push('timer'), null)
        log.push('start')
        S.KeStallExecutionProcessor(20)
        log.push('end')
        srb.Status = S.STATUS_SUCCESS; srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4
        completeControl(srb)
        return true
      },`)
    const { driver: d } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }])
    expect(d.log.filter((l: string) => ['start', 'timer', 'end'].includes(l))).toEqual(['start', 'timer', 'end'])
  })

  it('is forced by --sync: a synchronized driver runs unsynchronized and vice versa', async () => {
    const off = await runDriver(probe(), START, { sync: 'off' })
    expect(off.report.synchronization).toBe('off')
    expect((off.driver.seen as { irql: number }[]).every((s) => s.irql === 0)).toBe(true)
    const on = await runDriver(probe('sync: false,'), START, { sync: 'on' })
    expect(on.report.synchronization).toBe('on')
  })
})

