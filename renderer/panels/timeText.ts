/**
 * Virtual time as text: parsing what people type into time boxes ("1.5s", "500ms", "250us") with the
 * same grammar as the command line and scenario files (main/sim/time.ts parseDuration: a bare number is
 * nanoseconds), and short display text for lists and labels.
 */

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9 }

/** Nanoseconds, or an error saying what is accepted. */
export function parseTime(text: string): { ok: true; ns: number } | { ok: false; error: string } {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|m)?\s*$/.exec(text)
  if (m === null) {
    const t = text.trim()
    return { ok: false, error: t === '' ? 'enter a time, e.g. 1.5s, 500ms, 250us' : `"${t}" is not a time (e.g. 1.5s, 500ms, 250us, 800ns)` }
  }
  const ns = Math.round(parseFloat(m[1]) * UNITS[m[2] ?? 'ns'])
  if (!Number.isSafeInteger(ns)) return { ok: false, error: `${text.trim()} is too large` }
  return { ok: true, ns }
}

/** "1.5 s", "12.25 ms", "250 µs", "800 ns": up to `decimals` decimals, trailing zeros dropped. */
export function formatTime(ns: number, decimals = 3): string {
  if (!Number.isFinite(ns)) return String(ns)
  const a = Math.abs(ns)
  const [size, label] = a >= 1e9 ? [1e9, 's'] : a >= 1e6 ? [1e6, 'ms'] : a >= 1e3 ? [1e3, 'µs'] : [1, 'ns']
  const value = size === 1 ? String(Math.round(ns)) : String(+(ns / size).toFixed(decimals))
  return `${value} ${label}`
}

/** Exact text the backend's duration parser reads back to the same nanoseconds. */
export function durationSpec(ns: number): string {
  return `${Math.round(ns)}ns`
}

/** Exact text for a time box, in the largest unit that fits: "1.5s", "1.234567891s", "250us", "800ns". */
export function timeInputText(ns: number): string {
  const n = Math.round(Math.abs(ns))
  const [size, label, digits] = n >= 1e9 ? [1e9, 's', 9] : n >= 1e6 ? [1e6, 'ms', 6] : n >= 1e3 ? [1e3, 'us', 3] : [1, 'ns', 0]
  const whole = Math.floor(n / size)
  const fraction = digits === 0 ? '' : String(n % size).padStart(digits, '0').replace(/0+$/, '')
  return `${ns < 0 ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}${label}`
}
