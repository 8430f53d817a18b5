import { afterAll, describe, expect, it } from 'vitest'
import type { Step } from '../../main/client/scenario/schema.js'
import { reportProblems } from '../../main/host/backend/problemsOfRun.js'
import { formatSummary } from '../../main/host/reportBuilder.js'
import { Sandbox } from '../../main/host/sandbox/sandbox.js'
import { EventKind } from '../../main/sim/trace/recorder.js'
import { probe, runDriver, START } from '../helpers/run.js'
import { runHostile, stubcapStillPasses } from './hostileHelpers.js'

/**
 * Issue 9 / issue 12 item 3: a driver that completes each read twice made 795,852 findings in 50 s,
 * then a MEMORY_MANAGEMENT bug check blamed on its line although the verifier's own list used the
 * memory. Now the same rule at the same place is one finding with a count, the trace gets its 1st,
 * 2nd, 4th, 8th... occurrence, and past `maxFindings` (default 10,000) the run stops with 0xC4.
 */

/** Completes every read twice, at once: the client keeps reading, so the flood never ends. */
const TWICE = probe(`data: (srb) => {
    if (srb.Command !== S.SRB_READ_DATA) return false
    srb.Status = S.STATUS_SUCCESS
    srb.CommandData.DataBufferArray![0].DataUsed = 0
    S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject!, srb)
    S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject!, srb)
    S.StreamClassStreamNotification(S.ReadyForNextStreamDataRequest, srb.StreamObject!)
    return true
  },`)
const SECOND_LINE = TWICE.split('\n').findIndex((l, i, all) => l.includes('StreamRequestComplete') && all[i - 1].includes('StreamRequestComplete')) + 1
const FLOOD: Step[] = [...START, { op: 'set-state', stream: 0, state: 'PAUSE' }, { op: 'set-state', stream: 0, state: 'RUN' }, { op: 'read', stream: 0, buffers: 4, continuous: true }, { op: 'wait', duration: '1s' }]

const sandbox = new Sandbox({ heapMb: 128, loopBudgetMs: 1000 })
afterAll(() => sandbox.close())

describe('the same finding at the same place is reported once, with a count', () => {
  it('lists one double-completion with its count, counts all of them, and thins the trace to powers of two', async () => {
    // A limit well above what this test looks at: the flood is counted, then stopped.
    const { report, session } = await runDriver(TWICE, FLOOD, { name: 'hostile', settings: { maxFindings: 3000 } })
    expect(report.bugcheck?.name).toBe('DRIVER_VERIFIER_DETECTED_VIOLATION')
    const doubles = report.verifier.filter((f) => f.rule === 'double-completion')
    expect(doubles).toHaveLength(1)
    const n = report.findingCounts['double-completion']
    expect(n).toBeGreaterThan(1000)
    expect(report.verifier.length).toBeLessThan(10)
    expect(doubles[0].count).toBe(n)
    expect(doubles[0].location).toMatchObject({ file: 'test/drivers/hostile.ts', line: SECOND_LINE })
    expect(report.verifierErrors).toBeGreaterThanOrEqual(n)
    // The verifier track: the 1st, 2nd, 4th, ... occurrence, each with the count so far.
    const trace = session.machine.kernel.trace
    const track = trace.tracks.findIndex((t) => t.name === 'Verifier')
    const c = trace.columns()
    const counts: number[] = []
    for (let i = 0; i < trace.count; i++) {
      if (c.track[i] !== track || c.kind[i] !== EventKind.Instant) continue
      const d = trace.detailOf(i) as { rule: string; count?: number }
      if (d.rule === 'double-completion') counts.push(d.count ?? 1)
    }
    const powers: number[] = []
    for (let p = 1; p <= n; p *= 2) powers.push(p)
    expect(counts).toEqual(powers)
    // The text report and the problems panel show the count.
    expect(formatSummary(report)).toMatch(new RegExp(`double-completion: .*\\(${n} times\\)`))
    const problem = reportProblems(report, null, false).find((p) => p.code === 'double-completion')
    expect(problem?.count).toBe(n)
  })
})

describe('a flood of findings stops the run with DRIVER_VERIFIER_DETECTED_VIOLATION', () => {
  it('past maxFindings (default 10,000), naming the rule, the line and the callback; the host lives on', async () => {
    const report = await runHostile(sandbox, TWICE, FLOOD, { timeLimitNs: 60e9 })
    expect(report.bugcheck, report.failures.join('; ')).toMatchObject({
      name: 'DRIVER_VERIFIER_DETECTED_VIOLATION',
      code: '0x000000C4',
      callback: 'DataPacket',
      location: { file: 'test/drivers/hostile.ts', line: SECOND_LINE },
    })
    expect(report.bugcheck!.message).toMatch(/findings flood \(parameter 1: FINDINGS_LIMIT, maxFindings = 10000\): 10001 findings, \d+ of them [a-z-]+ at test\/drivers\/hostile\.ts:\d+/)
    expect(Object.values(report.findingCounts).reduce((a, b) => a + b, 0)).toBe(10_001)
    expect(report.verifier.length).toBeLessThan(20)
    expect(report.exitCode).toBe(1)
    await stubcapStillPasses(sandbox)
  })

  it('at the limit a scenario sets', async () => {
    const { report } = await runDriver(TWICE, FLOOD, { name: 'hostile', settings: { maxFindings: 100 } })
    expect(report.bugcheck?.name).toBe('DRIVER_VERIFIER_DETECTED_VIOLATION')
    expect(report.bugcheck?.message).toMatch(/maxFindings = 100\): 101 findings/)
  })

})
