import { describe, expect, it } from 'vitest'
import { usText } from '../../../main/host/chromeTrace/chromeTraceExport.js'
import { validateChromeTrace } from '../../../main/host/chromeTrace/chromeTraceValidate.js'
import { compileDriver } from '../../../main/host/compile.js'
import { Session } from '../../../main/host/session.js'
import { buildPreset } from '../../../main/client/scenario/presets.js'
import { exportChromeTrace } from '../../../main/host/chromeTrace/chromeTraceExport.js'
import { testcapCaptureTrace } from '../../helpers/traces.js'

/** Our strict validator catches what the lenient consumers forgive (engineering-notes 1a). */

const named = [
  { ph: 'M', name: 'process_name', pid: 1, tid: 0, args: { name: 'p' } },
  { ph: 'M', name: 'thread_name', pid: 1, tid: 1, args: { name: 't' } },
]

function check(events: object[]): string[] {
  return validateChromeTrace(JSON.stringify({ traceEvents: [...named, ...events] })).errors
}

describe('Chrome trace validator', () => {
  it('accepts our own export of a real run', async () => {
    const result = validateChromeTrace(await testcapCaptureTrace(1e9))
    expect(result.errors).toEqual([])
    expect(result.stats.flows).toBeGreaterThan(10)
    expect(result.stats.asyncSpans).toBeGreaterThan(10)
  })

  it('accepts the VCAP-1 audio capture export: no flow step after the SRB completed, each scenario step once', async () => {
    const r = await compileDriver('examples/vcap1-capture.ts')
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const session = new Session({ driver: r.driver, scenario: buildPreset('audio-capture', { durationNs: 5e8 }), timeLimitNs: 60e9 })
    session.run()
    const text = exportChromeTrace(session.machine.kernel.trace, {})
    expect(validateChromeTrace(text).errors).toEqual([])
    const steps = (JSON.parse(text) as { traceEvents: { ph: string; tid?: number; pid?: number; name: string; ts: number }[] }).traceEvents
    const threadName = steps.find((e) => e.ph === 'M' && e.name === 'thread_name' && (e as { args?: { name?: string } }).args?.name === 'Scenario steps')!
    const slices = steps.filter((e) => e.ph === 'X' && e.pid === threadName.pid && e.tid === threadName.tid).map((e) => `${e.name}@${e.ts}`)
    expect(new Set(slices).size).toBe(slices.length)
  })

  it('rejects X slices that overlap without nesting, and accepts proper nesting and touching', () => {
    const x = (ts: number, dur: number) => ({ ph: 'X', name: 'x', cat: 'c', pid: 1, tid: 1, ts, dur })
    expect(check([x(0, 10), x(2, 3), x(10, 5)])).toEqual([])
    expect(check([x(0, 10), x(5, 10)])[0]).toMatch(/overlaps event .* without nesting/)
  })

  it('rejects unbalanced B/E and async b/e, and async instants outside a span', () => {
    expect(check([{ ph: 'B', name: 'a', pid: 1, tid: 1, ts: 0 }])[0]).toMatch(/never ended/)
    expect(check([{ ph: 'E', name: 'a', pid: 1, tid: 1, ts: 0 }])[0]).toMatch(/without a matching B/)
    const b = { ph: 'b', cat: 'srb', name: 'S', id2: { local: '0x1' }, pid: 1, tid: 1, ts: 0 }
    expect(check([b])[0]).toMatch(/never ended/)
    expect(check([b, { ...b, ph: 'e', ts: 1 }])).toEqual([])
    expect(check([{ ...b, ph: 'n' }])[0]).toMatch(/outside any open span/)
  })

  it('requires flows to run s, t*, f with one (cat, name, id) and to sit exactly on a slice start', () => {
    const x = (ts: number) => ({ ph: 'X', name: 'x', cat: 'mdwb', pid: 1, tid: 1, ts, dur: 1 })
    const flow = (ph: string, ts: number, extra = {}) => ({ ph, cat: 'mdwb', name: 'srb', id: 7, pid: 1, tid: 1, ts, ...extra })
    expect(check([x(0), x(5), flow('s', 0), flow('f', 5, { bp: 'e' })])).toEqual([])
    expect(check([x(0), x(5), flow('f', 0), flow('s', 5)])[0]).toMatch(/expected s, any t, then f/)
    expect(check([x(0), x(5), flow('s', 0), flow('f', 5.5)])[0]).toMatch(/does not coincide with the start of a slice/)
    expect(check([x(0), x(5), flow('s', 0), flow('f', 5, { cat: 'other' })]).join()).toMatch(/flow .* has phases "s"/)
  })

  it('requires numeric counters, names on events, named pids and tids, and sane times', () => {
    expect(check([{ ph: 'C', name: 'c', pid: 1, ts: 0, args: { v: 'high' } }])[0]).toMatch(/must be number/)
    expect(check([{ ph: 'X', pid: 1, tid: 1, ts: 0, dur: 1 }])[0]).toMatch(/must have required property 'name'/)
    expect(check([{ ph: 'X', name: 'x', pid: 2, tid: 9, ts: 0, dur: 1 }])).toEqual([expect.stringMatching(/pid 2 has no process_name/), expect.stringMatching(/thread 2\/9 has no thread_name/)])
    expect(check([{ ph: 'i', name: 'i', pid: 1, tid: 1, ts: -1 }])[0]).toMatch(/ts must be finite and >= 0/)
    expect(check([{ ph: 'Q', name: 'q', pid: 1, ts: 0 }])[0]).toMatch(/unknown phase/)
  })

  it('writes nanosecond times as exact microsecond decimals', () => {
    expect(usText(0)).toBe('0.000')
    expect(usText(1)).toBe('0.001')
    expect(usText(28_400)).toBe('28.400')
    expect(usText(10_000_000_123)).toBe('10000000.123')
  })
})
