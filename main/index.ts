// Electron main-process entry: the desktop shell around the workbench.
//
// This is the ONLY module that imports 'electron'. The emulation core, the CLI and the tests must
// never import this file (plain Node cannot load 'electron' without its binary).
//
// Security posture (Electron's checklist): sandboxed renderer with context isolation and no Node,
// web security on, a CSP, every permission request denied, navigation limited to our own origin,
// window.open denied, <webview> refused, the renderer served from a privileged app:// scheme
// rather than file://, and IPC handlers that check which frame is calling.
import { app, BrowserWindow, ipcMain, net, protocol, session, type IpcMainInvokeEvent } from 'electron'
import { extname, isAbsolute, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const SCHEME = 'app'
const HOST = 'workbench'
const APP_URL = `${SCHEME}://${HOST}/index.html`

// Built layout (electron-vite): out/main/index.js (this file), out/preload/index.cjs, out/renderer/.
const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url))
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))

// `electron-vite dev` serves the renderer from a local Vite server and passes its URL here.
const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined
const devOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** True for URLs that belong to our own renderer: app://workbench/... (or the dev server in dev). */
function isOwnUrl(raw: string | undefined): boolean {
  if (!raw) return false
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  // Node's URL gives origin 'null' for non-special schemes such as app:, so compare the parts.
  if (url.protocol === `${SCHEME}:` && url.host === HOST) return true
  return devOrigin !== undefined && url.origin === devOrigin
}

function assertTrustedSender(event: IpcMainInvokeEvent): void {
  const url = event.senderFrame?.url
  if (!isOwnUrl(url)) throw new Error(`IPC refused: untrusted sender ${url ?? '(no frame)'}`)
}

// Must run before 'ready'. standard: relative URLs and a real origin; secure: a secure context;
// supportFetchAPI: fetch() works against it.
protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
])
app.enableSandbox()

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

/** Serves files from out/renderer for app://workbench/<path>; nothing outside that folder. */
async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url)
  if (url.host !== HOST) return new Response('Not found', { status: 404 })
  let pathname: string
  try {
    pathname = decodeURIComponent(url.pathname)
  } catch {
    return new Response('Bad request', { status: 400 })
  }
  const file = join(rendererDir, pathname === '/' ? 'index.html' : pathname)
  const rel = relative(rendererDir, file)
  if (rel.startsWith('..') || isAbsolute(rel)) return new Response('Forbidden', { status: 403 })

  const res = await net.fetch(pathToFileURL(file).toString())
  if (!res.ok) return new Response('Not found', { status: 404 })
  const headers = new Headers(res.headers)
  headers.set('Content-Type', MIME[extname(file).toLowerCase()] ?? 'application/octet-stream')
  headers.set('Content-Security-Policy', CSP)
  headers.set('X-Content-Type-Options', 'nosniff')
  return new Response(res.body, { status: 200, headers })
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    show: false,
    title: 'Minidriver Workbench',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    },
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(devServerUrl ?? APP_URL)
  return win
}

// Applies to every WebContents the app ever creates, not just the first window.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => {
    if (!isOwnUrl(event.url)) event.preventDefault()
  })
  contents.on('will-redirect', (event) => {
    if (!isOwnUrl(event.url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)

  protocol.handle(SCHEME, serveRenderer)

  ipcMain.handle('workbench:version', (event) => {
    assertTrustedSender(event)
    return app.getVersion()
  })

  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})
