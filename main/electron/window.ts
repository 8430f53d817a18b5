import { BrowserWindow } from 'electron'
import { secureWebPreferences } from './security.js'

export interface WindowOptions {
  url: string
  preload: string
  version: string
}

/** A workbench window on our page, with the secure preferences; shown once it has painted. */
export function createWorkbenchWindow(options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Minidriver Workbench',
    backgroundColor: '#1e1e1e',
    webPreferences: secureWebPreferences(options.preload, options.version),
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(options.url)
  return win
}
