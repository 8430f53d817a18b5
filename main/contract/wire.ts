/**
 * A message as one binary frame, for transports that carry bytes (web mode's WebSocket). Typed
 * arrays and ArrayBuffers anywhere in the value travel as raw bytes after a JSON header, 8-byte
 * aligned, and come back as views over the received buffer (no copy, no base64, no number parsing).
 *
 * Frame: "MDWB" · u32 header length · header JSON (UTF-8) · padding to 8 · attachments, each padded to 8.
 * In the JSON a binary value is `{"\u0000bin": i, "type": "Float64Array"}` (i: attachment index).
 */

const MAGIC = 0x4257444d // "MDWB" little-endian
const BIN = '\u0000bin'

type Binary = ArrayBuffer | ArrayBufferView

const VIEW_TYPES = {
  Uint8Array,
  Int8Array,
  Uint8ClampedArray,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
} as const
type ViewType = keyof typeof VIEW_TYPES | 'ArrayBuffer'

interface Attachment {
  bytes: Uint8Array
  type: ViewType
}

const pad8 = (n: number): number => (n + 7) & ~7

function typeOf(value: Binary): ViewType {
  if (value instanceof ArrayBuffer) return 'ArrayBuffer'
  const name = value.constructor.name as ViewType
  if (!(name in VIEW_TYPES)) throw new Error(`wire: cannot send a ${name}`)
  return name
}

/** Encodes a JSON-able value (with binary parts) into one frame. */
export function encodeFrame(value: unknown): Uint8Array {
  const attachments: Attachment[] = []
  const json = JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
      const b = v as Binary
      const bytes = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
      attachments.push({ bytes, type: typeOf(b) })
      return { [BIN]: attachments.length - 1, type: typeOf(b) }
    }
    return v
  })
  const header = new TextEncoder().encode(JSON.stringify({ json, sizes: attachments.map((a) => a.bytes.byteLength) }))
  let size = pad8(8 + header.byteLength)
  for (const a of attachments) size += pad8(a.bytes.byteLength)
  const out = new Uint8Array(size)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, MAGIC, true)
  dv.setUint32(4, header.byteLength, true)
  out.set(header, 8)
  let at = pad8(8 + header.byteLength)
  for (const a of attachments) {
    out.set(a.bytes, at)
    at += pad8(a.bytes.byteLength)
  }
  return out
}

/** Decodes a frame made by `encodeFrame`; binary parts are views over `frame` (which must not be reused). */
export function decodeFrame(frame: ArrayBuffer | Uint8Array): unknown {
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame)
  if (bytes.byteLength < 8) throw new Error('wire: frame too short')
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (dv.getUint32(0, true) !== MAGIC) throw new Error('wire: not a workbench frame')
  const headerLength = dv.getUint32(4, true)
  if (8 + headerLength > bytes.byteLength) throw new Error('wire: truncated header')
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as { json: string; sizes: number[] }
  // Views need their element alignment: when the frame itself is not 8-aligned in its buffer, copy it once.
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice()
  const parts: Binary[] = []
  let at = pad8(8 + headerLength)
  const types: ViewType[] = []
  const json = JSON.parse(header.json, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && BIN in v) {
      const ref = v as { [BIN]: number; type: ViewType }
      types[ref[BIN]] = ref.type
      return { [BIN]: ref[BIN] }
    }
    return v
  }) as unknown
  for (let i = 0; i < header.sizes.length; i++) {
    const size = header.sizes[i]
    if (at + size > base.byteLength) throw new Error('wire: truncated attachment')
    const type = types[i] ?? 'Uint8Array'
    const offset = base.byteOffset + at
    if (type === 'ArrayBuffer') parts.push(base.buffer.slice(offset, offset + size) as ArrayBuffer)
    else {
      const View = VIEW_TYPES[type] as unknown as { new (b: ArrayBufferLike, o: number, n: number): ArrayBufferView; BYTES_PER_ELEMENT?: number }
      parts.push(new View(base.buffer, offset, size / (View.BYTES_PER_ELEMENT ?? 1)))
    }
    at += pad8(size)
  }
  return restore(json, parts)
}

function restore(value: unknown, parts: Binary[]): unknown {
  if (value === null || typeof value !== 'object') return value
  if (BIN in value) return parts[(value as { [BIN]: number })[BIN]]
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restore(value[i], parts)
    return value
  }
  const obj = value as Record<string, unknown>
  for (const key of Object.keys(obj)) obj[key] = restore(obj[key], parts)
  return obj
}

/** The ArrayBuffers a structured-clone transport can transfer instead of copying (each once). */
export function transferables(value: unknown, out: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (value instanceof ArrayBuffer) out.add(value)
  else if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer)
  } else if (Array.isArray(value)) for (const v of value) transferables(v, out)
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) transferables(v, out)
  return [...out]
}
