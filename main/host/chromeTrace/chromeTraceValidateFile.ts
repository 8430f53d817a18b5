/**
 * `mdwb validate` on a file of any size: the strict validator (chromeTraceValidate.ts) fed one event at
 * a time while the file is read in 1 MB pieces, so a trace of ten million events is never one string
 * nor one array of objects (only what the checks keep per event: slice intervals, open spans, flows).
 * The result is what validateChromeTrace gives for the whole text.
 *
 * The splitter only finds where each event ends (strings, escapes and bracket depth); JSON.parse of
 * each event's text checks it. The document's other members (displayTimeUnit, otherData...) are
 * parsed the same way, one at a time.
 */
import { open } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import { TraceChecker, type ValidationResult } from './chromeTraceValidate.js'

const READ_BYTES = 1 << 20

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const LBRACE = 0x7b
const RBRACE = 0x7d
const LBRACKET = 0x5b
const RBRACKET = 0x5d

class NotJson extends Error {}

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/**
 * Splits the text of a trace, fed in pieces, into the values the checks need: each event of the event
 * array (the top-level array, or the object's "traceEvents"), and each other member of the object with
 * its key. A value is captured from its first character to its end (the bracket closing it, its closing
 * quote, or for a number or literal the next separator) and parsed alone; the separators between values
 * are checked here (one comma between values, a colon after a key).
 */
class TraceSplitter {
  /** Offset of the current piece in the whole text (for errors). */
  private offset = 0
  private depth = 0
  private inString = false
  private escape = false
  private form: 'none' | 'array' | 'object' = 'none'
  /** Container depth whose values are captured: 1 (top array, or the object's members), 2 (traceEvents). */
  private level = 1
  /** The value being captured: its kind, text from earlier pieces, and start in this piece (-1: none). */
  private kind: 'none' | 'container' | 'string' | 'scalar' = 'none'
  private carried = ''
  private from = -1
  /** Values seen at the current level, and whether a separator is due before the next one. */
  private values = 0
  private needSep = false
  /** Object members: the key of the member whose value comes next. */
  private key = ''
  private memberValues = 0
  private ended = false
  sawEvents = false

  constructor(
    private readonly onEvent: (ev: unknown) => void,
    private readonly onMember: (key: string, value: unknown) => void,
  ) {}

  private fail(message: string, at: number): never {
    throw new NotJson(`${message} (offset ${this.offset + at})`)
  }

  feed(text: string): void {
    const n = text.length
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i)
      if (this.inString) {
        if (this.escape) this.escape = false
        else if (c === BACKSLASH) this.escape = true
        else if (c === QUOTE) {
          this.inString = false
          if (this.kind === 'string') this.end(text, i + 1)
        }
        continue
      }
      if (this.kind === 'scalar' && (isWs(c) || c === COMMA || c === COLON || c === RBRACKET || c === RBRACE)) this.end(text, i)
      if (isWs(c)) continue
      if (this.ended) this.fail('unexpected text after the end of the JSON value', i)
      if (this.form === 'none') {
        if (c === LBRACKET) {
          this.form = 'array'
          this.sawEvents = true
        } else if (c === LBRACE) this.form = 'object'
        else this.fail('expected a JSON array of events or an object with a traceEvents array', i)
        this.depth = 1
        continue
      }
      if (this.kind !== 'none') {
        // Inside a captured container: only depth matters.
        if (c === QUOTE) this.inString = true
        else if (c === LBRACE || c === LBRACKET) this.depth++
        else if (c === RBRACE || c === RBRACKET) {
          this.depth--
          if (this.depth === this.level) this.end(text, i + 1)
        }
        continue
      }
      // Between values at the capture level.
      const separator = this.form === 'object' && this.level === 1 ? (this.memberValues % 2 === 1 ? COLON : COMMA) : COMMA
      if (c === COMMA || c === COLON) {
        if (!this.needSep || c !== separator) this.fail(`unexpected "${String.fromCharCode(c)}"`, i)
        this.needSep = false
        continue
      }
      if (c === RBRACKET || c === RBRACE) {
        const closes = this.level === 2 || this.form === 'array' ? RBRACKET : RBRACE
        const members = this.form === 'object' && this.level === 1
        const count = members ? this.memberValues : this.values
        if (c !== closes || (count > 0 && !this.needSep) || (members && this.memberValues % 2 === 1)) this.fail(`unexpected "${String.fromCharCode(c)}"`, i)
        this.depth--
        if (this.level === 2) {
          // The end of traceEvents: back to the object's members; that member's value is done.
          this.level = 1
          this.needSep = true
          this.memberValues++
        } else this.ended = true
        continue
      }
      if (this.needSep) this.fail(`expected "${String.fromCharCode(separator)}"`, i)
      if (this.form === 'object' && this.level === 1 && this.memberValues % 2 === 1 && this.key === 'traceEvents' && c === LBRACKET) {
        this.level = 2
        this.depth = 2
        this.values = 0
        this.sawEvents = true
        continue
      }
      if (this.form === 'object' && this.level === 1 && this.memberValues % 2 === 0 && c !== QUOTE) this.fail('expected a property name in double quotes', i)
      this.from = i
      this.carried = ''
      if (c === QUOTE) {
        this.kind = 'string'
        this.inString = true
      } else if (c === LBRACE || c === LBRACKET) {
        this.kind = 'container'
        this.depth++
      } else this.kind = 'scalar'
    }
    if (this.kind !== 'none') {
      this.carried += text.slice(this.from)
      this.from = 0
    }
    this.offset += n
  }

  private end(text: string, at: number): void {
    const piece = this.carried + text.slice(this.from, at)
    this.kind = 'none'
    this.carried = ''
    this.from = -1
    let value: unknown
    try {
      value = JSON.parse(piece)
    } catch (e) {
      throw new NotJson(`${(e as Error).message} (offset ${this.offset + at - piece.length})`)
    }
    this.needSep = true
    this.values++
    if (this.form === 'array' || this.level === 2) this.onEvent(value)
    else {
      if (this.memberValues % 2 === 0) this.key = value as string
      else this.onMember(this.key, value)
      this.memberValues++
    }
  }

  finish(): void {
    if (this.kind === 'scalar') this.end('', 0)
    if (!this.ended) throw new NotJson('the text ends before the JSON value does')
  }
}

/** Validates a trace file, reading it a piece at a time. */
export async function validateChromeTraceFile(file: string): Promise<ValidationResult> {
  const checker = new TraceChecker()
  let count = 0
  let unit: unknown
  const splitter = new TraceSplitter(
    (ev) => checker.event(ev, count++),
    (key, value) => {
      if (key === 'displayTimeUnit') unit = value
    },
  )
  const handle = await open(file, 'r')
  const decoder = new StringDecoder('utf8')
  const buf = Buffer.allocUnsafe(READ_BYTES)
  try {
    let first = true
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null)
      if (bytesRead === 0) break
      let text = decoder.write(buf.subarray(0, bytesRead))
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      first = false
      splitter.feed(text)
    }
    splitter.feed(decoder.end())
    splitter.finish()
  } catch (e) {
    if (!(e instanceof NotJson)) throw e
    return { ok: false, errors: [`not JSON: ${e.message}`], warnings: [], stats: checker.stats }
  } finally {
    await handle.close()
  }
  if (!splitter.sawEvents) return { ok: false, errors: ['expected a JSON array of events or an object with a traceEvents array'], warnings: [], stats: checker.stats }
  return checker.finish(count, unit)
}
