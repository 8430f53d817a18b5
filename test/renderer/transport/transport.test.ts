import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket as NodeWebSocket } from 'ws'
import type { TraceChunk } from '../../../main/contract/api.js'
import { serveBackend, type Channel, type RpcMessage } from '../../../main/contract/rpc.js'
import { startServer, type WebServer } from '../../../main/server.js'
import type { MessagePort } from 'node:worker_threads'
import type { BackendClient } from '../../../main/contract/rpc.js'
import { createBackend } from '../../../main/host/backend/backend.js'

// The page code is type-checked with the DOM library by tsconfig.web.json; the root tsconfig (Node,
// no DOM) does not follow this import, so the test names the two functions it calls.
const transportModule = '../../../renderer/transport/index.js'
const { connect, transportKind } = (await import(transportModule)) as {
  connect(win: unknown): Promise<BackendClient>
  transportKind(win: unknown): 'port' | 'websocket'
}

/**
 * The page's side of both transports (renderer/transport), run in Node with the DOM pieces it uses
 * supplied: `ws`'s WebSocket (the same event API as the browser's) and Node's MessageChannel.
 */

interface PageMessage {
  data: unknown
  origin: string
  source: unknown
  ports: MessagePort[]
}
type Listener = (event: PageMessage) => void

/** A window: its location, `workbench` when the preload ran, and postMessage to itself. */
function pageWindow(location: { protocol?: string; host?: string; search?: string; origin: string }, workbench?: { transport: 'port'; version: string }) {
  const listeners = new Set<Listener>()
  const win = {
    location,
    workbench,
    addEventListener: (_type: string, l: Listener) => listeners.add(l),
    removeEventListener: (_type: string, l: Listener) => listeners.delete(l),
    postMessage(data: unknown, _origin: string, ports: MessagePort[] = []) {
      win.deliver({ data, origin: location.origin, source: win, ports })
    },
    /** A message event as the browser dispatches it (also ones from other windows and origins). */
    deliver(event: PageMessage) {
      queueMicrotask(() => listeners.forEach((l) => l(event)))
    },
  }
  return win
}

describe('renderer transport: WebSocket (web mode)', () => {
  let dir: string
  let server: WebServer
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mdwb-transport-'))
    mkdirSync(join(dir, 'renderer'))
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>')
    server = await startServer({ rendererDir: join(dir, 'renderer'), stateDir: join(dir, 'state'), projectsFolder: join(dir, 'projects') })
    // The browser's WebSocket sends the page's origin; ws's needs to be told.
    const origin = `http://127.0.0.1:${server.port}`
    ;(globalThis as { WebSocket?: unknown }).WebSocket = class extends NodeWebSocket {
      constructor(url: string) {
        super(url, { origin })
      }
    }
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('connects to /rpc on the page host with the token of the page URL, and streams binary events', async () => {
    const win = pageWindow({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: `?token=${server.token}`, origin: `http://127.0.0.1:${server.port}` })
    expect(transportKind(win)).toBe('websocket')
    const client = await connect(win)
    expect((await client.api.hello()).mode).toBe('web')
    const chunk = new Promise<TraceChunk>((resolve) => client.on('trace', resolve))
    const ended = new Promise<unknown>((resolve) => client.on('runEnded', resolve))
    expect((await client.api.run({ duration: '20ms', speed: 'fast' })).ok).toBe(true)
    expect((await chunk).rows.ts).toBeInstanceOf(Float64Array)
    await ended
  })

  it('rejects with a message when the server refuses, and surfaces a socket closed later', async () => {
    const refused = pageWindow({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: '?token=wrong', origin: `http://127.0.0.1:${server.port}` })
    await expect(connect(refused)).rejects.toThrow(/cannot reach the workbench server at ws:\/\/127\.0\.0\.1:\d+\/rpc\?token=…/)
    const win = pageWindow({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: `?token=${server.token}`, origin: `http://127.0.0.1:${server.port}` })
    const client = await connect(win)
    await client.api.hello()
    await server.close()
    expect(await client.closed).toMatch(/connection to the workbench server closed/)
    await expect(client.api.hello()).rejects.toThrow(/the backend is gone/)
  })
})

describe('renderer transport: MessagePort (Electron)', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mdwb-transport-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('asks the preload for the port, takes it only from its own window, and talks over it with typed arrays intact', async () => {
    const backend = createBackend({ mode: 'electron', stateDir: join(dir, 'state'), projectsFolder: join(dir, 'projects'), chooseFolder: async () => null })
    const win = pageWindow({ origin: 'app://workbench' }, { transport: 'port', version: '1' })
    expect(transportKind(win)).toBe('port')
    // The preload's part: on the page's request, hand over one end of a channel the backend serves.
    const requests: unknown[] = []
    win.addEventListener('message', (event) => {
      if (event.data !== 'workbench:port-request') return
      requests.push(event.data)
      const { port1, port2 } = new MessageChannel()
      const main: Channel = {
        send: (m: RpcMessage) => port1.postMessage(m),
        receive: (h) => {
          port1.on('message', (data: RpcMessage) => h(data))
          port1.start()
        },
        closed: () => {},
      }
      backend.attach(serveBackend(main, backend))
      // Lookalikes from another origin and from another window first: ignored.
      win.deliver({ data: 'workbench:port', origin: 'https://evil.example', source: win, ports: [new MessageChannel().port1] })
      win.deliver({ data: 'workbench:port', origin: 'app://workbench', source: {}, ports: [new MessageChannel().port1] })
      win.postMessage('workbench:port', 'app://workbench', [port2])
    })
    const client = await connect(win)
    expect(requests).toHaveLength(1)
    expect((await client.api.hello()).mode).toBe('electron')
    const chunks: TraceChunk[] = []
    client.on('trace', (chunk) => chunks.push(chunk))
    const ended = new Promise<unknown>((resolve) => client.on('runEnded', resolve))
    expect((await client.api.run({ duration: '20ms', speed: 'fast' })).ok).toBe(true)
    await ended
    expect(chunks.length).toBeGreaterThan(0)
    for (const { rows } of chunks) {
      expect(rows.ts).toBeInstanceOf(Float64Array)
      expect(rows.track).toBeInstanceOf(Uint16Array)
    }
    await backend.close()
  })
})
