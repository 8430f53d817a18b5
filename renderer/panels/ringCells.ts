/**
 * The compact picture of a descriptor ring: one cell per descriptor, coloured by who has it (the card
 * owns it: OWN set; done: written back and handed back; free: neither), with HEAD (where the card
 * works next) and TAIL (where the driver publishes next) marked.
 */
import type { DescriptorView, RingView } from '../../main/contract/api.js'

export type DescriptorState = 'card' | 'done' | 'free'

export function descriptorState(d: DescriptorView): DescriptorState {
  if (d.own) return 'card'
  if (d.done) return 'done'
  return 'free'
}

export const STATE_LABELS: Record<DescriptorState, string> = { card: 'owned by card', done: 'done', free: 'free' }

export interface RingCell {
  index: number
  state: DescriptorState
  head: boolean
  tail: boolean
  /** Tooltip: index, state, address, length, flags. */
  title: string
}

export function ringCells(ring: RingView, formatAddress: (a: number) => string): RingCell[] {
  return ring.descriptors.map((d) => {
    const state = descriptorState(d)
    const marks = [d.index === ring.head ? 'HEAD' : '', d.index === ring.tail ? 'TAIL' : ''].filter((m) => m !== '').join(' ')
    const flags = d.flags.length > 0 ? ` ${d.flags.join('|')}` : ''
    return {
      index: d.index,
      state,
      head: d.index === ring.head,
      tail: d.index === ring.tail,
      title: `#${d.index}${marks ? ` (${marks})` : ''}: ${STATE_LABELS[state]}, ${formatAddress(d.address)}, ${d.length} bytes${flags}`,
    }
  })
}

/** How many descriptors are in each state. */
export function stateCounts(ring: RingView): Record<DescriptorState, number> {
  const counts: Record<DescriptorState, number> = { card: 0, done: 0, free: 0 }
  for (const d of ring.descriptors) counts[descriptorState(d)]++
  return counts
}

/**
 * The start of the newest frame the card finished: walking back from HEAD, the first descriptor that is
 * done and starts a frame (SOF). Null when the ring holds none (not a video ring, or nothing captured).
 */
export function lastFrameAddress(ring: RingView): number | null {
  const n = ring.entries > 0 ? ring.entries : ring.descriptors.length
  if (n === 0) return null
  const byIndex = new Map(ring.descriptors.map((d) => [d.index, d]))
  for (let k = 1; k <= n; k++) {
    const d = byIndex.get((((ring.head - k) % n) + n) % n)
    if (d !== undefined && !d.own && d.done && d.flags.some((f) => f.toUpperCase() === 'SOF')) return d.address
  }
  return null
}
