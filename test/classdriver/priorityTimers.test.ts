import { describe, expect, it } from 'vitest'
import { probe, runDriver, START } from '../helpers/run.js'

/** docs/classdriver.md#priority (StreamClassCallAtNewPriority) and docs/classdriver.md#timers (StreamClassScheduleTimer). */

/** A control routine that runs `body` on GET_STREAM_STATE and completes it. */
function onGetState(body: string, extra = ''): string {
  return probe(`${extra}
    control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const ext = srb.HwDeviceExtension, stream = srb.StreamObject
      ${body}
      srb.Status = S.STATUS_SUCCESS; srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4
      completeControl(srb)
      return true
    },`)
}

const GET = [...START, { op: 'get-state', stream: 0 }, { op: 'wait', duration: '10ms' }] as const

describe('StreamClassCallAtNewPriority', () => {
  it('runs High at the synchronized level, Dispatch at DISPATCH_LEVEL, Low at PASSIVE_LEVEL', async () => {
    const body = `
      S.StreamClassCallAtNewPriority(stream, ext, S.High, () => log.push('High@' + S.KeGetCurrentIrql()), null)
      S.StreamClassCallAtNewPriority(null, ext, S.Low, () => log.push('Low@' + S.KeGetCurrentIrql()), null)`
    const dispatch = `S.StreamClassCallAtNewPriority(stream, ext, S.Dispatch, () => log.push('Dispatch@' + S.KeGetCurrentIrql()), null)`
    // With an ISR connected the synchronized level is the card's DIRQL (5); without one it is DISPATCH (2).
    const withIsr = await runDriver(onGetState(body, 'isr: () => false,'), [...GET] as never, { card: 'stub' })
    expect(withIsr.driver.log).toEqual(expect.arrayContaining(['High@5', 'Low@0']))
    const dispatchRun = await runDriver(onGetState(dispatch), [...GET] as never)
    expect(dispatchRun.driver.log).toContain('Dispatch@2')
    expect(withIsr.report.verifier).toEqual([])
  })

  it('runs a routine after the caller returns, never inside it', async () => {
    const { driver: d } = await runDriver(onGetState(`S.StreamClassCallAtNewPriority(stream, ext, S.High, () => log.push('routine'), null); log.push('caller returns')`), [...GET] as never)
    expect(d.log.filter((l: string) => l === 'routine' || l === 'caller returns')).toEqual(['caller returns', 'routine'])
  })

  it('lets a Low routine come back to High through LowToHigh, and warns about services called from Low', async () => {
    const body = `
      S.StreamClassCallAtNewPriority(stream, ext, S.Low, () => {
        log.push('Low@' + S.KeGetCurrentIrql())
        S.StreamClassCallAtNewPriority(stream, ext, S.LowToHigh, () => {
          log.push('LowToHigh@' + S.KeGetCurrentIrql())
          S.StreamClassScheduleTimer(stream, ext, 100, () => log.push('timer'), null)
        }, null)
      }, null)`
    const good = await runDriver(onGetState(body), [...GET] as never)
    expect(good.driver.log).toEqual(expect.arrayContaining(['Low@0', 'LowToHigh@2', 'timer']))
    expect(good.rules).toEqual([])
    // Calling the timer service straight from the Low routine is the misuse of docs/classdriver.md#rule-basis.
    const bad = await runDriver(onGetState(`S.StreamClassCallAtNewPriority(stream, ext, S.Low, () => S.StreamClassScheduleTimer(stream, ext, 100, () => log.push('timer'), null), null)`), [...GET] as never)
    expect(bad.rules).toEqual(['irql-violation'])
    expect(bad.report.verifier[0].severity).toBe('warning')
  })

  it('reports a second routine on a busy slot and replaces the pending one', async () => {
    const body = `
      S.StreamClassCallAtNewPriority(stream, ext, S.Dispatch, () => log.push('first'), null)
      S.StreamClassCallAtNewPriority(stream, ext, S.Dispatch, () => log.push('second'), null)
      S.StreamClassCallAtNewPriority(null, ext, S.Dispatch, () => log.push('device slot'), null)`
    const { driver: d, rules } = await runDriver(onGetState(body), [...GET] as never)
    expect(rules).toEqual(['slot-busy'])
    expect(d.log).toContain('second')
    expect(d.log).toContain('device slot')
    expect(d.log).not.toContain('first')
    const ignored = await runDriver(onGetState(body), [...GET] as never, { settings: { priorityOnBusySlot: 'ignore' } })
    expect(ignored.driver.log).toContain('first')
    expect(ignored.driver.log).not.toContain('second')
  })

  it('lets a Low routine be preempted by requests: it is synchronized with nothing', async () => {
    // A long Low routine; a GET_STREAM_STATE arrives while it runs and is handled inside it.
    const driver = probe(`
      control: (srb) => {
        if (srb.Command === S.SRB_SET_STREAM_STATE) {
          S.StreamClassCallAtNewPriority(srb.StreamObject, srb.HwDeviceExtension, S.Low, () => { log.push('low start'); S.KeStallExecutionProcessor(500); log.push('low end') }, null)
          return false
        }
        if (srb.Command === S.SRB_GET_STREAM_STATE) log.push('get state')
        return false
      },`)
    const { driver: d } = await runDriver(driver, [...START, { op: 'set-state', stream: 0, state: 'PAUSE' }, { op: 'get-state', stream: 0 }, { op: 'wait', duration: '1ms' }])
    expect(d.log.filter((l: string) => ['low start', 'get state', 'low end'].includes(l))).toEqual(['low start', 'get state', 'low end'])
  })
})

