/**
 * The script that hardens the sandbox's context before anything else runs in it: every intrinsic
 * (Object, Array, JSON, Function, Math, Reflect, the typed arrays, their prototypes, every function
 * and object reachable from them) becomes frozen, so a driver cannot change how they behave for the
 * class driver, the verifier or the report that share its realm (`Array.prototype.push = () => 0`
 * throws in strict code and does nothing in sloppy code; `Object.isFrozen(Array.prototype)` is true).
 * The global's standard bindings (`JSON`, `Array`, ...) are made read-only too.
 *
 * Why not the `ses` package's lockdown(), which does the same: it freezes with `Object.freeze`, and
 * V8 then takes a slow path for every typed-array element store once Object.prototype or the typed
 * array prototypes are frozen that way (the capture runs 4x slower, measured with bench/isolation.ts).
 * Those few prototypes are frozen property by property instead (each made non-writable and
 * non-configurable, then the object non-extensible: the same frozen state by the language's
 * definition). Everything else gets `Object.freeze`: redefining properties one by one turns an object
 * into a slow dictionary-mode object, and doing that to every intrinsic cost the capture about 45%.
 * Redefining `constructor` on the concrete typed-array prototypes invalidates V8's (isolate-wide)
 * typed-array species protector, so `subarray` looks the species up: measured at a few ns a call.
 *
 * As in Hardened JavaScript, a few inherited data properties that ordinary code assigns on its own
 * objects (`error.name = ...`, `obj.toString = ...`) become accessors whose setter defines the
 * property on the object assigned to (the "override mistake" repair); assigning on the intrinsic
 * itself still fails.
 */
/** The hardening script, to evaluate first in a fresh context. */
export const FROZEN_INTRINSICS_SCRIPT = String.raw`(() => {
  'use strict'
  const { create, defineProperty, freeze, getOwnPropertyDescriptor, getPrototypeOf, preventExtensions } = Object
  const ownKeys = Reflect.ownKeys
  const g = globalThis
  const errors = ['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'AggregateError']
  // What code assigns on its own objects in practice (the list of ses's 'min' and a little more);
  // constructor stays a data property: cross-realm checks of errors read it without calling anything.
  const overridable = [
    [g.Object.prototype, ['toString', 'valueOf']],
    [g.Function.prototype, ['toString']],
    ...errors.filter((n) => typeof g[n] === 'function').map((n) => [g[n].prototype, ['name', 'message']]),
  ]
  for (const [object, keys] of overridable) {
    for (const key of keys) {
      const d = getOwnPropertyDescriptor(object, key)
      if (d === undefined || !('value' in d)) continue
      const value = d.value
      defineProperty(object, key, {
        get() { return value },
        set(v) {
          if (this === object) throw new TypeError('Cannot assign to read only property ' + String(key) + ' of a frozen intrinsic')
          defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true })
        },
        enumerable: d.enumerable,
        configurable: true,
      })
    }
  }
  const seen = new WeakSet([g])
  const queue = []
  const visit = (v) => {
    if ((typeof v === 'object' && v !== null) || typeof v === 'function') {
      if (!seen.has(v)) { seen.add(v); queue.push(v) }
    }
  }
  const names = ownKeys(g)
  for (const name of names) {
    if (name === 'console') continue
    const d = getOwnPropertyDescriptor(g, name)
    visit(d.value); visit(d.get); visit(d.set)
  }
  // Intrinsics that no global names: the prototypes of generators, async functions, iterators, TypedArray.
  visit(getPrototypeOf(function* () {}))
  visit(getPrototypeOf(async function () {}))
  visit(getPrototypeOf(async function* () {}))
  visit(getPrototypeOf([][Symbol.iterator]()))
  visit(getPrototypeOf(new Map()[Symbol.iterator]()))
  visit(getPrototypeOf(new Set()[Symbol.iterator]()))
  visit(getPrototypeOf(''[Symbol.iterator]()))
  visit(getPrototypeOf(/./[Symbol.matchAll]('')))
  const typedArray = getPrototypeOf(g.Uint8Array)
  visit(typedArray)
  // Frozen property by property (see the header); Error keeps a writable stackTraceLimit.
  const byProperty = new Set([g.Object.prototype, typedArray.prototype, g.Error])
  for (const name of names) {
    const v = getOwnPropertyDescriptor(g, name).value
    if (typeof v === 'function' && getPrototypeOf(v) === typedArray) byProperty.add(v.prototype)
  }
  for (let i = 0; i < queue.length; i++) {
    const o = queue[i]
    visit(getPrototypeOf(o))
    const keys = ownKeys(o)
    if (!byProperty.has(o)) {
      for (const key of keys) {
        const d = getOwnPropertyDescriptor(o, key)
        visit(d.value); visit(d.get); visit(d.set)
      }
      freeze(o)
      continue
    }
    for (const key of keys) {
      const d = getOwnPropertyDescriptor(o, key)
      visit(d.value); visit(d.get); visit(d.set)
      // V8 reads Error.stackTraceLimit as a number: it stays writable (the locator sets it around
      // each capture; a driver that sets it to 0 only hides its own lines from its bug checks).
      if (o === g.Error && key === 'stackTraceLimit') continue
      if ('value' in d) d.writable = false
      d.configurable = false
      defineProperty(o, key, d)
    }
    preventExtensions(o)
    // Redefining properties one by one left the prototype a slow dictionary-mode object, and V8 does
    // not turn it back by itself (every typed-array .length and .set would go through a lookup).
    // Being given as a prototype again makes it fast, still frozen.
    if (o !== g.Error) create(o)
  }
  // The global stays extensible (the context's console and structuredClone come next), its
  // standard bindings do not change.
  for (const name of names) {
    // V8 gives every context a console; contextGlobals.ts replaces it with the run's debug output.
    if (name === 'console') continue
    const d = getOwnPropertyDescriptor(g, name)
    if (d.configurable === false && d.writable === false) continue
    if ('value' in d) d.writable = false
    d.configurable = false
    defineProperty(g, name, d)
  }
})();
`
