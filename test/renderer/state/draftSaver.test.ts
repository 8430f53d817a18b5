import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DraftSaver } from '../../../renderer/state/draftSaver.js'

describe('draft saver', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function saver() {
    const sent: [string, string | null][] = []
    const errors: string[] = []
    const s = new DraftSaver(
      async (path, content) => {
        if (path === 'broken.ts') throw new Error('disk full')
        sent.push([path, content])
      },
      500,
      (path, e) => errors.push(`${path}: ${e.message}`),
    )
    return { s, sent, errors }
  }

  it('sends the last text of a file once it has been quiet for the delay', async () => {
    const { s, sent } = saver()
    s.changed('a.ts', 'x', true)
    await vi.advanceTimersByTimeAsync(300)
    s.changed('a.ts', 'xy', true)
    await vi.advanceTimersByTimeAsync(300)
    expect(sent).toEqual([])
    await vi.advanceTimersByTimeAsync(200)
    expect(sent).toEqual([['a.ts', 'xy']])
  })

  it('keeps files apart, and sends null for a buffer that is clean again', async () => {
    const { s, sent } = saver()
    s.changed('a.ts', 'x', true)
    s.changed('b.ts', 'y', false)
    await vi.advanceTimersByTimeAsync(500)
    expect(sent).toEqual([
      ['a.ts', 'x'],
      ['b.ts', null],
    ])
  })

  it('a save drops the pending draft and sends null at once', async () => {
    const { s, sent } = saver()
    s.changed('a.ts', 'x', true)
    await s.saved('a.ts')
    await vi.advanceTimersByTimeAsync(1000)
    expect(sent).toEqual([['a.ts', null]])
  })

  it('flush sends everything pending now', async () => {
    const { s, sent } = saver()
    s.changed('a.ts', 'x', true)
    s.changed('b.ts', 'y', true)
    expect(s.pendingPaths).toEqual(['a.ts', 'b.ts'])
    await s.flush()
    expect(sent).toEqual([
      ['a.ts', 'x'],
      ['b.ts', 'y'],
    ])
    expect(s.pendingPaths).toEqual([])
  })

  it('reports a draft that could not be kept instead of throwing', async () => {
    const { s, errors } = saver()
    s.changed('broken.ts', 'x', true)
    await vi.advanceTimersByTimeAsync(500)
    expect(errors).toEqual(['broken.ts: disk full'])
  })
})
