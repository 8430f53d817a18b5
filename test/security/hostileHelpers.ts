import { expect } from 'vitest'
import type { Scenario, Step } from '../../main/client/scenario/schema.js'
import { buildPreset } from '../../main/client/scenario/presets.js'
import { compileDriver, type CompiledDriver } from '../../main/host/compile.js'
import { formatSummary, type RunReport } from '../../main/host/reportBuilder.js'
import type { Sandbox, SandboxRunRequest } from '../../main/host/sandbox/sandbox.js'
import { compile, START } from '../helpers/run.js'

/** Runs a hostile driver (source, as test/drivers/hostile.ts) in the sandbox; the report must be one the host can print. */
export async function runHostile(sandbox: Sandbox, source: string, steps: Step[] = [...START, { op: 'get-state', stream: 0 }], extra: Partial<SandboxRunRequest> = {}): Promise<RunReport> {
  const driver = await compile(source, 'hostile')
  const scenario: Scenario = { name: 'hostile', device: { card: 'none' }, steps: steps as Scenario['steps'] }
  const { report } = await sandbox.run({ driver, scenario, timeLimitNs: 5e9, ...extra }).result
  // Whatever happened, the report is whole: the summary prints.
  expect(formatSummary(report)).toMatch(/^(PASS|FAIL) /)
  return report
}

let stubcap: CompiledDriver | null = null

/** After a hostile run: the same Sandbox (the same host process) runs examples/stubcap.ts and it passes. */
export async function stubcapStillPasses(sandbox: Sandbox): Promise<void> {
  if (stubcap === null) {
    const r = await compileDriver('examples/stubcap.ts')
    if (!r.ok) throw new Error('examples/stubcap.ts does not compile')
    stubcap = r.driver
  }
  const scenario = buildPreset('capture', { durationNs: 0.3e9 })
  scenario.device = { ...scenario.device, card: 'stub' }
  const { report } = await sandbox.run({ driver: stubcap, scenario, timeLimitNs: 5e9 }).result
  expect({ failures: report.failures, bugcheck: report.bugcheck }).toEqual({ failures: [], bugcheck: null })
  expect(report.frames.delivered).toBeGreaterThan(0)
}
