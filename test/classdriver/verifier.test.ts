import { describe, expect, it } from 'vitest'
import { allRules, RULES, type RuleId } from '../../main/classdriver/verifier/rules.js'
import { probe, runDriver, START } from '../helpers/run.js'

/**
 * The verifier rules the class driver can judge (product-spec section 6): each is provoked by a small
 * driver mistake, and the finding names the rule, the SRB, the callback and the user's line.
 */

const PAUSED = [...START, { op: 'set-state', stream: 0, state: 'PAUSE' }] as const
const ONE_READ = [...PAUSED, { op: 'read', stream: 0, buffers: 1 }, { op: 'wait', duration: '1ms' }] as const

/** A control routine that runs `body` for GET_STREAM_STATE (srb, stream, ext are in scope). */
function getState(body: string, hooks = ''): string {
  return probe(`${hooks}
    control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const stream = srb.StreamObject, ext = srb.HwDeviceExtension
      srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4
      ${body}
      return true
    },`)
}

const GET = [...START, { op: 'get-state', stream: 0 }, { op: 'wait', duration: '1ms' }] as const

describe('verifier rule table', () => {
  it('has every rule id of product-spec section 6 with a default severity and documentation', () => {
    const ids = [
      'double-completion', 'use-after-completion', 'pending-status-completion', 'wrong-notification', 'foreign-srb-completion',
      'queue-stalled', 'duplicate-ready', 'ready-without-sync', 'srb-orphaned', 'stream-descriptor-size', 'open-stream-incomplete',
      'too-many-instances', 'read-in-stop', 'outstanding-at-close', 'buffer-overrun', 'timestamp-invalid', 'counter-reset',
      'irql-violation', 'clock-query-pending', 'stale-clock-handle', 'slot-busy', 'raised-irql-budget', 'interrupt-storm',
      'interrupt-unclaimed', 'interrupt-stolen', 'interrupts-left-enabled', 'cancel-misuse', 'dma-buffer-misuse',
      'dma-unowned-memory', 'dma-mode-mismatch', 'intersection-misuse', 'property-overrun', 'event-misuse', 'init-data-invalid',
      'unsynchronized-access', 'obsolete-api', 'pool-leak', 'pool-misuse', 'register-access', 'descriptor-misuse',
    ]
    expect(allRules().map((r) => r.id).sort()).toEqual([...ids].sort())
    for (const r of allRules()) {
      expect(['error', 'warning']).toContain(r.severity)
      expect(r.summary.length).toBeGreaterThan(10)
      expect(r.fix.length).toBeGreaterThan(10)
    }
    expect(RULES.get('duplicate-ready')?.severity).toBe('warning')
    expect(RULES.get('double-completion')?.severity).toBe('error')
  })

  it('derives the rule id type from the table, so a misspelt id is a compile error (npm run typecheck)', () => {
    const known: RuleId = 'double-completion'
    // @ts-expect-error: no rule is called that
    const misspelt: RuleId = 'double-completon'
    expect(RULES.has(known)).toBe(true)
    expect(RULES.has(misspelt)).toBe(false)
  })
})

