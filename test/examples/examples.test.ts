import { describe, expect, it } from 'vitest'
import { buildPreset, presetNames } from '../../main/client/scenario/presets.js'
import { compileDriver, type CompiledDriver } from '../../main/host/compile.js'
import { Session } from '../../main/host/session.js'

/** The example drivers do what their headers promise, on every preset. */

async function compiled(file: string): Promise<CompiledDriver> {
  const r = await compileDriver(file)
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.driver
}

function run(driver: CompiledDriver, preset: string, card: 'none' | 'stub', seconds = 2) {
  const scenario = buildPreset(preset, { durationNs: seconds * 1e9 })
  scenario.device = { card }
  const session = new Session({ driver, scenario, timeLimitNs: (seconds + 60) * 1e9 })
  return { session, report: session.run() }
}

describe('examples/testcap.ts', () => {
  it('captures YUY2 640x480 at 30 fps for 10 s: every frame, PictureNumber consecutive, time stamps monotonic', async () => {
    const driver = await compiled('examples/testcap.ts')
    const scenario = buildPreset('capture', { durationNs: 10e9 })
    const report = new Session({ driver, scenario, timeLimitNs: 70e9 }).run()
    expect(report.result).toBe('pass')
    expect(report.frames.delivered).toBeGreaterThanOrEqual(295)
    expect(report.frames.dropped).toBe(0)
    expect(report.frames.stale).toBe(0)
    // The class driver checked PresentationTime on every completion (timestamp-invalid, counter-reset).
    expect(report.verifier).toEqual([])
  })

  it('shows each delivered frame on the trace as a read that ended with a full frame', async () => {
    const driver = await compiled('examples/testcap.ts')
    const { session, report } = run(driver, 'capture', 'none', 2)
    expect(report.result).toBe('pass')
    const trace = session.machine.kernel.trace
    const c = trace.columns()
    let full = 0
    for (let i = 0; i < trace.count; i++) {
      if (c.kind[i] === 5 && trace.strings.get(c.name[i]) === 'SRB_READ_DATA' && trace.enums.NTSTATUS[c.a0[i]] === 'STATUS_SUCCESS' && c.a1[i] === 614400) full++
    }
    expect(full).toBe(report.frames.delivered)
  })

  it('passes every preset it can run', async () => {
    const driver = await compiled('examples/testcap.ts')
    for (const preset of presetNames()) {
      const { report } = run(driver, preset, 'none')
      if (preset === 'audio-capture') {
        expect(report.run.unsupported, preset).toBe(true)
        continue
      }
      expect({ preset, failures: report.failures }).toEqual({ preset, failures: [] })
    }
  })
})

describe('examples/stubcap.ts', () => {
  it('passes every preset with synchronization on, interrupts claimed, no findings', async () => {
    const driver = await compiled('examples/stubcap.ts')
    for (const preset of presetNames()) {
      const { report } = run(driver, preset, 'stub')
      if (preset === 'audio-capture') continue
      expect({ preset, failures: report.failures, findings: report.verifier }).toEqual({ preset, failures: [], findings: [] })
      expect(report.synchronization).toBe('on')
      if (preset === 'capture') {
        expect(report.frames.delivered).toBeGreaterThanOrEqual(57)
        expect(report.interrupts.claimed).toBeGreaterThanOrEqual(report.frames.delivered)
      }
    }
  })

  it('parks reads without a timeout while paused and fails a read that stalls in RUN', async () => {
    const driver = await compiled('examples/stubcap.ts')
    // 10 s paused with reads queued: no timeouts (TimeoutCounter 0).
    const paused = new Session({
      driver,
      scenario: { name: 'paused', device: { card: 'stub' }, steps: [{ op: 'start-device' }, { op: 'open-stream', stream: 0 }, { op: 'set-state', stream: 0, state: 'PAUSE' }, { op: 'read', stream: 0, buffers: 2 }, { op: 'wait', duration: '40s' }] },
      timeLimitNs: 100e9,
    }).run()
    expect(paused.srbs.timedOut).toBe(0)
    // RUN, then the card hangs: queued reads time out and the driver fails them, no orphans.
    const stalled = new Session({
      driver,
      scenario: {
        name: 'stalled',
        device: { card: 'stub' },
        steps: [
          { op: 'start-device' },
          { op: 'open-stream', stream: 0 },
          { op: 'set-state', stream: 0, state: 'PAUSE' },
          { op: 'read', stream: 0, buffers: 2, continuous: true },
          { op: 'set-state', stream: 0, state: 'RUN' },
          { op: 'wait', duration: '100ms' },
          { op: 'fault', fault: 'stall' },
          { op: 'wait', duration: '5s' },
        ],
        settings: { dataTimeoutSeconds: 2 },
      },
      timeLimitNs: 100e9,
    }).run()
    expect(stalled.srbs.timedOut).toBeGreaterThanOrEqual(2)
    expect(stalled.verifier).toEqual([])
  })
})

