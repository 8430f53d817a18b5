import { describe, expect, it } from 'vitest'
import { probe, runDriver, START } from '../helpers/run.js'

/** docs/classdriver.md#timeouts: TimeoutCounter, the once-a-second watchdog, and the timeout handler. */

// One read is queued in PAUSE and never completed by the driver; the test watches its timeout.
const HOLD_ONE_READ = [...START, { op: 'set-state', stream: 0, state: 'PAUSE' }, { op: 'read', stream: 0, buffers: 1 }] as const

describe('timeouts', () => {
  it('gives a delivered SRB TimeoutOriginal seconds and calls the handler when the counter reaches 0', async () => {
    const driver = probe(`
      data: (srb) => { log.push('delivered at ' + S.KeQueryInterruptTime() + ' counter ' + srb.TimeoutCounter + '/' + srb.TimeoutOriginal); reads.push(srb); S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject); return true },
      timeout: (srb) => { log.push('timeout at ' + S.KeQueryInterruptTime() + ' counter ' + srb.TimeoutCounter); srb.TimeoutCounter = srb.TimeoutOriginal },`)
    const { driver: d, report } = await runDriver(driver, [...HOLD_ONE_READ, { op: 'wait', duration: '7500ms' }] as never, { settings: { dataTimeoutSeconds: 3 } })
    const lines = d.log as string[]
    const delivered = lines.find((l) => l.startsWith('delivered'))!
    expect(delivered).toMatch(/counter 3\/3$/)
    const deliveredAt = Number(/at (\d+)/.exec(delivered)![1])
    const timeouts = lines.filter((l) => l.startsWith('timeout')).map((l) => Number(/at (\d+)/.exec(l)![1]))
    // Re-armed after the first timeout, so it fires every 3 ticks of the 1 s watchdog.
    expect(timeouts).toHaveLength(2)
    expect(timeouts[0] - deliveredAt).toBeGreaterThan(2e7)
    expect(timeouts[0] - deliveredAt).toBeLessThanOrEqual(3e7)
    expect(timeouts[1] - timeouts[0]).toBe(3e7)
    expect(lines.filter((l) => l.startsWith('timeout')).every((l) => l.endsWith('counter 0'))).toBe(true)
    expect(report.srbs.timedOut).toBe(2)
    expect(report.verifier).toEqual([])
  })

  it('never times out an SRB whose TimeoutCounter the minidriver set to 0', async () => {
    const driver = probe(`
      data: (srb) => { srb.TimeoutCounter = 0; reads.push(srb); S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject); return true },
      timeout: (srb) => { log.push('timeout') },`)
    const { driver: d, report } = await runDriver(driver, [...HOLD_ONE_READ, { op: 'wait', duration: '10s' }] as never, { settings: { dataTimeoutSeconds: 2 } })
    expect(d.log).not.toContain('timeout')
    expect(report.srbs.timedOut).toBe(0)
  })

  it('reports an SRB orphaned when the handler leaves it uncompleted with TimeoutCounter 0', async () => {
    const driver = probe(`timeout: (srb) => { log.push('ignored') },`)
    const { report, rules, driver: d } = await runDriver(driver, [...HOLD_ONE_READ, { op: 'wait', duration: '5s' }] as never, { settings: { dataTimeoutSeconds: 2 } })
    expect(d.log).toContain('ignored')
    expect(rules).toEqual(['srb-orphaned'])
    const f = report.verifier[0]
    expect(f.severity).toBe('warning')
    expect(f.srb).toMatchObject({ command: 'SRB_READ_DATA', stream: 0 })
    expect(f.callback).toBe('timeout')
  })

  it('reports an orphan when there is no timeout handler at all', async () => {
    const { rules } = await runDriver(probe('timeout: null,'), [...HOLD_ONE_READ, { op: 'wait', duration: '4s' }] as never, { settings: { dataTimeoutSeconds: 2 } })
    expect(rules).toEqual(['srb-orphaned'])
  })

  it('lets the handler fail the request, and the client sees its status', async () => {
    const driver = probe(`timeout: (srb) => { reads.splice(reads.indexOf(srb), 1); srb.Status = S.STATUS_IO_TIMEOUT; srb.CommandData.DataBufferArray[0].DataUsed = 0; S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject, srb) },`)
    const { report, session } = await runDriver(driver, [...HOLD_ONE_READ, { op: 'wait', duration: '3s' }] as never, { settings: { dataTimeoutSeconds: 2 } })
    expect(report.verifier).toEqual([])
    expect(report.srbs.timedOut).toBe(1)
    expect(report.srbs.outstanding).toBe(0)
    // The SRB lifetime on the trace ends with the handler's status.
    const trace = session.machine.kernel.trace
    const c = trace.columns()
    const ends = [...c.kind.keys()].filter((i) => c.kind[i] === 5 && trace.strings.get(c.name[i]) === 'SRB_READ_DATA')
    expect(ends.map((i) => trace.enums.NTSTATUS[c.a0[i]])).toEqual(['STATUS_IO_TIMEOUT'])
  })

  it('times out device and control requests too, with their own TimeoutOriginal', async () => {
    const driver = probe(`
      control: (srb) => { if (srb.Command !== S.SRB_GET_STREAM_STATE) return false; log.push('held ' + srb.TimeoutOriginal); return true },
      timeout: (srb) => { log.push('timeout ' + S.srbCommandName(srb.Command)); srb.Status = S.STATUS_IO_TIMEOUT; completeControl(srb) },`)
    const { driver: d, report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }], { settings: { controlTimeoutSeconds: 2 }, expect: {} })
    expect(d.log).toContain('held 2')
    expect(d.log).toContain('timeout SRB_GET_STREAM_STATE')
    expect(report.run.reason).toMatch(/get-state failed with STATUS_IO_TIMEOUT/)
  })
})
