import { ScenarioError } from '../../client/scenario/validate.js'
import type { Problem } from '../../contract/api.js'
import { findingTotal, type RunReport } from '../../contract/report.js'
import type { CompileError } from '../compiledDriver.js'
import { locatePointer } from './jsonLocation.js'

/** A scenario file's text, so problems can point at lines in it (null for presets). */
export interface ScenarioText {
  /** Project-relative path. */
  path: string
  text: string
}

/** esbuild's errors: each at its file (project-relative), line and column. */
export function compileProblems(errors: CompileError[]): Problem[] {
  return errors.map((e) => ({ source: 'compile', severity: 'error', message: e.message, location: { file: e.file, line: e.line, column: e.column } }))
}

/**
 * The JSON pointer a scenario validation message is about: `step 3.2 (wait): field 'duration' ...`
 * is `/steps/2/steps/1/duration`; `field 'device.card' ...` is `/device/card`.
 */
export function scenarioPointer(message: string): string {
  let pointer = ''
  const step = /^step (\d+(?:\.\d+)*)/.exec(message)
  if (step) pointer = `/steps/${step[1].split('.').map((n) => Number(n) - 1).join('/steps/')}`
  const missing = /is missing '([^']+)'|has an unknown field '([^']+)'/.exec(message)
  // "has an unknown field 'x'" also reads as "field 'x'": count it once.
  const field = /(?<!unknown )field '([^']+)'/.exec(message)
  if (field) pointer += `/${field[1].split('.').join('/')}`
  if (missing) pointer += `/${missing[1] ?? missing[2]}`
  return pointer
}

/** A scenario that did not validate: one problem per message, at its line in the file when there is one. */
export function scenarioProblems(error: unknown, scenario: ScenarioText | null): Problem[] {
  if (!(error instanceof ScenarioError)) return [{ source: 'scenario', severity: 'error', message: error instanceof Error ? error.message : String(error) }]
  return error.problems.map((message) => {
    const syntax = /^line (\d+), column (\d+): /.exec(message)
    const pointer = syntax ? null : scenarioPointer(message)
    const at = syntax ? { line: Number(syntax[1]), column: Number(syntax[2]) } : scenario !== null && pointer !== null ? locatePointer(scenario.text, pointer) : null
    const problem: Problem = { source: 'scenario', severity: 'error', message: `${error.source}: ${message}` }
    if (pointer) problem.code = pointer
    if (scenario !== null && at !== null) problem.location = { file: scenario.path, ...at }
    return problem
  })
}

/**
 * What a run's report says is wrong, as problems: verifier findings and the bug check at the
 * driver's lines and times, failed expectations, a scenario that did not complete (at its step in
 * the scenario file), and any other failure. A run the user stopped is not a failure of its step or
 * of its expectations.
 */
export function reportProblems(report: RunReport, scenario: ScenarioText | null, stoppedByUser: boolean): Problem[] {
  const out: Problem[] = []
  for (const f of report.verifier) {
    const p: Problem = { source: 'verifier', severity: f.severity, message: f.message, code: f.rule, timeNs: f.timeNs }
    if (f.location) p.location = f.location
    if (f.callback) p.callback = f.callback
    if (f.srb) p.srbId = f.srb.id
    if (f.count !== undefined && f.count > 1) p.count = f.count
    out.push(p)
  }
  const counted = findingTotal(report)
  const listed = report.verifier.reduce((n, f) => n + (f.count ?? 1), 0)
  if (counted > listed) {
    // The verifier lists the first sites of each rule; findings at further sites are only counted.
    out.push({ source: 'verifier', severity: 'info', message: `${counted - listed} more finding(s) of the same rules, counted but not listed (${counted} in all)` })
  }
  const b = report.bugcheck
  if (b !== null) {
    const p: Problem = { source: 'bugcheck', severity: 'error', message: `${b.name} (${b.code}): ${b.message}`, code: b.name, timeNs: b.timeNs }
    if (b.location) p.location = b.location
    if (b.callback) p.callback = b.callback
    out.push(p)
  }
  // Expectations describe a whole run: one the user stopped part way has not failed them.
  const stoppedEarly = stoppedByUser && !report.run.completed
  for (const e of report.expectations) {
    if (!e.ok && !stoppedEarly) out.push({ source: 'expectation', severity: 'error', message: `expectation ${e.name} ${e.expected} not met: got ${e.actual}`, code: e.name })
  }
  const reason = report.run.reason
  if (!report.run.completed && b === null && reason !== null) {
    const p: Problem = stoppedByUser
      ? { source: 'scenario', severity: 'info', message: `stopped${report.run.step ? ` at step ${report.run.step}` : ''}` }
      : { source: 'scenario', severity: 'error', message: report.run.step && !reason.includes(report.run.step) ? `step ${report.run.step}: ${reason}` : reason }
    const label = /^(\d+(?:\.\d+)*)/.exec(report.run.step ?? '')
    if (label) {
      p.code = scenarioPointer(`step ${label[1]}`)
      const at = scenario !== null ? locatePointer(scenario.text, p.code) : null
      if (at !== null && scenario !== null) p.location = { file: scenario.path, ...at }
    }
    out.push(p)
  }
  // Failures the categories above do not cover (the driver did not load, the sandbox failed).
  for (const f of report.failures) {
    if (/^bug check /.test(f) || /verifier error\(s\)$/.test(f) || /^expectation /.test(f) || f === reason || f === 'the scenario did not complete') continue
    out.push({ source: 'scenario', severity: 'error', message: f })
  }
  return out
}
