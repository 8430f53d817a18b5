/**
 * JSON.parse of a trace a piece at a time, so a large import never holds the backend (and every
 * page it serves) for seconds: the text is split into the top-level values and, inside the event
 * array, one event at a time, each parsed with JSON.parse; every few milliseconds the work waits a
 * turn of the event loop (`pause`). The result is what JSON.parse of the whole text gives.
 *
 * The splitter only finds where values end (strings and bracket depth); JSON.parse of each piece
 * checks them. When anything does not fit (bad JSON anywhere, or a top-level value that is not an
 * object or an array), it returns null and the caller parses the whole text the exact way, which
 * names the line and column of the first error.
 */

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const LBRACE = 0x7b
const RBRACE = 0x7d
const LBRACKET = 0x5b
const RBRACKET = 0x5d

/** Waits a turn of the event loop when the work has gone on for `budgetMs` since the last one. */
export type Pause = () => Promise<void> | void

export function pauseEvery(budgetMs = 10): Pause {
  let last = performance.now()
  return () => {
    if (performance.now() - last < budgetMs) return
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now()
        resolve()
      }),
    )
  }
}

export interface SplitResult {
  doc: unknown
  /** The top-level array was not closed (a trace cut short): `doc` holds its complete events. */
  truncated: boolean
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

function skipWs(text: string, i: number): number {
  while (i < text.length && isWs(text.charCodeAt(i))) i++
  return i
}

/** The offset after the closing quote of the string opening at `i`, or -1. */
function stringEnd(text: string, i: number): number {
  let from = i + 1
  for (;;) {
    const q = text.indexOf('"', from)
    if (q < 0) return -1
    let b = q - 1
    while (text.charCodeAt(b) === BACKSLASH) b--
    if ((q - 1 - b) % 2 === 0) return q + 1
    from = q + 1
  }
}

/** The offset after the value starting at `i` (not validated: JSON.parse checks it), or -1 when the text ends first. */
function valueEnd(text: string, i: number): number {
  const n = text.length
  const c0 = text.charCodeAt(i)
  if (c0 === QUOTE) return stringEnd(text, i)
  if (c0 !== LBRACE && c0 !== LBRACKET) {
    let j = i
    while (j < n) {
      const c = text.charCodeAt(j)
      if (c === COMMA || c === RBRACKET || c === RBRACE || isWs(c)) break
      j++
    }
    return j > i ? j : -1
  }
  let depth = 0
  let j = i
  while (j < n) {
    const c = text.charCodeAt(j)
    if (c === QUOTE) {
      j = stringEnd(text, j)
      if (j < 0) return -1
      continue
    }
    if (c === LBRACE || c === LBRACKET) depth++
    else if (c === RBRACE || c === RBRACKET) {
      if (--depth === 0) return j + 1
    }
    j++
  }
  return -1
}

class Misfit extends Error {}

function parsePiece(text: string, from: number, to: number): unknown {
  try {
    return JSON.parse(text.slice(from, to))
  } catch {
    throw new Misfit()
  }
}

/** The elements of the array opening at `i`; `end` is the offset after it (-1: the text ended inside, after complete elements). */
async function splitArray(text: string, i: number, pause: Pause): Promise<{ items: unknown[]; end: number }> {
  const items: unknown[] = []
  const n = text.length
  i = skipWs(text, i + 1)
  if (i < n && text.charCodeAt(i) === RBRACKET) return { items, end: i + 1 }
  for (;;) {
    if (i >= n) return { items, end: -1 }
    const e = valueEnd(text, i)
    if (e < 0) throw new Misfit()
    items.push(parsePiece(text, i, e))
    if ((items.length & 1023) === 0) await pause()
    i = skipWs(text, e)
    if (i >= n) return { items, end: -1 }
    const c = text.charCodeAt(i)
    if (c === RBRACKET) return { items, end: i + 1 }
    if (c !== COMMA) throw new Misfit()
    i = skipWs(text, i + 1)
    if (i < n && text.charCodeAt(i) === RBRACKET) throw new Misfit()
  }
}

/** The document, parsed a piece at a time; null when the caller must parse it whole (bad JSON, or not an object or array). */
export async function parseJsonInPieces(text: string, pause: Pause): Promise<SplitResult | null> {
  try {
    return await split(text, pause)
  } catch (e) {
    if (e instanceof Misfit) return null
    throw e
  }
}

async function split(text: string, pause: Pause): Promise<SplitResult> {
  const n = text.length
  let i = skipWs(text, 0)
  if (i >= n) throw new Misfit()
  const c0 = text.charCodeAt(i)
  if (c0 === LBRACKET) {
    const { items, end } = await splitArray(text, i, pause)
    if (end >= 0 && skipWs(text, end) < n) throw new Misfit()
    return { doc: items, truncated: end < 0 }
  }
  if (c0 !== LBRACE) throw new Misfit()
  const doc: Record<string, unknown> = {}
  i = skipWs(text, i + 1)
  if (i < n && text.charCodeAt(i) === RBRACE) i++
  else {
    for (;;) {
      if (i >= n || text.charCodeAt(i) !== QUOTE) throw new Misfit()
      const ke = stringEnd(text, i)
      if (ke < 0) throw new Misfit()
      const key = parsePiece(text, i, ke) as string
      i = skipWs(text, ke)
      if (i >= n || text.charCodeAt(i) !== COLON) throw new Misfit()
      i = skipWs(text, i + 1)
      if (i >= n) throw new Misfit()
      let value: unknown
      if (key === 'traceEvents' && text.charCodeAt(i) === LBRACKET) {
        const { items, end } = await splitArray(text, i, pause)
        if (end < 0) throw new Misfit()
        value = items
        i = end
      } else {
        const e = valueEnd(text, i)
        if (e < 0) throw new Misfit()
        value = parsePiece(text, i, e)
        i = e
      }
      // As JSON.parse does: an own property whatever the key (even "__proto__"), the last one wins.
      Object.defineProperty(doc, key, { value, enumerable: true, writable: true, configurable: true })
      await pause()
      i = skipWs(text, i)
      if (i >= n) throw new Misfit()
      const c = text.charCodeAt(i)
      if (c === RBRACE) {
        i++
        break
      }
      if (c !== COMMA) throw new Misfit()
      i = skipWs(text, i + 1)
    }
  }
  if (skipWs(text, i) < n) throw new Misfit()
  return { doc, truncated: false }
}
