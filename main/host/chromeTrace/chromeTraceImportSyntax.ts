/**
 * Where JSON text first goes wrong, as line, column and offset. V8's JSON.parse messages name a
 * position only for some errors (and Node versions word them differently), so when it fails the text
 * is scanned again by this small, linear JSON grammar to point at the first bad character.
 */

export interface JsonSyntaxError {
  /** 0-based character offset. */
  offset: number
  /** 1-based. */
  line: number
  /** 1-based, in characters. */
  column: number
  message: string
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const HEX4 = /^[0-9a-fA-F]{4}$/

/** The first syntax error of `text`, or null when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const scan = scanSyntax(text)
  for (;;) {
    const step = scan.next()
    if (step.done === true) return step.value
  }
}

/** findJsonSyntaxError with `pause()` awaited every megabyte or so: a large text never holds the event loop long. */
export async function findJsonSyntaxErrorAsync(text: string, pause: () => Promise<void> | void): Promise<JsonSyntaxError | null> {
  const scan = scanSyntax(text)
  for (;;) {
    const step = scan.next()
    if (step.done === true) return step.value
    await pause()
  }
}

/** Characters scanned between the scanner's yields. */
const YIELD_EVERY = 1 << 20

function* scanSyntax(text: string): Generator<void, JsonSyntaxError | null> {
  const n = text.length
  let nextYield = YIELD_EVERY
  let i = 0
  // Open containers: true for an object, false for an array.
  const stack: boolean[] = []
  const fail = (message: string): JsonSyntaxError => ({ offset: i, ...lineColumn(text, i), message })
  const ws = () => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
    }
  }
  const string = (): string | null => {
    i++
    for (; i < n; i++) {
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        i++
        return null
      }
      if (c < 0x20) return 'a control character inside a string (a line break must be written \\n)'
      if (c === 0x5c) {
        const e = text[i + 1]
        if (e === 'u') {
          if (!HEX4.test(text.slice(i + 2, i + 6))) return 'a \\u escape needs four hex digits'
          i += 5
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++
        else return `an invalid escape \\${e ?? ''} in a string`
      }
    }
    return 'the text ends inside a string'
  }
  const key = (): string | null => {
    ws()
    if (text[i] !== '"') return i >= n ? 'the text ends inside an object' : `expected a property name in double quotes, found ${show(text[i])}`
    const e = string()
    if (e !== null) return e
    ws()
    if (text[i] !== ':') return `expected ':' after the property name, found ${show(text[i])}`
    i++
    return null
  }
  const scalar = (): string | null => {
    const c = text[i]
    if (c === '"') return string()
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i
      if (!NUMBER.test(text)) return 'an invalid number'
      i = NUMBER.lastIndex
      return null
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length
        return null
      }
    }
    return `unexpected ${show(c)} where a value should be`
  }

  for (;;) {
    if (i >= nextYield) {
      nextYield = i + YIELD_EVERY
      yield
    }
    // A value.
    ws()
    if (i >= n) return fail(stack.length === 0 ? 'the text is empty' : 'the text ends where a value should be')
    const c = text[i]
    if (c === '[' || c === '{') {
      i++
      ws()
      if (text[i] === (c === '[' ? ']' : '}')) i++
      else {
        stack.push(c === '{')
        if (c === '{') {
          const e = key()
          if (e !== null) return fail(e)
        }
        continue
      }
    } else {
      const e = scalar()
      if (e !== null) return fail(e)
    }
    // After a value: separators and closing brackets.
    for (;;) {
      ws()
      if (stack.length === 0) return i < n ? fail(`unexpected ${show(text[i])} after the end of the JSON value`) : null
      const inObject = stack[stack.length - 1]
      if (i >= n) return fail(`the text ends inside ${inObject ? 'an object' : 'an array'} (a trace cut short?)`)
      const s = text[i]
      if (s === ',') {
        i++
        if (inObject) {
          const e = key()
          if (e !== null) return fail(e)
        }
        break
      }
      if (s === (inObject ? '}' : ']')) {
        i++
        stack.pop()
        continue
      }
      return fail(`expected ',' or '${inObject ? '}' : ']'}', found ${show(s)}`)
    }
  }
}

function show(c: string | undefined): string {
  return c === undefined ? 'the end of the text' : JSON.stringify(c)
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++
    start = at + 1
  }
  return { line, column: offset - start + 1 }
}
