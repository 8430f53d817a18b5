import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { parse as parseJson, printParseErrorCode, type ParseError } from 'jsonc-parser'
import { parseDuration } from '../../contract/time.js'
import { SRB_COMMAND_NAMES } from '../../classdriver/wdk/srbCommands.js'
import { settingProblem } from '../../classdriver/settings.js'
import { OPS, ScenarioShell, type OpName, type Scenario, type Step } from './schema.js'
import { resolveId, resolveSetName, statusCode } from './names.js'
import { durationOverLimit, formatLimit, MAX_JSON_DEPTH, MAX_REPEAT_DEPTH, MAX_STEP_RUNS, MAX_VIRTUAL_NS } from './limits.js'

/** A scenario that failed validation: every problem, each naming the step and field. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid scenario\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

let compiled: { shell: ValidateFunction; ops: Map<string, ValidateFunction> } | null = null
/** The schemas, compiled at the first validation rather than at import (a command that validates nothing, such as `mdwb --help`, would wait about 0.2 s for them). */
function schemas(): { shell: ValidateFunction; ops: Map<string, ValidateFunction> } {
  if (compiled === null) {
    const ajv = new Ajv({ allErrors: true, strict: false })
    compiled = { shell: ajv.compile(ScenarioShell), ops: new Map(Object.entries(OPS).map(([name, schema]) => [name, ajv.compile(schema)])) }
  }
  return compiled
}
const COMMANDS = new Set(Object.values(SRB_COMMAND_NAMES))

/** Validates parsed JSON as a scenario. `source` names the file (or preset) in messages. */
export function validateScenario(value: unknown, source: string): Scenario {
  const problems: string[] = []
  const shell = schemas().shell
  if (!shell(value)) {
    for (const e of simplify(shell.errors ?? [])) problems.push(describe(e, 'the scenario'))
    // Keep going into the steps when they are at least an array, so all problems show at once.
  }
  const settings = (value as { settings?: unknown })?.settings
  if (settings !== null && typeof settings === 'object' && !Array.isArray(settings)) {
    for (const [key, v] of Object.entries(settings)) {
      const problem = settingProblem(key, v)
      if (problem !== null) problems.push(`field 'settings.${key}' ${problem}`)
    }
  }
  const steps = (value as { steps?: unknown })?.steps
  if (Array.isArray(steps)) {
    const total = checkSteps(steps, '', 0, problems)
    if (total.waitNs > MAX_VIRTUAL_NS) {
      problems.push(`the scenario's waits add up to ${formatLimit(total.waitNs)} (repeats counted), ${durationOverLimit(total.waitNs)}`)
    }
    if (total.runs > MAX_STEP_RUNS) {
      problems.push(`the scenario's steps run ${total.runs.toLocaleString('en-US')} times in all (each count and repeat multiplied); at most ${MAX_STEP_RUNS.toLocaleString('en-US')}`)
    }
  }
  if (problems.length > 0) throw new ScenarioError(source, problems)
  return value as Scenario
}

/**
 * Parses JSON text and validates it; JSON syntax errors name the line and column. A leading UTF-8
 * byte order mark (Notepad writes one) is skipped.
 */
export function parseScenario(text: string, source: string): Scenario {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  const deep = nestingProblem(text)
  if (deep !== null) throw new ScenarioError(source, [deep])
  const errors: ParseError[] = []
  const value = parseJson(text, errors, { allowTrailingComma: false, disallowComments: true })
  if (errors.length > 0) {
    throw new ScenarioError(
      source,
      errors.map((e) => {
        const { line, column } = lineColumn(text, e.offset)
        return `line ${line}, column ${column}: ${printParseErrorCode(e.error)} (${JSON.stringify(text.slice(e.offset, e.offset + Math.max(1, e.length)))})`
      }),
    )
  }
  return validateScenario(value, source)
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  return { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') }
}

function repeatTooDeep(label: string, op: string | null): string {
  return `step ${label}${op === null ? '' : ` (${op})`}: repeats nest at most ${MAX_REPEAT_DEPTH} deep, and this one is inside ${MAX_REPEAT_DEPTH} others`
}

/**
 * Text nested deeper than MAX_JSON_DEPTH, as a located message, before the (recursive) parser sees it:
 * a scan that follows strings, objects and arrays, and the `steps` path for the step it is in.
 */
function nestingProblem(text: string): string | null {
  interface Frame { array: boolean; offset: number; index: number; key: string | null; expectKey: boolean; op: string | null }
  const stack: Frame[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */) {
      let j = i + 1
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1
      const str = text.slice(i + 1, j)
      const top = stack[stack.length - 1]
      if (top !== undefined && !top.array) {
        if (top.expectKey) top.key = str
        else if (top.key === 'op') top.op = str
      }
      i = j
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      stack.push({ array: c === 0x5b, offset: i, index: 0, key: null, expectKey: c === 0x7b, op: null })
      if (stack.length > MAX_JSON_DEPTH) return deepMessage(text, stack)
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop()
    } else if (c === 0x3a /* : */) {
      const top = stack[stack.length - 1]
      if (top !== undefined) top.expectKey = false
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1]
      if (top === undefined) continue
      if (top.array) top.index++
      else {
        top.expectKey = true
        top.key = null
      }
    }
  }
  return null
}

