import { describe, expect, it } from 'vitest'
import * as S from '../../main/classdriver/strmini.js'
import { probe, runDriver, START } from '../helpers/run.js'

/**
 * The stream class services of issue 11: StreamClassRegisterAdapter, StreamClassRegisterFilterWithNoKSPins,
 * StreamClassFilterReenumerateStreams, StreamClassDebugAssert (item 4), and where Windows forgives: a
 * DMA buffer of size 0, SRB_UNINITIALIZE_DEVICE answered STATUS_NOT_IMPLEMENTED (item 5).
 */

/** A driver without streams that registers with StreamClassRegisterAdapter, the name stream.sys exports. */
const ADAPTER = (extra = '') => `import * as S from 'strmini'
export const seen: string[] = []
function HwReceivePacket(srb: S.HW_STREAM_REQUEST_BLOCK): void {
  seen.push(S.srbCommandName(srb.Command))
  srb.Status = S.STATUS_SUCCESS
  if (srb.Command === S.SRB_INITIALIZE_DEVICE) srb.CommandData.ConfigInfo!.StreamDescriptorSize = S.sizeof('HW_STREAM_HEADER')
  if (srb.Command === S.SRB_GET_STREAM_INFO) srb.CommandData.StreamBuffer!.StreamHeader.SizeOfHwStreamInformation = S.sizeof('HW_STREAM_INFORMATION')
  const ext = srb.HwDeviceExtension
  S.StreamClassDeviceNotification(S.DeviceRequestComplete, ext, srb)
  S.StreamClassDeviceNotification(S.ReadyForNextDeviceRequest, ext)
}
export function DriverEntry(DriverObject: unknown, RegistryPath: unknown): number {
  return S.StreamClassRegisterAdapter(DriverObject, RegistryPath, { HwInitializationDataSize: S.sizeof('HW_INITIALIZATION_DATA'), HwReceivePacket ${extra} })
}
`

describe('StreamClassRegisterAdapter', () => {
  it('is StreamClassRegisterMinidriver: it registers, and validates HW_INITIALIZATION_DATA the same way', async () => {
    const ok = await runDriver(ADAPTER(), [{ op: 'start-device' }, { op: 'stop-device' }] as never)
    expect(ok.report.result).toBe('pass')
    expect(ok.driver.seen).toEqual(['SRB_INITIALIZE_DEVICE', 'SRB_GET_STREAM_INFO', 'SRB_INITIALIZATION_COMPLETE', 'SRB_UNINITIALIZE_DEVICE'])
    const typo = await runDriver(ADAPTER(', TurnOffSynchronisation: 1'), [{ op: 'start-device' }] as never)
    expect(typo.report.verifier).toMatchObject([{ rule: 'init-data-invalid', severity: 'warning', message: expect.stringContaining('TurnOffSynchronisation') }])
  })
})

