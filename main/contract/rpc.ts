/**
 * One typed RPC layer over any message channel: calls from the page to the backend (`BackendApi`)
 * and events from the backend to the page (`BackendEvents`). Electron hands the page a MessagePort,
 * web mode a WebSocket; each is wrapped as a `Channel` and the rest of the code does not know which.
 * ECMAScript only (no Node, no DOM), so both sides use this same file.
 */
import type { BackendApi, BackendEventName, BackendEvents } from './api.js'

export type RpcMessage =
  | { t: 'call'; id: number; method: string; args: unknown[] }
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; error: string }
  | { t: 'event'; name: string; payload: unknown }

/** A bidirectional message pipe. `transfer` is a hint: move the binary parts instead of copying them. */
export interface Channel {
  send(message: RpcMessage, transfer: boolean): void
  /** Registers the one receiver. */
  receive(handler: (message: RpcMessage) => void): void
  /** Called once when the other side is gone. */
  closed(handler: (reason: string) => void): void
}

/** Sends events to one page (one per connection). */
export interface EventSink {
  emit<K extends BackendEventName>(name: K, payload: BackendEvents[K], options?: { transfer?: boolean }): void
}

/** The method names of BackendApi; the server refuses anything else. */
export const BACKEND_METHODS = [
  'hello',
  'typings',
  'openProject',
  'newProject',
  'saveFile',
  'saveProjectAs',
  'storeDraft',
  'chooseFolder',
  'checkScenario',
  'trustProject',
  'run',
  'control',
  'reload',
  'injectFault',
  'inspect',
  'frameAt',
  'runs',
  'exportRun',
  'openTrace',
  'compareRuns',
] as const satisfies readonly (keyof BackendApi)[]

// Compile-time check that the list names every method.
type Missing = Exclude<keyof BackendApi, (typeof BACKEND_METHODS)[number]>
const everyMethodListed: Missing extends never ? true : Missing = true
void everyMethodListed

/** Serves `backend` to the page on the other end of `channel`; returns the sink for its events. */
export function serveBackend(channel: Channel, backend: BackendApi): EventSink {
  const allowed = new Set<string>(BACKEND_METHODS)
  channel.receive((m) => {
    if (m.t !== 'call') return
    if (!allowed.has(m.method) || !Array.isArray(m.args)) {
      channel.send({ t: 'result', id: m.id, ok: false, error: `unknown method ${String(m.method)}` }, false)
      return
    }
    const fn = (backend as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[m.method]
    Promise.resolve()
      .then(() => fn.apply(backend, m.args))
      .then(
        (value) => channel.send({ t: 'result', id: m.id, ok: true, value }, false),
        (error: unknown) => channel.send({ t: 'result', id: m.id, ok: false, error: error instanceof Error ? error.message : String(error) }, false),
      )
  })
  return {
    emit(name, payload, options) {
      channel.send({ t: 'event', name, payload }, options?.transfer ?? false)
    },
  }
}

type Listener<K extends BackendEventName> = (payload: BackendEvents[K]) => void

/** The page's end: `api` calls the backend, `on` listens to its events. */
export interface BackendClient {
  api: BackendApi
  on<K extends BackendEventName>(name: K, listener: Listener<K>): () => void
  /** Resolves when the connection is gone (with why). */
  readonly closed: Promise<string>
}

export function connectBackend(channel: Channel): BackendClient {
  let nextId = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let gone: string | null = null
  let markClosed!: (reason: string) => void
  const closed = new Promise<string>((resolve) => (markClosed = resolve))

  channel.receive((m) => {
    if (m.t === 'result') {
      const call = pending.get(m.id)
      if (call === undefined) return
      pending.delete(m.id)
      if (m.ok) call.resolve(m.value)
      else call.reject(new Error(m.error))
    } else if (m.t === 'event') {
      for (const listener of listeners.get(m.name) ?? []) listener(m.payload)
    }
  })
  channel.closed((reason) => {
    gone = reason
    for (const call of pending.values()) call.reject(new Error(`${call.method}: the backend is gone (${reason})`))
    pending.clear()
    markClosed(reason)
  })

  const call = (method: string, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (gone !== null) {
        reject(new Error(`${method}: the backend is gone (${gone})`))
        return
      }
      const id = nextId++
      pending.set(id, { resolve, reject, method })
      channel.send({ t: 'call', id, method, args }, false)
    })

  const api = Object.fromEntries(BACKEND_METHODS.map((method) => [method, (...args: unknown[]) => call(method, args)])) as unknown as BackendApi
  return {
    api,
    on(name, listener) {
      let set = listeners.get(name)
      if (set === undefined) listeners.set(name, (set = new Set()))
      const l = listener as (payload: unknown) => void
      set.add(l)
      return () => set.delete(l)
    },
    closed,
  }
}
