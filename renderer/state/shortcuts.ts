/**
 * The workbench's keyboard shortcuts as data: the window's key handler, the editor's key bindings,
 * the shortcuts dialog and the README table all read this list. Keys browsers keep for themselves
 * (Ctrl+N, Ctrl+W, Ctrl+Tab, Ctrl+1..9) are avoided: the page never sees them.
 */

export type Command =
  | 'run'
  | 'runPaused'
  | 'resume'
  | 'pause'
  | 'step'
  | 'stop'
  | 'save'
  | 'saveAll'
  | 'openProject'
  | 'newProject'
  | 'openTrace'
  | 'nextProblem'
  | 'previousProblem'
  | 'searchTrace'
  | 'nextTab'
  | 'previousTab'
  | 'closeTab'
  | 'showShortcuts'

export interface KeyChord {
  ctrl?: boolean
  shift?: boolean
  alt?: boolean
  /** KeyboardEvent.key, compared case-insensitively for letters: 'Enter', 's', 'F5', 'PageDown'. */
  key: string
}

export interface Shortcut {
  command: Command
  chord: KeyChord
  description: string
  /** Also bound inside the code editor (which would otherwise keep the key for itself). */
  inEditor: boolean
}

export const SHORTCUTS: readonly Shortcut[] = [
  { command: 'run', chord: { ctrl: true, key: 'Enter' }, description: 'Run (a new run with the editor’s buffers, saved or not)', inEditor: true },
  { command: 'runPaused', chord: { ctrl: true, shift: true, key: 'Enter' }, description: 'Run, paused at t = 0 (then step)', inEditor: true },
  { command: 'resume', chord: { key: 'F5' }, description: 'Resume a paused run (or run)', inEditor: true },
  { command: 'pause', chord: { key: 'F6' }, description: 'Pause', inEditor: true },
  { command: 'step', chord: { key: 'F10' }, description: 'Step a paused run by the step size', inEditor: true },
  { command: 'stop', chord: { shift: true, key: 'F5' }, description: 'Stop the run', inEditor: true },
  { command: 'save', chord: { ctrl: true, key: 's' }, description: 'Save the file, then reload the run (hot swap or replay)', inEditor: true },
  { command: 'saveAll', chord: { ctrl: true, shift: true, key: 's' }, description: 'Save all files, then reload', inEditor: true },
  { command: 'openProject', chord: { ctrl: true, key: 'o' }, description: 'Open a project folder', inEditor: true },
  { command: 'newProject', chord: { ctrl: true, alt: true, key: 'n' }, description: 'New project from a template', inEditor: true },
  { command: 'openTrace', chord: { ctrl: true, alt: true, key: 'o' }, description: 'Open a saved trace (Chrome trace JSON)', inEditor: true },
  { command: 'nextProblem', chord: { key: 'F8' }, description: 'Next problem: its line in the editor and its time on the timeline', inEditor: true },
  { command: 'previousProblem', chord: { shift: true, key: 'F8' }, description: 'Previous problem', inEditor: true },
  { command: 'searchTrace', chord: { ctrl: true, shift: true, key: 'f' }, description: 'Search the trace (name, or srb:12 / #12 for an SRB)', inEditor: true },
  { command: 'nextTab', chord: { alt: true, key: 'PageDown' }, description: 'Next editor tab', inEditor: true },
  { command: 'previousTab', chord: { alt: true, key: 'PageUp' }, description: 'Previous editor tab', inEditor: true },
  { command: 'closeTab', chord: { alt: true, key: 'w' }, description: 'Close the editor tab', inEditor: true },
  { command: 'showShortcuts', chord: { key: 'F1' }, description: 'This list (in the editor F1 opens its command palette)', inEditor: false },
]

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

/** "Ctrl+Shift+Enter", "F5", "Alt+PageDown". */
export function chordText(c: KeyChord): string {
  const parts: string[] = []
  if (c.ctrl) parts.push('Ctrl')
  if (c.alt) parts.push('Alt')
  if (c.shift) parts.push('Shift')
  parts.push(c.key.length === 1 ? c.key.toUpperCase() : c.key)
  return parts.join('+')
}

export function shortcutText(command: Command): string {
  const s = SHORTCUTS.find((x) => x.command === command)
  return s === undefined ? '' : chordText(s.chord)
}
