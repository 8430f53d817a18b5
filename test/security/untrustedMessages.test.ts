import { afterAll, describe, expect, it, vi } from 'vitest'
import type { Scenario } from '../../main/client/scenario/schema.js'
import { newTraceColumns } from '../../main/contract/trace.js'
import { formatSummary, type RunReport } from '../../main/host/reportBuilder.js'
import { checkWorkerMessage, MalformedMessage, parseReport } from '../../main/host/sandbox/messageCheck.js'
import { Sandbox } from '../../main/host/sandbox/sandbox.js'
import { compile, probe, START } from '../helpers/run.js'
import { runHostile, stubcapStillPasses } from './hostileHelpers.js'

/**
 * Issue 9, the host crash: a driver that replaced JSON.stringify (or added Object.prototype.toJSON)
 * made the worker send a trace delta whose details were '{}', and the host died of "TypeError:
 * details is not iterable" in Sandbox.onMessage. Every message from a worker is now untrusted input:
 * checked for shape and size before use; a bad one ends the run with a report that says so (fail,
 * exit 1) and retires the worker, and the host goes on.
 */

const sandbox = new Sandbox({ heapMb: 64, loopBudgetMs: 300, backstopMs: 2000 })
afterAll(() => sandbox.close())

interface Internals {
  current: { id: number; worker: unknown; trace: { count: number } } | null
  receive(worker: unknown, m: unknown): void
}

/** Starts a paused healthy run, delivers `forged` to the host as if its worker had sent it, and returns how the run ended. */
async function forge(forged: (id: number, traceCount: number) => unknown): Promise<RunReport> {
  const driver = await compile(probe(''), 'healthy')
  const scenario: Scenario = { name: 'forged', device: { card: 'none' }, steps: START as Scenario['steps'] }
  const run = sandbox.run({ driver, scenario, timeLimitNs: 1e9, paused: true })
  const host = sandbox as unknown as Internals
  await vi.waitFor(() => expect(host.current?.worker).toBeTruthy())
  const state = host.current!
  // Delivered the way the worker's 'message' event delivers; nothing may throw out of it.
  expect(() => host.receive(state.worker, forged(state.id, state.trace.count))).not.toThrow()
  const { report } = await run.result
  expect(formatSummary(report)).toMatch(/^FAIL /)
  return report
}

const delta = (from: number, over: Record<string, unknown> = {}) => ({ from, rows: newTraceColumns(0), strings: [], details: '[]', schema: null, ...over })
const rows1 = (patch: (c: ReturnType<typeof newTraceColumns>) => void) => {
  const c = newTraceColumns(1)
  c.kind[0] = 2
  c.detail[0] = -1
  patch(c)
  return c
}

const FORGED: Record<string, (id: number, n: number) => unknown> = {
  "a trace delta whose details are '{}' (JSON.stringify replaced: the crash of issue 9)": (id, n) => ({ type: 'trace', id, delta: delta(n, { details: '{}' }) }),
  "a trace delta whose schema is '{}'": (id, n) => ({ type: 'trace', id, delta: delta(n, { schema: '{}' }) }),
  'a trace delta whose details are not JSON': (id, n) => ({ type: 'trace', id, delta: delta(n, { details: '[{' }) }),
  'a trace delta with a column of the wrong type': (id, n) => ({ type: 'trace', id, delta: delta(n, { rows: { ...newTraceColumns(1), ts: [0] } }) }),
  'a trace delta with columns of different lengths': (id, n) => ({ type: 'trace', id, delta: delta(n, { rows: { ...newTraceColumns(2), ts: new Float64Array(3) } }) }),
  'a trace delta whose row names a string that does not exist': (id, n) => ({ type: 'trace', id, delta: delta(n, { rows: rows1((c) => (c.name[0] = 1e6)) }) }),
  'a trace delta whose row points at a detail that does not exist': (id, n) => ({ type: 'trace', id, delta: delta(n, { rows: rows1((c) => (c.detail[0] = 7)) }) }),
  'a trace delta out of order': (id, n) => ({ type: 'trace', id, delta: delta(n + 5) }),
  'a trace delta whose strings are not strings': (id, n) => ({ type: 'trace', id, delta: delta(n, { strings: [{ toString: 1 }] }) }),
  "a status report '{}'": (id) => ({ type: 'status', id, status: '{}', virtualTimeNs: 0 }),
  "a final report '{}' (which the summary could not print)": (id) => ({ type: 'done', id, report: '{}', cutShort: null, callback: null }),
  'a final report past the size cap': (id) => ({ type: 'done', id, report: `"${'x'.repeat(33 * 1024 * 1024)}"`, cutShort: null, callback: null }),
  'a final report whose finding count is a string': (id) => ({ type: 'done', id, report: JSON.stringify({ ...emptyReport(), verifier: [{ rule: 'x', severity: 'error', message: 'm', timeNs: 0, count: 'many' }] }), cutShort: null, callback: null }),
  'a message of an unknown type': (id) => ({ type: 'verdict', id, result: 'pass' }),
  'a message that is not an object': () => null,
  'a message without an id': () => ({ type: 'status', status: '{}', virtualTimeNs: 0 }),
  'a callback name past the size cap': (id) => ({ type: 'name', id, nameId: 0, name: 'n'.repeat(5000) }),
  'a callback name with a negative id': (id) => ({ type: 'name', id, nameId: -1, name: 'x' }),
  'a crash record too small to hold one': (id) => ({ type: 'crash', id, buffer: new SharedArrayBuffer(4) }),
  'previews that are not a list': (id) => ({ type: 'taps', id, frames: 'x', audio: [] }),
  'an inspector answer with no bytes': (id) => ({ type: 'inspected', id, call: 99, result: { what: 'memory', timeNs: 0, memory: { bytes: 'x' } } }),
  'a failure reason that is not a string': (id) => ({ type: 'failed', id, reason: { toString: () => 'x' } }),
}

