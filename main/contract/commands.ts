/**
 * The workbench's commands as one table: the page's key handler and the editor's key bindings, the
 * toolbar's tooltips, the shortcuts list (F1), and the Electron application menu all read it, so a
 * command has one name and one key everywhere. Keys browsers keep for themselves (Ctrl+N, Ctrl+W,
 * Ctrl+Tab, Ctrl+1..9) are avoided: in web mode the page would never see them.
 */

export interface KeyChord {
  /** Ctrl, or Cmd on macOS. */
  ctrl?: boolean
  shift?: boolean
  alt?: boolean
  /** KeyboardEvent.key, compared case-insensitively for letters: 'Enter', 's', 'F5', 'PageDown'. */
  key: string
}

/** The application menu a command is listed in (the Electron shell). */
export type MenuName = 'File' | 'Run'

export interface CommandInfo {
  id: string
  /** The menu item's label. */
  title: string
  /** One line for the shortcuts list. */
  description: string
  chord: KeyChord | null
  /** Also bound inside the code editor (which would otherwise keep the key for itself). */
  inEditor: boolean
  menu: MenuName | null
}

export const COMMANDS = [
  { id: 'newProject', title: 'New from Template…', description: 'New project from a template', chord: { ctrl: true, alt: true, key: 'n' }, inEditor: true, menu: 'File' },
  { id: 'openProject', title: 'Open…', description: 'Open a project folder', chord: { ctrl: true, key: 'o' }, inEditor: true, menu: 'File' },
  { id: 'openTrace', title: 'Open Trace…', description: 'Open a saved trace (Chrome trace JSON)', chord: { ctrl: true, alt: true, key: 'o' }, inEditor: true, menu: 'File' },
  { id: 'save', title: 'Save', description: 'Save the file, then reload the run (hot swap or replay)', chord: { ctrl: true, key: 's' }, inEditor: true, menu: 'File' },
  { id: 'saveAll', title: 'Save All', description: 'Save all files, then reload', chord: { ctrl: true, shift: true, key: 's' }, inEditor: true, menu: 'File' },
  { id: 'saveAs', title: 'Save As…', description: 'Save the project in another folder', chord: null, inEditor: false, menu: 'File' },
  { id: 'run', title: 'Run', description: 'Run (a new run with the editor’s buffers, saved or not)', chord: { ctrl: true, key: 'Enter' }, inEditor: true, menu: 'Run' },
  { id: 'runPaused', title: 'Run Paused', description: 'Run, paused at t = 0 (then step)', chord: { ctrl: true, shift: true, key: 'Enter' }, inEditor: true, menu: 'Run' },
  { id: 'resume', title: 'Resume', description: 'Resume a paused run (or run)', chord: { key: 'F5' }, inEditor: true, menu: 'Run' },
  { id: 'pause', title: 'Pause', description: 'Pause', chord: { key: 'F6' }, inEditor: true, menu: 'Run' },
  { id: 'step', title: 'Step', description: 'Step a paused run by the step size', chord: { key: 'F10' }, inEditor: true, menu: 'Run' },
  { id: 'stop', title: 'Stop', description: 'Stop the run', chord: { shift: true, key: 'F5' }, inEditor: true, menu: 'Run' },
  { id: 'nextProblem', title: 'Next Problem', description: 'Next problem: its line in the editor and its time on the timeline', chord: { key: 'F8' }, inEditor: true, menu: 'Run' },
  { id: 'previousProblem', title: 'Previous Problem', description: 'Previous problem', chord: { shift: true, key: 'F8' }, inEditor: true, menu: 'Run' },
  { id: 'searchTrace', title: 'Search the Trace', description: 'Search the trace (name, or srb:12 / #12 for an SRB)', chord: { ctrl: true, shift: true, key: 'f' }, inEditor: true, menu: null },
  { id: 'nextTab', title: 'Next Tab', description: 'Next editor tab', chord: { alt: true, key: 'PageDown' }, inEditor: true, menu: null },
  { id: 'previousTab', title: 'Previous Tab', description: 'Previous editor tab', chord: { alt: true, key: 'PageUp' }, inEditor: true, menu: null },
  { id: 'closeTab', title: 'Close Tab', description: 'Close the editor tab', chord: { alt: true, key: 'w' }, inEditor: true, menu: null },
  { id: 'showShortcuts', title: 'Keyboard Shortcuts', description: 'This list (in the editor F1 opens its command palette)', chord: { key: 'F1' }, inEditor: false, menu: null },
] as const satisfies readonly CommandInfo[]

/** Every command id, from the table: a misspelt one does not compile. */
export type CommandId = (typeof COMMANDS)[number]['id']

export function commandInfo(id: CommandId): CommandInfo {
  return COMMANDS.find((c) => c.id === id)!
}

/** "Ctrl+Shift+Enter", "F5", "Alt+PageDown": as the page shows it. */
export function chordText(c: KeyChord): string {
  return chordParts(c, 'Ctrl').join('+')
}

/** The same chord as an Electron accelerator: "CmdOrCtrl+Shift+Enter". */
export function chordAccelerator(c: KeyChord): string {
  return chordParts(c, 'CmdOrCtrl').join('+')
}

function chordParts(c: KeyChord, ctrl: string): string[] {
  const parts: string[] = []
  if (c.ctrl) parts.push(ctrl)
  if (c.alt) parts.push('Alt')
  if (c.shift) parts.push('Shift')
  parts.push(c.key.length === 1 ? c.key.toUpperCase() : c.key)
  return parts
}