function deepMessage(text: string, stack: { array: boolean; offset: number; index: number; key: string | null; op: string | null }[]): string {
  // The steps the path goes through: { "steps": [ ..., { "steps": [ ... ] } ] }.
  const parts: number[] = []
  for (let k = 0; k + 2 < stack.length && !stack[k].array && stack[k].key === 'steps' && stack[k + 1].array; k += 2) {
    parts.push(stack[k + 1].index + 1)
    if (parts.length === MAX_REPEAT_DEPTH + 1) {
      const step = stack[k + 2]
      const { line, column } = lineColumn(text, step.offset)
      return `line ${line}, column ${column}: ${repeatTooDeep(parts.join('.'), step.op)}`
    }
  }
  const { line, column } = lineColumn(text, stack[stack.length - 1].offset)
  return `line ${line}, column ${column}: nested more than ${MAX_JSON_DEPTH} levels deep${parts.length > 0 ? ` (in step ${parts.join('.')})` : ''}`
}

/** What the valid steps add up to: their waits (ns) and how many times steps run, repeats multiplied. */
interface StepTotals {
  waitNs: number
  runs: number
}

function checkSteps(steps: unknown[], prefix: string, depth: number, problems: string[]): StepTotals {
  const total: StepTotals = { waitNs: 0, runs: 0 }
  steps.forEach((step, i) => {
    const label = `${prefix}${i + 1}`
    const op = (step as { op?: unknown })?.op
    if (typeof op !== 'string') {
      problems.push(`step ${label}: missing "op"`)
      return
    }
    const validate = schemas().ops.get(op)
    if (validate === undefined) {
      const near = closest(op, Object.keys(OPS))
      problems.push(`step ${label}: unknown op '${op}'${near ? ` (did you mean '${near}'?)` : ''}; known ops: ${Object.keys(OPS).join(', ')}`)
      return
    }
    if (!validate(step)) {
      for (const e of simplify(validate.errors ?? [])) problems.push(`step ${label} (${op}): ${describe(e, 'the step')}`)
      return
    }
    const before = problems.length
    semantic(step as Step, `step ${label} (${op})`, problems)
    const s = step as Step
    if (s.op === 'repeat') {
      if (depth >= MAX_REPEAT_DEPTH) {
        problems.push(repeatTooDeep(label, op))
        return
      }
      const inner = checkSteps(s.steps, `${label}.`, depth + 1, problems)
      total.waitNs += s.times * inner.waitNs
      total.runs += 1 + s.times * inner.runs
      return
    }
    // A wait already reported (not a duration, or over the maximum) is not counted again in the total.
    if (s.op === 'wait' && problems.length === before) total.waitNs += parseDuration(s.duration)
    total.runs += 'count' in s && typeof s.count === 'number' && s.op !== 'wait-frames' && s.op !== 'fault' ? s.count : 1
  })
  return total
}

