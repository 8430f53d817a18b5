import { describe, expect, it } from 'vitest'
import { probe, runDriver, START } from '../helpers/run.js'

/**
 * LIST_ENTRY and CONTAINING_RECORD as a C port uses them (issue 11, item 4), and spin locks taken in a
 * zeroed extension before KeInitializeSpinLock (item 2).
 */

const PAUSED = [...START, { op: 'set-state', stream: 0, state: 'PAUSE' }] as const
const READS = [...PAUSED, { op: 'read', stream: 0, buffers: 3 }, { op: 'wait', duration: '5ms' }, { op: 'set-state', stream: 0, state: 'STOP' }] as const

/**
 * A driver that queues its reads on two lists, as DDK samples do: through the SRB extension (tail:
 * FIFO) and through the IRP's Tail.Overlay.ListEntry (head: LIFO). At the third read it walks both
 * lists back to their SRBs with CONTAINING_RECORD and completes everything.
 */
const QUEUEING = probe(
  `
  initData: { PerRequestExtensionSize: 32 },
  open: (stream) => {
    const x = stream.HwStreamExtension
    S.InitializeListHead(x.Pending = {} as S.LIST_ENTRY)
    S.InitializeListHead(x.ByIrp = {} as S.LIST_ENTRY)
    log.push('empty ' + S.IsListEmpty(x.Pending))
  },
  data: (srb) => {
    if (srb.Command !== S.SRB_READ_DATA) return false
    const stream = srb.StreamObject!
    const x = stream.HwStreamExtension
    arrived.push(srb)
    const se = srb.SRBExtension
    se.pSrb = srb
    se.ListEntry = {} as S.LIST_ENTRY
    S.InsertTailList(x.Pending, se.ListEntry)
    srb.Irp!.Tail.Overlay.DriverContext[0] = srb
    S.InsertHeadList(x.ByIrp, srb.Irp!.Tail.Overlay.ListEntry)
    if (arrived.length === 3) {
      const order = (head: S.LIST_ENTRY, back: (e: S.LIST_ENTRY) => unknown) => {
        const out: number[] = []
        for (let e = head.Flink; e !== head; e = e.Flink) out.push(arrived.indexOf(back(e) as never))
        return out.join(',')
      }
      log.push('pending ' + order(x.Pending, (e) => S.CONTAINING_RECORD<{ pSrb: unknown }>(e, 'SRB_EXTENSION', 'ListEntry').pSrb))
      log.push('byIrp ' + order(x.ByIrp, (e) => S.CONTAINING_RECORD<S.IRP>(e, 'IRP', 'Tail.Overlay.ListEntry').Tail.Overlay.DriverContext[0]))
      const last = S.RemoveTailList(x.Pending)
      log.push('tail ' + arrived.indexOf(S.CONTAINING_RECORD(last, 'ListEntry').pSrb))
      log.push('middle emptied ' + S.RemoveEntryList(arrived[1].SRBExtension.ListEntry))
      const first = S.RemoveHeadList(x.Pending)
      log.push('head ' + arrived.indexOf(S.CONTAINING_RECORD(first, 'ListEntry').pSrb) + ' empty ' + S.IsListEmpty(x.Pending) + ' ' + (S.RemoveHeadList(x.Pending) === x.Pending))
      while (!S.IsListEmpty(x.ByIrp)) {
        const irp = S.CONTAINING_RECORD<S.IRP>(S.RemoveHeadList(x.ByIrp), 'IRP', 'Tail.Overlay.ListEntry')
        const done = irp.Tail.Overlay.DriverContext[0] as S.HW_STREAM_REQUEST_BLOCK
        done.Status = S.STATUS_SUCCESS
        done.CommandData.DataBufferArray![0].DataUsed = 0
        S.StreamClassStreamNotification(S.StreamRequestComplete, done.StreamObject!, done)
      }
    }
    if (synchronized()) S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, stream)
    return true
  },
`,
  `import { synchronized } from './base'
const arrived: S.HW_STREAM_REQUEST_BLOCK[] = []`,
)

