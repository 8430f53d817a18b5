import { readFileSync, rmSync } from 'node:fs'
import { FuseV1Options, FuseVersion } from '@electron/fuses'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { join } from 'node:path'
import type { BackendEvents } from '../../main/contract/api.js'
import type { BackendOptions } from '../../main/host/backend/backend.js'
import { connectBackend, type BackendClient, type Channel, type RpcMessage } from '../../main/contract/rpc.js'
import { FUSES } from '../../main/electron/fuses.js'
import * as electron from '../helpers/electronStandIn.js'

// main/index.ts loads with the stand-in in place of electron and the real backend, whose
// attachments are counted (pages connect and disconnect through the shell).
vi.mock('electron', () => import('../helpers/electronStandIn.js'))
const attached = { count: 0 }
vi.mock('../../main/host/backend/backend.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../main/host/backend/backend.js')>()
  return {
    ...real,
    createBackend: (options: BackendOptions) => {
      const backend = real.createBackend(options)
      const attach = backend.attach.bind(backend)
      backend.attach = (sink) => {
        attached.count++
        const detach = attach(sink)
        return () => {
          attached.count--
          detach()
        }
      }
      return backend
    },
  }
})

const { app, BrowserWindow, Menu, dialog, ipcMain, protocol, session, StandInFrame } = electron
type StandInPort = electron.StandInPort
type StandInMenuItem = electron.StandInMenuItem

/** The page's end of a port the shell handed out, as an RPC channel. */
function pagePortChannel(port: StandInPort): Channel {
  return {
    send: (message) => port.postMessage(message),
    receive: (handler) => {
      port.on('message', (e: { data: RpcMessage }) => handler(e.data))
      port.start()
    },
    closed: (handler) => port.on('close', () => handler('closed')),
  }
}

const connectHandler = () => ipcMain.handlers.get('workbench:connect') as (event: unknown) => unknown

/** Asks for a connection the way the preload does, from `frame` of `win`. */
function askForPort(win: electron.BrowserWindow, frame: electron.StandInFrame): unknown {
  return connectHandler()({ sender: win.webContents, senderFrame: frame })
}

function menuItem(path: string[]): StandInMenuItem {
  let items = Menu.current?.template ?? []
  let found: StandInMenuItem | undefined
  for (const label of path) {
    found = items.find((i) => i.label?.replace('&', '') === label)
    if (found === undefined) throw new Error(`no menu item ${path.join(' > ')}`)
    items = found.submenu ?? []
  }
  return found!
}

let win: electron.BrowserWindow
let page: BackendClient
let pagePort: StandInPort

beforeAll(async () => {
  await import('../../main/index.js')
  await vi.waitFor(() => expect(BrowserWindow.getAllWindows()).toHaveLength(1))
  win = BrowserWindow.getAllWindows()[0]
  win.focus()
  expect(askForPort(win, win.webContents.mainFrame as electron.StandInFrame)).toBe(true)
  const posted = (win.webContents.mainFrame as electron.StandInFrame).posted
  expect(posted).toHaveLength(1)
  pagePort = posted[0].ports[0]
  page = connectBackend(pagePortChannel(pagePort))
})

afterAll(async () => {
  app.emit('will-quit')
  // The backend closes its sandbox on will-quit; give it a moment before its folders go.
  await new Promise((resolve) => setTimeout(resolve, 200))
  rmSync(app.root, { recursive: true, force: true })
})

describe('Electron shell: windows', () => {
  it('opens the page from app://workbench, not file://, with the scheme registered as privileged before ready', () => {
    expect(win.loadedUrl).toBe('app://workbench/index.html')
    expect(protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true }, beforeReady: true }])
    expect(app.sandboxEnabled).toBe(true)
  })

  it('gives every window a sandboxed, isolated renderer without Node', () => {
    app.emit('activate') // a window exists: nothing new
    expect(BrowserWindow.getAllWindows()).toHaveLength(1)
    win.destroyed = true
    app.emit('activate') // macOS dock click with no window: a new one
    win.destroyed = false
    expect(BrowserWindow.all).toHaveLength(2)
    for (const w of BrowserWindow.all) {
      const prefs = w.options.webPreferences ?? {}
      expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, webviewTag: false })
      expect(prefs.allowRunningInsecureContent).not.toBe(true)
      expect(prefs.experimentalFeatures).not.toBe(true)
      expect(String(prefs.preload)).toMatch(/preload[/\\]index\.cjs$/)
    }
  })
})

