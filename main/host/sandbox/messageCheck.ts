/**
 * Every message from a sandbox worker is untrusted input: the worker shares its realm with driver
 * code, so whatever it sends may have been shaped by the driver (a replaced JSON.stringify, a polluted
 * prototype, a Proxy). The host checks each message's shape and size here before it uses anything in
 * it; a message that fails ends the run with a clear report (sandbox.ts), never an exception in the
 * host. Hand-written guards: they return the path of the first thing wrong, and cost little on the
 * hot path (a trace delta's rows are checked column by column).
 */
import { CRASH, type TraceDelta, type WorkerMessage } from './sandboxMessages.js'
import { EventKind, newTraceColumns, type TraceSchema } from '../../contract/trace.js'
import type { FaultResult, InspectResult, TraceUpdate } from '../../contract/api.js'
import type { RunReport, SwapResult } from '../../contract/report.js'
import type { FrameTap } from '../inspect/frameHistory.js'
import type { AudioTap } from '../inspect/liveTaps.js'

/** Size caps of one message. Past them a message is refused (a run that floods the host ends). */
export const MESSAGE_LIMITS = {
  /** The report or the status report, as JSON. */
  reportChars: 32 * 1024 * 1024,
  /** Rows in one trace delta (a slice of ~20 ms records far fewer). */
  deltaRows: 1 << 21,
  /** Newly interned strings in one delta, and their characters in all. */
  deltaStrings: 1 << 20,
  deltaStringChars: 32 * 1024 * 1024,
  /** The details JSON of one delta. */
  detailsChars: 64 * 1024 * 1024,
  /** The schema JSON. */
  schemaChars: 4 * 1024 * 1024,
  /** A callback name, and how many names a run may announce. */
  nameChars: 4096,
  names: 1 << 16,
  /** Any other string (a reason, a swap or fault result). */
  textChars: 1024 * 1024,
  /** Frame previews and audio levels in one taps message. */
  taps: 4096,
  /** Captured buffers (mdwb run --frames/--audio) in one taps message, one buffer's bytes, and all of them. */
  captured: 4096,
  capturedBufferBytes: 16 * 1024 * 1024,
  capturedMessageBytes: 512 * 1024 * 1024,
} as const

/** A message the host refuses: `message` says what was wrong, for the report. */
export class MalformedMessage extends Error {}

type Check = (v: unknown, path: string) => string | null

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (max: number = MESSAGE_LIMITS.textChars): Check => (v, p) => (typeof v !== 'string' ? `${p} is not a string` : v.length > max ? `${p} is longer than ${max} characters` : null)
const num: Check = (v, p) => (typeof v === 'number' && !Number.isNaN(v) ? null : `${p} is not a number`)
const int: Check = (v, p) => (Number.isSafeInteger(v) ? null : `${p} is not an integer`)
const bool: Check = (v, p) => (typeof v === 'boolean' ? null : `${p} is not a boolean`)
const nullable = (c: Check): Check => (v, p) => (v === null ? null : c(v, p))
const optional = (c: Check): Check => (v, p) => (v === undefined ? null : c(v, p))
const oneOf = (...values: readonly unknown[]): Check => (v, p) => (values.includes(v) ? null : `${p} is not one of ${values.map((x) => JSON.stringify(x)).join(', ')}`)
function arr(of: Check, max = Infinity): Check {
  return (v, p) => {
    if (!Array.isArray(v)) return `${p} is not an array`
    if (v.length > max) return `${p} has more than ${max} entries`
    for (let i = 0; i < v.length; i++) {
      const e = of(v[i], `${p}[${i}]`)
      if (e !== null) return e
    }
    return null
  }
}
function record(of: Check): Check {
  return (v, p) => {
    if (!isObj(v)) return `${p} is not an object`
    for (const k of Object.keys(v)) {
      const e = of(v[k], `${p}.${k}`)
      if (e !== null) return e
    }
    return null
  }
}
function obj(fields: Record<string, Check>): Check {
  return (v, p) => {
    if (!isObj(v)) return `${p} is not an object`
    for (const [k, c] of Object.entries(fields)) {
      const e = c(v[k], `${p}.${k}`)
      if (e !== null) return e
    }
    return null
  }
}