/** Checks beyond the JSON shape: names that must resolve. */
function semantic(step: Step, label: string, problems: string[]): void {
  const s = step as Record<string, unknown>
  for (const key of ['duration', 'timeout', 'at'] as const) {
    if (s[key] === undefined) continue
    const ns = parseDuration(s[key] as string)
    if (Number.isNaN(ns)) problems.push(`${label}: field '${key}' is not a duration such as "2s", "500ms" or "250us": ${JSON.stringify(s[key])}`)
    else if (durationOverLimit(ns) !== null) problems.push(`${label}: field '${key}' is ${JSON.stringify(s[key])}, ${durationOverLimit(ns)}`)
  }
  if ((step.op === 'get-property' || step.op === 'set-property' || step.op === 'enable-event') && resolveSetName(step.set) === null) {
    problems.push(`${label}: field 'set' is neither a GUID nor a known set name: '${step.set}'`)
  }
  if (step.op === 'open-stream') {
    // Each names the range to intersect with in its own way: two would contradict each other.
    const given = (['format', 'range', 'prefer'] as const).filter((k) => step[k] !== undefined)
    if (given.length > 1) problems.push(`${label}: fields ${given.map((k) => `'${k}'`).join(' and ')} each choose the data range; give one`)
  }
  if (step.op === 'send' && !COMMANDS.has(step.command)) problems.push(`${label}: field 'command' is not an SRB command: '${step.command}'`)
  if (typeof s.expectStatus === 'string' && statusCode(s.expectStatus) === null) problems.push(`${label}: field 'expectStatus' is not an NTSTATUS name or hex value: '${s.expectStatus}'`)
  if ((step.op === 'get-property' || step.op === 'set-property' || step.op === 'enable-event') && resolveId(step.id) === null) {
    problems.push(`${label}: field 'id' is neither a number nor a known property/event id: '${step.id}'`)
  }
}

/**
 * Collapses anyOf noise. For a union of objects, only the branch that came closest (fewest errors)
 * speaks; for a union of literals, one "must be one of" message.
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  return literalUnions(closestBranches(errors))
}

function closestBranches(errors: ErrorObject[]): ErrorObject[] {
  let out = errors
  for (const union of errors.filter((e) => e.keyword === 'anyOf')) {
    const prefix = `${union.schemaPath}/`
    const branches = new Map<string, ErrorObject[]>()
    for (const e of out) {
      if (!e.schemaPath.startsWith(prefix)) continue
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]
      branches.set(branch, [...(branches.get(branch) ?? []), e])
    }
    // A union of plain literals is summarised by literalUnions instead.
    if ([...branches.values()].every((list) => list.every((e) => e.keyword === 'const'))) continue
    let best: string | null = null
    for (const [branch, list] of branches) if (best === null || list.length < branches.get(best)!.length) best = branch
    out = out.filter((e) => e === union ? false : !e.schemaPath.startsWith(prefix) || e.schemaPath.startsWith(`${prefix}${best}/`))
  }
  return out
}

function literalUnions(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject[]>()
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? []
    list.push(e)
    byPath.set(e.instancePath, list)
  }
  const out: ErrorObject[] = []
  for (const [path, list] of byPath) {
    const consts = list.filter((e) => e.keyword === 'const')
    if (consts.length > 0 && list.every((e) => e.keyword === 'const' || e.keyword === 'anyOf' || e.keyword === 'type')) {
      out.push({ ...consts[0], keyword: 'enum', params: { allowedValues: consts.map((e) => e.params.allowedValue) }, instancePath: path })
      continue
    }
    const specific = list.filter((e) => e.keyword !== 'anyOf')
    out.push(...(specific.length > 0 ? dedupe(specific) : list))
  }
  return out
}

function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>()
  return errors.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function describe(e: ErrorObject, whole: string): string {
  const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.')
  const where = field ? `field '${field}'` : whole
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where} has an unknown field '${e.params.additionalProperty}'`
    case 'required':
      return `${where} is missing '${e.params.missingProperty}'`
    case 'enum':
      return `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    case 'minimum':
      return `${where} must be at least ${(e.params.limit as number).toLocaleString('en-US')}`
    case 'exclusiveMinimum':
      return `${where} must be more than ${(e.params.limit as number).toLocaleString('en-US')}`
    case 'maximum':
      return `${where} must be at most ${(e.params.limit as number).toLocaleString('en-US')}${LIMIT_NOTES[field.replace(/^.*\./, '')] ?? ''}`
    default:
      return `${where} ${e.message}`
  }
}

/** Why a field's maximum is what it is, where the number alone does not say. */
const LIMIT_NOTES: Record<string, string> = {
  bytes: ' (1 GiB, the largest buffer the client allocates)',
  count: ' (see "Limits" in docs/scenarios.md)',
  times: ' (see "Limits" in docs/scenarios.md)',
}

/** The option nearest to `word` (fewer than 3 edits away), or null. */
export function closest(word: string, options: string[]): string | null {
  let best: string | null = null
  let bestDistance = 3
  for (const o of options) {
    const d = levenshtein(word, o)
    if (d < bestDistance) {
      bestDistance = d
      best = o
    }
  }
  return best
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]
}

export type { OpName }
