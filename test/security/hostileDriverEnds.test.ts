import { afterAll, describe, expect, it } from 'vitest'
import { Sandbox } from '../../main/host/sandbox/sandbox.js'
import { probe, START } from '../helpers/run.js'
import { runHostile, stubcapStillPasses } from './hostileHelpers.js'

/**
 * Issue 9, unclear ends: whatever a driver throws, or leaves in its data for the class driver to read
 * (a getter, a Proxy), the run ends in a bug check that names the callback and the driver's line
 * where there is one, and says what was thrown without running any of it. Before: "the simulation
 * failed: Error: p", no callback, no line.
 */

const sandbox = new Sandbox({ heapMb: 64, loopBudgetMs: 300, backstopMs: 2000 })
afterAll(() => sandbox.close())

/** A Proxy every trap of which throws (its handler is itself such a Proxy). */
const EVIL = `new Proxy({}, new Proxy({}, { get() { throw new Error('p') } }))`
const inControl = (body: string): string => probe(`control: (srb) => { if (srb.Command === S.SRB_GET_STREAM_STATE) { ${body} } return false },`)

const RETURNED = probe(`open: (stream) => { stream.ReceiveControlPacket = function StreamControl(srb: any) { void srb; return ${EVIL} } as any },`)

const THROWN: { name: string; body: string; message: RegExp }[] = [
  { name: 'throw null', body: 'throw null', message: /exception in ControlPacket: threw null/ },
  { name: 'throw undefined', body: 'throw undefined', message: /exception in ControlPacket: threw undefined/ },
  { name: 'throw Symbol()', body: `throw Symbol('p')`, message: /exception in ControlPacket: threw a Symbol\(p\)/ },
  { name: 'throw a string', body: `throw 'bad\\nthing'`, message: /exception in ControlPacket: threw the string "bad\\nthing"/ },
  { name: 'throw a Proxy whose every trap throws', body: `throw ${EVIL}`, message: /exception in ControlPacket: threw an object whose properties cannot be read/ },
  {
    name: 'throw an Error whose message getter loops',
    body: `const e = new Error('x'); Object.defineProperty(e, 'message', { get() { for (;;) {} } }); throw e`,
    message: /exception in ControlPacket: Error: \(a message that cannot be read safely\)/,
  },
  { name: 'throw an object with a lying toString', body: `throw { toString() { throw new Error('no') } }`, message: /exception in ControlPacket: threw an object that is not an Error/ },
]

describe('a driver that throws something odd: a bug check naming the callback and a line', () => {
  for (const t of THROWN) {
    it(t.name, async () => {
      const report = await runHostile(sandbox, inControl(t.body))
      expect(report.bugcheck, report.failures.join('; ')).not.toBeNull()
      expect(['KMODE_EXCEPTION_NOT_HANDLED', 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED']).toContain(report.bugcheck!.name)
      expect(report.bugcheck!.message).toMatch(t.message)
      expect(report.bugcheck!.callback).toBe('ControlPacket')
      // A line of the driver: where it threw, or (no stack: null, a Symbol) the callback's own definition.
      expect(report.bugcheck!.location?.file).toMatch(/^test\/drivers\/(hostile|base)\.ts$/)
      expect(report.failures.some((f) => /simulation failed/.test(f))).toBe(false)
      expect(report.exitCode).toBe(1)
      await stubcapStillPasses(sandbox)
    })
  }
})

const INFO: { name: string; hook: string; message: RegExp; line: boolean }[] = [
  {
    name: 'a getter in HW_STREAM_INFORMATION that throws',
    hook: `streamInfo: (info: any) => { Object.defineProperty(info, 'NumberOfPossibleInstances', { get() { throw new Error('p') } }) },`,
    message: /Error: p/,
    line: true,
  },
  {
    name: 'a StreamFormatsArray getter that throws when it is read',
    hook: `streamInfo: (info: any) => { Object.defineProperty(info, 'StreamFormatsArray', { get() { throw new Error('p') } }) },`,
    message: /exception in the class driver after ReceivePacket returned.*Error: p/,
    line: true,
  },
  {
    name: 'a StreamFormatsArray Proxy whose traps throw null',
    hook: `streamInfo: (info: any) => { let n = 0; const a = info.StreamFormatsArray; info.StreamFormatsArray = new Proxy(a, { get(t, k) { if (++n > 3) throw null; return (t as any)[k] } }) },`,
    message: /exception in the class driver after ReceivePacket returned.*threw null/,
    line: false,
  },
  {
    name: 'a stream info that is a Proxy whose every trap throws',
    hook: `streamInfo: (info: any) => { (info as any).StreamFormatsArray = ${EVIL} },`,
    message: /threw an object whose properties cannot be read|Error: p/,
    line: false,
  },
]

it('a callback that returns a Proxy whose every trap throws (asked whether it is a Promise)', async () => {
  const report = await runHostile(sandbox, RETURNED)
  expect(report.bugcheck, report.failures.join('; ')).toMatchObject({ callback: 'StreamControl', location: { file: 'test/drivers/hostile.ts' } })
  expect(report.bugcheck!.message).toMatch(/exception in StreamControl: (Error: p|threw an object whose properties cannot be read)/)
  await stubcapStillPasses(sandbox)
})

describe('a driver whose stream information throws when read: a bug check, not a failed simulation', () => {
  for (const t of INFO) {
    it(t.name, async () => {
      const report = await runHostile(sandbox, probe(t.hook), START)
      expect(report.bugcheck, report.failures.join('; ')).not.toBeNull()
      expect(report.bugcheck!.name).toBe('KMODE_EXCEPTION_NOT_HANDLED')
      expect(report.bugcheck!.message).toMatch(t.message)
      expect(report.bugcheck!.callback).toBe('ReceivePacket')
      if (t.line) expect(report.bugcheck!.location).toMatchObject({ file: 'test/drivers/hostile.ts', line: 5 })
      expect(report.failures.some((f) => /simulation failed/.test(f))).toBe(false)
      await stubcapStillPasses(sandbox)
    })
  }
})
