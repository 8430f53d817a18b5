import { describe, expect, it } from 'vitest'
import { typingFiles } from '../../main/host/backend/typings.js'
import { probe, runDriver, START } from '../helpers/run.js'

/**
 * KeAcquireSpinLockAtDpcLevel / KeReleaseSpinLockFromDpcLevel (docs/classdriver.md#kernel-services): the
 * lock without an IRQL change, for code already at DISPATCH_LEVEL or above. Below it (a request routine
 * at PASSIVE_LEVEL with synchronization off) is an irql-violation; the lock states and bug checks are
 * those of KeAcquireSpinLock.
 */

/** A control routine that runs `body` for GET_STREAM_STATE (srb, stream, ext are in scope). */
function getState(body: string, hooks = ''): string {
  return probe(`${hooks}
    control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const stream = srb.StreamObject, ext = srb.HwDeviceExtension
      srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4
      ${body}
      srb.Status = S.STATUS_SUCCESS; completeControl(srb)
      return true
    },`)
}

const GET = [...START, { op: 'get-state', stream: 0 }, { op: 'wait', duration: '10ms' }] as const

describe('KeAcquireSpinLockAtDpcLevel', () => {
  it('takes a lock at DISPATCH_LEVEL without changing the IRQL, in a timer routine with sync off', async () => {
    const body = `
      ext.Lock = {}
      S.StreamClassScheduleTimer(stream, ext, 100, () => {
        log.push('timer@' + S.KeGetCurrentIrql())
        S.KeAcquireSpinLockAtDpcLevel(ext.Lock)
        log.push('held@' + S.KeGetCurrentIrql())
        S.KeReleaseSpinLockFromDpcLevel(ext.Lock)
        log.push('released@' + S.KeGetCurrentIrql())
        // Free again: KeAcquireSpinLock takes it, raising nothing from DISPATCH_LEVEL.
        const old = { value: -1 }
        S.KeAcquireSpinLock(ext.Lock, old)
        S.KeReleaseSpinLock(ext.Lock, old.value)
      }, null)`
    const { driver: d, rules, report } = await runDriver(getState(body, 'sync: false,'), [...GET] as never)
    expect(d.log).toEqual(expect.arrayContaining(['timer@2', 'held@2', 'released@2']))
    expect(rules).toEqual([])
    expect(report.bugcheck).toBeNull()
  })

  it('works inside a KeAcquireSpinLock section (nested locks, the second at DPC level)', async () => {
    const body = `
      ext.Outer = {}; ext.Inner = {}
      S.KeInitializeSpinLock(ext.Outer)
      const old = { value: -1 }
      S.KeAcquireSpinLock(ext.Outer, old)
      S.KeAcquireSpinLockAtDpcLevel(ext.Inner)
      log.push('both@' + S.KeGetCurrentIrql())
      S.KeReleaseSpinLockFromDpcLevel(ext.Inner)
      S.KeReleaseSpinLock(ext.Outer, old.value)
      log.push('after@' + S.KeGetCurrentIrql() + ' old ' + old.value)`
    const { driver: d, rules } = await runDriver(getState(body, 'sync: false,'), [...GET] as never)
    expect(d.log).toEqual(expect.arrayContaining(['both@2', 'after@0 old 0']))
    expect(rules).toEqual([])
  })

  it('is an irql-violation below DISPATCH_LEVEL: a PASSIVE_LEVEL request routine with sync off', async () => {
    const body = `ext.Lock = {}; S.KeAcquireSpinLockAtDpcLevel(ext.Lock); log.push('at ' + S.KeGetCurrentIrql()); S.KeReleaseSpinLockFromDpcLevel(ext.Lock)`
    const { driver: d, rules, report } = await runDriver(getState(body, 'sync: false,'), [...GET] as never)
    expect(d.log).toContain('at 0')
    expect(rules).toEqual(['irql-violation', 'irql-violation'])
    expect(report.verifier[0].message).toMatch(/KeAcquireSpinLockAtDpcLevel called at IRQL 0 \(below DISPATCH_LEVEL\).*use KeAcquireSpinLock/)
    expect(report.verifier[1].message).toMatch(/KeReleaseSpinLockFromDpcLevel called at IRQL 0/)
    expect(report.verifier[0].location?.line).toBeGreaterThan(0)
  })

  it('is allowed at the synchronized level (DIRQL with an ISR), unlike KeAcquireSpinLock', async () => {
    const body = `ext.Lock = {}; S.KeAcquireSpinLockAtDpcLevel(ext.Lock); log.push('held@' + S.KeGetCurrentIrql()); S.KeReleaseSpinLockFromDpcLevel(ext.Lock)`
    const { driver: d, rules } = await runDriver(getState(body, 'isr: () => false,'), [...GET] as never, { card: 'stub' })
    expect(d.log).toContain('held@5')
    expect(rules).toEqual([])
  })

  it('bug-checks 0x0F on a lock already held and 0x10 on releasing a free one, as KeAcquireSpinLock does', async () => {
    const twice = await runDriver(getState(`ext.Lock = {}; S.KeAcquireSpinLockAtDpcLevel(ext.Lock); S.KeAcquireSpinLockAtDpcLevel(ext.Lock)`), [...GET] as never)
    expect(twice.report.bugcheck?.code).toBe('0x0000000F')
    expect(twice.report.bugcheck?.message).toMatch(/KeAcquireSpinLockAtDpcLevel on a spin lock/)
    const free = await runDriver(getState(`ext.Lock = {}; S.KeReleaseSpinLockFromDpcLevel(ext.Lock)`), [...GET] as never)
    expect(free.report.bugcheck?.code).toBe('0x00000010')
  })

  it('refuses a garbage lock like the other spin lock services', async () => {
    const { report } = await runDriver(getState(`S.KeAcquireSpinLockAtDpcLevel(srb)`), [...GET] as never)
    expect(report.bugcheck?.message).toMatch(/KeAcquireSpinLockAtDpcLevel: the spin lock is garbage/)
  })

  it('has hover documentation in the editor typings, and the DIRQL advice names a service that exists', async () => {
    const strmini = (await typingFiles()).find((t) => t.uri.endsWith('strmini/classdriver/strmini.d.ts'))!.content
    for (const name of ['KeAcquireSpinLockAtDpcLevel', 'KeReleaseSpinLockFromDpcLevel']) expect(strmini).toMatch(new RegExp(`\\*/\\s*\\nexport declare function ${name}\\(SpinLock: KSPIN_LOCK\\): void`))
    const atDirql = await runDriver(getState(`const lock = {}; const old = { value: 0 }; S.KeAcquireSpinLock(lock, old); S.KeReleaseSpinLock(lock, old.value)`, 'isr: () => false,'), [...GET] as never, { card: 'stub' })
    expect(atDirql.rules).toEqual(['irql-violation'])
    expect(atDirql.report.verifier[0].message).toContain('KeAcquireSpinLockAtDpcLevel')
    expect(strmini).toContain('function KeAcquireSpinLockAtDpcLevel')
  })
})
