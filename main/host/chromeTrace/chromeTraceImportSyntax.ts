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
  const scan = new SyntaxScan(text)
  let nextYield = YIELD_EVERY
  try {
    for (;;) {
      if (scan.i >= nextYield) {
        nextYield = scan.i + YIELD_EVERY
        yield
      }
      if (scan.value() === 'opened') continue
      if (scan.afterValue() === 'end') return null
    }
  } catch (e) {
    if (e instanceof SyntaxFound) return e.error
    throw e
  }
}

/** The first error, thrown out of the scan from wherever it is found. */
class SyntaxFound extends Error {
  constructor(readonly error: JsonSyntaxError) {
    super(error.message)
  }
}

/** One scan of a text: the position, and the containers open there. Each part throws SyntaxFound at the first error. */
class SyntaxScan {
  i = 0
  private readonly n: number
  /** Open containers: true for an object, false for an array. */
  private readonly stack: boolean[] = []

  constructor(private readonly text: string) {
    this.n = text.length
  }

  /** A value: a scalar read whole ('read'), or a container opened with its first property name read ('opened'; an empty one is read whole). */
  value(): 'read' | 'opened' {
    const text = this.text
    this.whitespace()
    if (this.i >= this.n) this.fail(this.stack.length === 0 ? 'the text is empty' : 'the text ends where a value should be')
    const c = text[this.i]
    if (c !== '[' && c !== '{') {
      this.scalar()
      return 'read'
    }
    this.i++
    this.whitespace()
    if (text[this.i] === (c === '[' ? ']' : '}')) {
      this.i++
      return 'read'
    }
    this.stack.push(c === '{')
    if (c === '{') this.propertyName()
    return 'opened'
  }

  /** After a value: closing brackets up to a ',' and, in an object, the next property name ('next'), or the end of the text ('end'). */
  afterValue(): 'next' | 'end' {
    const text = this.text
    for (;;) {
      this.whitespace()
      if (this.stack.length === 0) {
        if (this.i < this.n) this.fail(`unexpected ${show(text[this.i])} after the end of the JSON value`)
        return 'end'
      }
      const inObject = this.stack[this.stack.length - 1]
      if (this.i >= this.n) this.fail(`the text ends inside ${inObject ? 'an object' : 'an array'} (a trace cut short?)`)
      const s = text[this.i]
      if (s === ',') {
        this.i++
        if (inObject) this.propertyName()
        return 'next'
      }
      if (s !== (inObject ? '}' : ']')) this.fail(`expected ',' or '${inObject ? '}' : ']'}', found ${show(s)}`)
      this.i++
      this.stack.pop()
    }
  }

  /** A property name and its ':'. */
  private propertyName(): void {
    const text = this.text
    this.whitespace()
    if (text[this.i] !== '"') this.fail(this.i >= this.n ? 'the text ends inside an object' : `expected a property name in double quotes, found ${show(text[this.i])}`)
    this.string()
    this.whitespace()
    if (text[this.i] !== ':') this.fail(`expected ':' after the property name, found ${show(text[this.i])}`)
    this.i++
  }

  /** A string, number, true, false or null. */
  private scalar(): void {
    const text = this.text
    const c = text[this.i]
    if (c === '"') return this.string()
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = this.i
      if (!NUMBER.test(text)) this.fail('an invalid number')
      this.i = NUMBER.lastIndex
      return
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, this.i)) {
        this.i += word.length
        return
      }
    }
    this.fail(`unexpected ${show(c)} where a value should be`)
  }

  /** A string from its opening quote (at i) past its closing one. */
  private string(): void {
    const text = this.text
    for (this.i++; this.i < this.n; this.i++) {
      const c = text.charCodeAt(this.i)
      if (c === 0x22) {
        this.i++
        return
      }
      if (c < 0x20) this.fail('a control character inside a string (a line break must be written \\n)')
      if (c === 0x5c) this.escape()
    }
    this.fail('the text ends inside a string')
  }

  /** An escape in a string, from its backslash (at i) to its last character. */
  private escape(): void {
    const e = this.text[this.i + 1]
    if (e === 'u') {
      if (!HEX4.test(this.text.slice(this.i + 2, this.i + 6))) this.fail('a \\u escape needs four hex digits')
      this.i += 5
    } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i++
    else this.fail(`an invalid escape \\${e ?? ''} in a string`)
  }

  private whitespace(): void {
    const text = this.text
    for (; this.i < this.n; this.i++) {
      const c = text.charCodeAt(this.i)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
    }
  }

  /** Stops the scan: the error is at i. */
  private fail(message: string): never {
    throw new SyntaxFound({ offset: this.i, ...lineColumn(this.text, this.i), message })
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
