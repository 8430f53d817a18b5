import type { RegisterFieldView, RegisterView } from '../../contract/api.js'
import { REGISTERS, type FieldSpec } from '../../hw/vcap1/registers.js'
import type { Vcap1Card } from '../../hw/vcap1/vcap1.js'
import type { RegisterLog } from './registerLog.js'

/** A field's value within its register. */
export function fieldValue(field: FieldSpec, value: number): number {
  return field.width === 32 ? value >>> 0 : (value >>> field.lsb) & ((1 << field.width) - 1)
}

/**
 * Every register of the VCAP-1 table with its value now, decoded by field (*context*). Values come from
 * the card's side-effect-free peek: inspecting never clears a status, latches a timestamp or moves audio
 * data, so a run that is inspected runs exactly like one that is not. `history` comes from the
 * register log (registerLog.ts), empty without one.
 */
export function inspectRegisters(card: Vcap1Card, log: RegisterLog | null): RegisterView[] {
  return REGISTERS.map((spec) => {
    const value = card.peekRegister(spec.offset) >>> 0
    const fields: RegisterFieldView[] = spec.fields.map((f) => {
      const v = fieldValue(f, value)
      return { name: f.name, lsb: f.lsb, width: f.width, access: f.access, value: v, meaning: f.values?.[v] ?? null, doc: f.doc }
    })
    return { offset: spec.offset, name: spec.name, block: spec.block, doc: spec.doc, value, fields, history: log?.history(spec.offset) ?? [] }
  })
}
