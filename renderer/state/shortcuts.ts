/**
 * The keyboard half of the command table (main/contract/commands.ts): the window's key handler and
 * the editor's key bindings match key presses against it, the shortcuts dialog and the toolbar's
 * tooltips show its chords.
 */
import { COMMANDS, chordText, type CommandId, type KeyChord } from '../../main/contract/commands.js'

export { chordText, type KeyChord }
export type Command = CommandId

export interface Shortcut {
  command: Command
  chord: KeyChord
  description: string
  /** Also bound inside the code editor (which would otherwise keep the key for itself). */
  inEditor: boolean
}

export const SHORTCUTS: readonly Shortcut[] = COMMANDS.filter((c) => c.chord !== null).map((c) => ({ command: c.id, chord: c.chord, description: c.description, inEditor: c.inEditor }))

/** The part of a KeyboardEvent the matcher reads. */
export interface KeyInput {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
}

function sameKey(a: string, b: string): boolean {
  return a.length === 1 && b.length === 1 ? a.toLowerCase() === b.toLowerCase() : a === b
}

/** The command a key press means, or null. Cmd counts as Ctrl (macOS). */
export function matchShortcut(e: KeyInput, shortcuts: readonly Shortcut[] = SHORTCUTS): Command | null {
  const ctrl = e.ctrlKey || e.metaKey
  for (const s of shortcuts) {
    const c = s.chord
    if (!!c.ctrl === ctrl && !!c.shift === e.shiftKey && !!c.alt === e.altKey && sameKey(c.key, e.key)) return s.command
  }
  return null
}

export function shortcutText(command: Command): string {
  const s = SHORTCUTS.find((x) => x.command === command)
  return s === undefined ? '' : chordText(s.chord)
}
