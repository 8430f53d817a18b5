import { describe, expect, it } from 'vitest'
import { buildPreset } from '../../main/client/scenario/presets.js'
import { compileDriver } from '../../main/host/compile.js'
import { exportChromeTrace } from '../../main/host/export/chromeTrace.js'
import { Session } from '../../main/host/session.js'

/** Same driver, scenario and seed: the same trace, byte for byte. */

async function traceOf(file: string, card: 'none' | 'stub', seed: number, preset = 'capture'): Promise<string> {
  const compiled = await compileDriver(file)
  if (!compiled.ok) throw new Error('compile failed')
  const scenario = buildPreset(preset, { durationNs: 1e9 })
  scenario.device = { card }
  const session = new Session({ driver: compiled.driver, scenario, seed, timeLimitNs: 60e9 })
  const report = session.run()
  expect(report.result).toBe('pass')
  return exportChromeTrace(session.machine.kernel.trace, { metadata: { seed } })
}

describe('determinism', () => {
  it('gives identical traces for the same driver, scenario and seed (testcap)', async () => {
    const a = await traceOf('examples/testcap.ts', 'none', 7)
    const b = await traceOf('examples/testcap.ts', 'none', 7)
    expect(a.length).toBeGreaterThan(10_000)
    expect(a === b).toBe(true)
  })

  it('gives identical traces with interrupts and random latencies (stubcap), and different ones for another seed', async () => {
    const a = await traceOf('examples/stubcap.ts', 'stub', 11, 'cancel-storm')
    const b = await traceOf('examples/stubcap.ts', 'stub', 11, 'cancel-storm')
    const c = await traceOf('examples/stubcap.ts', 'stub', 12, 'cancel-storm')
    expect(a === b).toBe(true)
    // Another seed moves the ISR and DPC latencies (seeded jitter), so the timeline differs.
    expect(c).not.toBe(a)
  })
})
