import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { Ajv, type ErrorObject } from 'ajv'
import { parse as parseJson, printParseErrorCode, type ParseError } from 'jsonc-parser'
import { DEFAULT_SETTINGS } from '../../classdriver/settings.js'
import type { WorkbenchSettings } from '../../contract/api.js'
import { parseDuration } from '../../contract/time.js'
import { durationOverLimit } from '../../client/scenario/limits.js'
import { lineColumn, locatePointer } from './jsonLocation.js'

/** The project's settings file, at the root of its folder. */
export const SETTINGS_FILE = 'workbench.json'

/** A string of a fixed set, as JSON Schema `enum` (one clear error instead of a union of consts). */
function oneOf<T extends string>(values: readonly T[], description: string) {
  return Type.Unsafe<T>({ type: 'string', enum: values, description })
}

/** workbench.json (WorkbenchSettings of main/contract/api.ts). `description` is what an error says the value must be. */
export const WorkbenchSettingsSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, description: 'a non-empty string' }),
    driver: Type.String({ minLength: 1, pattern: '\\.(ts|mts)$', description: 'the path of a .ts file in the project' }),
    scenario: Type.String({ minLength: 1, description: 'a preset name or the path of a scenario file in the project' }),
    seed: Type.Integer({ minimum: 0, maximum: 4294967295, description: 'an integer from 0 to 4294967295' }),
    duration: Type.String({ minLength: 1, description: 'a duration such as "2s" or "500ms"' }),
    card: oneOf(['auto', 'vcap1', 'stub', 'none'] as const, 'one of "auto", "vcap1", "stub", "none"'),
    sync: Type.Optional(oneOf(['on', 'off'] as const, '"on" or "off"')),
    reloadMode: oneOf(['swap', 'replay'] as const, '"swap" or "replay"'),
    speed: Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Literal('fast')], { description: 'a positive number (1 is real time) or "fast"' }),
    settings: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.String()], { description: 'a number, a boolean or a string' }), { description: 'an object of class driver settings' })),
  },
  { additionalProperties: false },
)

// The schema and the contract's interface must describe the same thing.
type SchemaSettings = Static<typeof WorkbenchSettingsSchema>
const sameShape: SchemaSettings extends WorkbenchSettings ? (WorkbenchSettings extends SchemaSettings ? true : never) : never = true
void sameShape

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true })
const validate = ajv.compile(WorkbenchSettingsSchema)

/** One thing wrong with a settings file: the JSON pointer of the field, the message, where it is. */
export interface SettingsProblem {
  pointer: string
  message: string
  line: number
  column: number
}

/** A settings file that cannot be used; the message names the file and every field at fault. */
export class ProjectSettingsError extends Error {
  constructor(
    readonly file: string,
    readonly problems: SettingsProblem[],
  ) {
    super(problems.map((p) => `${file}: ${p.pointer ? `${p.pointer} ` : ''}${p.message}`).join('\n'))
  }
}

/** Parses and validates workbench.json text; throws ProjectSettingsError naming `file` and the fields. */
export function parseSettings(text: string, file = SETTINGS_FILE): WorkbenchSettings {
  const errors: ParseError[] = []
  const value = parseJson(text, errors, { allowTrailingComma: false, disallowComments: true })
  if (errors.length > 0) {
    // The first syntax error is the one to fix; the ones after it follow from it.
    const at = lineColumn(text, errors[0].offset)
    throw new ProjectSettingsError(file, [{ pointer: '', message: `line ${at.line}, column ${at.column}: ${printParseErrorCode(errors[0].error)}`, ...at }])
  }
  const problems = checkSettings(value).map((p) => ({ ...p, ...(locatePointer(text, p.pointer) ?? { line: 1, column: 1 }) }))
  if (problems.length > 0) throw new ProjectSettingsError(file, problems)
  return value as WorkbenchSettings
}

/** Schema errors, then what the schema cannot say (durations that parse, settings that exist). */
function checkSettings(value: unknown): { pointer: string; message: string }[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ pointer: '', message: 'must be a JSON object' }]
  if (!validate(value)) return describeErrors(validate.errors ?? [])
  const s = value as WorkbenchSettings
  const out: { pointer: string; message: string }[] = []
  const ns = parseDuration(s.duration)
  if (!(ns > 0)) out.push({ pointer: '/duration', message: `must be a duration such as "2s" or "500ms", got ${JSON.stringify(s.duration)}` })
  else if (durationOverLimit(ns) !== null) out.push({ pointer: '/duration', message: `is ${JSON.stringify(s.duration)}, ${durationOverLimit(ns)}` })
  for (const [key, v] of Object.entries(s.settings ?? {})) {
    const pointer = `/settings/${key}`
    if (!(key in DEFAULT_SETTINGS)) {
      out.push({ pointer, message: `is not a class driver setting (settings: ${Object.keys(DEFAULT_SETTINGS).join(', ')})` })
      continue
    }
    const def = DEFAULT_SETTINGS[key as keyof typeof DEFAULT_SETTINGS]
    if (typeof v !== typeof def) out.push({ pointer, message: `must be a ${typeof def}, like its default ${JSON.stringify(def)}` })
  }
  return out
}

/** Ajv errors as "<pointer> <message>", one per field: a failed union says what the field must be. */
function describeErrors(errors: ErrorObject[]): { pointer: string; message: string }[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath)
  const out: { pointer: string; message: string }[] = []
  const seen = new Set<string>()
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && unions.includes(e.instancePath)) continue
    let pointer = e.instancePath
    let message: string
    const schema = e.parentSchema as TSchema | undefined
    switch (e.keyword) {
      case 'required':
        pointer = `${e.instancePath}/${e.params.missingProperty as string}`
        message = 'is missing'
        break
      case 'additionalProperties':
        pointer = `${e.instancePath}/${e.params.additionalProperty as string}`
        message = `is not a field of ${SETTINGS_FILE} (fields: ${Object.keys(WorkbenchSettingsSchema.properties).filter((k) => k !== '$schema').join(', ')})`
        break
      case 'anyOf':
      case 'enum':
      case 'pattern':
      case 'minLength':
        message = `must be ${(schema?.description as string | undefined) ?? e.message}`
        break
      default:
        message = e.message ?? e.keyword
    }
    const key = `${pointer} ${message}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ pointer, message })
  }
  return out
}
