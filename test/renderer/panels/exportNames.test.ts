import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../main/contract/api.js'
import { defaultExportPath, formatBytes, progressFraction, runLabel } from '../../../renderer/panels/exportNames.js'

describe('export names', () => {
  it('puts exports in the project exports/ folder, named as the backend names them', () => {
    expect(defaultExportPath('chrome-json', { runId: 3, driver: 'src/vcap1-capture.ts', scenario: 'capture' })).toBe('exports/vcap1-capture-capture-run3.trace.json')
    expect(defaultExportPath('srb-csv', { runId: 3, driver: 'driver.ts', scenario: 'scenarios/my test.json' })).toBe('exports/driver-my_test-run3.srbs.csv')
    expect(defaultExportPath('report-json', { runId: 12, driver: null, scenario: null })).toBe('exports/run-run-run12.report.json')
    expect(defaultExportPath('chrome-json', { runId: 1, driver: 'my driver (v2).ts', scenario: 'start-stop' })).toBe('exports/my_driver_v2-start-stop-run1.trace.json')
  })

  it('agrees with the default name the backend gives', async () => {
    const { exportFileName } = await import('../../../main/host/backend/exports.js')
    for (const kind of ['chrome-json', 'perfetto', 'srb-csv', 'report-json'] as const) {
      const info = { runId: 7, driver: 'src/vcap1-capture.ts', scenario: 'capture', seed: 1, card: 'vcap1', startedAt: 0, origin: 'run' as const, replayOf: null }
      expect(defaultExportPath(kind, info)).toBe(`exports/${exportFileName(info, kind)}`)
    }
  })

  it('shows sizes as a file manager does', () => {
    expect(formatBytes(812)).toBe('812 B')
    expect(formatBytes(14_540)).toBe('14.2 KB')
    expect(formatBytes(3_680_000)).toBe('3.51 MB')
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB')
  })

  it('turns progress into a fraction, 0 while the total is unknown', () => {
    expect(progressFraction(5, 10)).toBe(0.5)
    expect(progressFraction(5, 0)).toBe(0)
    expect(progressFraction(12, 10)).toBe(1)
  })

  it('labels runs with id, origin, driver, scenario, seed and result', () => {
    const summary = (origin: 'run' | 'replay' | 'file', report: RunSummary['report']): RunSummary => ({
      run: { runId: 4, driver: 'src/vcap1-capture.ts', scenario: 'capture', seed: 7, card: 'vcap1', startedAt: 0, origin, replayOf: origin === 'replay' ? 3 : null },
      report,
    })
    expect(runLabel(summary('run', null))).toBe('#4 run · vcap1-capture.ts · capture · seed 7 · running')
    expect(runLabel(summary('replay', { result: 'pass' } as RunSummary['report']))).toBe('#4 replay of #3 · vcap1-capture.ts · capture · seed 7 · pass')
    expect(runLabel(summary('file', { result: 'fail' } as RunSummary['report']))).toBe('#4 trace file · vcap1-capture.ts · capture · seed 7 · fail')
  })
})
