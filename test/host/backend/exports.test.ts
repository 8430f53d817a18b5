import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunInfo } from '../../../main/contract/api.js'
import { buildPreset } from '../../../main/client/scenario/presets.js'
import { defaultExportPath, exportFileName, exportRun, type ExportableRun } from '../../../main/host/backend/exports.js'
import { compileDriver } from '../../../main/host/compile.js'
import { exportChromeTrace } from '../../../main/host/chromeTrace/chromeTraceExport.js'
import { SRB_CSV_HEADER } from '../../../main/host/export/srbCsv.js'
import { Session } from '../../../main/host/session.js'
import { validateChromeTrace } from '../../../main/host/chromeTrace/chromeTraceValidate.js'
import { startCatapult } from '../../helpers/catapult.js'
import { itWithConsumer } from '../../helpers/consumers.js'
import { countFlowArrows, parseTrace } from '../../helpers/traces.js'

// The exports of the workbench's Export panel, written from a real run of the VCAP-1 reference driver.

let run: ExportableRun
let dir: string

async function vcap1Run(durationNs: number): Promise<ExportableRun> {
  const compiled = await compileDriver('examples/vcap1-capture.ts')
  if (!compiled.ok) throw new Error(`examples/vcap1-capture.ts does not compile: ${JSON.stringify(compiled.errors)}`)
  const session = new Session({ driver: compiled.driver, scenario: buildPreset('capture', { durationNs }), timeLimitNs: 60e9 })
  const report = session.run()
  if (report.result !== 'pass') throw new Error(`capture failed: ${report.failures.join('; ')}`)
  const info: RunInfo = { runId: 3, driver: 'examples/vcap1-capture.ts', scenario: 'capture', seed: report.seed, card: report.card, startedAt: Date.now(), origin: 'run', replayOf: null }
  return { info, trace: session.machine.kernel.trace, report }
}

/** Every progress call of one export. */
function recorder(): { calls: [number, number][]; onProgress: (done: number, total: number) => void } {
  const calls: [number, number][] = []
  return { calls, onProgress: (done, total) => calls.push([done, total]) }
}

