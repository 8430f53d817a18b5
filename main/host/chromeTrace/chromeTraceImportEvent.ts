/**
 * What the passes of the import share: an event as parsed (`Json`), an event held for a later,
 * sorted pass (`Pending`), and the warnings, counted per kind of problem.
 */

export type Json = Record<string, unknown>

export function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** A pending B/E, async or flow event with its time in ns and its position in the file (for stable sorts). */
export interface Pending {
  ev: Json
  ts: number
  seq: number
}

/** Warnings counted per message. */
export class Warnings {
  private readonly counts = new Map<string, number>()
  add(message: string): void {
    this.counts.set(message, (this.counts.get(message) ?? 0) + 1)
  }
  list(): string[] {
    return [...this.counts].map(([m, n]) => (n === 1 ? m : `${m} (${n} times)`))
  }
}
