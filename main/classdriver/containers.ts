// CONTAINING_RECORD: from a LIST_ENTRY (or any embedded structure) back to the structure that holds it,
// and the driver's memory the answer is searched in: its device, instance and stream extensions, the
// SRB extensions and IRPs of the SRBs it holds, and its live pool blocks (docs/classdriver.md#lists).
import type { Srb } from './srb.js'
import { isPlain } from './structMemory.js'

/** What the search needs of a device. */
export interface MemoryOwner {
  readonly extension: object
  readonly instanceExtension: object | null
  readonly streams: readonly { readonly object: { readonly HwStreamExtension: unknown } }[]
  readonly held: Iterable<Srb>
}

/** The objects that are memory of their own: extensions, SRB extensions, IRPs, pool blocks. */
export function driverMemory(devices: readonly MemoryOwner[], poolBlocks: Iterable<object>): object[] {
  const roots: object[] = []
  const add = (o: unknown): void => {
    if (o !== null && typeof o === 'object') roots.push(o)
  }
  for (const d of devices) {
    add(d.extension)
    add(d.instanceExtension)
    for (const s of d.streams) add(s.object.HwStreamExtension)
    for (const srb of d.held) {
      add(srb._SRBExtension)
      add(srb._Irp)
    }
  }
  for (const b of poolBlocks) add(b)
  return roots
}

/** The value at a dotted path ('Tail.Overlay.ListEntry', 'Entries[2].Link') of an object, or undefined. */
function at(o: unknown, path: readonly string[]): unknown {
  let v: any = o
  for (const p of path) {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return undefined
    v = v[p]
  }
  return v
}

function splitPath(field: string): string[] {
  return String(field).replace(/\[(\d+)\]/g, '.$1').split('.').filter((p) => p !== '')
}

/** Links are not followed: every entry of a list would lead to every other. */
const NOT_FOLLOWED = new Set(['Flink', 'Blink'])
/** Past this many objects the search gives up (a driver's memory is far smaller). */
const SEARCH_LIMIT = 50_000

/**
 * Finds the object `o` with `o.<Field> === address` among the driver's memory and what it reaches
 * (breadth-first from the roots, not through list links or typed arrays' elements). A found container
 * is remembered, so a list walked again costs a lookup.
 */
export class ContainerFinder {
  private readonly cache = new WeakMap<object, { container: object; field: string }>()

  /** CONTAINING_RECORD: the container, or a TypeError (a bug check in the calling callback) naming what was searched. */
  containingRecord(address: unknown, type: string | null, field: string, roots: () => readonly object[]): object {
    const found = this.find(address, field, roots)
    if (found !== null) return found
    throw new TypeError(
      `CONTAINING_RECORD(${type ?? 'Type'}, ${field}): no structure of the driver's memory (device, stream and SRB extensions, srb.Irp, pool blocks, and what they reference) holds this entry at ${field}; ` +
        'keep the structure where the class driver can see it (an extension field, a pool block): C needs no such thing, its address arithmetic finds any structure',
    )
  }

  find(address: unknown, field: string, roots: () => readonly object[]): object | null {
    if (address === null || typeof address !== 'object') return null
    const path = splitPath(field)
    if (path.length === 0) return null
    const cached = this.cache.get(address)
    if (cached !== undefined && cached.field === field && at(cached.container, path) === address) return cached.container
    const seen = new Set<object>()
    const queue: object[] = []
    for (const r of roots()) if (!seen.has(r)) (seen.add(r), queue.push(r))
    for (let i = 0; i < queue.length && i < SEARCH_LIMIT; i++) {
      const o = queue[i]
      if (at(o, path) === address) {
        this.cache.set(address, { container: o, field })
        return o
      }
      if (ArrayBuffer.isView(o)) continue
      for (const k of Object.keys(o)) {
        if (NOT_FOLLOWED.has(k)) continue
        const v = (o as Record<string, unknown>)[k]
        // Only the driver's own structures are followed, not the class driver's objects (an SRB, a stream object).
        if (isPlain(v) && !seen.has(v)) {
          seen.add(v)
          queue.push(v)
        }
      }
    }
    return null
  }
}
