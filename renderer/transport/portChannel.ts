import type { Channel, RpcMessage } from '../../main/contract/rpc.js'
import { transferables } from '../../main/contract/wire.js'

/**
 * Electron's transport: the MessagePort the shell handed to the page. Messages go by structured
 * clone, so typed arrays stay binary; with the `transfer` hint their buffers are moved, not copied.
 */
export function portChannel(port: MessagePort): Channel {
  const closers: ((reason: string) => void)[] = []
  let closedWith: string | null = null
  // MessagePort fires 'close' when the other end is gone (the main process dropped it or quit).
  port.addEventListener('close', () => {
    closedWith = 'the Electron main process closed the connection'
    for (const handler of closers) handler(closedWith)
  })
  return {
    send(message: RpcMessage, transfer: boolean) {
      port.postMessage(message, transfer ? transferables(message) : [])
    },
    receive(handler) {
      port.addEventListener('message', (event: MessageEvent) => handler(event.data as RpcMessage))
      port.start()
    },
    closed(handler) {
      if (closedWith !== null) handler(closedWith)
      else closers.push(handler)
    },
  }
}
