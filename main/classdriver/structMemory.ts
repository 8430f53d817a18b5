// RtlCompareMemory, RtlCopyMemory and RtlZeroMemory on structure objects: the structure is walked in
// its C byte order (the layout table of wdk/layouts.ts when the object is one of those structures,
// its fields in order otherwise), each field a run of bytes, so the first `Length` bytes are compared,
// copied or zeroed as memcmp, memcpy and memset would (docs/classdriver.md#kernel-services).
import { GUID_NULL, normalizeGuid } from './wdk/ks.js'
import { layoutNames, layoutOf, type Layout } from './wdk/layouts.js'

/** Objects that are memory of their own (extensions, pool blocks, IRPs): a field holding one is a pointer. */
export type IsSeparate = (o: object) => boolean

/** One field of the walk: where it is, and the objects holding it (one per operand). */
interface Leaf {
  offset: number
  size: number
  /** The C type when the layout knows it (null: inferred from the value). */
  type: string | null
  holders: (Record<string | number, any> | undefined)[]
  /** The field's key in each holder (a union member may be written under its other name). */
  keys: (string | number)[]
}

const GUID_TEXT = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i
const LINK_FIELDS = new Set(['Flink', 'Blink'])

/** A structure of the driver's own: a plain object or an array (not a class driver object, not a typed array). */
export function isPlain(v: unknown): v is Record<string, any> {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null || Array.isArray(v)
}

/** The fields of a layout and, through its first member, the fields a flattened object may carry. */
function flatNames(layout: Layout, into = new Set<string>()): Set<string> {
  for (const f of layout.fields) into.add(f.name)
  for (const a of Object.keys(layout.aliases)) into.add(a)
  const first = layout.fields[0]
  if (first?.struct) flatNames(first.struct, into)
  return into
}

const flatCache = new Map<string, Set<string>>()

/**
 * The layout an object is an instance of: every own field belongs to it (directly or through its first
 * member, as the class driver's flattened ranges have it), and it has more than half of its fields.
 */
export function detectLayout(o: unknown): Layout | null {
  if (!isPlain(o) || Array.isArray(o)) return null
  const keys = Object.keys(o).filter((k) => o[k] !== o)
  if (keys.length === 0) return null
  let best: Layout | null = null
  let bestScore = 0
  for (const name of layoutNames()) {
    const layout = layoutOf(name)!
    let flat = flatCache.get(name)
    if (flat === undefined) flatCache.set(name, (flat = flatNames(layout)))
    if (!keys.every((k) => flat!.has(k))) continue
    let present = 0
    for (const f of layout.fields) {
      if (f.name in o || (f.offset === 0 && f.struct !== null && f.struct.fields.some((g) => g.name in o))) present++
    }
    if (present * 2 <= layout.fields.length) continue
    const score = present * 1000 - layout.fields.length
    if (score > bestScore) {
      best = layout
      bestScore = score
    }
  }
  return best
}

/** The object holding a structure member: `o[name]`, or `o` itself when it carries its first member flattened. */
function member(o: Record<string | number, any> | undefined, name: string, first: Layout | null, create: boolean): Record<string | number, any> | undefined {
  if (o === undefined || o === null) return undefined
  const v = o[name]
  if (v !== null && typeof v === 'object') return v
  if (first !== null && first.fields.some((g) => g.name in o)) return o
  if (!create) return undefined
  return (o[name] = {})
}

function walkLayout(layout: Layout, holders: (Record<string | number, any> | undefined)[], base: number, creating: boolean[], out: Leaf[]): void {
  for (const f of layout.fields) {
    if (f.struct !== null) {
      const first = f.offset === 0 ? f.struct : null
      const sub = holders.map((h, j) => member(h, f.name, first, creating[j]))
      for (let i = 0; i < f.count; i++) {
        const elements = f.count === 1 ? sub : sub.map((m) => m?.[i])
        walkLayout(f.struct, elements, base + f.offset + i * f.size, creating, out)
      }
      continue
    }
    const alias = Object.keys(layout.aliases).find((a) => layout.aliases[a] === f.name)
    const keys = holders.map((h) => (h != null && alias !== undefined && !(f.name in h) && alias in h ? alias : f.name))
    if (f.count === 1) {
      out.push({ offset: base + f.offset, size: f.size, type: f.type, holders, keys })
      continue
    }
    // An embedded array of scalars: an array (or typed array) field, one element per leaf.
    const arrays = holders.map((h, j) => (h == null ? undefined : (h[keys[j]] ?? (creating[j] ? (h[keys[j]] = new Array(f.count).fill(0)) : undefined))))
    for (let i = 0; i < f.count; i++) out.push({ offset: base + f.offset + i * f.size, size: f.size, type: f.type, holders: arrays, keys: arrays.map(() => i) })
  }
}

function sizeOfValue(v: unknown): number {
  if (typeof v === 'string') return GUID_TEXT.test(v) ? 16 : 8
  if (typeof v === 'number') return Number.isInteger(v) && v >= -0x80000000 && v <= 0xffffffff ? 4 : 8
  if (typeof v === 'bigint') return 8
  if (typeof v === 'boolean') return 4
  if (ArrayBuffer.isView(v)) return v.byteLength
  return 8
}

