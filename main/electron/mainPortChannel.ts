import type { MessagePortMain } from 'electron'
import type { Channel, RpcMessage } from '../contract/rpc.js'

/**
 * The main process's end of a page's MessagePort as an RPC `Channel`. Messages go by structured
 * clone, so typed arrays arrive in the page as typed arrays (binary, no JSON). The `transfer` hint
 * has nothing to move here: the page is another process, so its bytes are copied across either way,
 * and MessagePortMain.postMessage transfers only ports.
 */
export function mainPortChannel(port: MessagePortMain): Channel {
  let open = true
  port.on('close', () => (open = false))
  return {
    send(message) {
      if (open) port.postMessage(message)
    },
    receive(handler) {
      port.on('message', (event) => {
        // The page is sandboxed but still untrusted input: only plain message objects reach the RPC.
        const data: unknown = event.data
        if (data !== null && typeof data === 'object' && typeof (data as { t?: unknown }).t === 'string') handler(data as RpcMessage)
      })
      port.start()
    },
    closed(handler) {
      port.on('close', () => handler('the page closed its connection'))
    },
  }
}
