import { describe, expect, it } from 'vitest'
import { describeThrown } from '../../main/sim/thrownValue.js'

/**
 * What driver code threw, described without running any of it (main/sim/thrownValue.ts). The runs
 * that end in these descriptions are in test/security/hostileDriverEnds.test.ts.
 */

describe('describeThrown: never runs the thrown value', () => {
  it('names each kind of value, and survives Proxies, getters and lying toString', () => {
    const evil = new Proxy({}, new Proxy({}, { get() { throw new Error('trap') } }))
    const looping = new Error('x')
    Object.defineProperty(looping, 'message', { get() { throw new Error('getter ran') } })
    expect(describeThrown(null)).toBe('threw null')
    expect(describeThrown(undefined)).toBe('threw undefined')
    expect(describeThrown(Symbol('p'))).toBe('threw a Symbol(p)')
    expect(describeThrown(42)).toBe('threw the number 42')
    expect(describeThrown(10n)).toBe('threw the bigint 10n')
    expect(describeThrown('x'.repeat(1000))).toMatch(/^threw the string "x{300}\.\.\."$/)
    expect(describeThrown(evil)).toBe('threw an object whose properties cannot be read (a Proxy?)')
    expect(describeThrown(looping)).toBe('Error: (a message that cannot be read safely)')
    expect(describeThrown(new TypeError('t'))).toBe('TypeError: t')
    expect(describeThrown({ toString: () => { throw new Error('ran') } })).toBe('threw an object that is not an Error')
    expect(describeThrown(function named() {})).toBe('threw a function (named)')
  })
})
