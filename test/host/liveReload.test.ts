import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { buildPreset } from '../../main/client/scenario/presets.js'
import type { Scenario } from '../../main/client/scenario/schema.js'
import { compileDriverSource, type CompiledDriver } from '../../main/host/compile.js'
import type { RunReport } from '../../main/host/reportBuilder.js'
import { Sandbox } from '../../main/host/sandbox/sandbox.js'
import { Session } from '../../main/host/session.js'
import { diffRuns, formatDiff } from '../../main/host/traceDiff.js'

/**
 * Live reload (issue 4): a hot swap fixes a running driver without restarting its stream; a replay
 * reruns the scenario with the new code and says where the two runs first differ.
 */

const STUBCAP = readFileSync('examples/stubcap.ts', 'utf8')
const GOOD_LINE = 'if ((pending & STUB_INT_TIMER) !== 0 && strm !== null && strm.State === KSSTATE_RUN) {'
/** stubcap with an ISR bug: the frame condition is inverted, so no read ever gets a frame. */
const BUGGY = STUBCAP.replace(GOOD_LINE, 'if ((pending & STUB_INT_TIMER) === 0 && strm !== null && strm.State === KSSTATE_RUN) {')

async function compiled(source: string): Promise<CompiledDriver> {
  const r = await compileDriverSource(source, 'examples/stubcap.ts')
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.driver
}

function capture(seconds: number): Scenario {
  const scenario = buildPreset('capture', { durationNs: seconds * 1e9 })
  scenario.device = { card: 'stub' }
  delete scenario.expect
  return scenario
}

const sandbox = new Sandbox()
afterAll(() => sandbox.close())

function waitFor(run: { virtual: () => number }, ns: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (run.virtual() >= ns) {
        clearInterval(poll)
        resolve()
      }
    }, 5)
  })
}

describe('hot swap', () => {
  it('fixes a running driver whose ISR has a bug: frames resume and the stream is not restarted', async () => {
    expect(BUGGY).not.toBe(STUBCAP)
    const [buggy, fixed] = await Promise.all([compiled(BUGGY), compiled(STUBCAP)])
    let virtual = 0
    let framesBeforeSwap = -1
    let last: RunReport | null = null
    const run = sandbox.run(
      { driver: buggy, scenario: capture(2), timeLimitNs: 60e9, paused: true },
      {
        onStatus: (r) => {
          virtual = r.virtualTimeNs
          last = r
        },
      },
    )
    run.step(1e9)
    await waitFor({ virtual: () => virtual }, 1e9)
    framesBeforeSwap = last!.frames.delivered
    const swap = await run.swap(fixed)
    expect(swap.ok).toBe(true)
    expect(swap.replaced).toEqual(expect.arrayContaining(['StubInterrupt', 'StubReceiveData', 'StubReceiveControl', 'StubReceivePacket']))
    expect(swap.timeNs).toBeGreaterThanOrEqual(1e9)
    run.pause(false)
    const { report, trace } = await run.result
    expect(framesBeforeSwap).toBe(0)
    // About the second half of the capture's frames arrive after the fix.
    expect(report.frames.delivered).toBeGreaterThan(20)
    expect(report.bugcheck).toBeNull()
    // The stream was set to PAUSE and RUN once at the start and left at the end: no restart.
    expect(report.srbs.byCommand.SRB_SET_STREAM_STATE).toBe(4)
    // The swap is on the trace.
    const names = trace.columns().name
    let swaps = 0
    for (let i = 0; i < trace.count; i++) if (trace.strings.get(names[i]) === 'hot swap') swaps++
    expect(swaps).toBe(1)
    expect(report.hotSwaps).toEqual([expect.objectContaining({ ok: true, replaced: swap.replaced, kept: swap.kept })])
  })

  it('in process too, and says which held functions were not exports (they keep their old code)', async () => {
    const buggy = await compiled(BUGGY.replace('export function FillFrame', 'function FillFrame'))
    const fixed = await compiled(STUBCAP)
    const session = new Session({ driver: buggy, scenario: capture(1), timeLimitNs: 60e9 })
    session.start()
    session.step(null, 0.5e9)
    // A pending priority routine or timer holding FillFrame would be listed; the ISR is an export.
    const result = session.hotSwap(fixed)
    expect(result.ok).toBe(true)
    expect(result.replaced).toContain('StubInterrupt')
    while (!session.step(null)) {
      // to the end
    }
    const report = session.finish()
    expect(report.frames.delivered).toBeGreaterThan(10)
  })

  it('refuses new code that throws while loading, and the run goes on with the old code', async () => {
    const buggy = await compiled(BUGGY)
    const broken = await compiled(`${STUBCAP}\nthrow new Error('not ready')\n`)
    const session = new Session({ driver: buggy, scenario: capture(1), timeLimitNs: 60e9 })
    session.start()
    session.step(null, 0.3e9)
    const result = session.hotSwap(broken)
    expect(result.ok).toBe(false)
    expect(result.error).toMatch(/the new code threw while loading: Error: not ready at examples\/stubcap\.ts:\d+/)
  })
})

describe('replay', () => {
  it('reruns the scenario from t=0 with the new code and names the first divergence', async () => {
    const [buggy, fixed] = await Promise.all([compiled(BUGGY), compiled(STUBCAP)])
    const before = await sandbox.run({ driver: buggy, scenario: capture(1), timeLimitNs: 60e9 }).result
    const after = await sandbox.run({ driver: fixed, scenario: capture(1), timeLimitNs: 60e9 }).result
    const diff = diffRuns(before, after)
    expect(diff.identical).toBe(false)
    // The runs part where the fixed ISR first hands a frame to its Dispatch routine.
    const c = after.trace.columns()
    let firstFill = Infinity
    for (let i = 0; i < after.trace.count; i++) if (c.kind[i] === 1 && after.trace.strings.get(c.name[i]) === 'FillFrame') firstFill = Math.min(firstFill, c.ts[i])
    expect(diff.firstDivergenceNs).toBeLessThanOrEqual(firstFill)
    expect(diff.firstDivergenceNs).toBeGreaterThan(30e6)
    expect(diff.frames.before.delivered).toBe(0)
    expect(diff.frames.after.delivered).toBeGreaterThan(20)
    expect(formatDiff(diff)).toMatch(/first divergence at \d+\.\d{3} ms on "/)
  })

  it('finds nothing to report when the code did not change (the same seed replays exactly)', async () => {
    const fixed = await compiled(STUBCAP)
    const a = await sandbox.run({ driver: fixed, scenario: capture(0.5), timeLimitNs: 60e9 }).result
    const b = await sandbox.run({ driver: fixed, scenario: capture(0.5), timeLimitNs: 60e9 }).result
    const diff = diffRuns(a, b)
    expect(diff.identical).toBe(true)
    expect(formatDiff(diff)).toMatch(/identical/)
  })
})
