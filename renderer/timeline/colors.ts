/**
 * Colours by name: every event with the same name gets the same colour, from a fixed palette, by a
 * hash of the name (so colours are stable across runs and traces). Cached per string id.
 */

function hslHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l)
  const f = (n: number) => {
    const k = (n + h / 30) % 12
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0')
  }
  return `#${f(0)}${f(8)}${f(4)}`
}

/** Mid-tone colours that dark label text reads well on. */
export const PALETTE: readonly string[] = Array.from({ length: 24 }, (_, i) => hslHex((i * 137.508) % 360, 0.45, i % 2 === 0 ? 0.62 : 0.7))

/**
 * The same hues, muted: merged runs of spans too thin to draw on their own ("busy" at this zoom), so
 * they do not pass for one long slice.
 */
export const BUSY_PALETTE: readonly string[] = Array.from({ length: 24 }, (_, i) => hslHex((i * 137.508) % 360, 0.18, 0.4))

/** FNV-1a hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** The palette colour of a name (muted for busy runs). */
export function colorOfName(name: string, busy = false): string {
  return (busy ? BUSY_PALETTE : PALETTE)[hashString(name) % PALETTE.length]
}

/** Palette index per string id, computed once per id (not for ids whose text has not arrived yet). */
export class NameColors {
  private index = new Int16Array(0)

  /** Forgets every id (another string table). */
  clear(): void {
    this.index = new Int16Array(0)
  }

  /** Colour of string id `id` whose text is `text` (muted for busy runs). */
  color(id: number, text: string, busy = false): string {
    if (text === '') return colorOfName(text, busy)
    if (id >= this.index.length) {
      const next = new Int16Array(Math.max(256, id * 2 + 1)).fill(-1)
      next.set(this.index)
      this.index = next
    }
    let k = this.index[id]
    if (k < 0) k = this.index[id] = hashString(text) % PALETTE.length
    return (busy ? BUSY_PALETTE : PALETTE)[k]
  }
}