describe('LIST_ENTRY and CONTAINING_RECORD', () => {
  it('keep FIFO and LIFO order and give back the SRB through the SRB extension and the IRP', async () => {
    const { report, driver, rules } = await runDriver(QUEUEING, [...READS] as never)
    expect(report.bugcheck).toBeNull()
    expect(rules).toEqual([])
    expect(driver.log.filter((l: string) => !l.includes(':'))).toEqual([
      'empty true',
      'pending 0,1,2',
      'byIrp 2,1,0',
      'tail 2',
      'middle emptied false',
      'head 0 empty true true',
    ])
  })

  it('bug-check on a list head never initialised and on an entry removed twice, naming the list routine', async () => {
    const uninitialised = probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      S.InsertTailList(srb.HwDeviceExtension.Queue = {} as S.LIST_ENTRY, {} as S.LIST_ENTRY)
      return true
    },`)
    const a = await runDriver(uninitialised, [...START, { op: 'get-state', stream: 0 }] as never)
    expect(a.report.bugcheck?.message).toMatch(/InsertTailList: the list head was never initialised/)
    expect(a.report.bugcheck?.location?.line).toBe(7)

    const twice = probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const head = {} as S.LIST_ENTRY, e = {} as S.LIST_ENTRY, f = {} as S.LIST_ENTRY
      S.InitializeListHead(head); S.InsertTailList(head, e); S.InsertTailList(head, f)
      S.RemoveEntryList(e); S.RemoveEntryList(f); S.InsertTailList(head, f)
      S.RemoveEntryList(e)
      return true
    },`)
    const b = await runDriver(twice, [...START, { op: 'get-state', stream: 0 }] as never)
    expect(b.report.bugcheck?.message).toMatch(/RemoveEntryList: .*corrupt.*0x139 KERNEL_SECURITY_CHECK_FAILURE/)
  })

  it('says where CONTAINING_RECORD looks when the structure is not in the driver memory', async () => {
    const driver = probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      S.CONTAINING_RECORD(outside.Link, 'OUTSIDE', 'Link')
      return true
    },`, `const outside = { Link: {} as S.LIST_ENTRY }`)
    const { report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }] as never)
    expect(report.bugcheck?.message).toMatch(/CONTAINING_RECORD\(OUTSIDE, Link\): no structure of the driver's memory/)
  })

  it('finds a structure the extension references, and a pool block holding the entry', async () => {
    const driver = probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const ext = srb.HwDeviceExtension
      ext.Items = [{ Name: 'a', Link: {} as S.LIST_ENTRY }, { Name: 'b', Link: {} as S.LIST_ENTRY }]
      const block = S.ExAllocatePoolWithTag(S.NonPagedPool, 64, 'Tlst')
      block.Link = {} as S.LIST_ENTRY
      block.Name = 'pool'
      log.push(S.CONTAINING_RECORD(ext.Items[1].Link, 'ITEM', 'Link').Name + ' ' + S.CONTAINING_RECORD(block.Link, 'Link').Name)
      S.ExFreePool(block)
      srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4; srb.Status = S.STATUS_SUCCESS
      completeControl(srb)
      return true
    },`)
    const { report, driver: d } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }] as never)
    expect(report.bugcheck).toBeNull()
    expect(d.log).toContain('b pool')
  })
})

describe('spin locks in a zeroed extension', () => {
  /** A lock of the device extension, created zeroed and taken before KeInitializeSpinLock ever runs. */
  const zeroed = (lock: string) =>
    probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const ext = srb.HwDeviceExtension
      ${lock}
      const old = { value: 0 }
      S.KeAcquireSpinLock(ext.Lock, old)
      log.push('held at ' + S.KeGetCurrentIrql())
      S.KeReleaseSpinLock(ext.Lock, old.value)
      S.KeAcquireSpinLock(ext.Lock, old)
      S.KeReleaseSpinLock(ext.Lock, old.value)
      srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4; srb.Status = S.STATUS_SUCCESS
      completeControl(srb)
      return true
    },`)

  it('takes and releases a zeroed KSPIN_LOCK that KeInitializeSpinLock never saw', async () => {
    const { report, driver } = await runDriver(zeroed('ext.Lock ??= {}'), [...START, { op: 'get-state', stream: 0 }] as never)
    expect(report.bugcheck).toBeNull()
    expect(driver.log).toContain('held at 2')
  })

  it('still bug-checks on what no KeInitializeSpinLock could have produced', async () => {
    const missing = await runDriver(zeroed(''), [...START, { op: 'get-state', stream: 0 }] as never)
    expect(missing.report.bugcheck?.message).toMatch(/KeAcquireSpinLock: SpinLock is undefined, not a KSPIN_LOCK object/)
    const structure = await runDriver(zeroed('ext.Lock = { Count: 3 }'), [...START, { op: 'get-state', stream: 0 }] as never)
    expect(structure.report.bugcheck?.message).toMatch(/the spin lock is garbage: an object with fields \(Count\)/)
  })
})
