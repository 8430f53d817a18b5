/**
 * Time as text: virtual time is integer nanoseconds in a double, shown in the unit that suits its
 * size (ns, µs, ms, s).
 */

/** A time unit: its label and its size in ns. */
export interface TimeUnit {
  label: 'ns' | 'µs' | 'ms' | 's'
  ns: number
}

export const UNITS: readonly TimeUnit[] = [
  { label: 'ns', ns: 1 },
  { label: 'µs', ns: 1e3 },
  { label: 'ms', ns: 1e6 },
  { label: 's', ns: 1e9 },
]

/** The largest unit not bigger than `ns` (ns for anything below a microsecond). */
export function unitFor(ns: number): TimeUnit {
  const a = Math.abs(ns)
  for (let i = UNITS.length - 1; i > 0; i--) if (a >= UNITS[i].ns) return UNITS[i]
  return UNITS[0]
}

/** A duration with up to `digits` significant decimals in its own unit: "1.5 ms", "250 ns", "3.003 s". */
export function formatDuration(ns: number, digits = 3): string {
  if (!Number.isFinite(ns)) return ns > 0 ? '∞' : '-∞'
  const u = unitFor(ns)
  return `${trimDecimals(ns / u.ns, u === UNITS[0] ? 0 : digits)} ${u.label}`
}

/** A point in time, exact to the nanosecond: "1.234567890 s", "12.000450 ms", "900 ns". */
export function formatTimestamp(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns)
  const u = unitFor(ns)
  const decimals = Math.round(Math.log10(u.ns))
  return `${(ns / u.ns).toFixed(decimals)} ${u.label}`
}

/** `v` with at most `decimals` decimals and no trailing zeros. */
export function trimDecimals(v: number, decimals: number): string {
  let s = v.toFixed(decimals)
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '')
  return s === '-0' ? '0' : s
}
