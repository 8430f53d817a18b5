/**
 * The register view's table: registers grouped by block in the card's order (global, video, audio,
 * then anything else), the filter box, and field bit ranges as a datasheet writes them.
 */
import type { RegisterFieldView, RegisterView } from '../../main/contract/api.js'

const BLOCK_ORDER = ['global', 'video', 'audio']

export interface RegisterGroup {
  block: string
  registers: RegisterView[]
}

/**
 * Registers whose name contains the filter (case-insensitive), or whose field names do, or whose
 * offset starts with it when it is written as hex ("0x1"); grouped by block, by offset within a block.
 */
export function groupRegisters(registers: readonly RegisterView[], filter: string): RegisterGroup[] {
  const f = filter.trim().toLowerCase()
  const offsetQuery = /^0x[0-9a-f]+$/.test(f) ? f.slice(2) : null
  const matches = (r: RegisterView): boolean => {
    if (f === '') return true
    if (offsetQuery !== null) return r.offset.toString(16).padStart(3, '0').startsWith(offsetQuery) || r.offset === parseInt(offsetQuery, 16)
    return r.name.toLowerCase().includes(f) || r.fields.some((x) => x.name.toLowerCase().includes(f))
  }
  const groups = new Map<string, RegisterView[]>()
  for (const r of registers) {
    if (!matches(r)) continue
    let list = groups.get(r.block)
    if (list === undefined) groups.set(r.block, (list = []))
    list.push(r)
  }
  const rank = (b: string) => (BLOCK_ORDER.includes(b) ? BLOCK_ORDER.indexOf(b) : BLOCK_ORDER.length)
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([block, list]) => ({ block, registers: list.slice().sort((a, b) => a.offset - b.offset) }))
}

/** "[31:16]", or "[3]" for one bit. */
export function fieldBits(field: Pick<RegisterFieldView, 'lsb' | 'width'>): string {
  return field.width === 1 ? `[${field.lsb}]` : `[${field.lsb + field.width - 1}:${field.lsb}]`
}

/** True when the register has more to show than one field spanning all of it. */
export function hasFieldDecode(register: RegisterView): boolean {
  return register.fields.length > 1 || (register.fields.length === 1 && (register.fields[0].width < 32 || register.fields[0].meaning !== null))
}
