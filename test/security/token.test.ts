/**
 * The token leaves the address bar (issue 9, item 8). The page's first request carries `?token=`;
 * the server answers with an HttpOnly cookie, and the page (renderer/transport's connect) takes the
 * token out of its address with history.replaceState once it has made the socket's URL. A reload
 * of the token-less address, the page's other requests and its WebSocket get in with the cookie.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket as NodeWebSocket } from 'ws'
import type { BackendClient } from '../../main/contract/rpc.js'
import { startServer, type WebServer } from '../../main/server.js'

// The page code is type-checked with the DOM library by tsconfig.web.json; the root tsconfig (no
// DOM) does not follow this import, so the test names what it calls.
const transportModule = '../../renderer/transport/index.js'
const channelModule = '../../renderer/transport/webSocketChannel.js'
const { connect } = (await import(transportModule)) as { connect(win: unknown): Promise<BackendClient> }
const { dropTokenFromAddress } = (await import(channelModule)) as { dropTokenFromAddress(win: unknown): string | null }

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** A page window: its address (href, search...) and a history that records replaceState. */
function pageWindow(port: number, address: string) {
  const url = new URL(address, `http://127.0.0.1:${port}`)
  const replaced: string[] = []
  const location = { href: url.href, protocol: url.protocol, host: url.host, search: url.search, hash: url.hash, pathname: url.pathname, origin: url.origin }
  const history = {
    state: null,
    replaceState(_state: unknown, _title: string, to: string) {
      replaced.push(to)
      const next = new URL(to, location.href)
      Object.assign(location, { href: next.href, search: next.search, hash: next.hash, pathname: next.pathname })
    },
  }
  return { location, history, replaced, addEventListener() {}, removeEventListener() {}, postMessage() {} }
}

let dir: string
let server: WebServer
/** The browser's cookie jar for this origin: what WebSockets of the page send. */
let jar = ''

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mdwb-token-'))
  mkdirSync(join(dir, 'renderer'))
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Workbench</title>')
  server = await startServer({ rendererDir: join(dir, 'renderer'), stateDir: join(dir, 'state'), projectsFolder: join(dir, 'projects') })
  const origin = `http://127.0.0.1:${server.port}`
  // The browser's WebSocket: the page's origin, and the cookies of the jar.
  ;(globalThis as { WebSocket?: unknown }).WebSocket = class extends NodeWebSocket {
    constructor(url: string) {
      super(url, { origin, headers: jar === '' ? {} : { cookie: jar } })
    }
  }
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the launch token leaves the address', () => {
  it('the page drops ?token= from its address, keeping the rest', () => {
    const win = pageWindow(1234, '/index.html?x=1&token=abc&y=2#panel')
    expect(dropTokenFromAddress(win)).toBe('/index.html?x=1&y=2#panel')
    expect(win.replaced).toEqual(['/index.html?x=1&y=2#panel'])
    expect(win.location.href).not.toContain('token')
    // Nothing to drop: the history is left alone.
    expect(dropTokenFromAddress(win)).toBe(null)
    expect(win.replaced).toHaveLength(1)
  })

  it('first load: the token gets the page and its cookie; connect() opens the socket and drops the token from the address', async () => {
    const page = await get(server.port, `/?token=${server.token}`)
    expect(page.status).toBe(200)
    const cookie = String(page.headers['set-cookie'])
    expect(cookie).toContain('HttpOnly')
    jar = cookie.split(';')[0]
    const win = pageWindow(server.port, `/?token=${server.token}`)
    const client = await connect(win)
    expect((await client.api.hello()).mode).toBe('web')
    expect(win.replaced).toEqual(['/'])
    expect(win.location.href).toBe(`http://127.0.0.1:${server.port}/`)
  })

  it('a reload of the token-less address gets in with the cookie: the page and its WebSocket', async () => {
    expect((await get(server.port, '/', { cookie: jar })).status).toBe(200)
    const win = pageWindow(server.port, '/')
    const client = await connect(win)
    expect((await client.api.hello()).mode).toBe('web')
    expect(win.replaced).toEqual([])
  })

  it('without the cookie the token-less address is refused, and the server goes on answering', async () => {
    const saved = jar
    jar = ''
    try {
      expect((await get(server.port, '/')).status).toBe(401)
      await expect(connect(pageWindow(server.port, '/'))).rejects.toThrow(/cannot reach the workbench server/)
    } finally {
      jar = saved
    }
    expect((await get(server.port, '/', { cookie: jar })).status).toBe(200)
  })
})