const location = obj({ file: str(4096), line: num, column: num })
const finding = obj({
  rule: str(256),
  severity: oneOf('error', 'warning'),
  message: str(),
  timeNs: num,
  srb: optional(obj({ id: num, command: str(256), stream: nullable(num) })),
  callback: optional(str(4096)),
  location: optional(location),
  count: optional(int),
})
const bugcheck = obj({ code: str(64), name: str(256), message: str(), callback: nullable(str(4096)), location: nullable(location), stack: nullable(str()), timeNs: num })

/** What the host reads of a report (the summary, the problems, the status bar, the CI scripts). */
const report: Check = obj({
  driver: str(4096),
  scenario: str(4096),
  seed: num,
  card: str(256),
  synchronization: oneOf('on', 'off', null),
  virtualTimeNs: num,
  wallTimeMs: num,
  result: oneOf('pass', 'fail'),
  exitCode: oneOf(0, 1),
  failures: arr(str()),
  run: obj({ completed: bool, step: nullable(str()), reason: nullable(str()), unsupported: optional(bool) }),
  frames: obj({ delivered: num, dropped: num, abortedAtStop: optional(num), torn: num, stale: num }),
  audio: obj({ buffers: num, bytes: num }),
  srbs: obj({ total: num, byCommand: record(num), completed: num, cancelled: num, timedOut: num, outstanding: num }),
  interrupts: obj({ raised: num, claimed: num, spurious: num }),
  verifier: arr(finding),
  findingCounts: record(num),
  verifierErrors: optional(num),
  bugcheck: nullable(bugcheck),
  expectations: arr(obj({ name: str(256), expected: num, actual: num, ok: bool })),
  debugOutput: arr(obj({ timeNs: num, text: str() })),
  traceEvents: num,
  hotSwaps: optional(arr(obj({ timeNs: num, ok: bool, error: nullable(str()), replaced: arr(str(4096)), kept: arr(str(4096)) }))),
})

const swapResult: Check = obj({ ok: bool, error: nullable(str()), replaced: arr(str(4096)), kept: arr(str(4096)), timeNs: num })
const faultResult: Check = obj({ ok: bool, error: optional(nullable(str())), timeNs: num })

const schema: Check = obj({
  tracks: arr(obj({ name: str(4096), group: str(4096), kind: oneOf('slices', 'async', 'counter', 'instants'), order: num, unit: optional(str(256)) }), 1 << 16),
  argLayouts: arr(obj({ name: str(256), fields: arr(obj({ name: str(256), format: str(256) }), 3) }), 1 << 16),
  enums: record(record(str(4096))),
})

const frameTap: Check = (v, p) => {
  const e = obj({ number: num, timeNs: num, width: int, height: int, stride: int, verdict: oneOf('ok', 'torn', 'stale', 'unchecked'), droppedBefore: num, scale: num, format: str(64) })(v, p)
  if (e !== null) return e
  return (v as { data: unknown }).data instanceof Uint8Array ? null : `${p}.data is not a Uint8Array`
}
const audioTap: Check = obj({ timeNs: num, peak: arr(num, 64), rms: arr(num, 64) })
const count = (max: number): Check => (v, p) => int(v, p) ?? ((v as number) >= 0 && (v as number) <= max ? null : `${p} is out of range 0..${max}`)
/** A captured buffer: what the Y4M/WAV writers index by (sizes bounded: they allocate from them). */
const capturedBuffer: Check = (v, p) => {
  const e = obj({
    stream: count(1 << 16),
    kind: oneOf('video', 'audio'),
    timeNs: num,
    number: num,
    format: oneOf('YUY2', 'UYVY', 'RGB24', 'RGB32', 'NV12', 'PCM'),
    width: count(8192),
    height: count(8192),
    stride: count(65536),
    bottomUp: bool,
    interval: count(2 ** 32),
    channels: count(64),
    sampleRate: count(1_000_000),
    bitsPerSample: count(64),
    blockAlign: count(1024),
  })(v, p)
  if (e !== null) return e
  const data = (v as { data: unknown }).data
  if (!(data instanceof Uint8Array)) return `${p}.data is not a Uint8Array`
  return data.byteLength <= MESSAGE_LIMITS.capturedBufferBytes ? null : `${p}.data has ${data.byteLength} bytes (at most ${MESSAGE_LIMITS.capturedBufferBytes})`
}
const captured: Check = (v, p) => {
  const e = arr(capturedBuffer, MESSAGE_LIMITS.captured)(v, p)
  if (e !== null) return e
  let bytes = 0
  for (const b of v as { data: Uint8Array }[]) bytes += b.data.byteLength
  return bytes <= MESSAGE_LIMITS.capturedMessageBytes ? null : `${p} holds ${bytes} bytes (at most ${MESSAGE_LIMITS.capturedMessageBytes})`
}

