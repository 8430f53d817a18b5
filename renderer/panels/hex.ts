/**
 * Hex text for registers, addresses and bytes, and the address box's parser. Physical addresses can
 * pass 4 GB (64-bit descriptor bases), so nothing here goes through 32-bit integer operators except
 * register values, which are 32-bit by definition.
 */

/** A 32-bit register value: 0x0001F2A0. */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`
}

/** A register offset: 0x10C. */
export function hexOffset(offset: number): string {
  return `0x${offset.toString(16).toUpperCase().padStart(3, '0')}`
}

/** A physical address, at least 8 digits: 0x00123000, 0x1_00000000 stays 0x100000000. */
export function hexAddress(address: number): string {
  return `0x${address.toString(16).toUpperCase().padStart(8, '0')}`
}

/** One byte as two digits: 0A. */
export function hexByte(value: number): string {
  return HEX_BYTES[value & 255]
}

const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'))

/** A field value: decimal for small values, hex as well when it helps (0x1F = 31). */
export function fieldValueText(value: number, width: number): string {
  if (width === 1 || value < 10) return String(value)
  return `${value} (0x${value.toString(16).toUpperCase()})`
}

/**
 * Parses what people type into an address box: "0x12000", "12000" (hex, as in a debugger), "12000h",
 * WinDbg's "00000001`00000000", with `_` or spaces between digit groups. An error names the problem.
 */
export function parseAddress(text: string): { ok: true; value: number } | { ok: false; error: string } {
  let t = text.trim().replace(/[`_\s]/g, '')
  if (t === '') return { ok: false, error: 'enter an address (hex, e.g. 0x12000)' }
  if (/^0x/i.test(t)) t = t.slice(2)
  else if (/h$/i.test(t)) t = t.slice(0, -1)
  if (!/^[0-9a-f]+$/i.test(t)) return { ok: false, error: `"${text.trim()}" is not a hex address` }
  const value = parseInt(t, 16)
  if (!Number.isSafeInteger(value)) return { ok: false, error: `address ${text.trim()} is too large` }
  return { ok: true, value }
}
