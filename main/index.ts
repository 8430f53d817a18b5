// Electron main-process entry: the desktop shell around the workbench.
//
// Only this file and main/electron/ import 'electron'. The emulation core, the backend, the CLI,
// the web server and the tests never import them (plain Node cannot load 'electron' without its
// binary); test/shell/electronMain.test.ts loads this file with a stand-in electron module.
//
// Security posture (Electron's checklist, docs/architecture.md "The shell"): sandboxed renderer
// with context isolation and no Node, web security on, a CSP, every permission denied, navigation
// limited to our own origin, window.open and <webview> refused, the renderer served from a
// privileged app:// scheme rather than file://, one IPC call whose sender is checked, fuses set on
// the packaged binary (main/electron/fuses.ts).
import { app, BrowserWindow, ipcMain, Menu, protocol, session } from 'electron'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MenuCommand } from './contract/api.js'
import { createBackend } from './host/backend/backend.js'
import { SANDBOX_BUNDLE_FILES, useSandboxBundlesFrom } from './host/sandbox/bundles.js'
import { Connections } from './electron/connections.js'
import { chooseFolder } from './electron/dialogs.js'
import { registerPortService } from './electron/ipc.js'
import { launchOptions } from './electron/launchOptions.js'
import { menuTemplate } from './electron/menu.js'
import { OwnOrigin, SCHEME } from './electron/origin.js'
import { APP_SCHEME_PRIVILEGES, appProtocolHandler } from './electron/appProtocol.js'
import { RecentProjects } from './electron/recentProjects.js'
import { denyAllPermissions, hardenContents } from './electron/security.js'
import { createWorkbenchWindow } from './electron/window.js'

// Built layout (electron-vite): out/main/index.js (this file, with the sandbox bundles beside it),
// out/preload/index.cjs, out/renderer/.
const mainDir = dirname(fileURLToPath(import.meta.url))
const rendererDir = join(mainDir, '..', 'renderer')
const preloadPath = join(mainDir, '..', 'preload', 'index.cjs')
// The sandbox bundles its worker from TypeScript sources, which the build does not ship: use the prebuilt ones.
if (existsSync(join(mainDir, SANDBOX_BUNDLE_FILES.worker))) useSandboxBundlesFrom(mainDir)

// `electron-vite dev` serves the renderer from a local Vite server and passes its URL here.
const origin = new OwnOrigin(!app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined)
const launch = launchOptions(process.argv, process.env, () => app.getPath('documents'))
if (launch.stateDir !== null) app.setPath('userData', launch.stateDir)

// Must run before 'ready'.
protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES)
app.enableSandbox()

// Two instances would share the drafts and the recent list: the second one hands over and quits.
if (!app.requestSingleInstanceLock()) app.quit()

// Applies to every WebContents the app ever creates, not just the first window.
app.on('web-contents-created', (_event, contents) => hardenContents(contents, origin))

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

void app.whenReady().then(() => {
  denyAllPermissions(session.defaultSession)
  protocol.handle(SCHEME, appProtocolHandler(rendererDir))

  const backend = createBackend({
    mode: 'electron',
    stateDir: app.getPath('userData'),
    projectsFolder: launch.projectsFolder,
    open: launch.project,
    chooseFolder,
  })
  const connections = new Connections()
  const send = (command: MenuCommand, window: Electron.BaseWindow | undefined): void => {
    const target = window instanceof BrowserWindow ? window : BrowserWindow.getFocusedWindow()
    if (target !== null) connections.emit(target.webContents.id, 'menu', command)
  }
  const installMenu = (recent: readonly string[]): void =>
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ recent, send, developer: !app.isPackaged, platform: process.platform })))
  const recent = new RecentProjects(installMenu)
  installMenu([])
  registerPortService(ipcMain, { origin, backend, api: recent.observe(backend), connections })

  const open = (): BrowserWindow => createWorkbenchWindow({ url: origin.startUrl, preload: preloadPath, version: app.getVersion() })
  open()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open()
  })
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0]
    if (win === undefined) return
    if (win.isMinimized()) win.restore()
    win.focus()
  })
  app.on('will-quit', () => void backend.close())
})
