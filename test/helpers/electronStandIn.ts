/**
 * A stand-in for the `electron` module, for loading main/index.ts in plain Node (there is no
 * Electron binary here). It implements just what the shell calls and records it: the windows and
 * their preferences, the handlers installed on sessions, web contents, the protocol and ipcMain,
 * the menu. Message ports are real (node:worker_threads, structured clone), so the RPC over them
 * really runs. Tests use it with `vi.mock('electron', () => import('../helpers/electronStandIn.js'))` and
 * read what happened from `standIn`.
 */
import { EventEmitter } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MessageChannel, type MessagePort } from 'node:worker_threads'

type Listener = (...args: never[]) => unknown

/** MessagePortMain over a real Node MessagePort: `message` events carry `{ data, ports }`. */
export class StandInPort extends EventEmitter {
  constructor(readonly port: MessagePort) {
    super()
    port.on('message', (data: unknown) => this.emit('message', { data, ports: [] }))
    port.on('close', () => this.emit('close'))
  }
  postMessage(message: unknown, transfer?: unknown[]): void {
    if (transfer !== undefined && transfer.some((t) => !(t instanceof StandInPort))) throw new TypeError('MessagePortMain.postMessage transfers only MessagePortMain objects')
    this.port.postMessage(message)
  }
  start(): void {
    this.port.start()
  }
  close(): void {
    this.port.close()
  }
}

export class MessageChannelMain {
  readonly port1: StandInPort
  readonly port2: StandInPort
  constructor() {
    const { port1, port2 } = new MessageChannel()
    this.port1 = new StandInPort(port1)
    this.port2 = new StandInPort(port2)
  }
}

/** A frame: its URL, its parent (null for the top frame), and what the main process posted to it. */
export class StandInFrame {
  readonly posted: { channel: string; message: unknown; ports: StandInPort[] }[] = []
  constructor(
    public url: string,
    readonly parent: StandInFrame | null = null,
  ) {}
  postMessage(channel: string, message: unknown, ports: StandInPort[] = []): void {
    this.posted.push({ channel, message, ports })
  }
}

let nextContentsId = 1

export class StandInWebContents extends EventEmitter {
  readonly id = nextContentsId++
  readonly mainFrame = new StandInFrame('')
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  /** Fires a navigation-like event the way Electron does; true when a handler prevented it. */
  fire(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'will-attach-webview', url = ''): boolean {
    let prevented = false
    const e = { url, preventDefault: () => (prevented = true) }
    this.emit(event, e, url)
    return prevented
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = []
  static focused: BrowserWindow | null = null
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all.filter((w) => !w.destroyed)
  }
  static getFocusedWindow(): BrowserWindow | null {
    return BrowserWindow.focused
  }

  readonly webContents = new StandInWebContents()
  loadedUrl: string | null = null
  shown = false
  destroyed = false

  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super()
    BrowserWindow.all.push(this)
    app.emit('web-contents-created', {}, this.webContents)
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url
    this.webContents.mainFrame.url = url
    return Promise.resolve()
  }
  show(): void {
    this.shown = true
  }
  isMinimized(): boolean {
    return false
  }
  restore(): void {}
  focus(): void {
    BrowserWindow.focused = this
  }
}

class StandInApp extends EventEmitter {
  isPackaged = false
  sandboxEnabled = false
  quitCalls = 0
  readonly paths = new Map<string, string>()
  private made: string | null = null
  /** Where the stand-in's getPath() folders live (userData, documents), made on first use; the test removes it. */
  get root(): string {
    this.made ??= mkdtempSync(join(tmpdir(), 'mdwb-electron-'))
    return this.made
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? join(this.root, name)
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value)
  }
  getVersion(): string {
    return '0.1.0'
  }
  enableSandbox(): void {
    this.sandboxEnabled = true
  }
  requestSingleInstanceLock(): boolean {
    return true
  }
  quit(): void {
    this.quitCalls++
  }
  /** Set when whenReady() resolves: things that must happen before 'ready' are checked against it. */
  ready = false
  whenReady(): Promise<void> {
    return Promise.resolve().then(() => {
      this.ready = true
    })
  }
}

export const app = new StandInApp()

class StandInSession {
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void) | null = null
  permissionCheckHandler: ((contents: unknown, permission: string, origin?: string) => boolean) | null = null
  devicePermissionHandler: ((details: unknown) => boolean) | null = null
  setPermissionRequestHandler(h: StandInSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = h
  }
  setPermissionCheckHandler(h: StandInSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = h
  }
  setDevicePermissionHandler(h: StandInSession['devicePermissionHandler']): void {
    this.devicePermissionHandler = h
  }
}

export const session = { defaultSession: new StandInSession() }

export const protocol = {
  privileged: [] as { scheme: string; privileges: Record<string, boolean>; beforeReady: boolean }[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void {
    this.privileged.push(...schemes.map((s) => ({ ...s, beforeReady: !app.ready })))
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    this.handlers.set(scheme, handler)
  },
}

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  listeners: new Map<string, Listener>(),
  handle(channel: string, handler: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, handler)
  },
  on(channel: string, listener: Listener): void {
    this.listeners.set(channel, listener)
  },
}

export const dialog = {
  calls: [] as unknown[][],
  answer: { canceled: true, filePaths: [] as string[] },
  async showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    this.calls.push(args)
    return this.answer
  },
}

export interface StandInMenuItem {
  label?: string
  role?: string
  accelerator?: string
  enabled?: boolean
  submenu?: StandInMenuItem[]
  click?: (item: unknown, window: unknown, event: unknown) => void
}

export const Menu = {
  current: null as { template: StandInMenuItem[] } | null,
  buildFromTemplate(template: StandInMenuItem[]): { template: StandInMenuItem[] } {
    return { template }
  },
  setApplicationMenu(menu: { template: StandInMenuItem[] } | null): void {
    this.current = menu
  },
}

export const net = {
  fetch(): never {
    throw new Error('net.fetch is not used by the shell')
  },
}

/** The preload's side: what it exposed to the page, and the IPC it sent or listens to. */
export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    this.exposed.set(key, api)
  },
}

export const ipcRenderer = {
  sent: [] as { channel: string; args: unknown[] }[],
  listeners: new Map<string, (event: { ports: unknown[] }, ...args: unknown[]) => void>(),
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args })
  },
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.sent.push({ channel, args })
    return Promise.resolve(true)
  },
  on(channel: string, listener: (event: { ports: unknown[] }, ...args: unknown[]) => void): void {
    this.listeners.set(channel, listener)
  },
}

export default { contextBridge, ipcRenderer, app, BrowserWindow, MessageChannelMain, Menu, dialog, ipcMain, net, protocol, session }
