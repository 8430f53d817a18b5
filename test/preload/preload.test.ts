import { beforeAll, describe, expect, it, vi } from 'vitest'
import { contextBridge, ipcRenderer } from '../helpers/electronStandIn.js'

vi.mock('electron', () => import('../helpers/electronStandIn.js'))

/** The page's window as the sandboxed preload sees it: messages posted to it and its listeners. */
const listeners: ((event: { source: unknown; origin: string; data: unknown }) => void)[] = []
const posted: { message: unknown; targetOrigin: string; transfer: unknown[] }[] = []
const page = {
  location: { origin: 'app://workbench' },
  addEventListener: (type: string, listener: (typeof listeners)[number]) => {
    if (type === 'message') listeners.push(listener)
  },
  postMessage: (message: unknown, targetOrigin: string, transfer: unknown[] = []) => posted.push({ message, targetOrigin, transfer }),
}
const dispatch = (event: { source: unknown; origin: string; data: unknown }) => listeners.forEach((l) => l(event))

beforeAll(async () => {
  vi.stubGlobal('window', page)
  process.argv.push('--workbench-version=9.8.7')
  // A module name the root tsconfig (no DOM library) does not follow; tsconfig.web.json checks the preload.
  const preload = '../../preload/index.js'
  await import(preload)
})

describe('preload', () => {
  it('exposes only the transport kind and the version: no functions, no ipcRenderer', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['workbench'])
    const exposed = contextBridge.exposed.get('workbench')
    expect(exposed).toEqual({ transport: 'port', version: '9.8.7' })
    expect(Object.values(exposed as object).some((v) => typeof v === 'function' || typeof v === 'object')).toBe(false)
  })

  it('asks main for a connection only when the page itself asks, from its own origin', () => {
    dispatch({ source: {}, origin: 'app://workbench', data: 'workbench:port-request' })
    dispatch({ source: page, origin: 'https://evil.example', data: 'workbench:port-request' })
    dispatch({ source: page, origin: 'app://workbench', data: 'something else' })
    expect(ipcRenderer.sent).toEqual([])
    dispatch({ source: page, origin: 'app://workbench', data: 'workbench:port-request' })
    expect(ipcRenderer.sent).toEqual([{ channel: 'workbench:connect', args: [] }])
  })

  it('forwards the port main sends into the page, addressed to its own origin', () => {
    const port = { a: 'port' }
    ipcRenderer.listeners.get('workbench:port')!({ ports: [port] })
    ipcRenderer.listeners.get('workbench:port')!({ ports: [] })
    expect(posted).toEqual([{ message: 'workbench:port', targetOrigin: 'app://workbench', transfer: [port] }])
  })
})