/** Parses JSON the worker sent and checks it; throws MalformedMessage. */
function parseChecked<T>(json: unknown, max: number, check: Check, what: string): T {
  const tooLong = str(max)(json, what)
  if (tooLong !== null) throw new MalformedMessage(tooLong)
  let value: unknown
  try {
    value = JSON.parse(json as string)
  } catch (error) {
    throw new MalformedMessage(`${what} is not JSON (${error instanceof Error ? error.message : 'unparsable'})`)
  }
  const e = check(value, what)
  if (e !== null) throw new MalformedMessage(e)
  return value as T
}

export const parseReport = (json: unknown, what = 'the report'): RunReport => parseChecked<RunReport>(json, MESSAGE_LIMITS.reportChars, report, what)
export const parseSwapResult = (json: unknown): SwapResult => parseChecked<SwapResult>(json, MESSAGE_LIMITS.textChars, swapResult, 'the swap result')
export const parseFaultResult = (json: unknown): FaultResult => parseChecked<FaultResult>(json, MESSAGE_LIMITS.textChars, faultResult, 'the fault result')

/** The message's envelope and its plain fields; JSON payloads are checked where they are parsed. Null: fine. */
export function checkWorkerMessage(m: unknown): string | null {
  if (!isObj(m)) return 'the message is not an object'
  if (typeof m.type !== 'string') return 'the message has no type'
  const id = int(m.id, 'id')
  if (id !== null) return `${m.type} message: ${id}`
  const fields = Object.hasOwn(FIELDS, m.type) ? FIELDS[m.type as WorkerMessage['type']] : null
  if (fields === null) return `unknown message type ${JSON.stringify(m.type.slice(0, 64))}`
  const e = obj(fields)(m, m.type)
  return e
}

const taps: Check = (v, p) => arr(frameTap, MESSAGE_LIMITS.taps)(v, p)
const FIELDS: Record<WorkerMessage['type'], Record<string, Check>> = {
  crash: { buffer: (v, p) => ((v instanceof SharedArrayBuffer || v instanceof ArrayBuffer) && v.byteLength >= CRASH.SIZE * 4 ? null : `${p} is not a buffer of ${CRASH.SIZE * 4} bytes`) },
  name: { nameId: (v, p) => int(v, p) ?? ((v as number) >= 0 && (v as number) < MESSAGE_LIMITS.names ? null : `${p} is out of range`), name: str(MESSAGE_LIMITS.nameChars) },
  trace: { delta: isObjCheck },
  status: { status: str(MESSAGE_LIMITS.reportChars), virtualTimeNs: num },
  swapped: { result: str() },
  done: { report: str(MESSAGE_LIMITS.reportChars), cutShort: nullable(str()), callback: nullable(str(MESSAGE_LIMITS.nameChars)) },
  failed: { reason: str() },
  refused: { reason: str() },
  injected: { call: int, result: str() },
  inspected: { call: int, result: (v, p) => (isObj(v) && typeof v.what === 'string' ? null : `${p} is not an inspector result`) },
  taps: { frames: taps, audio: arr(audioTap, MESSAGE_LIMITS.taps), captured },
}

function isObjCheck(v: unknown, p: string): string | null {
  return isObj(v) ? null : `${p} is not an object`
}

/** An inspector's answer: its kind and the parts the panels index into. */
export function checkInspectResult(v: unknown): InspectResult {
  const r = v as Record<string, unknown>
  const e =
    r.what === 'none' ? str()(r.reason, 'result.reason')
    : r.what === 'registers' ? num(r.timeNs, 'result.timeNs') ?? arr(isObjCheck, 4096)(r.registers, 'result.registers')
    : r.what === 'rings' ? num(r.timeNs, 'result.timeNs') ?? arr(isObjCheck, 64)(r.rings, 'result.rings')
    : r.what === 'memory' ? num(r.timeNs, 'result.timeNs') ?? (isObj(r.memory) && r.memory.bytes instanceof Uint8Array ? null : 'result.memory.bytes is not a Uint8Array')
    : `result.what ${JSON.stringify(String(r.what).slice(0, 64))} is not an inspector kind`
  if (e !== null) throw new MalformedMessage(`inspected message: ${e}`)
  return v as InspectResult
}


