import { describe, expect, it } from 'vitest'
import type { RegisterView } from '../../../main/contract/api.js'
import { fieldBits, groupRegisters, hasFieldDecode } from '../../../renderer/panels/registerTable.js'

function reg(offset: number, name: string, block: string, fields: RegisterView['fields'] = []): RegisterView {
  return { offset, name, block, doc: '', value: 0, fields, history: [] }
}
const field = (name: string, lsb: number, width: number, meaning: string | null = null) => ({ name, lsb, width, access: 'RW', value: 0, meaning, doc: '' })

const registers = [
  reg(0x200, 'AUD_CTRL', 'audio', [field('RUN', 0, 1)]),
  reg(0x104, 'VID_STATUS', 'video', [field('RUNNING', 0, 1), field('HALTED', 1, 1)]),
  reg(0x100, 'VID_CTRL', 'video', [field('RUN', 0, 1), field('RESET', 1, 1)]),
  reg(0x020, 'INT_STATUS', 'global', [field('VID_IOC', 0, 1)]),
  reg(0x000, 'DEV_ID', 'global'),
]

describe('groupRegisters', () => {
  it('groups by block in the card order, by offset inside a block', () => {
    const groups = groupRegisters(registers, '')
    expect(groups.map((g) => g.block)).toEqual(['global', 'video', 'audio'])
    expect(groups[0].registers.map((r) => r.name)).toEqual(['DEV_ID', 'INT_STATUS'])
    expect(groups[1].registers.map((r) => r.name)).toEqual(['VID_CTRL', 'VID_STATUS'])
  })

  it('filters by register name, by field name, or by hex offset', () => {
    expect(groupRegisters(registers, 'vid_c').flatMap((g) => g.registers.map((r) => r.name))).toEqual(['VID_CTRL'])
    // INT_STATUS has a VID_IOC field.
    expect(groupRegisters(registers, 'VID_').flatMap((g) => g.registers.map((r) => r.name))).toEqual(['INT_STATUS', 'VID_CTRL', 'VID_STATUS'])
    expect(groupRegisters(registers, 'halted').flatMap((g) => g.registers.map((r) => r.name))).toEqual(['VID_STATUS'])
    expect(groupRegisters(registers, '0x10').flatMap((g) => g.registers.map((r) => r.name))).toEqual(['VID_CTRL', 'VID_STATUS'])
    expect(groupRegisters(registers, '0x20').flatMap((g) => g.registers.map((r) => r.name))).toEqual(['INT_STATUS', 'AUD_CTRL'])
    expect(groupRegisters(registers, 'nothing')).toEqual([])
  })
})

describe('fields', () => {
  it('writes bit ranges as a datasheet does', () => {
    expect(fieldBits({ lsb: 16, width: 16 })).toBe('[31:16]')
    expect(fieldBits({ lsb: 3, width: 1 })).toBe('[3]')
  })

  it('offers a field decode unless the register is one plain 32-bit word', () => {
    expect(hasFieldDecode(reg(0, 'X', 'global', [field('VALUE', 0, 32)]))).toBe(false)
    expect(hasFieldDecode(reg(0, 'X', 'global', [field('FORMAT', 0, 32, 'YUY2')]))).toBe(true)
    expect(hasFieldDecode(reg(0, 'X', 'global', [field('A', 0, 8), field('B', 8, 8)]))).toBe(true)
    expect(hasFieldDecode(reg(0, 'X', 'global', []))).toBe(false)
  })
})
