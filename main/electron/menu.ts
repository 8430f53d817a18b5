import type { BaseWindow, MenuItemConstructorOptions } from 'electron'
import type { MenuCommand, ViewPanel } from '../contract/api.js'
import { COMMANDS, chordAccelerator, type MenuName } from '../contract/commands.js'

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
 * own buttons take one path. Items and accelerators come from the command table (commands.ts).
 */
export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator === undefined ? {} : { accelerator }),
    click: (_item, window) => options.send(command, window),
  })
  const commands = (menu: MenuName): MenuItemConstructorOptions[] =>
    COMMANDS.filter((c) => c.menu === menu).map((c) => item(c.title, { command: c.id }, c.chord === null ? undefined : chordAccelerator(c.chord)))
  const recent: MenuItemConstructorOptions[] =
    options.recent.length === 0 ? [{ label: 'No Recent Projects', enabled: false }] : options.recent.map((root) => item(root, { command: 'open-recent', root }))
  const mac = options.platform === 'darwin'
  const file = commands('File')
  // Open Recent sits after Open…, as desktop applications put it.
  const afterOpen = file.findIndex((i) => i.label === 'Open…') + 1
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [...file.slice(0, afterOpen), { label: 'Open Recent', submenu: recent }, ...file.slice(afterOpen), { type: 'separator' }, mac ? { role: 'close' } : { role: 'quit' }],
    },
    { role: 'editMenu' },
    { label: '&Run', submenu: commands('Run') },
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
