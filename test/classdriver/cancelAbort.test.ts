import { describe, expect, it } from 'vitest'
import { probe, runDriver, START } from '../helpers/run.js'

/** docs/classdriver.md#cancel and docs/classdriver.md#abort: HwCancelPacket, cancel before close and on stop, and abort. */

const PAUSED = [...START, { op: 'set-state', stream: 0, state: 'PAUSE' }] as const

function cancelledReads(report: { srbs: { cancelled: number } }): number {
  return report.srbs.cancelled
}

describe('cancel', () => {
  it('calls HwCancelPacket for a read the minidriver holds, and the client sees STATUS_CANCELLED', async () => {
    const { driver: d, report } = await runDriver(probe(), [...PAUSED, { op: 'read', stream: 0, buffers: 2 }, { op: 'wait', duration: '1ms' }, { op: 'cancel', stream: 0, which: 'oldest' }, { op: 'wait', duration: '1ms' }] as never)
    expect((d.log as string[]).filter((l) => l.startsWith('cancel:'))).toEqual(['cancel:SRB_READ_DATA@2'])
    expect(cancelledReads(report)).toBe(1)
    expect(d.reads).toHaveLength(1)
    expect(report.verifier).toEqual([])
  })

  it('completes a request still queued in the class driver without calling the minidriver', async () => {
    // Synchronization on and the data queue never made ready: the second read waits in the class driver.
    const driver = probe(`data: (srb) => { reads.push(srb); return true },`)
    const { driver: d, report } = await runDriver(driver, [...PAUSED, { op: 'read', stream: 0, buffers: 2 }, { op: 'wait', duration: '1ms' }, { op: 'cancel', stream: 0, which: 'newest' }, { op: 'wait', duration: '1ms' }] as never, { timeLimitNs: 2e9 })
    expect((d.seen as { routine: string }[]).filter((s) => s.routine === 'data')).toHaveLength(1)
    expect((d.log as string[]).some((l) => l.startsWith('cancel:'))).toBe(false)
    expect(cancelledReads(report)).toBe(1)
  })

  it('reports a cancel handler that unlinks the SRB and then drops it', async () => {
    const driver = probe(`cancel: (srb) => { reads.splice(reads.indexOf(srb), 1) },`)
    const { rules } = await runDriver(driver, [...PAUSED, { op: 'read', stream: 0, buffers: 1 }, { op: 'wait', duration: '1ms' }, { op: 'cancel', stream: 0 }, { op: 'wait', duration: '1ms' }] as never)
    expect(rules).toContain('cancel-misuse')
  })

  it('reports a cancel handler that completes an SRB it no longer holds', async () => {
    // It completes whatever it is given, even a read it already completed itself.
    const driver = probe(`
      data: (srb) => { srb.Status = S.STATUS_SUCCESS; srb.CommandData.DataBufferArray[0].DataUsed = 0; reads.push(srb); S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject, srb); S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject); return true },
      cancel: (srb) => { srb.Status = S.STATUS_CANCELLED; S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject, srb) },`)
    // The client cancels while the completion is on its way back (the classic race).
    const { rules } = await runDriver(driver, [...PAUSED, { op: 'read', stream: 0, buffers: 1 }, { op: 'cancel', stream: 0 }, { op: 'wait', duration: '1ms' }] as never)
    // The read is completed before the cancel arrives, so the class driver does not call the handler at all.
    expect(rules).not.toContain('cancel-misuse')
  })

  it('cancels outstanding buffers through HwCancelPacket before SRB_CLOSE_STREAM', async () => {
    const { driver: d, report } = await runDriver(probe(), [...PAUSED, { op: 'read', stream: 0, buffers: 3 }, { op: 'wait', duration: '1ms' }, { op: 'close-stream', stream: 0 }] as never)
    const order = (d.log as string[]).filter((l) => l.startsWith('cancel:') || l.startsWith('device:SRB_CLOSE_STREAM'))
    expect(order).toEqual(['cancel:SRB_READ_DATA@2', 'cancel:SRB_READ_DATA@2', 'cancel:SRB_READ_DATA@2', 'device:SRB_CLOSE_STREAM@2'])
    expect(cancelledReads(report)).toBe(3)
    expect(report.verifier).toEqual([])
  })

  it('under synchronization cancels reads the driver still holds after STOP, and reports them if they stay', async () => {
    // This driver ignores STOP for its reads, and its cancel handler does nothing either.
    const driver = probe(`
      control: (srb) => { if (srb.Command !== S.SRB_SET_STREAM_STATE) return false; srb.Status = S.STATUS_SUCCESS; handles.state = srb.CommandData.StreamState; completeControl(srb); return true },
      cancel: (srb) => { log.push('asked to cancel') },`)
    const { driver: d, rules, report } = await runDriver(driver, [...PAUSED, { op: 'read', stream: 0, buffers: 2 }, { op: 'wait', duration: '1ms' }, { op: 'set-state', stream: 0, state: 'STOP' }, { op: 'wait', duration: '1ms' }] as never)
    expect((d.log as string[]).filter((l) => l === 'asked to cancel')).toHaveLength(2)
    // Both reads, one finding: the same rule at the same place is listed once with its count.
    expect(rules.filter((r) => r === 'read-in-stop')).toHaveLength(1)
    expect(report.verifier.find((f) => f.rule === 'read-in-stop')?.count).toBe(2)
    expect(report.findingCounts['read-in-stop']).toBe(2)
  })

  it('with cancelReadsOnStop off, leaves the reads to the driver and reports those it keeps', async () => {
    const driver = probe(`control: (srb) => { if (srb.Command !== S.SRB_SET_STREAM_STATE) return false; srb.Status = S.STATUS_SUCCESS; handles.state = srb.CommandData.StreamState; completeControl(srb); return true },`)
    const { driver: d, rules, report } = await runDriver(driver, [...PAUSED, { op: 'read', stream: 0, buffers: 2 }, { op: 'wait', duration: '1ms' }, { op: 'set-state', stream: 0, state: 'STOP' }] as never, {
      settings: { cancelReadsOnStop: false },
    })
    expect((d.log as string[]).some((l) => l.startsWith('cancel:'))).toBe(false)
    expect(rules.filter((r) => r === 'read-in-stop')).toHaveLength(1)
    expect(report.findingCounts['read-in-stop']).toBe(2)
  })

  it('reports a read the driver queues while the stream is stopped', async () => {
    const driver = probe(`data: (srb) => { reads.push(srb); S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject); return true },`)
    const { rules, report } = await runDriver(driver, [...START, { op: 'read', stream: 0, buffers: 1 }, { op: 'wait', duration: '1ms' }] as never)
    expect(rules).toContain('read-in-stop')
    expect(report.verifier[0].callback).toBe('DataPacket')
  })
})

