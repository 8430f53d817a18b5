import type { BaseWindow, MenuItemConstructorOptions } from 'electron'
import type { MenuCommand, ViewPanel } from '../contract/api.js'

export interface MenuOptions {
  recent: readonly string[]
  /** Delivers a command to the page of the window the click came from (the focused one). */
  send: (command: MenuCommand, window: BaseWindow | undefined) => void
  /** Developer tools only in an unpackaged build. */
  developer: boolean
  platform: NodeJS.Platform
}

const PANELS: [ViewPanel, string][] = [
  ['files', 'Files'],
  ['timeline', 'Timeline'],
  ['problems', 'Problems'],
  ['inspectors', 'Inspectors'],
  ['preview', 'Frame Preview'],
  ['faults', 'Faults'],
]

/**
 * The application menu. Its items do nothing in the main process: each becomes a `menu` event to
 * the page, which owns the editor buffers and the run, so the menu, the keyboard and the page's
 * own buttons take one path. The accelerators are the page's shortcuts (Ctrl+S, Ctrl+Enter).
 */
export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator === undefined ? {} : { accelerator }),
    click: (_item, window) => options.send(command, window),
  })
  const recent: MenuItemConstructorOptions[] =
    options.recent.length === 0 ? [{ label: 'No Recent Projects', enabled: false }] : options.recent.map((root) => item(root, { command: 'open-recent', root }))
  const mac = options.platform === 'darwin'
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        item('New from Template…', { command: 'new-from-template' }, 'CmdOrCtrl+N'),
        item('Open…', { command: 'open' }, 'CmdOrCtrl+O'),
        { label: 'Open Recent', submenu: recent },
        { type: 'separator' },
        item('Save', { command: 'save' }, 'CmdOrCtrl+S'),
        item('Save As…', { command: 'save-as' }, 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&Run',
      submenu: [item('Run', { command: 'run' }, 'CmdOrCtrl+Enter'), item('Pause', { command: 'pause' }, 'F6'), item('Stop', { command: 'stop' }, 'Shift+F5')],
    },
    {
      label: '&View',
      submenu: [
        ...PANELS.map(([panel, label]) => item(`Toggle ${label}`, { command: 'toggle-panel', panel })),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(options.developer ? [{ type: 'separator' } as MenuItemConstructorOptions, { role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
      ],
    },
    { role: 'windowMenu' },
  ]
}