describe('StreamClassRegisterFilterWithNoKSPins', () => {
  // With synchronization on, packet routines run at DISPATCH_LEVEL: this PASSIVE_LEVEL service belongs
  // in a synchronization-off driver or a Low priority routine.
  const crossbar = (call: string, sync = false) =>
    probe(`sync: ${sync},
    device: (srb) => {
      if (srb.Command !== S.SRB_INITIALIZE_DEVICE) return false
      const pdo = srb.CommandData.ConfigInfo!.PhysicalDeviceObject
      const mediums: S.KSPIN_MEDIUM[] = [0, 1, 2].map((Id) => ({ Set: S.KSMEDIUMSETID_Standard, Id, Flags: 0 }))
      log.push('status 0x' + (${call}).toString(16))
      return false
    },`)

  it('registers the pins of a crossbar with their direction, medium and category', async () => {
    const { report, session, driver } = await runDriver(
      crossbar(`S.StreamClassRegisterFilterWithNoKSPins(pdo, S.KSCATEGORY_CROSSBAR, 3, [S.FALSE, S.FALSE, S.TRUE], mediums, [S.PINNAME_VIDEO_ANALOGVIDEOIN, S.PINNAME_VIDEO_ANALOGVIDEOIN, S.PINNAME_VIDEO_CAPTURE])`),
      [...START] as never,
    )
    expect(report.bugcheck).toBeNull()
    expect(report.verifier).toEqual([])
    expect(driver.log).toContain('status 0x0')
    expect(session.device!.filtersWithNoKSPins).toEqual([
      {
        interfaceClass: S.KSCATEGORY_CROSSBAR,
        pins: [
          { output: false, medium: { Set: S.KSMEDIUMSETID_Standard, Id: 0, Flags: 0 }, category: S.PINNAME_VIDEO_ANALOGVIDEOIN },
          { output: false, medium: { Set: S.KSMEDIUMSETID_Standard, Id: 1, Flags: 0 }, category: S.PINNAME_VIDEO_ANALOGVIDEOIN },
          { output: true, medium: { Set: S.KSMEDIUMSETID_Standard, Id: 2, Flags: 0 }, category: S.PINNAME_VIDEO_CAPTURE },
        ],
      },
    ])
  })

  it('refuses no pins with STATUS_INVALID_DEVICE_REQUEST, and a pointer that is not the PDO like a wild pointer', async () => {
    const none = await runDriver(crossbar(`S.StreamClassRegisterFilterWithNoKSPins(pdo, S.KSCATEGORY_TVTUNER, 0, [], mediums, null)`), [...START] as never)
    expect(none.driver.log).toContain(`status 0x${S.STATUS_INVALID_DEVICE_REQUEST.toString(16)}`)
    expect(none.session.device!.filtersWithNoKSPins).toEqual([])
    const wild = await runDriver(crossbar(`S.StreamClassRegisterFilterWithNoKSPins(srb.HwDeviceExtension, S.KSCATEGORY_TVTUNER, 3, [0, 0, 1], mediums, null)`), [...START] as never)
    expect(wild.report.bugcheck?.message).toMatch(/StreamClassRegisterFilterWithNoKSPins: DeviceObject must be the device's PDO/)
    const raised = await runDriver(crossbar(`S.StreamClassRegisterFilterWithNoKSPins(pdo, S.KSCATEGORY_TVTUNER, 1, [1], mediums, null)`, true), [...START] as never)
    expect(raised.report.verifier).toMatchObject([{ rule: 'irql-violation', message: expect.stringContaining('PASSIVE_LEVEL only') }])
  })
})

describe('StreamClassFilterReenumerateStreams', () => {
  it('sends SRB_GET_STREAM_INFO again after the call, and the filter then has the new streams', async () => {
    const driver = probe(
      `
      initData: { FilterInstanceExtensionSize: 16 },
      device: (srb) => {
        if (srb.Command === S.SRB_GET_STREAM_INFO && grow) {
          const d = srb.CommandData.StreamBuffer!
          d.StreamHeader.NumberOfStreams = 2
          d.StreamHeader.SizeOfHwStreamInformation = S.sizeof('HW_STREAM_INFORMATION')
          d.StreamInfo[0] = streamInformation()
          d.StreamInfo[1] = { ...streamInformation(), Category: S.PINNAME_VIDEO_PREVIEW, Name: S.PINNAME_VIDEO_PREVIEW }
          srb.Status = S.STATUS_SUCCESS
          completeDevice(srb)
          return true
        }
        return false
      },
      control: (srb) => {
        if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
        grow = true
        S.StreamClassFilterReenumerateStreams(srb.HwInstanceExtension, S.sizeof('HW_STREAM_HEADER') + 2 * S.sizeof('HW_STREAM_INFORMATION'))
        log.push('returned')
        srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4; srb.Status = S.STATUS_SUCCESS
        completeControl(srb)
        return true
      },
    `,
      `import { streamInformation } from './base'
let grow = false`,
    )
    const { report, session, driver: d } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }, { op: 'wait', duration: '1ms' }] as never)
    expect(report.verifier).toEqual([])
    const log = (d.log as string[]).filter((l) => l.startsWith('device:SRB_GET_STREAM_INFO') || l === 'returned')
    expect(log).toEqual(['device:SRB_GET_STREAM_INFO@2', 'returned', 'device:SRB_GET_STREAM_INFO@2'])
    expect(session.device!.streamInfos.map((i) => i.Category)).toEqual([S.PINNAME_VIDEO_CAPTURE, S.PINNAME_VIDEO_PREVIEW])
  })

  it('is a wild pointer for a driver without filter instances', async () => {
    const driver = probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      S.StreamClassFilterReenumerateStreams(srb.HwInstanceExtension, 1000)
      return true
    },`)
    const { report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }] as never)
    expect(report.bugcheck?.message).toMatch(/StreamClassFilterReenumerateStreams: HwInstanceExtension is not a filter instance extension/)
  })
})

describe('StreamClassDebugAssert', () => {
  it('prints the assert and stops the machine at the line that called it, as a checked stream.sys breaks in', async () => {
    const driver = probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      S.StreamClassDebugAssert('capture.c', 123, 'pStrmEx->pVideoInfoHeader != NULL', 0)
    },`)
    const { report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }] as never)
    expect(report.bugcheck).toMatchObject({ code: '0x0000001E', name: 'KMODE_EXCEPTION_NOT_HANDLED', location: { file: 'test/drivers/probe.ts', line: 7 } })
    expect(report.bugcheck?.message).toContain('(capture.c:123) Assert failed (pStrmEx->pVideoInfoHeader != NULL)=0x0')
    expect(report.bugcheck?.message).toContain('STATUS_BREAKPOINT')
    expect(report.debugOutput.map((l) => l.text)).toContain('(capture.c:123) Assert failed (pStrmEx->pVideoInfoHeader != NULL)=0x0')
  })
})

