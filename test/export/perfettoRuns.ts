import type { RunInfo } from '../../main/contract/api.js'
import { buildPreset } from '../../main/client/scenario/presets.js'
import type { ExportableRun } from '../../main/host/backend/exports.js'
import { compileDriver } from '../../main/host/compile.js'
import { Session } from '../../main/host/session.js'

/** A small run of the VCAP-1 reference driver (DMA, interrupts, flows through the card), as the backend keeps it. */
export async function vcap1Run(durationNs: number): Promise<ExportableRun> {
  const compiled = await compileDriver('examples/vcap1-capture.ts')
  if (!compiled.ok) throw new Error(`examples/vcap1-capture.ts does not compile: ${JSON.stringify(compiled.errors)}`)
  const session = new Session({ driver: compiled.driver, scenario: buildPreset('capture', { durationNs }), timeLimitNs: 60e9 })
  const report = session.run()
  if (report.result !== 'pass') throw new Error(`capture failed: ${report.failures.join('; ')}`)
  const info: RunInfo = { runId: 1, driver: 'examples/vcap1-capture.ts', scenario: 'capture', seed: report.seed, card: report.card, startedAt: Date.now(), origin: 'run', replayOf: null }
  return { info, trace: session.machine.kernel.trace, report }
}