describe('StreamClassScheduleTimer', () => {
  it('calls the routine after the given microseconds, at the synchronized level', async () => {
    const body = `handles.t0 = S.KeQueryInterruptTime(); S.StreamClassScheduleTimer(stream, ext, 2500, () => log.push('fired after ' + (S.KeQueryInterruptTime() - handles.t0) * 100 + ' ns at ' + S.KeGetCurrentIrql()), null)`
    const { driver: d } = await runDriver(onGetState(body), [...GET] as never)
    const line = (d.log as string[]).find((l) => l.startsWith('fired'))!
    const ns = Number(/after (\d+)/.exec(line)![1])
    // Due 2.5 ms after it was set (plus the routine's own entry cost, well under a microsecond).
    expect(ns).toBeGreaterThanOrEqual(2_500_000)
    expect(ns).toBeLessThan(2_502_000)
    expect(line).toMatch(/at 2$/)
  })

  it('cancels with (0, NULL) and keeps one timer per stream and one for the device', async () => {
    const body = `
      S.StreamClassScheduleTimer(stream, ext, 1000, () => log.push('cancelled one'), null)
      S.StreamClassScheduleTimer(stream, ext, 0, null, null)
      S.StreamClassScheduleTimer(null, ext, 1000, () => log.push('device timer'), null)`
    const { driver: d, rules } = await runDriver(onGetState(body), [...GET] as never)
    expect(d.log).toContain('device timer')
    expect(d.log).not.toContain('cancelled one')
    expect(rules).toEqual([])
  })

  it('replaces a pending timer on the same slot with a slot-busy warning', async () => {
    const body = `
      S.StreamClassScheduleTimer(stream, ext, 1000, () => log.push('old'), null)
      S.StreamClassScheduleTimer(stream, ext, 2000, () => log.push('new'), null)`
    const { driver: d, rules } = await runDriver(onGetState(body), [...GET] as never)
    expect(rules).toEqual(['slot-busy'])
    expect(d.log).toContain('new')
    expect(d.log).not.toContain('old')
  })

  it('lets a timer routine reschedule itself (testcap style)', async () => {
    const body = `
      let n = 0
      const tick = () => { log.push('tick ' + ++n); if (n < 5) S.StreamClassScheduleTimer(stream, ext, 1000, tick, null) }
      S.StreamClassScheduleTimer(stream, ext, 1000, tick, null)`
    const { driver: d, rules } = await runDriver(onGetState(body), [...GET] as never)
    expect(d.log.filter((l: string) => l.startsWith('tick'))).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5'])
    expect(rules).toEqual([])
  })

  it('cancels a stream timer still scheduled when the stream closes, as stream.sys does (closeStreamTimer.test.ts)', async () => {
    const body = `S.StreamClassScheduleTimer(stream, ext, 1e6, () => log.push('late'), null)`
    const { rules, driver: d } = await runDriver(onGetState(body), [...START, { op: 'get-state', stream: 0 }, { op: 'close-stream', stream: 0 }, { op: 'wait', duration: '2s' }])
    expect(rules).toEqual([])
    expect(d.log).not.toContain('late')
  })
})
