/**
 * Which values changed since the previous refresh (the register view highlights them). The first
 * refresh after a reset changes nothing: there is nothing to compare with.
 */
export class ChangeTracker<K> {
  private previous: Map<K, number> | null = null

  /** Records this refresh's values and returns the keys whose value differs from the last refresh. */
  update(entries: Iterable<readonly [K, number]>): Set<K> {
    const current = new Map<K, number>(entries)
    const changed = new Set<K>()
    if (this.previous !== null) {
      for (const [key, value] of current) {
        const before = this.previous.get(key)
        if (before !== undefined && before !== value) changed.add(key)
      }
    }
    this.previous = current
    return changed
  }

  /** Forgets the values (a new run starts). */
  reset(): void {
    this.previous = null
  }
}