/**
 * A trace delta from the run, checked against the trace the host has so far and parsed (once) into a
 * TraceUpdate, or a MalformedMessage. Checked (`have`): rows in order from its end,
 * every column of the right type and length, every id in a row (string, track, arg layout, detail)
 * one that exists once the delta is appended.
 */
export function checkTraceDelta(
  value: unknown,
  have: { count: number; strings: number; details: number; tracks: number; argLayouts: number; knownString: (s: string) => boolean },
): TraceUpdate {
  const fail = (why: string): never => {
    throw new MalformedMessage(`trace message: ${why}`)
  }
  const d = value as Record<string, unknown>
  if (d.from !== have.count) fail(`delta.from is ${typeof d.from === 'number' ? d.from : typeof d.from}, not ${have.count} (rows out of order)`)
  const rows = d.rows
  if (!isObj(rows)) return fail('delta.rows is not an object')
  const template = newTraceColumns(0) as unknown as Record<string, ArrayBufferView>
  let n = -1
  for (const key of Object.keys(template)) {
    const column = rows[key] as ArrayBufferView | undefined
    if (!(column instanceof (template[key].constructor as new () => ArrayBufferView))) fail(`delta.rows.${key} is not a ${template[key].constructor.name}`)
    const length = (column as unknown as { length: number }).length
    if (n < 0) n = length
    else if (length !== n) fail(`delta.rows.${key} has ${length} rows, not ${n}`)
  }
  if (Object.keys(rows).length !== Object.keys(template).length) fail('delta.rows has columns the trace does not')
  if (n > MESSAGE_LIMITS.deltaRows) fail(`the delta has ${n} rows (at most ${MESSAGE_LIMITS.deltaRows})`)
  const strings = d.strings
  if (!Array.isArray(strings)) return fail('delta.strings is not an array')
  if (strings.length > MESSAGE_LIMITS.deltaStrings) fail(`the delta has ${strings.length} new strings (at most ${MESSAGE_LIMITS.deltaStrings})`)
  let chars = 0
  // Appending interns them: one the host has already (the empty string of the first delta) adds no id.
  const fresh = new Set<string>()
  for (let i = 0; i < strings.length; i++) {
    const s: unknown = strings[i]
    if (typeof s !== 'string') return fail(`delta.strings[${i}] is not a string`)
    if (!have.knownString(s)) fresh.add(s)
    chars += s.length
  }
  if (chars > MESSAGE_LIMITS.deltaStringChars) fail(`the delta's new strings have ${chars} characters (at most ${MESSAGE_LIMITS.deltaStringChars})`)
  const details = parseChecked<unknown[]>(d.details, MESSAGE_LIMITS.detailsChars, arr(() => null), 'delta.details')
  const newSchema = d.schema === null ? null : parseChecked<TraceSchema>(d.schema, MESSAGE_LIMITS.schemaChars, schema, 'delta.schema')
  const c = rows as unknown as ReturnType<typeof newTraceColumns>
  const stringCount = have.strings + fresh.size
  const detailCount = have.details + details.length
  const trackCount = newSchema?.tracks.length ?? have.tracks
  const layoutCount = newSchema?.argLayouts.length ?? have.argLayouts
  for (let i = 0; i < n; i++) {
    const kind = c.kind[i]
    if (kind < EventKind.Slice || kind > EventKind.FlowEnd) fail(`row ${have.count + i} has kind ${kind}`)
    if (c.name[i] >= stringCount) fail(`row ${have.count + i} names string ${c.name[i]}, of ${stringCount}`)
    if (c.track[i] >= trackCount) fail(`row ${have.count + i} is on track ${c.track[i]}, of ${trackCount}`)
    if (c.args[i] >= layoutCount) fail(`row ${have.count + i} has arg layout ${c.args[i]}, of ${layoutCount}`)
    if (c.detail[i] < -1 || c.detail[i] >= detailCount) fail(`row ${have.count + i} has detail ${c.detail[i]}, of ${detailCount}`)
  }
  const delta = value as TraceDelta
  return { from: delta.from, rows: delta.rows, strings: delta.strings, details, schema: newSchema }
}

export type { FrameTap, AudioTap }
