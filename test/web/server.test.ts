import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { BackendEvents, TraceChunk } from '../../main/contract/api.js'
import { connectBackend } from '../../main/contract/rpc.js'
import { parseServerArgs, startServer, type WebServer } from '../../main/server.js'
import { socketChannel } from '../../main/web/socketChannel.js'

interface Reply {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** A raw HTTP GET: the path goes out exactly as written (no client-side normalisation) and any Host can be sent. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Opens a WebSocket; resolves with the socket once open, or with the HTTP status the upgrade was refused with. */
function openSocket(url: string, options: { origin?: string; headers?: Record<string, string> } = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options)
    ws.on('open', () => resolve(ws))
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.resume()
      ws.terminate()
    })
    ws.on('error', (error) => reject(error))
  })
}

// Valid JSON: esbuild reads package.json files above the project it compiles.
const SECRET = JSON.stringify({ name: 'secret', description: 'the secret package.json next to the renderer folder' })
let dir: string
let server: WebServer
let own: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mdwb-server-'))
  const renderer = join(dir, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Workbench</title><script type="module" src="./assets/app.js"></script>')
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("app")')
  writeFileSync(join(dir, 'package.json'), SECRET)
  // The real backend: it creates the VCAP-1 sample in the projects folder on this first launch.
  server = await startServer({ rendererDir: renderer, stateDir: join(dir, 'state'), projectsFolder: join(dir, 'projects') })
  own = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('web mode server', () => {
  it('prints a URL on 127.0.0.1 with a 32-character base64url token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/)
  })

  it('answers 401 without the token and 403 with a wrong one', async () => {
    expect((await get(server.port, '/')).status).toBe(401)
    expect((await get(server.port, '/assets/app.js')).status).toBe(401)
    expect((await get(server.port, `/?token=${server.token.slice(1)}x`)).status).toBe(403)
    expect((await get(server.port, '/', { cookie: `mdwb_token_${server.port}=nope` })).status).toBe(403)
  })

  it('serves the page with the token, sets an HttpOnly SameSite=Strict cookie, and sends the CSP', async () => {
    const page = await get(server.port, `/?token=${server.token}`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Workbench</title>')
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    const cookie = String(page.headers['set-cookie'])
    expect(cookie).toContain(`mdwb_token_${server.port}=${server.token}`)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("worker-src 'self' blob:")
    expect(csp).toContain("style-src 'self' 'unsafe-inline'")
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['referrer-policy']).toBe('no-referrer')
  })

  it('serves the page its scripts with the cookie alone', async () => {
    const asset = await get(server.port, '/assets/app.js', { cookie: `other=1; mdwb_token_${server.port}=${server.token}` })
    expect(asset.status).toBe(200)
    expect(asset.body).toBe('console.log("app")')
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8')
  })

  it('never serves a file outside the renderer folder, however the path is spelled', async () => {
    const cookie = { cookie: `mdwb_token_${server.port}=${server.token}` }
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/..%5cpackage.json', `/${encodeURIComponent(join(dir, 'package.json'))}`]) {
      const reply = await get(server.port, path, cookie)
      expect([400, 403, 404], path).toContain(reply.status)
      expect(reply.body, path).not.toContain('the secret package.json')
    }
  })

  it('lists no directories', async () => {
    const reply = await get(server.port, '/assets/', { cookie: `mdwb_token_${server.port}=${server.token}` })
    expect(reply.status).toBe(404)
    expect(reply.body).not.toContain('app.js')
  })

  it('refuses a foreign Origin and a foreign Host (DNS rebinding), even with the token', async () => {
    const withToken = `/?token=${server.token}`
    expect((await get(server.port, withToken, { origin: 'http://evil.example' })).status).toBe(403)
    expect((await get(server.port, withToken, { origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403)
    expect((await get(server.port, withToken, { host: `evil.example:${server.port}` })).status).toBe(403)
    expect((await get(server.port, withToken, { host: '127.0.0.1' })).status).toBe(403)
    expect((await get(server.port, withToken, { origin: own })).status).toBe(200)
    expect((await get(server.port, withToken, { host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` })).status).toBe(200)
  })

  it('refuses a WebSocket without the token (401) or from a foreign origin (403)', async () => {
    const rpc = `ws://127.0.0.1:${server.port}/rpc`
    expect(await openSocket(rpc, { origin: own })).toBe(401)
    expect(await openSocket(`${rpc}?token=wrong`, { origin: own })).toBe(403)
    expect(await openSocket(`${rpc}?token=${server.token}`, { origin: 'http://evil.example' })).toBe(403)
    expect(await openSocket(`ws://127.0.0.1:${server.port}/elsewhere?token=${server.token}`, { origin: own })).toBe(404)
  })

  it('carries the RPC over a WebSocket from the page: hello, then a run streams binary trace chunks', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/rpc`, { origin: own, headers: { cookie: `mdwb_token_${server.port}=${server.token}` } })
    if (typeof ws === 'number') throw new Error(`upgrade refused with ${ws}`)
    const client = connectBackend(socketChannel(ws))
    const hello = await client.api.hello()
    expect(hello.mode).toBe('web')
    expect(hello.nativeDialogs).toBe(false)
    expect(hello.project?.root).toBe(join(dir, 'projects', 'vcap1-sample'))
    const chunks: TraceChunk[] = []
    const ended = new Promise<BackendEvents['runEnded']>((resolve) => client.on('runEnded', resolve))
    client.on('trace', (chunk) => chunks.push(chunk))
    const started = await client.api.run({ duration: '50ms', speed: 'fast' })
    if (!started.ok) throw new Error(`run refused: ${JSON.stringify(started.problems)}`)
    const end = await ended
    expect(end.runId).toBe(started.run.runId)
    expect(end.report.frames.delivered).toBeGreaterThan(0)
    expect(chunks.length).toBeGreaterThan(0)
    for (const chunk of chunks) {
      expect(chunk.runId).toBe(started.run.runId)
      expect(chunk.rows.ts).toBeInstanceOf(Float64Array)
      expect(chunk.rows.kind).toBeInstanceOf(Uint8Array)
      expect(chunk.rows.track).toBeInstanceOf(Uint16Array)
    }
    // Rows arrive in order with none missing.
    let next = 0
    for (const chunk of chunks) {
      expect(chunk.from).toBe(next)
      next += chunk.rows.ts.length
    }
    expect(next).toBeGreaterThan(100)
    ws.close()
    expect(await client.closed).toMatch(/socket closed/)
  })

  it('closes a socket that sends text instead of binary frames', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`, { origin: own })
    if (typeof ws === 'number') throw new Error(`upgrade refused with ${ws}`)
    const code = new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)))
    ws.send('{"t":"call","id":1,"method":"hello","args":[]}')
    expect(await code).toBe(1003)
  })
})

describe('npm run web command line', () => {
  it('reads --project, --port and --no-open, and refuses what it does not know', () => {
    const { options, open } = parseServerArgs(['--project', 'p', '--port', '8123', '--no-open'])
    expect(options.project).toBe(join(process.cwd(), 'p'))
    expect(options.port).toBe(8123)
    expect(open).toBe(false)
    expect(() => parseServerArgs(['--port', 'x'])).toThrow(/--port x: not a port number/)
    expect(() => parseServerArgs(['--verbose'])).toThrow(/unknown option --verbose/)
    expect(() => parseServerArgs(['--project'])).toThrow(/--project needs a value/)
  })
})
