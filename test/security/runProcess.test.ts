import { existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { validateScenario } from '../../main/client/scenario/validate.js'
import type { RunReport } from '../../main/host/reportBuilder.js'
import { RunProcess } from '../../main/host/sandbox/runProcess.js'
import { Sandbox, sandboxBundles } from '../../main/host/sandbox/sandbox.js'
import { compile, probe, START, TEARDOWN } from '../helpers/run.js'

/**
 * A run is its own OS process (issue 9 item 2): whatever it does to itself, the host lives, reports
 * a bug check, and runs the next session.
 */
const sandbox = new Sandbox({ heapMb: 64, loopBudgetMs: 300, backstopMs: 2000, rssLimitMb: 512 })
afterAll(() => sandbox.close())

async function run(source: string): Promise<RunReport> {
  const driver = await compile(source, 'hostile')
  const scenario = validateScenario({ name: 'hostile', device: { card: 'none' }, steps: START }, 'hostile scenario')
  return (await sandbox.run({ driver, scenario, timeLimitNs: 2e9 }).result).report
}

async function healthyRunStillPasses(): Promise<void> {
  const driver = await compile(probe(''), 'healthy')
  const scenario = validateScenario({ name: 'after', device: { card: 'none' }, steps: [...START, { op: 'get-state', stream: 0 }, ...TEARDOWN] }, 'after')
  const { report } = await sandbox.run({ driver, scenario, timeLimitNs: 2e9 }).result
  expect(report.result, report.failures.join('; ')).toBe('pass')
}

describe('a run that destroys its own process', () => {
  it('new Array(2**28).fill({}) in DriverEntry: MEMORY_MANAGEMENT at the driver, and the host runs the next session', async () => {
    const rssBefore = process.memoryUsage.rss()
    const report = await run(`import * as S from 'strmini'\nexport function DriverEntry(): number {\n  const a = new Array(2 ** 28).fill({})\n  return a.length\n}\nvoid S\n`)
    expect(report.result).toBe('fail')
    expect(report.bugcheck?.name).toBe('MEMORY_MANAGEMENT')
    expect(report.bugcheck?.callback).toBe('DriverEntry')
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(200 * 1024 * 1024)
    await healthyRunStillPasses()
  }, 120_000)

  it('gigabytes of ArrayBuffers (outside the heap limit) end at the process memory limit, not in the host', async () => {
    const rssBefore = process.memoryUsage.rss()
    const report = await run(
      probe('', `const hoard: Uint8Array[] = []\nfor (let i = 0; i < 4; i++) hoard.push(new Uint8Array(1 << 30).fill(1))\nS.DbgPrint('kept ' + hoard.length + '\\n')`),
    )
    expect(report.result).toBe('fail')
    expect(report.bugcheck?.name).toBe('MEMORY_MANAGEMENT')
    expect(report.bugcheck?.message).toMatch(/memory/)
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(200 * 1024 * 1024)
    await healthyRunStillPasses()
  }, 120_000)
})

describe('the run process under the permission model', () => {
  it('cannot write or read files or start processes, even with code that reached its Node realm', async () => {
    const target = join(tmpdir(), `mdwb-permission-${process.pid}`)
    rmSync(target, { force: true })
    const { process: entry } = await sandboxBundles()
    // A worker that is all "escaped" code: plain Node inside the run process.
    const worker = `const { parentPort } = require('node:worker_threads')
const tries = {}
const attempt = (name, f) => { try { f(); tries[name] = 'allowed' } catch (e) { tries[name] = String(e.code || e.message) } }
attempt('write', () => require('node:fs').writeFileSync(${JSON.stringify(target)}, 'x'))
attempt('read', () => require('node:fs').readFileSync('/etc/hostname'))
attempt('spawn', () => require('node:child_process').execFileSync('true'))
attempt('env', () => { if (Object.keys(process.env).some((k) => k !== 'ELECTRON_RUN_AS_NODE')) throw new Error('host env visible') })
parentPort.postMessage({ type: 'status', id: 0, status: JSON.stringify(tries), virtualTimeNs: 0 })`
    const child = new RunProcess({ entry, worker, simulation: '' }, { heapMb: 64, stackMb: 4, rssLimitMb: 256 })
    const answer = await new Promise<Record<string, string>>((resolve, reject) => {
      child.on('message', (m: { type: string; status?: string }) => {
        if (m.type === 'status') resolve(JSON.parse(m.status!) as Record<string, string>)
      })
      child.on('error', reject)
    })
    await child.terminate()
    expect(answer).toEqual({ write: 'ERR_ACCESS_DENIED', read: 'ERR_ACCESS_DENIED', spawn: 'ERR_ACCESS_DENIED', env: 'allowed' })
    expect(existsSync(target)).toBe(false)
  })

  it('passes whatever the process sends, garbage included, on to the sandbox\'s message checks without throwing', async () => {
    const { process: entry } = await sandboxBundles()
    const worker = `const { parentPort } = require('node:worker_threads')
parentPort.postMessage({ type: 'trace', id: 1, delta: { from: 'x', rows: 5, strings: 7, details: {}, schema: 3 } })
parentPort.postMessage(42)
parentPort.postMessage({ type: 'done', id: 1, report: '{not json', cutShort: null, callback: null })`
    const child = new RunProcess({ entry, worker, simulation: '' }, { heapMb: 64, stackMb: 4, rssLimitMb: 256 })
    const seen: unknown[] = []
    await new Promise<void>((resolve) => {
      child.on('message', (m: unknown) => {
        seen.push(m)
        if (seen.length === 3) resolve()
      })
    })
    await child.terminate()
    // The adapter passes messages on; the sandbox's message checks (messageCheck.ts) judge them.
    expect(seen).toHaveLength(3)
  })
})
