import { describe, expect, it } from 'vitest'
import type { BackendApi } from '../../main/contract/api.js'
import { connectBackend, serveBackend, type Channel, type RpcMessage } from '../../main/contract/rpc.js'
import { decodeFrame, encodeFrame, transferables } from '../../main/contract/wire.js'

/** Two channels joined back to back through the binary frame codec (what a WebSocket carries). */
function framedPair(): [Channel, Channel, { frames: number; bytes: number }] {
  const stats = { frames: 0, bytes: 0 }
  const handlers: ((m: RpcMessage) => void)[] = []
  const closers: ((reason: string) => void)[][] = [[], []]
  const end = (me: number): Channel => ({
    send(message) {
      const frame = encodeFrame(message)
      stats.frames++
      stats.bytes += frame.byteLength
      // A copy, as a socket would deliver it.
      queueMicrotask(() => handlers[1 - me]?.(decodeFrame(frame.slice()) as RpcMessage))
    },
    receive(handler) {
      handlers[me] = handler
    },
    closed(handler) {
      closers[me].push(handler)
    },
  })
  return [end(0), end(1), stats]
}

describe('wire frames', () => {
  it('carry typed arrays as bytes and restore them with their type', () => {
    const value = { a: new Float64Array([1.5, -2, Math.PI]), b: [new Uint16Array([1, 65535]), 'x'], c: { d: new Uint8Array([9]), e: null } }
    const back = decodeFrame(encodeFrame(value)) as typeof value
    expect(back.a).toBeInstanceOf(Float64Array)
    expect([...back.a]).toEqual([1.5, -2, Math.PI])
    expect(back.b[0]).toBeInstanceOf(Uint16Array)
    expect([...(back.b[0] as Uint16Array)]).toEqual([1, 65535])
    expect(back.b[1]).toBe('x')
    expect([...back.c.d]).toEqual([9])
    expect(back.c.e).toBeNull()
  })

  it('keep binary out of the JSON: a million float64s cost 8 MB, not their decimal text', () => {
    const ts = new Float64Array(1_000_000).map((_, i) => i * 1234.5678)
    const frame = encodeFrame({ ts })
    expect(frame.byteLength).toBeLessThan(8_000_000 + 200)
  })

  it('decodes views from a frame that sits at an odd offset of its buffer', () => {
    const frame = encodeFrame({ x: new Float64Array([7, 8]) })
    const shifted = new Uint8Array(frame.byteLength + 3)
    shifted.set(frame, 3)
    const back = decodeFrame(shifted.subarray(3)) as { x: Float64Array }
    expect([...back.x]).toEqual([7, 8])
  })

  it('rejects what is not a frame', () => {
    expect(() => decodeFrame(new TextEncoder().encode('{"t":"call"}'))).toThrow(/not a workbench frame/)
  })

  it('lists each buffer to transfer once', () => {
    const buf = new ArrayBuffer(16)
    expect(transferables({ a: new Uint8Array(buf), b: [new Float64Array(buf)], c: 1 })).toEqual([buf])
  })
})

describe('rpc', () => {
  it('calls the backend, returns values and errors, and delivers events with binary payloads', async () => {
    const [server, client, stats] = framedPair()
    const backend = {
      hello: async () => ({ version: '1.2.3' }),
      saveFile: async (path: string) => {
        throw new Error(`cannot write ${path}`)
      },
    } as unknown as BackendApi
    const sink = serveBackend(server, backend)
    const { api, on } = connectBackend(client)
    expect(await api.hello()).toEqual({ version: '1.2.3' })
    await expect(api.saveFile('driver.ts', 'x')).rejects.toThrow('cannot write driver.ts')
    const got: number[][] = []
    on('trace', (chunk) => got.push([...chunk.rows.ts]))
    sink.emit('trace', { runId: 1, from: 0, rows: { ts: new Float64Array([10, 20]) } as never, strings: [], details: [], schema: null })
    await new Promise((r) => setTimeout(r, 0))
    expect(got).toEqual([[10, 20]])
    expect(stats.frames).toBe(5)
  })

  it('refuses methods that are not part of the API', async () => {
    const [server, client] = framedPair()
    serveBackend(server, { hello: async () => 1 } as unknown as BackendApi)
    const results: RpcMessage[] = []
    client.receive((m) => results.push(m))
    client.send({ t: 'call', id: 7, method: 'constructor', args: [] }, false)
    await new Promise((r) => setTimeout(r, 0))
    expect(results).toEqual([{ t: 'result', id: 7, ok: false, error: 'unknown method constructor' }])
  })
})
