import { existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { validateScenario } from '../../main/client/scenario/validate.js'
import type { RunReport } from '../../main/host/reportBuilder.js'
import { Sandbox } from '../../main/host/sandbox/sandbox.js'
import { compile, probe, RUNNING, START, TEARDOWN } from '../helpers/run.js'

/**
 * Driver code reaches nothing of the host (issue 9 items 1 and 4): no host-realm object leaks into
 * its context, and the intrinsics it shares with the class driver, the verifier and the report are
 * frozen, so it cannot change a verdict.
 */
const sandbox = new Sandbox({ heapMb: 64, loopBudgetMs: 300, backstopMs: 2000 })
afterAll(() => sandbox.close())

async function run(source: string, steps = START): Promise<RunReport> {
  const driver = await compile(source, 'hostile')
  const scenario = validateScenario({ name: 'hostile', device: { card: 'none' }, steps }, 'hostile scenario')
  return (await sandbox.run({ driver, scenario, timeLimitNs: 2e9 }).result).report
}

const printed = (r: RunReport): string => r.debugOutput.map((d) => d.text).join('')

describe('a hostile driver cannot reach the host', () => {
  const target = join(tmpdir(), `mdwb-escape-${process.pid}`)

  it('gets no host-realm error from a host call made near the stack limit (the __mdwb_loop escape writes nothing)', async () => {
    rmSync(target, { force: true })
    const report = await run(
      probe(
        '',
        `
const seen: string[] = []
function attempt(): void {
  // A loop: its guard calls into the sandbox's host functions (clock, heap gauge).
  try { for (let i = 0; i < 40; i++) {} } catch (e: any) {
    try {
      const p = e.constructor.constructor('return process')()
      p.getBuiltinModule('fs').writeFileSync(${JSON.stringify(target)}, 'escaped')
      seen.push('ESCAPED')
    } catch (inner) { seen.push(String(inner).slice(0, 60)) }
  }
}
function deep(n: number): number {
  try { return deep(n + 1) + 1 } catch { attempt(); return 0 } finally { attempt() }
}
deep(0)
S.DbgPrint('attempts: ' + seen.length + ' ' + (seen.includes('ESCAPED') ? 'ESCAPED' : 'contained') + '\\n')
`,
      ),
    )
    expect(existsSync(target)).toBe(false)
    expect(printed(report)).toMatch(/contained/)
    expect(printed(report)).not.toMatch(/ESCAPED/)
  })

  it('finds no Node globals and no way to make code from strings', async () => {
    const report = await run(
      probe(
        '',
        `
const g = globalThis as any
const found = ['process', 'require', 'Buffer', 'global', 'module', 'setImmediate'].filter((k) => g[k] !== undefined)
let codegen = 'blocked'
try { (0, eval)('1'); codegen = 'eval' } catch {}
try { Function('return 1')(); codegen = 'Function' } catch {}
try { (async function () {}).constructor('return 1'); codegen = 'AsyncFunction' } catch {}
S.DbgPrint('globals: [' + found.join(',') + '] codegen: ' + codegen + '\\n')
`,
      ),
    )
    expect(printed(report)).toContain('globals: [] codegen: blocked')
  })
})

describe('a hostile driver cannot change a verdict', () => {
  it('cannot replace Array.prototype.push, JSON.stringify or add Object.prototype.toJSON: the intrinsics stay as they were', async () => {
    const report = await run(
      probe(
        '',
        `const tries: string[] = []
const attempt = (name: string, f: () => void): void => { try { f(); tries.push(name + ' no error') } catch (e) { tries.push(name + ' refused') } }
attempt('push', () => { (Array.prototype as any).push = () => 0 })
attempt('stringify', () => { (JSON as any).stringify = () => '{}' })
attempt('toJSON', () => { (Object.prototype as any).toJSON = () => ({ result: 'pass' }) })
attempt('define', () => { Object.defineProperty(Array.prototype, 'push', { value: () => 0 }) })
const a: number[] = []
a.push(7)
S.DbgPrint('length ' + a.length + ' json ' + JSON.stringify({ k: 1 }) + ' toJSON ' + typeof (Object.prototype as any).toJSON + ' | ' + tries.join(', ') + '\\n')`,
      ),
    )
    expect(report.bugcheck).toBeNull()
    expect(printed(report)).toContain('length 1 json {"k":1} toJSON undefined')
    expect(printed(report)).toContain('define refused')
  })

  it('in strict code the tampering throws at its line: a bug check that names it', async () => {
    const report = await run(probe('', `;(function () { 'use strict'; (Array.prototype as any).push = () => 0 })()`))
    expect(report.result).toBe('fail')
    expect(report.bugcheck?.message).toMatch(/read.only|Cannot assign/i)
    expect(report.bugcheck?.location?.file).toBe('test/drivers/hostile.ts')
  })

  it('a double completion hidden behind a tampering attempt still fails with its finding', async () => {
    const report = await run(
      probe(
        `control: (srb) => { if (srb.Command === S.SRB_GET_STREAM_STATE) { srb.Status = 0; S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject, srb); S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject, srb); return true } return false },`,
        `try { Object.defineProperty(Array.prototype, 'push', { value: () => 0 }) } catch {}
try { (Object as any).freeze = (o: unknown) => o } catch {}`,
      ),
      [...START, { op: 'get-state', stream: 0 }, ...TEARDOWN],
    )
    expect(report.result).toBe('fail')
    expect(report.verifier.length).toBeGreaterThan(0)
    expect(report.exitCode).toBe(1)
    void RUNNING
  })

  it('an ordinary driver still assigns error.name and obj.toString on its own objects', async () => {
    const report = await run(
      probe(
        '',
        `class DriverError extends Error { constructor(m: string) { super(m); this.name = 'DriverError' } }
const o: any = {}; o.toString = () => 'mine'
S.DbgPrint(String(new DriverError('x')) + ' ' + String(o) + '\\n')`,
      ),
    )
    expect(report.bugcheck).toBeNull()
    expect(printed(report)).toContain('DriverError: x mine')
  })
})
