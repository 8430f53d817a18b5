import { grow, type Column } from './columns.js'

/**
 * Restoring time order after an append. Trace rows arrive in recording order, which is nearly but
 * not quite time order (a slice is recorded when it ends, after its children), so each index appends
 * at its tail and then calls `settleTail`: the new rows are sorted (insertion sort, cheap on nearly
 * sorted input, with a fallback to a full sort), then merged into the sorted prefix from the first
 * place they belong. The cost is the new rows plus the part of the prefix they overtake.
 *
 * The order is (key, row): rows are unique, so the result does not depend on how rows were batched.
 */

let perm = new Uint32Array(1024)
let merged = new Uint32Array(1024)
const temps = new Map<unknown, Column>()

function temp<T extends Column>(like: T, n: number): T {
  let t = temps.get(like.constructor) as T | undefined
  if (t === undefined || t.length < n) {
    t = grow(t ?? (new (like.constructor as new (n: number) => T)(1024)), n)
    temps.set(like.constructor, t)
  }
  return t
}

/**
 * Sorts rows [sorted, n) of the parallel columns by (key, row) and merges them into the sorted rows
 * [0, sorted). Every column in `others` is permuted along. Returns the first index whose content
 * changed (`sorted` when the new rows were already in place).
 */
export function settleTail(key: Float64Array, row: Uint32Array, sorted: number, n: number, others: readonly Column[]): number {
  if (n <= sorted) return n
  const m = n - sorted
  let inOrder = sorted === 0 || !before(key, row, sorted, sorted - 1)
  for (let i = sorted + 1; inOrder && i < n; i++) if (before(key, row, i, i - 1)) inOrder = false
  if (inOrder) return sorted

  perm = grow(perm, m)
  for (let k = 0; k < m; k++) perm[k] = sorted + k
  sortPermutation(key, row, m)

  // The first prefix row that the smallest new row must precede.
  const first = perm[0]
  let lo = 0
  let hi = sorted
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (before(key, row, first, mid)) hi = mid
    else lo = mid + 1
  }
  const p = lo
  const len = n - p
  merged = grow(merged, len)
  let a = p
  let b = 0
  for (let k = 0; k < len; k++) {
    if (b >= m || (a < sorted && !before(key, row, perm[b], a))) merged[k] = a++
    else merged[k] = perm[b++]
  }
  apply(key, p, len)
  apply(row, p, len)
  for (const c of others) apply(c, p, len)
  return p
}

function before(key: Float64Array, row: Uint32Array, i: number, j: number): boolean {
  const d = key[i] - key[j]
  return d < 0 || (d === 0 && row[i] < row[j])
}

/** Sorts perm[0, m) by (key, row); insertion sort while it stays cheap, a full sort otherwise. */
function sortPermutation(key: Float64Array, row: Uint32Array, m: number): void {
  let budget = 8 * m + 256
  for (let i = 1; i < m; i++) {
    const v = perm[i]
    let j = i - 1
    while (j >= 0 && before(key, row, v, perm[j])) {
      perm[j + 1] = perm[j]
      j--
      budget--
    }
    perm[j + 1] = v
    if (budget < 0) {
      perm.subarray(0, m).sort((x, y) => key[x] - key[y] || row[x] - row[y])
      return
    }
  }
}

function apply(c: Column, p: number, len: number): void {
  const t = temp(c, len)
  for (let k = 0; k < len; k++) t[k] = c[merged[k]]
  c.set(t.subarray(0, len), p)
}