describe('completion rules', () => {
  it('double-completion: the second completion is reported at its line, with the SRB and callback', async () => {
    const driver = getState(`srb.Status = S.STATUS_SUCCESS
      S.StreamClassStreamNotification(S.StreamRequestComplete, stream, srb)
      S.StreamClassStreamNotification(S.StreamRequestComplete, stream, srb)
      S.StreamClassStreamNotification(S.ReadyForNextStreamControlRequest, stream)`)
    const { report, rules } = await runDriver(driver, [...GET] as never)
    expect(rules).toEqual(['double-completion'])
    const f = report.verifier[0]
    expect(f).toMatchObject({ rule: 'double-completion', severity: 'error', callback: 'ControlPacket', srb: { command: 'SRB_GET_STREAM_STATE', stream: 0 } })
    expect(f.location).toEqual({ file: 'test/drivers/probe.ts', line: 12, column: 9 })
    expect(report.exitCode).toBe(1)
  })

  it('use-after-completion: reading the SRB after completing it', async () => {
    const driver = getState(`srb.Status = S.STATUS_SUCCESS
      completeControl(srb)
      log.push('status was ' + srb.Status)`)
    const { rules, report } = await runDriver(driver, [...GET] as never)
    expect(rules).toEqual(['use-after-completion'])
    expect(report.verifier[0].message).toMatch(/Status/)
  })

  it('use-after-completion: writing the frame info of a completed read', async () => {
    const driver = probe(`data: (srb) => {
      srb.Status = S.STATUS_SUCCESS
      const header = srb.CommandData.DataBufferArray[0]
      header.DataUsed = 0
      S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject, srb)
      header.MediaSpecific.PictureNumber = 1
      S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject)
      return true
    },`)
    const { rules } = await runDriver(driver, [...ONE_READ] as never)
    expect(rules).toEqual(['use-after-completion'])
  })

  it('pending-status-completion: Status never set, or STATUS_PENDING', async () => {
    const never = await runDriver(getState(`completeControl(srb)`), [...GET] as never)
    expect(never.rules).toEqual(['pending-status-completion'])
    expect(never.report.verifier[0].message).toMatch(/without setting srb.Status/)
    const pending = await runDriver(getState(`srb.Status = S.STATUS_PENDING; completeControl(srb)`), [...GET] as never, { expect: {} })
    expect(pending.rules).toEqual(['pending-status-completion'])
  })

  it('wrong-notification: a stream SRB completed as a device request', async () => {
    const driver = getState(`srb.Status = S.STATUS_SUCCESS
      S.StreamClassDeviceNotification(S.DeviceRequestComplete, ext, srb)
      S.StreamClassStreamNotification(S.ReadyForNextStreamControlRequest, stream)`)
    const { rules } = await runDriver(driver, [...GET] as never)
    expect(rules).toEqual(['wrong-notification'])
  })

  it('foreign-srb-completion: completing an object that is not an SRB of this device', async () => {
    const driver = getState(`srb.Status = S.STATUS_SUCCESS
      S.StreamClassStreamNotification(S.StreamRequestComplete, stream, { Command: 2, Status: 0 })
      completeControl(srb)`)
    const { rules } = await runDriver(driver, [...GET] as never)
    expect(rules).toEqual(['foreign-srb-completion'])
  })
})

