/**
 * What driver code threw, described without trusting it: `throw null`, `throw Symbol()`, a Proxy whose
 * every trap throws, an Error whose `message` is a getter that throws or loops, an object whose
 * `toString` lies. Nothing here calls the value's own code (no getters, no traps, no toString, no
 * toJSON); anything that could is inside try/catch, and the intrinsics used are the ones this module
 * captured when it was evaluated (before any driver code ran in the same realm), so a driver that
 * replaced `String`, `Object.keys` or `Symbol.prototype.toString` does not change the answer.
 *
 * Runs in the sandbox's context and in the host (Node-free).
 */

const getPrototypeOf = Object.getPrototypeOf
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor
const isArray = Array.isArray
const apply = Reflect.apply
const symbolDescription = getOwnPropertyDescriptor(Symbol.prototype, 'description')?.get ?? null
const stringSlice = String.prototype.slice
const errorPrototype = Error.prototype
/** V8's own `stack` accessor, when an error's stack is one (newer engines); a driver's getter is not called. */
const nativeStackGetter = (() => {
  const d = getOwnPropertyDescriptor(new Error('probe'), 'stack')
  return d?.get ?? null
})()

/**
 * Accessors of the intrinsic error prototypes as this realm had them when this module was evaluated
 * (before any driver code): where the context's intrinsics are hardened (frozenIntrinsics.ts),
 * `Error.prototype.name` and `message` are accessors of the hardening, not of the driver; calling
 * them runs no driver code.
 */
const trustedGetters = (() => {
  const out = new Set<unknown>()
  for (const ctor of [Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError]) {
    for (const key of ['name', 'message', 'stack']) {
      const d = getOwnPropertyDescriptor(ctor.prototype, key)
      if (d?.get !== undefined) out.add(d.get)
    }
  }
  return out
})()

/** Longest piece of driver text quoted in a message. */
const QUOTE_MAX = 300

/** What an Error-like thrown value says, read only from data properties (never a getter of the driver). */
export interface ThrownFacts {
  /** 'Error', 'TypeError', ... (null when the value is not an Error or its name cannot be read safely). */
  name: string | null
  message: string | null
  stack: string | null
  /** The value is a real Error (its prototype chain reaches Error.prototype of its realm or this one). */
  isError: boolean
}

function clip(s: string): string {
  return s.length > QUOTE_MAX ? `${apply(stringSlice, s, [0, QUOTE_MAX]) as string}...` : s
}

/** The value of an own data property, or undefined (an accessor is not called; a Proxy trap that throws gives undefined). */
function ownData(o: object, key: string): unknown {
  try {
    const d = getOwnPropertyDescriptor(o, key)
    return d !== undefined && 'value' in d ? d.value : undefined
  } catch {
    return undefined
  }
}

/** A data property found along the prototype chain (at most 16 levels), or undefined. */
function chainData(o: object, key: string): unknown {
  let at: object | null = o
  for (let depth = 0; at !== null && depth < 16; depth++) {
    try {
      const d = getOwnPropertyDescriptor(at, key)
      if (d !== undefined) return 'value' in d ? d.value : trustedGetters.has(d.get) ? apply(d.get as () => unknown, o, []) : undefined
      at = getPrototypeOf(at) as object | null
    } catch {
      return undefined
    }
  }
  return undefined
}

/** True when `key` is an accessor (or unreadable) on the object or its prototype chain (at most 16 levels). */
function hasAccessor(o: object, key: string): boolean {
  let at: object | null = o
  for (let depth = 0; at !== null && depth < 16; depth++) {
    try {
      const d = getOwnPropertyDescriptor(at, key)
      if (d !== undefined) return !('value' in d) && !trustedGetters.has(d.get)
      at = getPrototypeOf(at) as object | null
    } catch {
      return true
    }
  }
  return at !== null
}

/** True when the prototype chain reaches an Error prototype (this realm's, or one named Error of another). */
function looksLikeError(o: object): boolean {
  let at: object | null = o
  for (let depth = 0; at !== null && depth < 32; depth++) {
    try {
      at = getPrototypeOf(at) as object | null
    } catch {
      return false
    }
    if (at === null) return false
    if (at === errorPrototype) return true
    // An Error of another realm (the sandbox's context): its Error.prototype's constructor is a function named Error.
    const ctor = ownData(at, 'constructor')
    if (typeof ctor === 'function' && ownData(ctor, 'name') === 'Error') {
      try {
        if (getPrototypeOf(getPrototypeOf(at)) === null) return true
      } catch {
        return false
      }
    }
  }
  return false
}

