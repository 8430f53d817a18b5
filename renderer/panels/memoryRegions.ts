/**
 * Colours for the memory view's allocated regions. A region's colour comes from its owner's name, so
 * the same buffer keeps its colour as the view scrolls and between refreshes; the legend lists the
 * owners in the view in address order.
 */
import type { MemoryRegion } from '../../main/contract/api.js'

/** Distinguishable on the dark theme (gutter bars and tinted byte cells). */
export const REGION_PALETTE: readonly string[] = ['#4fc1ff', '#c586c0', '#4ec9b0', '#dcdcaa', '#ce9178', '#b5cea8', '#d16969', '#569cd6', '#d7ba7d', '#9cdcfe']

/** The colour of an owner (stable for a name). */
export function ownerColour(owner: string): string {
  // FNV-1a: a spread-out hash, so names that differ by a digit get different colours.
  let h = 0x811c9dc5
  for (let i = 0; i < owner.length; i++) h = Math.imul(h ^ owner.charCodeAt(i), 0x01000193)
  return REGION_PALETTE[(h >>> 0) % REGION_PALETTE.length]
}

export interface LegendEntry {
  owner: string
  colour: string
  start: number
  length: number
}

/** One entry per region overlapping [address, address + length), in address order. */
export function regionLegend(regions: readonly MemoryRegion[], address: number, length: number): LegendEntry[] {
  return regions
    .filter((r) => r.start < address + length && r.start + r.length > address)
    .slice()
    .sort((a, b) => a.start - b.start)
    .map((r) => ({ owner: r.owner, colour: ownerColour(r.owner), start: r.start, length: r.length }))
}

/**
 * For each byte of [address, address + length), the index into `regions` of the region holding it,
 * or -1. Regions should not overlap; if they do, the later one in the list wins.
 */
export function regionIndexPerByte(regions: readonly MemoryRegion[], address: number, length: number): Int32Array {
  const out = new Int32Array(length).fill(-1)
  regions.forEach((r, i) => {
    const a = Math.max(r.start, address)
    const b = Math.min(r.start + r.length, address + length)
    if (a < b) out.fill(i, a - address, b - address)
  })
  return out
}
