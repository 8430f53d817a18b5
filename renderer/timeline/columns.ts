/**
 * Typed-array helpers shared by the timeline's indexes: growth by doubling and binary searches.
 * Every index keeps parallel typed-array columns with a count, so an event costs no object.
 */

/** Any of the typed arrays the indexes use for a column. */
export type Column = Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array

const MIN_CAPACITY = 16

/** `a` itself when it holds `need` elements, else a copy with capacity doubled until it does. */
export function grow<T extends Column>(a: T, need: number): T {
  if (need <= a.length) return a
  let cap = Math.max(MIN_CAPACITY, a.length)
  while (cap < need) cap *= 2
  const b = new (a.constructor as new (n: number) => T)(cap)
  b.set(a)
  return b
}

/** First index i in [lo, hi) with a[i] >= v (hi when there is none). `a` is sorted ascending. */
export function lowerBound(a: Float64Array, v: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index i in [lo, hi) with a[i] > v (hi when there is none). `a` is sorted ascending. */
export function upperBound(a: Float64Array, v: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] <= v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index i in [lo, hi) with a[i] >= v, for sorted unsigned columns. */
export function lowerBoundU32(a: Uint32Array, v: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < v) lo = mid + 1
    else hi = mid
  }
  return lo
}
