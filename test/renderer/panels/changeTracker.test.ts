import { describe, expect, it } from 'vitest'
import { ChangeTracker } from '../../../renderer/panels/changeTracker.js'

describe('ChangeTracker', () => {
  it('marks nothing on the first refresh, then exactly the values that changed', () => {
    const t = new ChangeTracker<number>()
    expect(t.update([[0x20, 1], [0x24, 5]])).toEqual(new Set())
    expect(t.update([[0x20, 1], [0x24, 6]])).toEqual(new Set([0x24]))
    // Unchanged since the last refresh: no longer highlighted.
    expect(t.update([[0x20, 1], [0x24, 6]])).toEqual(new Set())
    // A key that appears for the first time is not a change.
    expect(t.update([[0x20, 2], [0x24, 6], [0x28, 9]])).toEqual(new Set([0x20]))
  })

  it('starts over after a reset (a new run)', () => {
    const t = new ChangeTracker<string>()
    t.update([['A', 1]])
    t.reset()
    expect(t.update([['A', 2]])).toEqual(new Set())
  })
})
