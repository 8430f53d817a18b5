import { describe, expect, it } from 'vitest'
import { probe, runDriver, START } from '../helpers/run.js'

/** docs/classdriver.md#master-clock and docs/classdriver.md#events. */

/** Samples the master clock from a stream timer every `ms` and logs the stream time (100 ns). */
const SAMPLER = probe(`
  control: (srb) => {
    if (srb.Command !== S.SRB_INDICATE_MASTER_CLOCK) return false
    handles.clock = srb.CommandData.MasterClockHandle
    const stream = srb.StreamObject, ext = srb.HwDeviceExtension
    const tick = () => {
      const t = { HwDeviceExtension: ext, HwStreamObject: stream, Function: S.TIME_GET_STREAM_TIME, Time: 0, SystemTime: 0 }
      S.StreamClassQueryMasterClockSync(handles.clock, t)
      log.push('t ' + t.Time + ' ' + t.SystemTime)
      if (handles.clock) S.StreamClassScheduleTimer(stream, ext, 100000, tick, null)
    }
    if (!handles.started) S.StreamClassScheduleTimer(stream, ext, 100000, tick, null)
    handles.started = true
    srb.Status = S.STATUS_SUCCESS
    completeControl(srb)
    return true
  },`)

function times(log: string[]): number[] {
  return log.filter((l) => l.startsWith('t ')).map((l) => Number(l.split(' ')[1]))
}

describe('master clock', () => {
  it('gives stream time that runs in RUN, stops in PAUSE and starts from 0 after STOP', async () => {
    const steps = [
      ...START,
      { op: 'indicate-master-clock', stream: 0, clock: 'system' },
      { op: 'set-state', stream: 0, state: 'PAUSE' },
      { op: 'wait', duration: '250ms' },
      { op: 'set-state', stream: 0, state: 'RUN' },
      { op: 'wait', duration: '500ms' },
      { op: 'set-state', stream: 0, state: 'PAUSE' },
      { op: 'wait', duration: '300ms' },
    ]
    const { driver: d, report } = await runDriver(SAMPLER, steps as never)
    const t = times(d.log)
    expect(report.verifier).toEqual([])
    // Paused before RUN: 0. Running: 100 ms steps (1e6 in 100 ns units). Paused again: frozen.
    expect(t.slice(0, 2)).toEqual([0, 0])
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThanOrEqual(t[i - 1])
    // While running, a 100 ms tick moves stream time by 1e6 (plus the timer routine's own few ns).
    const deltas = t.slice(1).map((x, i) => x - t[i]).filter((x) => x > 0)
    expect(deltas.slice(1, -1).every((x) => Math.abs(x - 1e6) < 100)).toBe(true)
    expect(Math.max(...t)).toBeGreaterThan(4.9e6)
    expect(Math.max(...t)).toBeLessThan(5.1e6)
    expect(t.slice(-2)[0]).toBe(t.slice(-1)[0])
  })

  it('reports a handle used after INDICATE_MASTER_CLOCK(0) withdrew it', async () => {
    // The driver keeps the old handle in a copy and queries it after the clock went away.
    const driver = SAMPLER.replace('handles.clock = srb.CommandData.MasterClockHandle', 'handles.clock = srb.CommandData.MasterClockHandle || handles.old; handles.old = handles.clock')
    const steps = [...START, { op: 'indicate-master-clock', stream: 0, clock: 'system' }, { op: 'wait', duration: '150ms' }, { op: 'indicate-master-clock', stream: 0, clock: 'none' }, { op: 'wait', duration: '300ms' }]
    const { rules } = await runDriver(driver, steps as never)
    expect(rules).toContain('stale-clock-handle')
  })

  it('reports the synchronous query above DISPATCH_LEVEL and answers the asynchronous one later', async () => {
    const driver = probe(`
      isr: () => false,
      control: (srb) => {
        if (srb.Command !== S.SRB_INDICATE_MASTER_CLOCK) return false
        const h = srb.CommandData.MasterClockHandle
        const t = { HwDeviceExtension: srb.HwDeviceExtension, HwStreamObject: srb.StreamObject, Function: S.TIME_GET_STREAM_TIME, Time: 0, SystemTime: 0 }
        S.StreamClassQueryMasterClockSync(h, t)
        S.StreamClassQueryMasterClock(srb.StreamObject, h, S.TIME_GET_STREAM_TIME, (ctx) => log.push('async ' + (ctx.SystemTime > 0) + ' at ' + S.KeGetCurrentIrql()))
        log.push('queried')
        srb.Status = S.STATUS_SUCCESS
        completeControl(srb)
        return true
      },`)
    const { rules, driver: d } = await runDriver(driver, [...START, { op: 'indicate-master-clock', stream: 0, clock: 'system' }, { op: 'wait', duration: '1ms' }] as never, { card: 'stub' })
    expect(rules).toEqual(['irql-violation'])
    expect(d.log.filter((l: string) => l === 'queried' || l.startsWith('async'))).toEqual(['queried', 'async true at 5'])
  })

  it('allows one asynchronous query per stream at a time', async () => {
    const driver = probe(`
      control: (srb) => {
        if (srb.Command !== S.SRB_INDICATE_MASTER_CLOCK) return false
        const h = srb.CommandData.MasterClockHandle
        S.StreamClassQueryMasterClock(srb.StreamObject, h, S.TIME_GET_STREAM_TIME, () => log.push('first'))
        S.StreamClassQueryMasterClock(srb.StreamObject, h, S.TIME_GET_STREAM_TIME, () => log.push('second'))
        srb.Status = S.STATUS_SUCCESS
        completeControl(srb)
        return true
      },`)
    const { rules, driver: d } = await runDriver(driver, [...START, { op: 'indicate-master-clock', stream: 0, clock: 'system' }, { op: 'wait', duration: '1ms' }] as never)
    expect(rules).toEqual(['clock-query-pending'])
    expect(d.log).toContain('first')
    expect(d.log).not.toContain('second')
  })

  it('reads a stream that is the master clock through its StrMiniClock', async () => {
    const driver = probe(`
      open: (stream) => {
        stream.HwClockObject.HwClockFunction = (ctx) => { ctx.Time = 4242; log.push('StrMiniClock fn ' + ctx.Function) }
        stream.HwClockObject.ClockSupportFlags = S.CLOCK_SUPPORT_CAN_RETURN_STREAM_TIME
      },
      control: (srb) => {
        if (srb.Command !== S.SRB_INDICATE_MASTER_CLOCK) return false
        const t = { HwDeviceExtension: srb.HwDeviceExtension, HwStreamObject: srb.StreamObject, Function: S.TIME_GET_STREAM_TIME, Time: 0, SystemTime: 0 }
        S.StreamClassQueryMasterClockSync(srb.CommandData.MasterClockHandle, t)
        log.push('time ' + t.Time)
        srb.Status = S.STATUS_SUCCESS
        completeControl(srb)
        return true
      },`)
    const { driver: d, rules } = await runDriver(driver, [...START, { op: 'open-master-clock', stream: 0 }, { op: 'indicate-master-clock', stream: 0, clock: { stream: 0 } }] as never)
    expect(rules).toEqual([])
    expect(d.log).toContain('StrMiniClock fn 0')
    expect(d.log).toContain('time 4242')
  })

  it('requires HwClockFunction when a stream declares clock support', async () => {
    const { rules } = await runDriver(probe(`open: (stream) => { stream.HwClockObject.ClockSupportFlags = S.CLOCK_SUPPORT_CAN_READ_ONBOARD_CLOCK },`), START)
    expect(rules).toEqual(['open-stream-incomplete'])
  })
})

