/**
 * Virtual time and its one text grammar, shared by the command line, scenario and project files, the
 * backend and the page's time boxes: an integer count of nanoseconds held in a number (exact to 2^53
 * ns, about 104 days; a bigint would be exact for ever but is too slow on the hot paths). Text is a
 * number with an optional unit: "2s", "500ms", "1.5s", ".5s", "250us", "10m" (minutes); a bare
 * number is nanoseconds.
 */
export const NS = 1
export const US = 1_000
export const MS = 1_000_000
export const SECOND = 1_000_000_000
/** Windows 100 ns units (KS REFERENCE_TIME, KeQueryInterruptTime). */
export const HUNDRED_NS = 100

const UNITS: Record<string, number> = { ns: NS, us: US, µs: US, ms: MS, s: SECOND, m: 60 * SECOND }
const DURATION = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|m)?\s*$/

/**
 * Nanoseconds from text in the grammar above (or a non-negative number of nanoseconds). NaN for
 * anything else, so callers can name the offending field.
 */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text) : NaN
  const m = DURATION.exec(text)
  if (!m) return NaN
  return Math.round(parseFloat(m[1]) * UNITS[m[2] ?? 'ns'])
}

/** For time boxes: nanoseconds, or an error saying what is accepted. */
export function parseTime(text: string): { ok: true; ns: number } | { ok: false; error: string } {
  const ns = parseDuration(text)
  const t = text.trim()
  if (Number.isNaN(ns)) return { ok: false, error: t === '' ? 'enter a time, e.g. 1.5s, 500ms, 250us' : `"${t}" is not a time (e.g. 1.5s, 500ms, 250us, 800ns)` }
  if (!Number.isSafeInteger(ns)) return { ok: false, error: `${t} is too large` }
  return { ok: true, ns }
}

/** "1.234 ms"-style text for messages and reports (up to three decimals). */
export function formatDuration(ns: number): string {
  if (ns >= SECOND) return `${+(ns / SECOND).toFixed(3)} s`
  if (ns >= MS) return `${+(ns / MS).toFixed(3)} ms`
  if (ns >= US) return `${+(ns / US).toFixed(3)} µs`
  return `${ns} ns`
}

/** "1.5 s", "12.25 ms", "250 µs", "800 ns" for lists and labels: up to `decimals` decimals, signed. */
export function formatTime(ns: number, decimals = 3): string {
  if (!Number.isFinite(ns)) return String(ns)
  const a = Math.abs(ns)
  const [size, label] = a >= SECOND ? [SECOND, 's'] : a >= MS ? [MS, 'ms'] : a >= US ? [US, 'µs'] : [NS, 'ns']
  const value = size === NS ? String(Math.round(ns)) : String(+(ns / size).toFixed(decimals))
  return `${value} ${label}`
}

/** Exact text that parseDuration reads back to the same nanoseconds. */
export function durationSpec(ns: number): string {
  return `${Math.round(ns)}ns`
}

/** Exact text for a time box, in the largest unit that fits: "1.5s", "1.234567891s", "250us", "800ns". */
export function timeInputText(ns: number): string {
  const n = Math.round(Math.abs(ns))
  const [size, label, digits] = n >= SECOND ? [SECOND, 's', 9] : n >= MS ? [MS, 'ms', 6] : n >= US ? [US, 'us', 3] : [NS, 'ns', 0]
  const whole = Math.floor(n / size)
  const fraction = digits === 0 ? '' : String(n % size).padStart(digits, '0').replace(/0+$/, '')
  return `${ns < 0 ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}${label}`
}