describe('a malformed message from the worker ends the run with a clear report, and the host lives on', () => {
  for (const [name, forged] of Object.entries(FORGED)) {
    it(name, async () => {
      const report = await forge(forged)
      expect(report.result).toBe('fail')
      expect(report.exitCode).toBe(1)
      expect(report.failures.some((f) => /^the sandbox sent a malformed message \(.+\); the run was stopped and its worker terminated$/.test(f)), report.failures.join('; ')).toBe(true)
      await stubcapStillPasses(sandbox)
    })
  }
})

describe('an inspector waiting on a worker that answers it with garbage', () => {
  it('gets "none" with the reason, not an answer that never comes', async () => {
    const driver = await compile(probe(''), 'healthy')
    const scenario: Scenario = { name: 'forged', device: { card: 'none' }, steps: START as Scenario['steps'] }
    const run = sandbox.run({ driver, scenario, timeLimitNs: 1e9, paused: true })
    const host = sandbox as unknown as Internals & { calls: { next: number } }
    await vi.waitFor(() => expect(host.current?.worker).toBeTruthy())
    const state = host.current!
    const asked = run.inspect({ what: 'registers' } as never)
    await vi.waitFor(() => expect(host.calls.next).toBeGreaterThan(1))
    host.receive(state.worker, { type: 'inspected', id: state.id, call: host.calls.next - 1, result: { what: 'memory', timeNs: 0, memory: { bytes: 'x' } } })
    const answer = await Promise.race([asked, new Promise((resolve) => setTimeout(() => resolve('no answer within 5 s'), 5000))])
    expect(answer).toMatchObject({ what: 'none' })
    await run.result
    await stubcapStillPasses(sandbox)
  })
})

const INTRINSICS = probe(`control: (srb) => {
    if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
    const tries = [
      () => { (JSON as any).stringify = () => '{}' },
      () => { (Object.prototype as any).toJSON = () => 'forged' },
      () => { (Array.prototype as any).slice = () => ({ length: 1e9 }) },
      () => { (Array.prototype as any).push = () => 0 },
      () => { (Object as any).keys = () => ['forged'] },
    ]
    for (const t of tries) { try { t() } catch { /* frozen intrinsics refuse it */ } }
    return false
  },`)

describe('a driver that replaces the intrinsics the simulation shares with it', () => {
  it('cannot crash the host, and the verdict stays an honest one', async () => {
    const report = await runHostile(sandbox, INTRINSICS)
    // Frozen intrinsics refuse the changes and the run passes; without them the host refuses what the worker sends.
    if (report.result === 'pass') expect(report.failures).toEqual([])
    else expect(report.failures.join('; ')).toMatch(/malformed message|bug check|simulation failed/)
    await stubcapStillPasses(sandbox)
  })
})

describe('checkWorkerMessage and parseReport', () => {
  it('accept what an honest worker sends and refuse the rest, without throwing', () => {
    expect(checkWorkerMessage({ type: 'status', id: 1, status: '{}', virtualTimeNs: 0 })).toBeNull()
    expect(checkWorkerMessage({ type: 'toString', id: 1 })).toMatch(/unknown message type/)
    expect(checkWorkerMessage({ type: '__proto__', id: 1 })).toMatch(/unknown message type/)
    expect(checkWorkerMessage(new Proxy({}, {}))).toMatch(/no type/)
    expect(() => parseReport('{}')).toThrow(MalformedMessage)
    expect(() => parseReport(JSON.stringify(emptyReport()))).not.toThrow()
  })
})

function emptyReport(): RunReport {
  return {
    driver: 'd', scenario: 's', seed: 1, card: 'none', synchronization: null, virtualTimeNs: 0, wallTimeMs: 0, result: 'pass', exitCode: 0, failures: [],
    run: { completed: true, step: null, reason: null }, frames: { delivered: 0, dropped: 0, torn: 0, stale: 0 }, audio: { buffers: 0, bytes: 0 },
    srbs: { total: 0, byCommand: {}, completed: 0, cancelled: 0, timedOut: 0, outstanding: 0 }, interrupts: { raised: 0, claimed: 0, spurious: 0 },
    verifier: [], findingCounts: {}, verifierErrors: 0, bugcheck: null, expectations: [], debugOutput: [], traceEvents: 0,
  } as RunReport
}