// A stream with one event set (KSEVENTSETID_Connection, END_OF_STREAM) and an event routine.
const EVENTS = probe(`
  streamInfo: (info) => {
    info.NumStreamEventArrayEntries = 1
    info.StreamEventsArray = [{ Set: S.KSEVENTSETID_Connection, EventsCount: 1, EventItem: [{ EventId: S.KSEVENT_CONNECTION_ENDOFSTREAM, DataInput: 8, ExtraEntryData: 0 }] }]
  },
  open: (stream) => {
    stream.HwEventRoutine = (d) => {
      log.push((d.Enable ? 'enable ' : 'disable ') + d.EnableEventSetIndex + '@' + S.KeGetCurrentIrql())
      if (d.Enable) handles.entry = d.EventEntry
      handles.descriptor = d
      return S.STATUS_SUCCESS
    }
  },
  control: (srb) => {
    if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
    const stream = srb.StreamObject
    const found = S.StreamClassGetNextEvent(srb.HwDeviceExtension, stream, S.KSEVENTSETID_Connection, -1, null)
    log.push('next ' + (found === handles.entry))
    log.push('after ' + S.StreamClassGetNextEvent(srb.HwDeviceExtension, stream, null, -1, found))
    S.StreamClassStreamNotification(S.SignalStreamEvent, stream, handles.entry)
    S.StreamClassStreamNotification(S.SignalMultipleStreamEvents, stream, S.KSEVENTSETID_Connection, S.KSEVENT_CONNECTION_ENDOFSTREAM)
    if (handles.misuse) S.StreamClassStreamNotification(S.SignalStreamEvent, stream, { bogus: true })
    if (handles.keep) log.push('kept ' + handles.descriptor.EventData)
    srb.Status = S.STATUS_SUCCESS; srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4
    completeControl(srb)
    return true
  },`)

describe('events', () => {
  const STEPS = [...START, { op: 'enable-event', stream: 0, set: 'KSEVENTSETID_Connection', id: 'KSEVENT_CONNECTION_ENDOFSTREAM', name: 'eos' }, { op: 'get-state', stream: 0 }, { op: 'disable-event', name: 'eos' }]

  it('asks StrMiniEvent, queues the entry, walks it with GetNextEvent and delivers signals to the client', async () => {
    const { driver: d, report, session } = await runDriver(EVENTS, STEPS as never)
    expect(report.verifier).toEqual([])
    expect(d.log).toEqual(expect.arrayContaining(['enable 0@2', 'next true', 'after null', 'disable 0@2']))
    // One SignalStreamEvent and one SignalMultipleStreamEvents matching it: two signals.
    expect([...session.client!.eventCounts.values()]).toEqual([2])
  })

  it('reports signalling an entry that is not queued, and a descriptor kept after the call', async () => {
    const misuse = await runDriver(EVENTS.replace('if (handles.misuse)', 'if (true)'), STEPS as never)
    expect(misuse.rules).toEqual(['event-misuse'])
    const kept = await runDriver(EVENTS.replace('if (handles.keep)', 'if (true)'), STEPS as never)
    expect(kept.rules).toEqual(['event-misuse'])
    expect(kept.report.verifier[0].message).toMatch(/keep only EventEntry/)
  })

  it('does not queue an event the routine refuses', async () => {
    const refusing = EVENTS.replace('return S.STATUS_SUCCESS\n    }', 'return S.STATUS_NOT_SUPPORTED\n    }')
    const { report } = await runDriver(refusing, STEPS as never)
    expect(report.run.reason).toMatch(/enable-event .* failed with STATUS_NOT_SUPPORTED/)
  })
})
