import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { parse as parseJson, printParseErrorCode, type ParseError } from 'jsonc-parser'
import { parseDuration } from '../../sim/time.js'
import { SRB_COMMAND_NAMES } from '../../classdriver/wdk/srbCommands.js'
import { OPS, ScenarioShell, type OpName, type Scenario, type Step } from './schema.js'
import { resolveId, resolveSetName, statusCode } from './names.js'

/** A scenario that failed validation: every problem, each naming the step and field. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid scenario\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

const ajv = new Ajv({ allErrors: true, strict: false })
const validateShell = ajv.compile(ScenarioShell)
const validators = new Map<string, ValidateFunction>(Object.entries(OPS).map(([name, schema]) => [name, ajv.compile(schema)]))
const COMMANDS = new Set(Object.values(SRB_COMMAND_NAMES))

/** Validates parsed JSON as a scenario. `source` names the file (or preset) in messages. */
export function validateScenario(value: unknown, source: string): Scenario {
  const problems: string[] = []
  if (!validateShell(value)) {
    for (const e of simplify(validateShell.errors ?? [])) problems.push(describe(e, 'the scenario'))
    // Keep going into the steps when they are at least an array, so all problems show at once.
  }
  const steps = (value as { steps?: unknown })?.steps
  if (Array.isArray(steps)) checkSteps(steps, '', problems)
  if (problems.length > 0) throw new ScenarioError(source, problems)
  return value as Scenario
}

/** Parses JSON text and validates it; JSON syntax errors name the line and column. */
export function parseScenario(text: string, source: string): Scenario {
  const errors: ParseError[] = []
  const value = parseJson(text, errors, { allowTrailingComma: false, disallowComments: true })
  if (errors.length > 0) {
    throw new ScenarioError(
      source,
      errors.map((e) => {
        const before = text.slice(0, e.offset)
        const line = before.split('\n').length
        const column = before.length - before.lastIndexOf('\n')
        return `line ${line}, column ${column}: ${printParseErrorCode(e.error)} (${JSON.stringify(text.slice(e.offset, e.offset + Math.max(1, e.length)))})`
      }),
    )
  }
  return validateScenario(value, source)
}

function checkSteps(steps: unknown[], prefix: string, problems: string[]): void {
  steps.forEach((step, i) => {
    const label = `${prefix}${i + 1}`
    const op = (step as { op?: unknown })?.op
    if (typeof op !== 'string') {
      problems.push(`step ${label}: missing "op"`)
      return
    }
    const validate = validators.get(op)
    if (validate === undefined) {
      const near = closest(op, Object.keys(OPS))
      problems.push(`step ${label}: unknown op '${op}'${near ? ` (did you mean '${near}'?)` : ''}; known ops: ${Object.keys(OPS).join(', ')}`)
      return
    }
    if (!validate(step)) {
      for (const e of simplify(validate.errors ?? [])) problems.push(`step ${label} (${op}): ${describe(e, 'the step')}`)
      return
    }
    semantic(step as Step, `step ${label} (${op})`, problems)
    if (op === 'repeat') checkSteps((step as { steps: unknown[] }).steps, `${label}.`, problems)
  })
}

/** Checks beyond the JSON shape: names that must resolve. */
function semantic(step: Step, label: string, problems: string[]): void {
  const s = step as Record<string, unknown>
  for (const key of ['duration', 'timeout', 'at'] as const) {
    if (s[key] !== undefined && Number.isNaN(parseDuration(s[key] as string))) problems.push(`${label}: field '${key}' is not a duration such as "2s", "500ms" or "250us": ${JSON.stringify(s[key])}`)
  }
  if ((step.op === 'get-property' || step.op === 'set-property' || step.op === 'enable-event') && resolveSetName(step.set) === null) {
    problems.push(`${label}: field 'set' is neither a GUID nor a known set name: '${step.set}'`)
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
    default:
      return `${where} ${e.message}`
  }
}

function closest(word: string, options: string[]): string | null {
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