describe('stream and format rules', () => {
  it('stream-descriptor-size: INITIALIZE without StreamDescriptorSize fails the start', async () => {
    const driver = probe(`device: (srb) => { if (srb.Command !== S.SRB_INITIALIZE_DEVICE) return false; srb.Status = S.STATUS_SUCCESS; completeDevice(srb); return true },`)
    const { rules, report } = await runDriver(driver, START)
    expect(rules).toEqual(['stream-descriptor-size'])
    expect(report.run.reason).toMatch(/start-device .* failed/)
  })

  it('stream-descriptor-size: GET_STREAM_INFO claims more streams than the size holds', async () => {
    const driver = probe(`device: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_INFO) return false
      const d = srb.CommandData.StreamBuffer
      d.StreamHeader.NumberOfStreams = 2
      d.StreamHeader.SizeOfHwStreamInformation = S.sizeof('HW_STREAM_INFORMATION')
      srb.Status = S.STATUS_SUCCESS
      completeDevice(srb)
      return true
    },`)
    const { rules } = await runDriver(driver, START)
    expect(rules).toContain('stream-descriptor-size')
  })

  it('open-stream-incomplete: OPEN_STREAM succeeds without ReceiveDataPacket', async () => {
    const { rules } = await runDriver(probe(`open: (stream) => { stream.ReceiveDataPacket = null },`), START)
    expect(rules).toEqual(['open-stream-incomplete'])
  })

  it('too-many-instances: a second instance accepted beyond NumberOfPossibleInstances', async () => {
    const { rules } = await runDriver(probe(), [...START, { op: 'open-stream', stream: 0 }])
    expect(rules).toEqual(['too-many-instances'])
  })

  it('intersection-misuse: answering the size query without the size, and ActualBytesTransferred unset', async () => {
    const driver = probe(`device: (srb) => {
      if (srb.Command !== S.SRB_GET_DATA_INTERSECTION) return false
      const info = srb.CommandData.IntersectInfo
      info.DataFormatBuffer = { DataFormat: { FormatSize: 152, Flags: 0, SampleSize: 153600, Reserved: 0, MajorFormat: S.KSDATAFORMAT_TYPE_VIDEO, SubFormat: S.KSDATAFORMAT_SUBTYPE_YUY2, Specifier: S.KSDATAFORMAT_SPECIFIER_VIDEOINFO }, VideoInfoHeader: {} }
      srb.Status = S.STATUS_SUCCESS
      completeDevice(srb)
      return true
    },`)
    const { rules, report } = await runDriver(driver, START)
    expect(rules).toEqual(['intersection-misuse', 'intersection-misuse'])
    // Two different problems at the same line stay two findings (repeats fold only when alike).
    expect(new Set(report.verifier.map((f) => f.message)).size).toBe(2)
  })

  it('property-overrun: a GET that reports more bytes than PropertyOutputSize', async () => {
    const driver = probe(`
      streamInfo: (info) => { info.NumStreamPropArrayEntries = 1; info.StreamPropertiesArray = [{ Set: S.PROPSETID_VIDCAP_DROPPEDFRAMES, PropertiesCount: 1, PropertyItem: [{ PropertyId: 0, GetPropertyHandler: true, MinProperty: 24, MinData: 4 }] }] },
      control: (srb) => {
        if (srb.Command !== S.SRB_GET_STREAM_PROPERTY) return false
        srb.ActualBytesTransferred = S.sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S')
        srb.Status = S.STATUS_SUCCESS
        completeControl(srb)
        return true
      },`)
    const { rules } = await runDriver(driver, [...START, { op: 'get-property', stream: 0, set: 'PROPSETID_VIDCAP_DROPPEDFRAMES', id: 0, size: 8 }])
    expect(rules).toEqual(['property-overrun'])
  })

  it('buffer-overrun: DataUsed beyond FrameExtent, and KS_FRAME_INFO past StreamHeaderMediaSpecific', async () => {
    const big = await runDriver(probe(`data: (srb) => { const stream = srb.StreamObject; reads.push(srb); completeOldestRead(S.STATUS_SUCCESS, 10e6); S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, stream); return true },`), [...ONE_READ] as never)
    expect(big.rules).toEqual(['buffer-overrun'])
    const ext = await runDriver(
      probe(`open: (stream) => { stream.StreamHeaderMediaSpecific = 0 },
        data: (srb) => { const stream = srb.StreamObject; srb.CommandData.DataBufferArray[0].MediaSpecific.PictureNumber = 1; reads.push(srb); completeOldestRead(S.STATUS_SUCCESS, 100); S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, stream); return true },`),
      [...ONE_READ] as never,
    )
    expect(ext.rules).toEqual(['buffer-overrun'])
    expect(ext.report.verifier[0].message).toMatch(/StreamHeaderMediaSpecific/)
  })

  it('timestamp-invalid and counter-reset: time going backwards, counters reset on PAUSE/RUN', async () => {
    const driver = probe(`data: (srb) => {
      handles.n = (handles.n ?? 10) - 1
      const h = srb.CommandData.DataBufferArray[0]
      h.PresentationTime = { Time: handles.n * 1000, Numerator: 1, Denominator: 1 }
      h.OptionsFlags = S.KSSTREAM_HEADER_OPTIONSF_TIMEVALID
      h.MediaSpecific.PictureNumber = handles.n
      const stream = srb.StreamObject
      reads.push(srb)
      completeOldestRead(S.STATUS_SUCCESS, 100)
      S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, stream)
      return true
    },`)
    const { rules } = await runDriver(driver, [...PAUSED, { op: 'set-state', stream: 0, state: 'RUN' }, { op: 'read', stream: 0, buffers: 2 }, { op: 'wait', duration: '1ms' }] as never)
    expect(rules).toEqual(['timestamp-invalid', 'counter-reset'])
  })

  it('outstanding-at-close: a read still held when CLOSE_STREAM completes', async () => {
    const driver = probe(`cancel: null, device: (srb) => { if (srb.Command === S.SRB_CLOSE_STREAM) log.push('closing with ' + reads.length); return false },`)
    const { rules } = await runDriver(driver, [...ONE_READ, { op: 'close-stream', stream: 0 }] as never)
    expect(rules).toContain('outstanding-at-close')
  })
})