/** The stack of an error, read without calling a driver's getter. */
function stackOf(o: object): string | null {
  try {
    const d = getOwnPropertyDescriptor(o, 'stack')
    if (d === undefined) return null
    if ('value' in d) return typeof d.value === 'string' ? d.value : null
    if (nativeStackGetter !== null && d.get === nativeStackGetter) {
      const s: unknown = apply(nativeStackGetter, o, [])
      return typeof s === 'string' ? s : null
    }
  } catch {
    // a Proxy's trap threw
  }
  return null
}

/** Name, message and stack of a thrown value, when it is an Error whose fields are plain data. */
export function thrownFacts(value: unknown): ThrownFacts {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return { name: null, message: null, stack: null, isError: false }
  const o = value as object
  const isError = looksLikeError(o)
  if (!isError) return { name: null, message: null, stack: null, isError }
  const name = chainData(o, 'name')
  const message = chainData(o, 'message')
  return {
    name: typeof name === 'string' ? clip(name) : null,
    message: typeof message === 'string' ? clip(message) : null,
    // The engine formats a stack lazily, reading `name` and `message` then: with a getter there it would run it.
    stack: hasAccessor(o, 'message') || hasAccessor(o, 'name') ? null : stackOf(o),
    isError,
  }
}

/** The thrown value in words: 'Error: boom', 'threw null', 'threw a Symbol(p)', 'threw an object whose properties cannot be read'. */
export function describeThrown(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'threw undefined'
    case 'symbol': {
      let d: unknown
      try {
        d = symbolDescription !== null ? apply(symbolDescription, value, []) : undefined
      } catch {
        d = undefined
      }
      return `threw a Symbol(${typeof d === 'string' ? clip(d) : ''})`
    }
    case 'string':
      return `threw the string ${JSON_QUOTE(clip(value))}`
    case 'number':
    case 'boolean':
      return `threw the ${typeof value} ${value}`
    case 'bigint':
      return `threw the bigint ${value}n`
    case 'function': {
      const name = ownData(value as object, 'name')
      return `threw a function${typeof name === 'string' && name !== '' ? ` (${clip(name)})` : ''}`
    }
  }
  if (value === null) return 'threw null'
  const o = value as object
  let readable = true
  try {
    getPrototypeOf(o)
    getOwnPropertyDescriptor(o, 'message')
  } catch {
    readable = false
  }
  if (!readable) return 'threw an object whose properties cannot be read (a Proxy?)'
  const f = thrownFacts(o)
  if (f.isError) {
    if (f.name === null && f.message === null) return 'threw an Error whose name and message cannot be read safely (getters?)'
    return `${f.name ?? 'Error'}: ${f.message ?? '(a message that cannot be read safely)'}`
  }
  if (isArray(o)) return 'threw an array'
  return 'threw an object that is not an Error'
}

const HEX = '0123456789abcdef'

/** A string as a JSON literal, without JSON (which a driver may have replaced): quotes and control characters escaped. */
function JSON_QUOTE(s: string): string {
  let out = '"'
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x22) out += '\\"'
    else if (c === 0x0a) out += '\\n'
    else if (c === 0x0d) out += '\\r'
    else if (c === 0x09) out += '\\t'
    else if (c === 0x5c) out += '\\\\'
    else if (c < 0x20) out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`
    else out += s[i]
  }
  return `${out}"`
}

/** A function's own `name` if it is a plain string (a getter on `name` is not called), else ''. */
export function functionName(fn: Function): string {
  const name = ownData(fn, 'name')
  return typeof name === 'string' ? clip(name) : ''
}

/** `value instanceof ctor`, false where asking would run the value's code and that throws (a Proxy's getPrototypeOf trap). */
export function safeInstanceOf(value: unknown, ctor: Function): boolean {
  try {
    return value instanceof ctor
  } catch {
    return false
  }
}
