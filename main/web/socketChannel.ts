import type { WebSocket } from 'ws'
import type { Channel, RpcMessage } from '../contract/rpc.js'
import { decodeFrame, encodeFrame } from '../contract/wire.js'

/**
 * The server's end of a page's WebSocket as an RPC `Channel`: every message one binary frame
 * (wire.ts), so trace columns travel as raw bytes. A text frame or a frame that does not decode
 * closes the socket (1003 / 1007): the page is ours, so either is a bug, not something to skip.
 */
export function socketChannel(socket: WebSocket): Channel {
  socket.binaryType = 'arraybuffer'
  return {
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(encodeFrame(message))
    },
    receive(handler) {
      socket.on('message', (data, isBinary) => {
        if (!isBinary || !(data instanceof ArrayBuffer)) {
          socket.close(1003, 'binary frames only')
          return
        }
        let message: RpcMessage
        try {
          message = decodeFrame(data) as RpcMessage
        } catch (error) {
          socket.close(1007, error instanceof Error ? error.message.slice(0, 100) : 'bad frame')
          return
        }
        handler(message)
      })
    },
    closed(handler) {
      socket.on('close', (code, reason) => handler(`socket closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`))
    },
  }
}
