import { describe, expect, it } from 'vitest'
import { probe, runDriver, START } from '../helpers/run.js'

/** Failures in minidriver code end the run with a Windows-style bug check that points at the user's line. */

describe('bug checks', () => {
  it('turns an exception in a packet routine into KMODE_EXCEPTION_NOT_HANDLED at the throwing line', async () => {
    const driver = probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const missing = undefined as any
      return missing.field
    },`)
    const { report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }, { op: 'wait', duration: '1s' }])
    expect(report.bugcheck).toMatchObject({
      code: '0x0000001E',
      name: 'KMODE_EXCEPTION_NOT_HANDLED',
      callback: 'ControlPacket',
      location: { file: 'test/drivers/probe.ts', line: 8 },
    })
    expect(report.bugcheck!.message).toMatch(/TypeError: Cannot read properties of undefined/)
    expect(report.bugcheck!.stack).toMatch(/test\/drivers\/probe\.ts:8:/)
    expect(report.exitCode).toBe(1)
    // The trace up to the failure is kept: the run stopped right there.
    expect(report.traceEvents).toBeGreaterThan(10)
    expect(report.virtualTimeNs).toBeLessThan(1e9)
  })

  it('uses SYSTEM_THREAD_EXCEPTION_NOT_HANDLED for code running at PASSIVE_LEVEL', async () => {
    const driver = probe(`sync: false, control: (srb) => { if (srb.Command === S.SRB_GET_STREAM_STATE) throw new Error('boom'); return false },`)
    const { report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }])
    expect(report.bugcheck).toMatchObject({ name: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED', message: 'exception in ControlPacket: Error: boom' })
  })

  it('reports unbounded recursion as a stack overflow trap', async () => {
    const driver = probe(`control: (srb) => { if (srb.Command !== S.SRB_GET_STREAM_STATE) return false; const f = (n: number): number => f(n + 1) + 1; return f(0) > 0 },`)
    const { report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }])
    expect(report.bugcheck).toMatchObject({ name: 'UNEXPECTED_KERNEL_MODE_TRAP' })
    expect(report.bugcheck!.message).toMatch(/stack overflow in ControlPacket/)
  })

  it('reports a callback that returns a promise', async () => {
    const driver = probe(`open: (stream) => { stream.ReceiveControlPacket = (async (srb) => { srb.Status = 0 }) as any },`)
    const { report } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }])
    expect(report.bugcheck).toMatchObject({ name: 'DRIVER_VERIFIER_DETECTED_VIOLATION' })
    expect(report.bugcheck!.message).toMatch(/returned a Promise/)
  })

  it('stops the run even when the driver swallows the bug check with try/catch', async () => {
    const driver = probe(`control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      try { S.READ_REGISTER_ULONG(0x1234) } catch { log.push('swallowed') }
      log.push('kept going')
      return false
    },`)
    const { report, driver: d } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }])
    expect(report.bugcheck?.name).toBe('PAGE_FAULT_IN_NONPAGED_AREA')
    expect(d.log).toContain('swallowed')
    // The routine ran to its end (JavaScript cannot be stopped mid-statement) but nothing after it ran.
    expect(report.srbs.completed).toBeLessThan(report.srbs.total)
  })

  it('reports an exception thrown while the driver image loads, at its line', async () => {
    const driver = probe('', `const table: number[] = undefined as any\nconst first = table[0]`)
    const { report } = await runDriver(driver, START)
    expect(report.bugcheck).toMatchObject({ name: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED', location: { file: 'test/drivers/probe.ts', line: 5 } })
    expect(report.bugcheck!.message).toMatch(/while loading the driver image/)
  })

  it('fails the load when DriverEntry fails or never registers', async () => {
    const failing = `import * as S from 'strmini'\nexport function DriverEntry() { return S.STATUS_INSUFFICIENT_RESOURCES }\n`
    const { report } = await runDriver(failing, START)
    expect(report.failures).toEqual(['DriverEntry returned STATUS_INSUFFICIENT_RESOURCES: the driver is unloaded'])
    const silent = `export function DriverEntry() { return 0 }\n`
    expect((await runDriver(silent, START)).report.failures).toEqual(['DriverEntry succeeded without calling StreamClassRegisterMinidriver'])
    const none = `export const x = 1\n`
    expect((await runDriver(none, START)).report.failures).toEqual(['the driver module does not export a DriverEntry function'])
  })
})