beforeAll(async () => {
  ;[run, dir] = await Promise.all([vcap1Run(1e9), mkdtemp(path.join(tmpdir(), 'mdwb-exports-'))])
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('exportRun: chrome-json', () => {
  it('writes the same bytes as the one-string export, into a folder it creates, and passes the strict validator', async () => {
    const file = path.join(dir, 'new', 'folder', exportFileName(run.info, 'chrome-json'))
    const { calls, onProgress } = recorder()
    const result = await exportRun(run, 'chrome-json', file, onProgress)
    const text = await readFile(file, 'utf8')
    expect(result).toEqual({ path: file, bytes: Buffer.byteLength(text) })
    const metadata = { driver: run.report!.driver, scenario: run.report!.scenario, seed: run.report!.seed, card: run.report!.card }
    expect(text).toBe(exportChromeTrace(run.trace, { metadata }))
    const validation = validateChromeTrace(text)
    expect(validation.errors).toEqual([])
    expect(validation.stats.flows).toBeGreaterThan(10)
    expect(validation.stats.asyncSpans).toBe(run.report!.srbs.total)
    expect(await readdir(path.dirname(file))).toEqual([path.basename(file)])
    expect(calls.length).toBeGreaterThan(0)
  })

  it('reports progress from 0, at least every 5%, never backwards, and done === total once, at the end', async () => {
    const { calls, onProgress } = recorder()
    await exportRun(run, 'chrome-json', path.join(dir, 'progress.trace.json'), onProgress)
    const total = calls[0][1]
    expect(total).toBe(run.trace.count + 1)
    expect(calls[0][0]).toBe(0)
    expect(calls.every(([, t]) => t === total)).toBe(true)
    for (let k = 1; k < calls.length; k++) {
      expect(calls[k][0]).toBeGreaterThan(calls[k - 1][0])
      expect(calls[k][0] - calls[k - 1][0]).toBeLessThanOrEqual(Math.ceil((total - 1) / 20) + 1)
    }
    expect(calls.filter(([done]) => done === total)).toHaveLength(1)
    expect(calls.at(-1)).toEqual([total, total])
  })

  it('lets the event loop run between parts (other calls are served while a trace exports)', async () => {
    let turns = 0
    let exporting = true
    const spin = () => {
      turns++
      if (exporting) setImmediate(spin)
    }
    setImmediate(spin)
    const { calls, onProgress } = recorder()
    await exportRun(run, 'chrome-json', path.join(dir, 'yield.trace.json'), onProgress)
    exporting = false
    // One turn at least per part written (the parts are the progress steps).
    expect(turns).toBeGreaterThanOrEqual(calls.length - 2)
  })

  itWithConsumer('catapult', 'opens in the Catapult importer (chrome://tracing) with no warnings and every flow arrow', async () => {
    const file = path.join(dir, 'catapult.trace.json')
    await exportRun(run, 'chrome-json', file, () => {})
    const text = await readFile(file, 'utf8')
    const harness = await startCatapult()
    try {
      const result = await harness.importTrace(text)
      expect(result.thrown).toBeNull()
      expect(result.warnings).toEqual([])
      const arrows = countFlowArrows(parseTrace(text))
      expect(arrows).toBeGreaterThan(10)
      expect(result.flows).toBe(arrows)
    } finally {
      await harness.close()
    }
  })

  it('replaces an existing file whole, and an export cancelled midway leaves the old file and no temporary file', async () => {
    const folder = path.join(dir, 'atomic')
    const file = path.join(folder, 'run.trace.json')
    await exportRun(run, 'srb-csv', file, () => {})
    const old = await readFile(file, 'utf8')
    const abort = new AbortController()
    const cancelled = exportRun(run, 'chrome-json', file, (done, total) => {
      if (done > 0 && done < total) abort.abort()
    }, { signal: abort.signal })
    await expect(cancelled).rejects.toThrow(`export to ${file} cancelled`)
    expect(await readFile(file, 'utf8')).toBe(old)
    expect(await readdir(folder)).toEqual(['run.trace.json'])
    await exportRun(run, 'chrome-json', file, () => {})
    expect(validateChromeTrace(await readFile(file, 'utf8')).errors).toEqual([])
    expect(await readdir(folder)).toEqual(['run.trace.json'])
  })

  it('names the file when it cannot write there', async () => {
    const blocker = path.join(dir, 'a-file')
    await writeFile(blocker, 'x')
    const file = path.join(blocker, 'inside.trace.json')
    await expect(exportRun(run, 'chrome-json', file, () => {})).rejects.toThrow(`cannot write ${file}`)
  })
})

describe('exportRun: srb-csv and report-json', () => {
  it('writes the SRB CSV: the header and one row per SRB of the report', async () => {
    const file = path.join(dir, exportFileName(run.info, 'srb-csv'))
    const { calls, onProgress } = recorder()
    const { bytes } = await exportRun(run, 'srb-csv', file, onProgress)
    const text = await readFile(file, 'utf8')
    expect(bytes).toBe(Buffer.byteLength(text))
    expect(calls).toEqual([
      [0, 1],
      [1, 1],
    ])
    const [header, ...rows] = text.trimEnd().split('\n')
    expect(header.split(',')).toEqual(SRB_CSV_HEADER)
    const report = run.report!
    expect(rows).toHaveLength(report.srbs.total)
    const cells = rows.map((r) => r.split(','))
    expect(new Set(cells.map((c) => c[0])).size).toBe(report.srbs.total)
    const byCommand: Record<string, number> = {}
    for (const c of cells) byCommand[c[1]] = (byCommand[c[1]] ?? 0) + 1
    expect(byCommand).toEqual(report.srbs.byCommand)
    // Every SRB of a finished run completed: a completion time, a status and a latency.
    expect(cells.filter((c) => c[6] !== '' && c[8] !== '' && Number(c[7]) >= 0)).toHaveLength(report.srbs.total - report.srbs.outstanding)
  })

  it('writes the report as `mdwb run --report` does, and refuses a run without a report', async () => {
    const file = path.join(dir, exportFileName(run.info, 'report-json'))
    await exportRun(run, 'report-json', file, () => {})
    const text = await readFile(file, 'utf8')
    expect(text).toBe(`${JSON.stringify(run.report, null, 2)}\n`)
    const running = { ...run, report: null }
    const target = path.join(dir, 'running', 'report.json')
    await expect(exportRun(running, 'report-json', target, () => {})).rejects.toThrow('run 3 has no report yet: it is still running')
    const opened = { ...running, info: { ...run.info, origin: 'file' as const } }
    await expect(exportRun(opened, 'report-json', target, () => {})).rejects.toThrow('opened from a trace file and has no report')
  })
})

describe('export file names', () => {
  it('are <driver>-<scenario>-run<id>.<ext>, safe for any file system, in the project exports/ folder', () => {
    expect(exportFileName(run.info, 'chrome-json')).toBe('vcap1-capture-capture-run3.trace.json')
    expect(exportFileName(run.info, 'srb-csv')).toBe('vcap1-capture-capture-run3.srbs.csv')
    expect(exportFileName(run.info, 'report-json')).toBe('vcap1-capture-capture-run3.report.json')
    const odd = { ...run.info, driver: 'src\\my driver.ts', scenario: 'scenarios/slow: bus?.json', runId: 12 }
    expect(exportFileName(odd, 'chrome-json')).toBe('my_driver-slow_bus-run12.trace.json')
    expect(defaultExportPath('/p/proj', run.info, 'srb-csv')).toBe(path.join('/p/proj', 'exports', 'vcap1-capture-capture-run3.srbs.csv'))
  })
})
