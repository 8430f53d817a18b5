import type { ClassDriverSettings } from '../../main/classdriver/settings.js'
import type { Scenario, Step } from '../../main/client/scenario/schema.js'
import { validateScenario } from '../../main/client/scenario/validate.js'
import { compileDriverSource, type CompiledDriver } from '../../main/host/compile.js'
import type { RunReport } from '../../main/host/reportBuilder.js'
import { Session } from '../../main/host/session.js'

export interface RunOptions {
  /** The driver's file name under test/drivers (locations name it). */
  name?: string
  card?: 'stub' | 'none'
  neighbour?: boolean
  settings?: Partial<ClassDriverSettings>
  sync?: 'on' | 'off'
  seed?: number
  timeLimitNs?: number
  expect?: Scenario['expect']
  trace?: boolean
  loopBudgetMs?: number
}

export interface RunResult {
  report: RunReport
  session: Session
  /** The driver module's exports: `log`, `seen`, `reads`, `handles` of test/drivers/base.ts. */
  driver: Record<string, any>
  /** Findings by rule id. */
  rules: string[]
}

/** Compiles driver source (as test/drivers/<name>.ts) or fails the test with the compile errors. */
export async function compile(source: string, name = 'probe'): Promise<CompiledDriver> {
  const r = await compileDriverSource(source, `test/drivers/${name}.ts`)
  if (!r.ok) throw new Error(`driver does not compile:\n${r.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n')}`)
  return r.driver
}

/** Runs driver source against scenario steps and returns the report and what the driver recorded. */
export async function runDriver(source: string, steps: Step[], options: RunOptions = {}): Promise<RunResult> {
  const driver = await compile(source, options.name)
  const scenario = validateScenario(
    { name: 'test', device: { card: options.card ?? 'none', ...(options.neighbour ? { neighbour: true } : {}) }, steps, ...(options.expect ? { expect: options.expect } : {}) },
    'test scenario',
  )
  const session = new Session({ driver, scenario, seed: options.seed, timeLimitNs: options.timeLimitNs ?? 30e9, sync: options.sync, settings: options.settings, trace: options.trace, loopBudgetMs: options.loopBudgetMs })
  const report = session.run()
  return { report, session, driver: session.driverExports, rules: report.verifier.map((f) => f.rule) }
}

/** A driver made from test/drivers/base.ts with hooks written inline as TypeScript. */
export function probe(hooks = '', prelude = ''): string {
  return `import * as S from 'strmini'
import { defineDriver, log, seen, reads, handles, completeDevice, completeControl, completeOldestRead } from './base'
export { log, seen, reads, handles }
${prelude}
export const DriverEntry = defineDriver({${hooks}})
`
}

export const START: Step[] = [{ op: 'start-device' }, { op: 'open-stream', stream: 0 }]
export const RUNNING: Step[] = [...START, { op: 'set-state', stream: 0, state: 'PAUSE' }, { op: 'read', stream: 0, buffers: 2 }, { op: 'set-state', stream: 0, state: 'RUN' }]
export const TEARDOWN: Step[] = [{ op: 'set-state', stream: 0, state: 'STOP' }, { op: 'close-stream', stream: 0 }, { op: 'stop-device' }]
