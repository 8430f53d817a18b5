/**
 * Web mode: the workbench in a browser. A Node HTTP server on 127.0.0.1 serves the built renderer
 * (out/renderer) and carries the RPC to the same backend the Electron shell uses over a WebSocket
 * at /rpc, one binary frame per message. Nothing here imports electron (scripts/web.mjs runs it
 * with plain Node, and the tests start it in-process).
 *
 * Who may use it: whoever has the per-launch token, printed once in the URL (see web/requestGuard.ts).
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { WebSocketServer, type WebSocket } from 'ws'
import { serveBackend } from './contract/rpc.js'
import { createBackend, type BackendOptions, type WorkbenchBackend } from './host/backend/backend.js'
import { contentSecurityPolicy } from './pageServing/csp.js'
import { newLaunchToken } from './web/launchToken.js'
import { RequestGuard } from './web/requestGuard.js'
import { socketChannel } from './web/socketChannel.js'
import { plain, serveRendererFile } from './web/staticFiles.js'

export interface ServerOptions {
  /** TCP port on 127.0.0.1; 0 or absent: a free one. */
  port?: number
  /** The built renderer; default out/renderer of this checkout. */
  rendererDir?: string
  /** A project folder to open at launch. */
  project?: string | null
  /** The workbench's own state (recent projects, drafts); default ~/.config/minidriver-workbench. */
  stateDir?: string
  /** Where new projects go; default ~/MinidriverWorkbench. */
  projectsFolder?: string
  /** Makes the backend; default the real one (tests pass a stand-in). */
  createBackend?: (options: BackendOptions) => WorkbenchBackend
}

export interface WebServer {
  /** `http://127.0.0.1:PORT/?token=...`: the one address that lets a browser in. */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../out/renderer/', import.meta.url))

/** Largest message a page may send (a save of a big file, a run with many buffers). */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

export async function startServer(options: ServerOptions = {}): Promise<WebServer> {
  const rendererDir = resolve(options.rendererDir ?? DEFAULT_RENDERER_DIR)
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`${join(rendererDir, 'index.html')} does not exist: build the renderer first (npm run build)`)
  const token = newLaunchToken()
  // Both set once the port is known and the backend exists; until then every request gets 503.
  let backend: WorkbenchBackend | null = null
  let guard: RequestGuard | null = null
  let csp = ''
  const sockets = new Set<WebSocket>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false })

  const server = createServer((req, res) => {
    if (guard === null) return plain(res, 503, 'starting')
    setSecurityHeaders(res, csp)
    const verdict = guard.check(req)
    if (!verdict.ok) return plain(res, verdict.status, verdict.reason)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return plain(res, 405, 'method not allowed')
    }
    if (verdict.setCookie !== null) res.setHeader('Set-Cookie', verdict.setCookie)
    if (verdict.url.pathname === '/rpc') return plain(res, 426, 'WebSocket only')
    serveRendererFile(res, rendererDir, verdict.url.pathname, req.method === 'HEAD').catch(() => res.destroy())
  })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    if (guard === null || backend === null) return refuseUpgrade(socket, 503, 'starting')
    const served = backend
    const verdict = guard.check(req)
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status, verdict.reason)
    if (verdict.url.pathname !== '/rpc') return refuseUpgrade(socket, 404, 'not found')
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      const detach = served.attach(serveBackend(socketChannel(ws), served))
      ws.on('close', () => {
        sockets.delete(ws)
        detach()
      })
      ws.on('error', () => ws.terminate())
    })
  })

  // Listen first: a port that is taken fails before the backend creates anything.
  const port = await listen(server, options.port ?? 0)
  const folders = defaultFolders(process.env)
  let running: WorkbenchBackend
  try {
    running = (options.createBackend ?? createBackend)({
      mode: 'web',
      stateDir: options.stateDir ?? folders.stateDir,
      projectsFolder: options.projectsFolder ?? folders.projectsFolder,
      open: options.project ?? null,
    })
  } catch (error) {
    server.close()
    throw error
  }
  backend = running
  guard = new RequestGuard(port, token)
  csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`])

  let closing: Promise<void> | null = null
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= (async () => {
        for (const ws of sockets) ws.terminate()
        wss.close()
        server.closeAllConnections()
        await new Promise<void>((done) => server.close(() => done()))
        await running.close()
      })()
      return closing
    },
  }
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} on 127.0.0.1 is in use: choose another with --port, or leave it out for a free one`) : error)
    })
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      resolvePort(typeof address === 'object' && address !== null ? address.port : port)
    })
  })
}

function setSecurityHeaders(res: ServerResponse, csp: string): void {
  res.setHeader('Content-Security-Policy', csp)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  // The page's URL carries the token: never send it on as a Referer.
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${status} ${reason}\n`
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}

/** The folders web mode uses when neither an option nor MDWB_STATE_DIR / MDWB_PROJECTS says otherwise. */
export function defaultFolders(env: NodeJS.ProcessEnv): { stateDir: string; projectsFolder: string } {
  const config = env['XDG_CONFIG_HOME'] || join(homedir(), '.config')
  return {
    stateDir: env['MDWB_STATE_DIR'] || join(config, 'minidriver-workbench'),
    projectsFolder: env['MDWB_PROJECTS'] || join(homedir(), 'MinidriverWorkbench'),
  }
}

export interface ServerCommand {
  options: ServerOptions
  /** Try to open the URL in a browser (off by default). */
  open: boolean
}

export const SERVER_USAGE = 'usage: npm run web -- [--project <folder>] [--port N] [--open | --no-open]'

/** The command line of `npm run web` (and of `npm start` without Electron). */
export function parseServerArgs(argv: readonly string[]): ServerCommand {
  const options: ServerOptions = {}
  let open = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value (${arg === '--port' ? 'a port number, 0-65535' : 'a folder'})\n${SERVER_USAGE}`)
      return v
    }
    if (arg === '--project') options.project = resolve(value())
    else if (arg === '--port') {
      const text = value()
      const port = /^\d+$/.test(text) ? Number(text) : NaN
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${text}: not a port number (0-65535)\n${SERVER_USAGE}`)
      options.port = port
    } else if (arg === '--no-open') open = false
    else if (arg === '--open') open = true
    else throw new Error(`unknown option ${arg}\n${SERVER_USAGE}`)
  }
  return { options, open }
}
