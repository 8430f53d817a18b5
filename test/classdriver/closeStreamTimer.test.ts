import { describe, expect, it } from 'vitest'
import { probe, runDriver, START } from '../helpers/run.js'

/**
 * docs/classdriver.md#timers: when SRB_CLOSE_STREAM succeeds the class driver cancels the stream's timer,
 * as stream.sys does before it frees the stream object the timer lives in. A testcap-style driver whose
 * timer stops only by not rescheduling once the state is STOP closes with no finding; what a driver
 * really does wrong with a closed stream is still reported.
 */

/** A frame timer at 2 ms, started at PAUSE (testcap's VideoSetState), never cancelled by the driver. */
const TICKING = `
    control: (srb) => {
      if (srb.Command !== S.SRB_SET_STREAM_STATE) return false
      const stream = srb.StreamObject, ext = srb.HwDeviceExtension
      if (srb.CommandData.StreamState === S.KSSTATE_PAUSE) {
        const tick = () => { log.push('tick'); S.StreamClassScheduleTimer(stream, ext, 2000, tick, null) }
        S.StreamClassScheduleTimer(stream, ext, 2000, tick, null)
      }
      srb.Status = S.STATUS_SUCCESS
      completeControl(srb)
      return true
    },`

const STREAMING = [...START, { op: 'set-state', stream: 0, state: 'PAUSE' }, { op: 'wait', duration: '20ms' }, { op: 'set-state', stream: 0, state: 'STOP' }] as const

describe('the stream timer at CLOSE_STREAM', () => {
  it('is cancelled silently: no outstanding-at-close, no timer firing into the closed stream', async () => {
    const { rules, driver: d, report } = await runDriver(probe(TICKING), [...STREAMING, { op: 'close-stream', stream: 0 }, { op: 'wait', duration: '1s' }, { op: 'stop-device' }] as never)
    expect(rules).toEqual([])
    expect(report.bugcheck).toBeNull()
    // About 10 ticks in the 20 ms of PAUSE (and up to the close), none in the second after it.
    const ticks = d.log.filter((l: string) => l === 'tick').length
    expect(ticks).toBeGreaterThanOrEqual(9)
    expect(ticks).toBeLessThanOrEqual(12)
  })

  it('still reports a timer scheduled on the stream after its close completed', async () => {
    // The device timer outlives the stream and re-arms the stream's timer with the stale stream object.
    const stale = `
    control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const stream = srb.StreamObject, ext = srb.HwDeviceExtension
      S.StreamClassScheduleTimer(null, ext, 50000, () => S.StreamClassScheduleTimer(stream, ext, 1000, () => log.push('into closed stream'), null), null)
      srb.Status = S.STATUS_SUCCESS; srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4
      completeControl(srb)
      return true
    },`
    const { rules, report } = await runDriver(probe(stale), [...START, { op: 'get-state', stream: 0 }, { op: 'close-stream', stream: 0 }, { op: 'wait', duration: '200ms' }] as never)
    expect(rules).toContain('outstanding-at-close')
    expect(report.verifier.find((f) => f.rule === 'outstanding-at-close')!.message).toMatch(/StreamClassScheduleTimer on .* after SRB_CLOSE_STREAM/)
  })
})
