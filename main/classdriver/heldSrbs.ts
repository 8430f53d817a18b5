import type { Srb } from './srb.js'

/**
 * The SRBs the minidriver holds now (delivered, not completed). An array with each SRB's slot stored on
 * the SRB, so adding and removing cost O(1) without hashing a fresh object per request.
 */
export class HeldSrbs {
  private readonly items: Srb[] = []

  get size(): number {
    return this.items.length
  }

  add(srb: Srb): void {
    srb._heldSlot = this.items.length
    this.items.push(srb)
  }

  delete(srb: Srb): void {
    const i = srb._heldSlot
    if (i < 0 || this.items[i] !== srb) return
    const last = this.items.pop()!
    if (last !== srb) {
      this.items[i] = last
      last._heldSlot = i
    }
    srb._heldSlot = -1
  }

  /** A snapshot, safe to iterate while SRBs complete. */
  list(): Srb[] {
    return this.items.slice()
  }

  [Symbol.iterator](): Iterator<Srb> {
    return this.list()[Symbol.iterator]()
  }
}
