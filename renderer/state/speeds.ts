import type { Speed } from '../../main/contract/api.js'

/**
 * Run speeds the toolbar offers (virtual time per wall time), with their labels. The project's
 * `workbench.json` may name any other speed; it is then offered too, labelled the same way.
 */

export interface SpeedOption {
  /** The value for a `<select>`: "0.25", "1", "4", "fast". */
  key: string
  speed: Speed
  label: string
}

export const SPEEDS: readonly Speed[] = [0.25, 1, 4, 'fast']

/** "real time", "0.25x", "4x", "as fast as possible". */
export function speedLabel(speed: Speed): string {
  if (speed === 'fast') return 'fast (no wall clock)'
  if (speed === 1) return '1x real time'
  return `${speed}x`
}

export function speedKey(speed: Speed): string {
  return speed === 'fast' ? 'fast' : String(speed)
}

/** The inverse of `speedKey`; throws on anything that is not a positive number or "fast". */
export function parseSpeed(key: string): Speed {
  if (key === 'fast') return 'fast'
  const n = Number(key)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`speed: "${key}" is neither a positive number nor "fast"`)
  return n
}

/** The options, with `current` added in order when it is not one of the standard speeds. */
export function speedOptions(current: Speed | null = null): SpeedOption[] {
  const list: Speed[] = [...SPEEDS]
  if (current !== null && !list.includes(current)) {
    if (current === 'fast') list.push(current)
    else {
      const at = list.findIndex((s) => s === 'fast' || s > current)
      list.splice(at < 0 ? list.length : at, 0, current)
    }
  }
  return list.map((speed) => ({ key: speedKey(speed), speed, label: speedLabel(speed) }))
}