describe('Electron shell: security handlers', () => {
  it('denies every permission request and check', () => {
    const s = session.defaultSession
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | null = null
      s.permissionRequestHandler!(win.webContents, permission, (g) => (granted = g))
      expect(granted, permission).toBe(false)
      expect(s.permissionCheckHandler!(win.webContents, permission, 'app://workbench'), permission).toBe(false)
    }
    expect(s.devicePermissionHandler!({ deviceType: 'usb' })).toBe(false)
  })

  it('keeps navigation and redirects on our own origin', () => {
    const wc = win.webContents
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const) {
      expect(wc.fire(event, 'app://workbench/index.html'), event).toBe(false)
      for (const foreign of ['https://evil.example/', 'file:///etc/passwd', 'app://evil/index.html', 'app://user@workbench/index.html', 'javascript:alert(1)', 'not a url'])
        expect(wc.fire(event, foreign), `${event} ${foreign}`).toBe(true)
    }
  })

  it('denies window.open and refuses to attach a <webview>', () => {
    expect(win.webContents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(win.webContents.windowOpenHandler!({ url: 'app://workbench/index.html' })).toEqual({ action: 'deny' })
    expect(win.webContents.fire('will-attach-webview')).toBe(true)
  })

  it('serves app://workbench/ from the renderer folder with the CSP, and nothing outside it', async () => {
    const handler = protocol.handlers.get('app')!
    const index = await handler(new Request('app://workbench/index.html'))
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const csp = index.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("worker-src 'self' blob:")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(index.headers.get('x-content-type-options')).toBe('nosniff')
    const secret = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
    for (const url of ['app://workbench/../package.json', 'app://workbench/%2e%2e/package.json', 'app://workbench/..%2fpackage.json', 'app://workbench/assets/..%2f..%2f..%2fpackage.json', 'app://other/index.html']) {
      const res = await handler(new Request(url))
      expect([400, 403, 404], url).toContain(res.status)
      expect(await res.text(), url).not.toBe(secret)
    }
  })
})

describe('Electron shell: the backend port and IPC', () => {
  it('hands a port to our own top frame, over which the backend answers', async () => {
    const hello = await page.api.hello()
    expect(hello.mode).toBe('electron')
    expect(hello.nativeDialogs).toBe(true)
    // First launch: the VCAP-1 sample in Documents/MinidriverWorkbench, state in userData.
    expect(hello.projectsFolder).toBe(join(app.getPath('documents'), 'MinidriverWorkbench'))
    expect(hello.project?.root).toBe(join(app.getPath('documents'), 'MinidriverWorkbench', 'vcap1-sample'))
  })

  it('gives nothing to a frame of another origin, a subframe or a gone frame: the IPC handler throws', () => {
    const foreign = new StandInFrame('https://evil.example/')
    expect(() => askForPort(win, foreign)).toThrow(/untrusted sender https:\/\/evil\.example/)
    expect(foreign.posted).toEqual([])
    const sub = new StandInFrame('app://workbench/index.html', win.webContents.mainFrame as electron.StandInFrame)
    expect(() => askForPort(win, sub)).toThrow(/subframe/)
    expect(sub.posted).toEqual([])
    expect(() => askForPort(win, new StandInFrame('file:///index.html'))).toThrow(/untrusted sender/)
    expect(() => connectHandler()({ sender: win.webContents, senderFrame: null })).toThrow(/frame is gone/)
    expect([...ipcMain.handlers.keys()]).toEqual(['workbench:connect'])
    expect([...ipcMain.listeners.keys()]).toEqual([])
  })

  it('shows the native folder picker for chooseFolder', async () => {
    dialog.answer = { canceled: false, filePaths: ['/home/me/drivers/vcap'] }
    expect(await page.api.chooseFolder('open')).toBe('/home/me/drivers/vcap')
    expect(dialog.calls.at(-1)?.[0]).toBe(win)
  })

  it('detaches a page from the backend when its port closes', async () => {
    const frame = new StandInFrame('app://workbench/index.html')
    askForPort(win, frame)
    const extra = connectBackend(pagePortChannel(frame.posted[0].ports[0]))
    await extra.api.hello()
    expect(attached.count).toBe(2)
    frame.posted[0].ports[0].close()
    await vi.waitFor(() => expect(attached.count).toBe(1))
  })
})

