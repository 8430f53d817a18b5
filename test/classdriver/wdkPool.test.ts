import { describe, expect, it } from 'vitest'
import { probe, runDriver, START } from '../helpers/run.js'

/** ExAllocatePool / ExFreePool, accounted per block (issue 11, item 4). */

const STOPPED = [...START, { op: 'close-stream', stream: 0 }, { op: 'stop-device' }] as const

/**
 * Keeps a copy of the opened format's video info header in pool, as testcap does, and frees it at
 * CLOSE_STREAM unless `free` is false.
 */
function videoInfoCopy(free: boolean): string {
  return probe(
    `
  open: (stream) => {
    const vih = ${'format'}.VideoInfoHeader!
    const x = stream.HwStreamExtension
    x.pVideoInfoHeader = S.ExAllocatePoolWithTag(S.NonPagedPool, S.KS_SIZE_VIDEOHEADER(vih), 'Tvih')
    S.RtlCopyMemory(x.pVideoInfoHeader, vih, S.KS_SIZE_VIDEOHEADER(vih))
    log.push('copied ' + x.pVideoInfoHeader.length + ' bytes, width ' + x.pVideoInfoHeader.bmiHeader.biWidth + ' ' + (x.pVideoInfoHeader.bmiHeader !== vih.bmiHeader))
    kept = x
  },
  device: (srb) => {
    if (srb.Command === S.SRB_OPEN_STREAM) format = srb.CommandData.OpenFormat!
    if (srb.Command === S.SRB_CLOSE_STREAM && ${free}) S.ExFreePool(kept.pVideoInfoHeader)
    return false
  },
`,
    `let format: S.PKSDATAFORMAT
let kept: any`,
  )
}

describe('pool allocations', () => {
  it('serve as the structure copied into them, and freeing them leaves no finding', async () => {
    const { report, rules, driver } = await runDriver(videoInfoCopy(true), [...STOPPED] as never)
    expect(report.bugcheck).toBeNull()
    expect(rules).toEqual([])
    expect(driver.log).toContain('copied 88 bytes, width 320 true')
  })

  it('report a block never freed when the device stops, with its tag and the line that allocated it', async () => {
    const { report, rules } = await runDriver(videoInfoCopy(false), [...STOPPED] as never)
    expect(rules).toEqual(['pool-leak'])
    const f = report.verifier[0]
    expect(f.message).toMatch(/^ExAllocatePoolWithTag\(NonPagedPool, 88, 'Tvih'\) at test\/drivers\/probe.ts:10 in ReceivePacket was never freed before the device was stopped/)
    expect(f.location).toMatchObject({ file: 'test/drivers/probe.ts', line: 10 })
    expect(f.severity).toBe('error')
  })

  it('report a block of DriverEntry at unload only, and nothing while the device still runs', async () => {
    const source = `import * as S from 'strmini'
import { defineDriver, log } from './base'
export { log }
const inner = defineDriver({})
let table: Uint8Array | null = null
export function DriverEntry(DriverObject: unknown, RegistryPath: unknown): number {
  table = S.ExAllocatePool(S.PagedPool, 256)
  return inner(DriverObject, RegistryPath)
}
export const held = () => table
`
    const stopped = await runDriver(source, [...START, { op: 'stop-device' }] as never)
    expect(stopped.rules).toEqual(['pool-leak'])
    expect(stopped.report.verifier[0].message).toMatch(/^ExAllocatePool\(PagedPool, 256, 'None'\) at test\/drivers\/probe.ts:7 in DriverEntry was never freed before the driver was unloaded/)
    const running = await runDriver(source, [...START] as never)
    expect(running.rules).toEqual([])
  })

  it('report double frees, foreign frees, interior pointers, wrong tags and paged pool at DISPATCH_LEVEL', async () => {
    const driver = probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const a = S.ExAllocatePoolWithTag(S.NonPagedPool, 16, 'Ta  ')
      S.ExFreePool(a)
      S.ExFreePool(a)
      S.ExFreePool(srb.HwDeviceExtension)
      const b = S.ExAllocatePoolWithTag(S.NonPagedPool, 16, 'Tb  ')
      S.ExFreePool(b.subarray(4))
      S.ExFreePoolWithTag(b, 'Tc  ')
      // Under synchronization the control routine runs at DISPATCH_LEVEL: no PagedPool here.
      const c = S.ExAllocatePool(S.PagedPool, 8)
      S.ExFreePool(c)
      srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4; srb.Status = S.STATUS_SUCCESS
      completeControl(srb)
      return true
    },`)
    const { report, rules } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }] as never)
    const messages = report.verifier.map((f) => f.message)
    expect(rules).toEqual(['pool-misuse', 'pool-misuse', 'pool-misuse', 'pool-misuse', 'pool-misuse', 'pool-misuse'])
    expect(messages[0]).toMatch(/^ExFreePool: double free of the 'Ta  ' block of 16 bytes allocated at test\/drivers\/probe.ts:7, already freed at test\/drivers\/probe.ts:8/)
    expect(messages[1]).toMatch(/^ExFreePool of memory ExAllocatePool did not return \(an object/)
    expect(messages[2]).toMatch(/^ExFreePool of a pointer 4 bytes into the 'Tb  ' block/)
    expect(messages[3]).toMatch(/^ExFreePoolWithTag with tag 'Tc  ' of a block allocated with tag 'Tb  '/)
    expect(messages[4]).toMatch(/^ExAllocatePool\(PagedPool\) at IRQL 2: PagedPool needs IRQL below DISPATCH_LEVEL/)
    expect(messages[5]).toBe('ExFreePool of a PagedPool block at IRQL 2')
  })

  it('shows a C multi-character tag in memory order, as poolmon does', async () => {
    const driver = probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      S.ExAllocatePoolWithTag(S.NonPagedPool, 4, 0x54636170)
      srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4; srb.Status = S.STATUS_SUCCESS
      completeControl(srb)
      return true
    },`)
    const { report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }, { op: 'close-stream', stream: 0 }, { op: 'stop-device' }] as never)
    expect(report.verifier.map((f) => f.message)).toEqual([expect.stringContaining("ExAllocatePoolWithTag(NonPagedPool, 4, 'pacT')")])
  })
})
