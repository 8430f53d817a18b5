import { describe, expect, it } from 'vitest'
import { COMMANDS, chordAccelerator, commandInfo } from '../../../main/contract/commands.js'
import { SHORTCUTS, chordText, matchShortcut, shortcutText, type KeyInput } from '../../../renderer/state/shortcuts.js'

const key = (key: string, mods: Partial<KeyInput> = {}): KeyInput => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods })

describe('keyboard shortcuts', () => {
  it('matches the chords of the issue: Ctrl+S saves, Ctrl+Enter runs', () => {
    expect(matchShortcut(key('s', { ctrlKey: true }))).toBe('save')
    expect(matchShortcut(key('S', { ctrlKey: true, shiftKey: true }))).toBe('saveAll')
    expect(matchShortcut(key('Enter', { ctrlKey: true }))).toBe('run')
    expect(matchShortcut(key('Enter', { ctrlKey: true, shiftKey: true }))).toBe('runPaused')
    expect(matchShortcut(key('Enter', { metaKey: true }))).toBe('run')
  })

  it('modifiers must match exactly', () => {
    expect(matchShortcut(key('F5'))).toBe('resume')
    expect(matchShortcut(key('F5', { shiftKey: true }))).toBe('stop')
    expect(matchShortcut(key('s'))).toBeNull()
    expect(matchShortcut(key('Enter'))).toBeNull()
    expect(matchShortcut(key('s', { ctrlKey: true, altKey: true }))).toBeNull()
  })

  it('no two shortcuts share a chord, and none is a chord the browser keeps', () => {
    const chords = SHORTCUTS.map((s) => chordText(s.chord))
    expect(new Set(chords).size).toBe(chords.length)
    for (const reserved of ['Ctrl+N', 'Ctrl+W', 'Ctrl+T', 'Ctrl+Tab', 'Ctrl+Shift+T']) expect(chords).not.toContain(reserved)
  })

  it('gives the Electron menu the same keys as the page (one command table)', () => {
    for (const c of COMMANDS) {
      if (c.chord === null) continue
      const shortcut = SHORTCUTS.find((s) => s.command === c.id)
      expect(shortcut?.chord).toEqual(c.chord)
      expect(chordAccelerator(c.chord).replace('CmdOrCtrl', 'Ctrl')).toBe(chordText(c.chord))
    }
    expect(chordAccelerator(commandInfo('newProject').chord!)).toBe('CmdOrCtrl+Alt+N')
  })

  it('writes chords as people read them', () => {
    expect(shortcutText('saveAll')).toBe('Ctrl+Shift+S')
    expect(shortcutText('nextTab')).toBe('Alt+PageDown')
    expect(shortcutText('openTrace')).toBe('Ctrl+Alt+O')
  })
})
