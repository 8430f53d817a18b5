import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { BackendEventName, BackendEvents } from '../../../main/contract/api.js'
import { connectBackend, serveBackend, type BackendClient, type Channel, type RpcMessage } from '../../../main/contract/rpc.js'
import { decodeFrame, encodeFrame } from '../../../main/contract/wire.js'
import { createBackend, type BackendOptions, type WorkbenchBackend } from '../../../main/host/backend/backend.js'

/** Two channels joined back to back through the binary frame codec (what web mode's WebSocket carries). */
export function framedPair(): [Channel, Channel] {
  const handlers: ((m: RpcMessage) => void)[] = []
  const end = (me: number): Channel => ({
    send(message) {
      const frame = encodeFrame(message)
      // A copy, as a socket delivers it.
      queueMicrotask(() => handlers[1 - me]?.(decodeFrame(frame.slice()) as RpcMessage))
    },
    receive(handler) {
      handlers[me] = handler
    },
    closed() {},
  })
  return [end(0), end(1)]
}

/** Every event a page received, in order, and a way to wait for one. */
export class PageEvents {
  readonly all: { name: BackendEventName; payload: unknown }[] = []
  private waiters: (() => void)[] = []

  constructor(client: BackendClient) {
    const names: BackendEventName[] = ['runStarted', 'trace', 'status', 'frame', 'audio', 'swapped', 'runEnded', 'exportProgress']
    for (const name of names) {
      client.on(name, (payload) => {
        this.all.push({ name, payload })
        for (const w of this.waiters.splice(0)) w()
      })
    }
  }

  of<K extends BackendEventName>(name: K): BackendEvents[K][] {
    return this.all.filter((e) => e.name === name).map((e) => e.payload as BackendEvents[K])
  }

  /** Resolves with the first event (from the start) of that name that matches. */
  async waitFor<K extends BackendEventName>(name: K, match: (payload: BackendEvents[K]) => boolean = () => true, timeoutMs = 60_000): Promise<BackendEvents[K]> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hit = this.of(name).find(match)
      if (hit !== undefined) return hit
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no '${name}' event matched within ${timeoutMs} ms (got ${this.of(name).length} '${name}' events)`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000))
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }
}

export interface Page {
  client: BackendClient
  events: PageEvents
  detach: () => void
}

/** A page connected to the backend the way the renderer connects: RPC over a framed channel. */
export function connectPage(backend: WorkbenchBackend): Page {
  const [server, clientEnd] = framedPair()
  const sink = serveBackend(server, backend)
  const detach = backend.attach(sink)
  const client = connectBackend(clientEnd)
  return { client, events: new PageEvents(client), detach }
}

/** A fresh state folder and projects folder per test; removed with `cleanup`. */
export function tempWorkbench(): { dir: string; stateDir: string; projectsFolder: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'mdwb-backend-'))
  return { dir, stateDir: path.join(dir, 'state'), projectsFolder: path.join(dir, 'projects'), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export function startBackend(options: Partial<BackendOptions> & Pick<BackendOptions, 'stateDir' | 'projectsFolder'>): WorkbenchBackend {
  return createBackend({ mode: 'web', ...options })
}
