import { describe, expect, it } from 'vitest'
import { fieldValueText, hex32, hexAddress, hexByte, hexOffset, parseAddress } from '../../../renderer/panels/hex.js'

describe('hex text', () => {
  it('formats register values as 8 digits, negative (signed) inputs as their 32-bit pattern', () => {
    expect(hex32(0x1f2a0)).toBe('0x0001F2A0')
    expect(hex32(0xffffffff)).toBe('0xFFFFFFFF')
    expect(hex32(-1)).toBe('0xFFFFFFFF')
    expect(hexOffset(0x10c)).toBe('0x10C')
    expect(hexOffset(0)).toBe('0x000')
    expect(hexByte(10)).toBe('0A')
    expect(hexByte(255)).toBe('FF')
  })

  it('keeps physical addresses above 4 GB intact', () => {
    expect(hexAddress(0x123000)).toBe('0x00123000')
    expect(hexAddress(0x1_0000_2000)).toBe('0x100002000')
  })

  it('shows field values in decimal, with hex when it helps', () => {
    expect(fieldValueText(1, 1)).toBe('1')
    expect(fieldValueText(7, 4)).toBe('7')
    expect(fieldValueText(31, 8)).toBe('31 (0x1F)')
  })
})

describe('parseAddress', () => {
  it('accepts 0x, bare hex (as a debugger does), an h suffix, and grouped digits', () => {
    expect(parseAddress('0x12000')).toEqual({ ok: true, value: 0x12000 })
    expect(parseAddress(' 12000 ')).toEqual({ ok: true, value: 0x12000 })
    expect(parseAddress('1F000h')).toEqual({ ok: true, value: 0x1f000 })
    expect(parseAddress('00000001`00000000')).toEqual({ ok: true, value: 0x1_0000_0000 })
    expect(parseAddress('0x0001_2000')).toEqual({ ok: true, value: 0x12000 })
  })

  it('says what is wrong with anything else', () => {
    expect(parseAddress('')).toMatchObject({ ok: false, error: expect.stringMatching(/enter an address/) })
    expect(parseAddress('0xZZ')).toMatchObject({ ok: false, error: expect.stringMatching(/"0xZZ" is not a hex address/) })
    expect(parseAddress('-10')).toMatchObject({ ok: false })
    expect(parseAddress('0x' + 'f'.repeat(16))).toMatchObject({ ok: false, error: expect.stringMatching(/too large/) })
  })
})
