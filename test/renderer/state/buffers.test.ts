import { describe, expect, it } from 'vitest'
import { BufferSet, kindOfPath, normalizeProjectPath } from '../../../renderer/state/buffers.js'
import { Tabs } from '../../../renderer/state/tabs.js'

function project(): BufferSet {
  const b = new BufferSet()
  b.load([
    { path: 'driver.ts', kind: 'driver', content: 'a' },
    { path: 'scenarios/s.json', kind: 'scenario', content: '{}' },
    { path: 'workbench.json', kind: 'settings', content: '{}' },
  ])
  return b
}

describe('editor buffers', () => {
  it('a buffer is dirty exactly when its text differs from the file', () => {
    const b = project()
    expect(b.edit('driver.ts', 'ab')).toBe(true)
    expect(b.dirtyCount).toBe(1)
    expect(b.edit('driver.ts', 'a')).toBe(false)
    expect(b.dirtyCount).toBe(0)
  })

  it('a save of older text than the buffer leaves the buffer dirty', () => {
    const b = project()
    b.edit('driver.ts', 'ab')
    b.edit('driver.ts', 'abc')
    b.markSaved('driver.ts', 'ab')
    expect(b.isDirty('driver.ts')).toBe(true)
    b.markSaved('driver.ts', 'abc')
    expect(b.isDirty('driver.ts')).toBe(false)
  })

  it('runs get the dirty buffers; reloads get every driver source', () => {
    const b = project()
    b.edit('scenarios/s.json', '{"a":1}')
    expect(b.dirty()).toEqual([{ path: 'scenarios/s.json', content: '{"a":1}' }])
    expect(b.driverSources()).toEqual([{ path: 'driver.ts', content: 'a' }])
  })

  it('recovers drafts that differ from the files, including files that are gone', () => {
    const b = project()
    const recovered = b.recover([
      { path: 'driver.ts', content: 'draft', savedAt: 1 },
      { path: 'workbench.json', content: '{}', savedAt: 1 },
      { path: 'notes.md', content: 'todo', savedAt: 1 },
    ])
    expect(recovered).toEqual(['driver.ts', 'notes.md'])
    expect(b.get('driver.ts')).toMatchObject({ content: 'draft', saved: 'a', recovered: true })
    expect(b.get('notes.md')).toMatchObject({ kind: 'other', onDisk: false, recovered: true })
    expect(b.isDirty('workbench.json')).toBe(false)
    b.markSaved('driver.ts', 'draft')
    expect(b.get('driver.ts')?.recovered).toBe(false)
  })

  it('a new file is dirty until saved, even when empty', () => {
    const b = project()
    b.create('src/x.ts')
    expect(b.isDirty('src/x.ts')).toBe(true)
    expect(b.get('src/x.ts')?.kind).toBe('driver')
    expect(() => b.create('driver.ts')).toThrow('driver.ts already exists in the project')
    b.markSaved('src/x.ts', '')
    expect(b.isDirty('src/x.ts')).toBe(false)
  })

  it('names the file when an edit targets one that is not in the project', () => {
    expect(() => project().edit('nope.ts', 'x')).toThrow('nope.ts is not a file of the project')
  })

  it('tells file kinds by name, and normalises typed paths', () => {
    expect(['a.ts', 'workbench.json', 'scenarios/x.json', 'README.md'].map(kindOfPath)).toEqual(['driver', 'settings', 'scenario', 'other'])
    expect(normalizeProjectPath(' ./src\\a.ts ')).toBe('src/a.ts')
    expect(() => normalizeProjectPath('src/../../x.ts')).toThrow('cannot be outside the project folder')
    expect(() => normalizeProjectPath('  ')).toThrow('a file needs a name')
  })
})

describe('editor tabs', () => {
  it('closing the active tab shows its right neighbour, or the left one at the end', () => {
    const t = new Tabs()
    for (const p of ['a', 'b', 'c']) t.show(p)
    t.show('b')
    t.close('b')
    expect(t.active).toBe('c')
    t.close('c')
    expect(t.active).toBe('a')
    t.close('a')
    expect(t.active).toBeNull()
  })

  it('showing an open file does not duplicate it; cycling wraps', () => {
    const t = new Tabs()
    t.show('a')
    t.show('b')
    t.show('a')
    expect(t.open).toEqual(['a', 'b'])
    t.cycle(1)
    expect(t.active).toBe('b')
    t.cycle(1)
    expect(t.active).toBe('a')
    t.cycle(-1)
    expect(t.active).toBe('b')
  })

  it('forgets tabs of files that are gone', () => {
    const t = new Tabs()
    for (const p of ['a', 'b', 'c']) t.show(p)
    t.retain((p) => p !== 'c')
    expect(t.open).toEqual(['a', 'b'])
    expect(t.active).toBe('a')
  })
})
