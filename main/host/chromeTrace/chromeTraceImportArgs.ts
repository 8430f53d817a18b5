/**
 * An imported event's name and args on its row: our own export's args become arg layouts again,
 * anything else a detail object (docs of the mapping: chromeTraceImport.ts).
 */
import type { ArgFormat, ArgLayout } from '../../contract/trace.js'
import type { StringTable } from '../../sim/trace/strings.js'
import { isObject, type Json } from './chromeTraceImportEvent.js'
import type { ImportRows } from './chromeTraceImportRows.js'

/** The details and arg layouts of one trace being imported, written into its rows. */
export class ImportArgs {
  readonly details: unknown[] = []
  readonly layouts: ArgLayout[] = [{ name: 'none', fields: [] }]
  private readonly layoutIds = new Map<string, number>()

  constructor(
    private readonly rows: ImportRows,
    private readonly strings: StringTable,
    /** The file is our own export. */
    private readonly ours: boolean,
  ) {}

  name(ev: Json): number {
    return typeof ev.name === 'string' ? this.strings.intern(ev.name) : 0
  }

  /** An event's args: an arg layout (our own export), else a detail object. */
  add(row: number, ev: Json, args: unknown): void {
    const cat = typeof ev.cat === 'string' && ev.cat !== '' ? ev.cat : null
    if (this.ours) {
      if (!isObject(args)) return
      const keys = Object.keys(args)
      if (keys.length === 0) return
      if (keys.length === 1 && keys[0] === 'text' && typeof args.text === 'string') {
        this.rows.detail[row] = this.details.push(args.text) - 1
        return
      }
      if (keys.length <= 3 && this.layout(row, args, keys)) return
      this.rows.detail[row] = this.details.push(args) - 1
      return
    }
    const hasArgs = isObject(args) && Object.keys(args).length > 0
    if (!hasArgs && cat === null) return
    const detail = cat === null ? args : hasArgs ? { cat, ...(args as Json) } : { cat }
    this.rows.detail[row] = this.details.push(detail) - 1
  }

  /** Maps scalar args back to an arg layout; false when a value is not a scalar. */
  private layout(row: number, args: Json, keys: string[]): boolean {
    const formats: ArgFormat[] = []
    const values: number[] = []
    for (const k of keys) {
      const v = args[k]
      if (typeof v === 'number') {
        formats.push('int')
        values.push(v)
      } else if (typeof v === 'boolean') {
        formats.push('bool')
        values.push(v ? 1 : 0)
      } else if (typeof v === 'string') {
        const hex = canonicalHex(v)
        formats.push(hex === null ? 'string' : 'hex')
        values.push(hex ?? this.strings.intern(v))
      } else return false
    }
    const key = keys.map((k, i) => `${k}\u0001${formats[i]}`).join('\u0002')
    let id = this.layoutIds.get(key)
    if (id === undefined) {
      if (this.layouts.length > 0xffff) return false
      id = this.layouts.push({ name: keys.join(','), fields: keys.map((name, i) => ({ name, format: formats[i] })) }) - 1
      this.layoutIds.set(key, id)
    }
    this.rows.args[row] = id
    this.rows.a0[row] = values[0] ?? 0
    this.rows.a1[row] = values[1] ?? 0
    this.rows.a2[row] = values[2] ?? 0
    return true
  }
}

/** "0x1f" as our exporter writes hex (lowercase, no leading zeros, 32 bits) -> 31; anything else null. */
function canonicalHex(s: string): number | null {
  if (!/^0x[0-9a-f]{1,8}$/.test(s)) return null
  const v = parseInt(s.slice(2), 16)
  return v.toString(16) === s.slice(2) ? v : null
}
