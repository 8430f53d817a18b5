/**
 * Virtual time: an integer count of nanoseconds held in a number (exact to 2^53 ns, about 104 days).
 * A bigint would be exact forever but is too slow on the hot paths.
 */
export const NS = 1
export const US = 1_000
export const MS = 1_000_000
export const SECOND = 1_000_000_000
/** Windows 100 ns units (KS REFERENCE_TIME, KeQueryInterruptTime). */
export const HUNDRED_NS = 100

const UNITS: Record<string, number> = { ns: NS, us: US, µs: US, ms: MS, s: SECOND, m: 60 * SECOND }

/**
 * Parses "2s", "500ms", "1.5s", "250us", "10m" (minutes) or a bare number of nanoseconds.
 * Returns NaN for anything else so callers can name the offending field.
 */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text) : NaN
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m)?\s*$/.exec(text)
  if (!m) return NaN
  return Math.round(parseFloat(m[1]) * UNITS[m[2] ?? 'ns'])
}

/** "1.234 ms"-style text for messages and reports. */
export function formatDuration(ns: number): string {
  if (ns >= SECOND) return `${+(ns / SECOND).toFixed(3)} s`
  if (ns >= MS) return `${+(ns / MS).toFixed(3)} ms`
  if (ns >= US) return `${+(ns / US).toFixed(3)} µs`
  return `${ns} ns`
}