describe('service rules', () => {
  it('irql-violation: KeAcquireSpinLock at DIRQL', async () => {
    const driver = getState(`const lock = {}; S.KeInitializeSpinLock(lock); const old = { value: 0 }; S.KeAcquireSpinLock(lock, old); S.KeReleaseSpinLock(lock, old.value); srb.Status = S.STATUS_SUCCESS; completeControl(srb)`, 'isr: () => false,')
    const { rules } = await runDriver(driver, [...GET] as never, { card: 'stub' })
    expect(rules).toEqual(['irql-violation'])
  })

  it('irql-violation: StreamClassRegisterMinidriver outside DriverEntry', async () => {
    const driver = getState(`S.StreamClassRegisterMinidriver({}, '', {}); srb.Status = S.STATUS_SUCCESS; completeControl(srb)`)
    const { rules } = await runDriver(driver, [...GET] as never)
    expect(rules).toContain('irql-violation')
  })

  it('dma-buffer-misuse: the DMA buffer without DmaBufferSize, or an address outside it', async () => {
    const none = await runDriver(getState(`log.push(String(S.StreamClassGetDmaBuffer(ext))); srb.Status = S.STATUS_SUCCESS; completeControl(srb)`), [...GET] as never)
    expect(none.rules).toEqual(['dma-buffer-misuse'])
    const sized = getState(
      `const dma = S.StreamClassGetDmaBuffer(ext)
      const len = { value: 0 }
      const pa = S.StreamClassGetPhysicalAddress(ext, null, dma.subarray(100), S.DmaBuffer, len)
      log.push('dma ' + dma.length + ' at ' + pa.toString(16) + ' contiguous ' + len.value)
      S.StreamClassGetPhysicalAddress(ext, null, new Uint8Array(4), S.DmaBuffer, len)
      srb.Status = S.STATUS_SUCCESS; completeControl(srb)`,
      'initData: { DmaBufferSize: 8192 },',
    )
    const { rules, driver: d } = await runDriver(sized, [...GET] as never)
    expect(rules).toEqual(['dma-buffer-misuse'])
    expect(d.log.find((l: string) => l.startsWith('dma '))).toMatch(/^dma 8192 at [0-9a-f]+ contiguous 8092$/)
  })

  it('resolves a data buffer address to its scattered physical pages', async () => {
    const driver = probe(`data: (srb) => {
      const h = srb.CommandData.DataBufferArray[0]
      const len = { value: 0 }
      const first = S.StreamClassGetPhysicalAddress(srb.HwDeviceExtension, srb, h.Data, S.SRBDataBuffer, len)
      const sg = srb.ScatterGatherBuffer
      log.push('first ' + (first === sg[0].PhysicalAddress) + ' ' + (len.value === sg[0].Length) + ' elements ' + srb.NumberOfScatterGatherElements + ' pages ' + srb.NumberOfPhysicalPages + ' bytes ' + sg.reduce((n, e) => n + e.Length, 0))
      reads.push(srb)
      S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject)
      return true
    },`)
    const { driver: d, rules } = await runDriver(driver, [...ONE_READ] as never)
    expect(rules).toEqual([])
    const line = (d.log as string[]).find((l) => l.startsWith('first'))!
    const [, elements, pages, bytes] = /elements (\d+) pages (\d+) bytes (\d+)/.exec(line)!.map(Number)
    expect(line).toMatch(/^first true true/)
    expect(bytes).toBe(320 * 240 * 2)
    expect(pages).toBe(38)
    // Deliberately scattered: many runs, not one.
    expect(elements).toBeGreaterThan(4)
    expect(elements).toBeLessThan(pages)
  })

  it('init-data-invalid: wrong size field, missing HwReceivePacket, unknown fields', async () => {
    const badSize = await runDriver(probe(`initData: { HwInitializationDataSize: 60 },`), START)
    expect(badSize.rules).toEqual(['init-data-invalid'])
    expect(badSize.report.failures[0]).toMatch(/DriverEntry returned STATUS_REVISION_MISMATCH/)
    const typo = await runDriver(probe(`initData: { HwRecievePacket: null },`), START)
    expect(typo.rules).toEqual(['init-data-invalid'])
    expect(typo.report.verifier[0]).toMatchObject({ severity: 'warning' })
    expect(typo.report.run.completed).toBe(true)
  })

  it('dma-mode-mismatch: a CPU copy into the buffer of a stream that declared Pio = FALSE', async () => {
    const driver = probe(`open: (stream) => { stream.Pio = S.FALSE; stream.Dma = S.TRUE },
      data: (srb) => { S.RtlFillMemory(srb.CommandData.DataBufferArray[0].Data, 16, 0x80); reads.push(srb); S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject); return true },`)
    const { rules } = await runDriver(driver, [...ONE_READ] as never)
    expect(rules).toEqual(['dma-mode-mismatch'])
  })

  it('obsolete-api: StreamClassReenumerateStreams', async () => {
    const { rules } = await runDriver(getState(`S.StreamClassReenumerateStreams(ext, 208); srb.Status = S.STATUS_SUCCESS; completeControl(srb)`), [...GET] as never)
    expect(rules).toEqual(['obsolete-api'])
  })

  it('raised-irql-budget: more than 1 ms at DISPATCH_LEVEL', async () => {
    const { rules } = await runDriver(getState(`S.KeStallExecutionProcessor(1500); srb.Status = S.STATUS_SUCCESS; completeControl(srb)`), [...GET] as never)
    expect(rules).toEqual(['raised-irql-budget'])
  })
})