describe('Electron shell: application menu', () => {
  it('has File, Run and View with the editor shortcuts', () => {
    expect(menuItem(['File', 'Save']).accelerator).toBe('CmdOrCtrl+S')
    // One command table: Ctrl+Shift+S is Save All in the menu as on the page; Save As has no key.
    expect(menuItem(['File', 'Save All']).accelerator).toBe('CmdOrCtrl+Shift+S')
    expect(menuItem(['File', 'Save As…']).accelerator).toBeUndefined()
    expect(menuItem(['File', 'Open…']).accelerator).toBe('CmdOrCtrl+O')
    expect(menuItem(['File', 'New from Template…']).accelerator).toBe('CmdOrCtrl+Alt+N')
    expect(menuItem(['Run', 'Run']).accelerator).toBe('CmdOrCtrl+Enter')
    expect(menuItem(['Run', 'Pause'])).toBeDefined()
    expect(menuItem(['Run', 'Stop'])).toBeDefined()
    expect(menuItem(['View', 'Toggle Problems'])).toBeDefined()
  })

  it('sends each menu item to the page of the window it was chosen in, as a menu event over the port', async () => {
    const got: BackendEvents['menu'][] = []
    page.on('menu', (m) => got.push(m))
    menuItem(['File', 'Save']).click!({}, win, {})
    menuItem(['Run', 'Run']).click!({}, win, {})
    menuItem(['View', 'Toggle Timeline']).click!({}, undefined, {}) // no window given: the focused one
    await vi.waitFor(() => expect(got).toHaveLength(3))
    expect(got).toEqual([{ command: 'save' }, { command: 'run' }, { command: 'toggle-panel', panel: 'timeline' }])
  })

  it('lists recent projects as the page opens them', async () => {
    const recentLabels = () => menuItem(['File', 'Open Recent']).submenu?.map((i) => i.label)
    const sample = join(app.getPath('documents'), 'MinidriverWorkbench', 'vcap1-sample')
    expect(recentLabels()).toEqual([sample]) // from hello
    const a = join(app.getPath('documents'), 'MinidriverWorkbench', 'a')
    const b = join(app.getPath('documents'), 'MinidriverWorkbench', 'b')
    await page.api.newProject('blank', a)
    await page.api.newProject('blank', b)
    await page.api.openProject(a)
    expect(recentLabels()).toEqual([a, b, sample])
    const got: BackendEvents['menu'][] = []
    page.on('menu', (m) => got.push(m))
    menuItem(['File', 'Open Recent', b]).click!({}, win, {})
    await vi.waitFor(() => expect(got).toEqual([{ command: 'open-recent', root: b }]))
  })
})

describe('Electron fuses', () => {
  it('turns off running as Node, NODE_OPTIONS, inspect flags and file:// privileges; turns on cookie encryption and asar-only loading with integrity checks', () => {
    expect(FUSES.version).toBe(FuseVersion.V1)
    expect(FUSES[FuseV1Options.RunAsNode]).toBe(false)
    expect(FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false)
    expect(FUSES[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false)
    expect(FUSES[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false)
    expect(FUSES[FuseV1Options.EnableCookieEncryption]).toBe(true)
    expect(FUSES[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true)
    expect(FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true)
  })
})