describe('StreamClassAbortOutstandingRequests', () => {
  // On the first GET_STREAM_STATE the driver aborts everything of the stream (the DVDTS recovery).
  const ABORTER = probe(`
    control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      handles.aborted = reads.slice()
      S.StreamClassAbortOutstandingRequests(srb.HwDeviceExtension, srb.StreamObject, S.STATUS_CANCELLED)
      log.push('aborted ' + handles.aborted.length)
      return true
    },`)

  it('completes held and queued requests with the status and readies the queues', async () => {
    const get = { op: 'send', command: 'SRB_GET_STREAM_STATE', stream: 0, expectStatus: 'STATUS_CANCELLED' }
    const { driver: d, report } = await runDriver(ABORTER, [...PAUSED, { op: 'read', stream: 0, buffers: 3 }, { op: 'wait', duration: '1ms' }, get, get] as never)
    expect(report.run.reason).toBeNull()
    expect(d.log).toContain('aborted 3')
    // The GET_STREAM_STATE that called abort was itself aborted (it is the stream's control request).
    expect(report.srbs.cancelled).toBe(5)
    // The control queue was made ready by the abort: the second GET_STREAM_STATE was delivered.
    expect((d.seen as { command: string }[]).filter((s) => s.command === 'SRB_GET_STREAM_STATE')).toHaveLength(2)
  })

  it('reports a later completion of an aborted SRB as foreign', async () => {
    const driver = ABORTER.replace("log.push('aborted ' + handles.aborted.length)", "log.push('aborted'); completeOldestRead()")
    const { rules, report } = await runDriver(driver, [...PAUSED, { op: 'read', stream: 0, buffers: 1 }, { op: 'wait', duration: '1ms' }, { op: 'get-state', stream: 0 }] as never)
    expect(rules).toContain('foreign-srb-completion')
    const f = report.verifier.find((x) => x.rule === 'foreign-srb-completion')!
    expect(f.message).toMatch(/already completed by the class driver/)
    expect(f.location?.file).toBe('test/drivers/base.ts')
  })

  it('can call HwCancelPacket for held SRBs first (abortCallsCancel)', async () => {
    const { driver: d } = await runDriver(ABORTER, [...PAUSED, { op: 'read', stream: 0, buffers: 2 }, { op: 'wait', duration: '1ms' }, { op: 'get-state', stream: 0 }] as never, {
      settings: { abortCallsCancel: true },
    })
    expect((d.log as string[]).filter((l) => l.startsWith('cancel:SRB_READ_DATA'))).toHaveLength(2)
  })
})
