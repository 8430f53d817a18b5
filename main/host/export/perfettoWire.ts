/**
 * Reading protobuf wire data from an untrusted file, with every length and varint checked against the
 * bytes that are there: a truncated varint, a length past the end of its message, a group or an
 * unknown wire type is an error naming the byte offset and the message it was in, never a read past
 * the buffer, a huge allocation or a loop that does not advance.
 */
import { Wire } from './perfettoSchema.js'

export class PerfettoFormatError extends Error {}

/** A cursor over one message: bytes [pos, end) of buf. */
export class WireReader {
  /** Field number and wire type of the last tag read. */
  field = 0
  wire = 0

  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
    /** The message being read, for errors ("TrackEvent in packet 12"). */
    readonly what: string,
  ) {}

  fail(message: string, at = this.pos): never {
    throw new PerfettoFormatError(`${message} at byte ${at} (in ${this.what})`)
  }

  more(): boolean {
    return this.pos < this.end
  }

  /** Reads a tag into field/wire. */
  tag(): void {
    const at = this.pos
    const t = this.varint()
    this.field = Math.floor(t / 8)
    this.wire = t % 8
    if (this.field === 0) this.fail('field number 0 (not protobuf data)', at)
  }

  /** A varint as a number (exact up to 2^53; larger values lose their low bits, which ids and times here never need). */
  varint(): number {
    let result = 0
    let scale = 1
    const start = this.pos
    for (let k = 0; k < 10; k++) {
      if (this.pos >= this.end) this.fail('truncated varint', start)
      const b = this.buf[this.pos++]
      result += (b & 0x7f) * scale
      if ((b & 0x80) === 0) return result
      scale *= 128
    }
    return this.fail('varint longer than 10 bytes', start)
  }

  /** A signed int64 varint (two's complement in 64 bits). */
  int64(): number {
    const start = this.pos
    const v = this.varint()
    if (v < 2 ** 63) return v
    // Negative: the float sum above lost the low bits; redo it exactly (rare: negative arguments only).
    let big = 0n
    for (let k = this.pos - 1; k >= start; k--) big = (big << 7n) | BigInt(this.buf[k] & 0x7f)
    return Number(BigInt.asIntN(64, big))
  }

  /** The length of a LEN field, checked against what is left of the message. */
  length(): number {
    const at = this.pos
    const n = this.varint()
    if (n > this.end - this.pos) this.fail(`length ${n} runs past the end of the message (${this.end - this.pos} bytes left)`, at)
    return n
  }

  /** A sub-message: a reader over its bytes; this reader moves past it. */
  message(what: string): WireReader {
    const n = this.length()
    const sub = new WireReader(this.buf, this.pos, this.pos + n, `${what} in ${this.what}`)
    this.pos += n
    return sub
  }

  string(): string {
    const n = this.length()
    const s = this.buf.toString('utf8', this.pos, this.pos + n)
    this.pos += n
    return s
  }

  double(): number {
    if (this.end - this.pos < 8) this.fail('truncated 64-bit value')
    const v = this.buf.readDoubleLE(this.pos)
    this.pos += 8
    return v
  }

  fixed64(): number {
    if (this.end - this.pos < 8) this.fail('truncated 64-bit value')
    const v = this.buf.readUInt32LE(this.pos) + this.buf.readUInt32LE(this.pos + 4) * 2 ** 32
    this.pos += 8
    return v
  }

  /** Checks the last tag's wire type is the one its field needs. */
  expect(wire: number, field: string): void {
    if (this.wire !== wire) this.fail(`field ${field} has wire type ${this.wire}, expected ${wire}`)
  }

  /** Skips the value of the last tag. */
  skip(): void {
    switch (this.wire) {
      case Wire.varint:
        this.varint()
        return
      case Wire.fixed64:
        if (this.end - this.pos < 8) this.fail('truncated 64-bit value')
        this.pos += 8
        return
      case Wire.len: {
        // (Not `this.pos += this.length()`: that reads pos before length() moves it past the varint.)
        const n = this.length()
        this.pos += n
        return
      }
      case Wire.fixed32:
        if (this.end - this.pos < 4) this.fail('truncated 32-bit value')
        this.pos += 4
        return
      default:
        this.fail(`wire type ${this.wire} of field ${this.field} (${this.wire === 3 || this.wire === 4 ? 'groups are not used by Perfetto' : 'not a protobuf wire type'})`)
    }
  }
}