describe('where Windows forgives', () => {
  const dma = (use: string) =>
    probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const ext = srb.HwDeviceExtension
      const buffer = S.StreamClassGetDmaBuffer(ext)
      const len = { value: 99 }
      const pa = S.StreamClassGetPhysicalAddress(ext, null, buffer as Uint8Array, S.DmaBuffer, len)
      log.push('buffer ' + buffer + ' pa ' + pa + ' length ' + len.value)
      ${use}
      srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4; srb.Status = S.STATUS_SUCCESS
      completeControl(srb)
      return true
    },`)

  it('StreamClassGetDmaBuffer and GetPhysicalAddress with DmaBufferSize 0: NULL and 0, with a warning', async () => {
    const { report, driver } = await runDriver(dma(''), [...START, { op: 'get-state', stream: 0 }] as never)
    expect(report.bugcheck).toBeNull()
    expect(driver.log).toContain('buffer null pa 0 length 0')
    expect(report.verifier.map((f) => [f.rule, f.severity])).toEqual([
      ['dma-buffer-misuse', 'warning'],
      ['dma-buffer-misuse', 'warning'],
    ])
    expect(report.result).toBe('pass')
  })

  it('a driver that uses the NULL fails by itself', async () => {
    const { report } = await runDriver(dma('buffer!.fill(0)'), [...START, { op: 'get-state', stream: 0 }] as never)
    expect(report.bugcheck?.message).toMatch(/null/)
  })

  it('accepts SRB_UNINITIALIZE_DEVICE answered STATUS_NOT_IMPLEMENTED; another failure keeps the device started', async () => {
    const uninit = (status: string) =>
      probe(`device: (srb) => {
        if (srb.Command !== S.SRB_UNINITIALIZE_DEVICE) return false
        srb.Status = ${status}
        completeDevice(srb)
        return true
      },`)
    const ok = await runDriver(uninit('S.STATUS_NOT_IMPLEMENTED'), [...START, { op: 'close-stream', stream: 0 }, { op: 'stop-device' }] as never)
    expect(ok.report.failures).toEqual([])
    expect(ok.report.result).toBe('pass')
    expect(ok.session.device!.state).toBe('stopped')
    const refused = await runDriver(uninit('S.STATUS_ADAPTER_HARDWARE_ERROR'), [...START, { op: 'close-stream', stream: 0 }, { op: 'stop-device' }] as never)
    expect(refused.report.result).toBe('fail')
    expect(refused.session.device!.state).toBe('started')
  })
})
