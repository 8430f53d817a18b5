import { runtime } from '../../classdriver/runtime.js'

/**
 * The few host-environment globals drivers use that plain JavaScript lacks, made inside the sandbox's
 * context: `structuredClone` (a deep copy of data, as the platform's) and `console`, whose output
 * goes to the run's debug output like DbgPrint.
 */
export function installContextGlobals(global: Record<string, unknown>): void {
  if (typeof global.structuredClone !== 'function') global.structuredClone = cloneData
  const print = (...args: unknown[]): void => {
    const text = args.map((a) => (typeof a === 'string' ? a : safeText(a))).join(' ')
    try {
      runtime().driver.print(`${text}\n`)
    } catch {
      // Outside a run there is nowhere to print to.
    }
  }
  global.console = Object.freeze({ log: print, info: print, warn: print, error: print, debug: print, trace: print })
}

function safeText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** A deep copy of data: objects, arrays, typed arrays, buffers, Map, Set, Date; cycles kept. */
export function cloneData<T>(value: T, seen = new Map<unknown, unknown>()): T {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') throw new TypeError(`structuredClone: ${typeof value} values cannot be cloned`)
    return value
  }
  if (seen.has(value)) return seen.get(value) as T
  if (ArrayBuffer.isView(value)) {
    const v = value as unknown as { slice(): unknown }
    const copy = v.slice()
    seen.set(value, copy)
    return copy as T
  }
  if (value instanceof ArrayBuffer) return value.slice(0) as T
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (value instanceof Map) {
    const copy = new Map()
    seen.set(value, copy)
    for (const [k, v] of value) copy.set(cloneData(k, seen), cloneData(v, seen))
    return copy as T
  }
  if (value instanceof Set) {
    const copy = new Set()
    seen.set(value, copy)
    for (const v of value) copy.add(cloneData(v, seen))
    return copy as T
  }
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {}
  seen.set(value, copy)
  for (const key of Object.keys(value)) (copy as Record<string, unknown>)[key] = cloneData((value as Record<string, unknown>)[key], seen)
  return copy as T
}
