/**
 * The classic hex view: 16 bytes a line, the address, the bytes in hex, the same bytes as ASCII, and
 * which allocated region each byte belongs to (for the coloured gutter and cells).
 */
import type { MemoryView } from '../../main/contract/api.js'
import { hexAddress, hexByte } from './hex.js'
import { ownerColour, regionIndexPerByte } from './memoryRegions.js'

export const BYTES_PER_LINE = 16

export interface HexCell {
  text: string
  /** Owner colour, or null outside every region. */
  colour: string | null
  owner: string | null
}

export interface HexLine {
  address: number
  addressText: string
  cells: HexCell[]
  ascii: string
  /** Owners that have bytes on this line (for the gutter), in address order. */
  owners: { owner: string; colour: string }[]
}

/** Printable ASCII as itself, everything else as a dot. */
export function asciiOf(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.'
}

/** Lines of `view`; a short last line is not padded (the template pads with empty cells). */
export function hexLines(view: MemoryView): HexLine[] {
  const { address, bytes, regions } = view
  const which = regionIndexPerByte(regions, address, bytes.length)
  const lines: HexLine[] = []
  for (let start = 0; start < bytes.length; start += BYTES_PER_LINE) {
    const end = Math.min(bytes.length, start + BYTES_PER_LINE)
    const cells: HexCell[] = []
    let ascii = ''
    const owners: { owner: string; colour: string }[] = []
    for (let i = start; i < end; i++) {
      const r = which[i]
      const owner = r >= 0 ? regions[r].owner : null
      const colour = owner !== null ? ownerColour(owner) : null
      cells.push({ text: hexByte(bytes[i]), colour, owner })
      ascii += asciiOf(bytes[i])
      if (owner !== null && colour !== null && !owners.some((o) => o.owner === owner)) owners.push({ owner, colour })
    }
    lines.push({ address: address + start, addressText: hexAddress(address + start), cells, ascii, owners })
  }
  return lines
}
