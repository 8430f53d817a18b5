import type { ArgFormat, TraceSchema } from '../../main/contract/trace.js'
import { formatDuration } from './timeFormat.js'

/**
 * Decoding an event's numeric arguments by their layout's formats, the way the Chrome trace export
 * decodes them (main/host/chromeTrace/chromeTraceExport.ts), but as display text.
 */

/** Text of one argument value. */
export function formatArg(format: ArgFormat, value: number, strings: readonly string[], enums: TraceSchema['enums']): string {
  if (format === 'int') return String(value)
  if (format === 'hex') return hex(value)
  if (format === 'ns') return formatDuration(value)
  if (format === 'bool') return value !== 0 ? 'true' : 'false'
  if (format === 'string') return strings[value] ?? `#${value}`
  if (format.startsWith('enum:')) return enums[format.slice(5)]?.[value] ?? String(value)
  if (format.startsWith('flags:')) return flagNames(enums[format.slice(6)] ?? {}, value)
  return String(value)
}

function hex(v: number): string {
  if (Number.isInteger(v) && v >= 0) return `0x${v.toString(16)}`
  return `0x${(v >>> 0).toString(16)}`
}

/** "DONE|TRUNCATED" from a bit set and its bit-index -> name table; "0" when no bit is set. */
export function flagNames(bits: Record<number, string>, value: number): string {
  const names: string[] = []
  for (let bit = 0; bit < 32; bit++) if (((value >>> bit) & 1) !== 0) names.push(bits[bit] ?? `bit${bit}`)
  return names.length > 0 ? names.join('|') : '0'
}