function walkGeneric(holders: (Record<string | number, any> | undefined)[], base: number, creating: boolean[], isSeparate: IsSeparate, seen: Set<object>, out: Leaf[]): number {
  const keys: (string | number)[] = []
  const seenKeys = new Set<string>()
  for (const h of holders) {
    if (h === undefined || h === null) continue
    // A pool block used as a structure: its fields, not its bytes.
    const own = ArrayBuffer.isView(h) ? Object.keys(h).filter((k) => !/^\d+$/.test(k)) : Object.keys(h)
    for (const k of own) {
      if (seenKeys.has(k) || h[k] === h) continue
      seenKeys.add(k)
      keys.push(Array.isArray(h) ? Number(k) : k)
    }
  }
  let offset = base
  for (const key of keys) {
    const values = holders.map((h) => h?.[key])
    const embedded = !LINK_FIELDS.has(String(key)) && values.some((v) => isPlain(v) && !isSeparate(v) && !seen.has(v))
    if (embedded) {
      const sub = holders.map((h, j) => {
        const v = h?.[key]
        if (isPlain(v)) return v
        if (h !== undefined && creating[j]) return (h[key] = Array.isArray(values.find(isPlain)) ? [] : {})
        return undefined
      })
      for (const v of sub) if (v !== undefined) seen.add(v)
      offset = walkGeneric(sub, offset, creating, isSeparate, seen, out)
      for (const v of sub) if (v !== undefined) seen.delete(v)
    } else {
      const size = sizeOfValue(values.find((v) => v !== undefined && v !== null))
      out.push({ offset, size, type: null, holders, keys: holders.map(() => key) })
      offset += size
    }
  }
  return offset
}

/** The walk of one or two operands: the layout of the first that has one, or their fields in order. */
function leaves(objects: unknown[], creating: boolean[], isSeparate: IsSeparate): Leaf[] {
  const out: Leaf[] = []
  const layout = objects.map(detectLayout).find((l) => l !== null) ?? null
  const holders = objects as Record<string | number, any>[]
  if (layout !== null) walkLayout(layout, holders, 0, creating, out)
  else walkGeneric(holders, 0, creating, isSeparate, new Set(objects.filter((o): o is object => typeof o === 'object' && o !== null)), out)
  return out
}

const ids = new WeakMap<object, number>()
let nextId = 1

/** The bytes a field holds in memory (little-endian; GUIDs in their memory order; pointers as an identity). */
function bytesOf(v: unknown, size: number): Uint8Array {
  const b = new Uint8Array(size)
  if (v === undefined || v === null || v === false) return b
  if (ArrayBuffer.isView(v)) {
    b.set(new Uint8Array(v.buffer, v.byteOffset, Math.min(size, v.byteLength)))
    return b
  }
  if (typeof v === 'string' && GUID_TEXT.test(v)) {
    const hex = normalizeGuid(v).replace(/-/g, '')
    const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15]
    for (let i = 0; i < Math.min(16, size); i++) b[i] = parseInt(hex.substr(order[i] * 2, 2), 16)
    return b
  }
  let n: bigint
  if (typeof v === 'number') n = BigInt(Math.trunc(v))
  else if (typeof v === 'bigint') n = v
  else if (v === true) n = 1n
  else {
    const key = typeof v === 'object' || typeof v === 'function' ? v : Object(String(v))
    let id = ids.get(key)
    if (id === undefined) ids.set(key, (id = nextId++))
    n = BigInt(id)
  }
  for (let i = 0; i < size; i++) {
    b[i] = Number(n & 0xffn)
    n >>= 8n
  }
  return b
}

/** RtlCompareMemory on structures: the bytes equal from the start, up to `length`. */
export function compareStructures(a: unknown, b: unknown, length: number, isSeparate: IsSeparate): number {
  for (const leaf of leaves([a, b], [false, false], isSeparate)) {
    if (leaf.offset >= length) break
    const n = Math.min(leaf.size, length - leaf.offset)
    const x = bytesOf(leaf.holders[0]?.[leaf.keys[0]], leaf.size)
    const y = bytesOf(leaf.holders[1]?.[leaf.keys[1]], leaf.size)
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return leaf.offset + i
  }
  return length
}

/** The zero of a field's value: 0, GUID_NULL, an emptied array, NULL for a pointer. */
function zeroOf(v: unknown, type: string | null): unknown {
  if (type === 'GUID' || (typeof v === 'string' && GUID_TEXT.test(v))) return GUID_NULL
  if (type === 'PVOID' || type === 'HANDLE') return typeof v === 'number' ? 0 : null
  if (typeof v === 'bigint') return 0n
  if (typeof v === 'string') return ''
  if (typeof v === 'number' || typeof v === 'boolean' || type !== null) return 0
  return null
}

/** RtlCopyMemory from a structure: the fields of its first `length` bytes, embedded structures by value. */
export function copyStructure(destination: object, source: unknown, length: number, isSeparate: IsSeparate): void {
  for (const leaf of leaves([destination, source], [true, false], isSeparate)) {
    if (leaf.offset >= length) break
    const dst = leaf.holders[0]
    if (dst == null) continue
    const key = leaf.keys[0]
    const v = leaf.holders[1]?.[leaf.keys[1]]
    const old = dst[key]
    if (ArrayBuffer.isView(v)) {
      if (ArrayBuffer.isView(old) && old.byteLength === v.byteLength) new Uint8Array(old.buffer, old.byteOffset, old.byteLength).set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
      else dst[key] = (v as Uint8Array).slice()
    } else if (v === undefined) {
      if (old !== undefined) dst[key] = zeroOf(old, leaf.type)
    } else dst[key] = v
  }
}

/** RtlZeroMemory on a structure: every field of its first `length` bytes to zero (pointers to NULL). */
export function zeroStructure(destination: object, length: number, isSeparate: IsSeparate): void {
  for (const leaf of leaves([destination], [false], isSeparate)) {
    if (leaf.offset >= length) break
    const h = leaf.holders[0]
    const key = leaf.keys[0]
    if (h == null || h[key] === undefined) continue
    const v = h[key]
    if (ArrayBuffer.isView(v)) new Uint8Array(v.buffer, v.byteOffset, v.byteLength).fill(0)
    else h[key] = zeroOf(v, leaf.type)
  }
}
