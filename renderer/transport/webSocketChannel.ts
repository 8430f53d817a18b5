import type { Channel, RpcMessage } from '../../main/contract/rpc.js'
import { decodeFrame, encodeFrame } from '../../main/contract/wire.js'

/** The /rpc address on the page's own server; the launch token rides along when the page URL has it. */
export function rpcSocketUrl(location: Location): string {
  const token = new URLSearchParams(location.search).get('token')
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/rpc${token === null ? '' : `?token=${encodeURIComponent(token)}`}`
}

/**
 * Takes the launch token out of the page's address (history.replaceState, so the entry the page is
 * on no longer carries it: not in the back/forward list, a bookmark, a screenshot of the address
 * bar or a copied link). The server set an HttpOnly cookie with the page itself; later requests,
 * the WebSocket and a reload of the token-less address use it. Other query parameters and the hash
 * stay. Returns the address it left (null when there was no token).
 */
export function dropTokenFromAddress(win: Pick<Window, 'location'> & { history?: Pick<History, 'replaceState' | 'state'> }): string | null {
  const { location } = win
  if (typeof location.href !== 'string' || win.history === undefined) return null
  const url = new URL(location.href)
  if (!url.searchParams.has('token')) return null
  url.searchParams.delete('token')
  const left = `${url.pathname}${url.search}${url.hash}`
  win.history.replaceState(win.history.state, '', left)
  return left
}

/**
 * Web mode's transport: a WebSocket to the server that served the page, one binary frame per message
 * (wire.ts). Resolves once the socket is open; a socket that closes later surfaces through
 * `closed` (the page shows it; there is no reconnect: the server's state went with the socket).
 */
export function openWebSocketChannel(url: string): Promise<Channel> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    socket.binaryType = 'arraybuffer'
    let open = false
    const closers: ((reason: string) => void)[] = []
    let closedWith: string | null = null
    // An error is always followed by 'close', which reports it; listening here keeps it from being unhandled.
    socket.addEventListener('error', () => {})
    socket.addEventListener('close', (event) => {
      closedWith = `the connection to the workbench server closed (code ${event.code}${event.reason ? `: ${event.reason}` : ''})`
      if (!open) reject(new Error(`cannot reach the workbench server at ${url.replace(/token=[^&]*/, 'token=…')} (code ${event.code}); is \`npm run web\` still running?`))
      for (const handler of closers) handler(closedWith)
    })
    socket.addEventListener('open', () => {
      open = true
      resolve({
        send(message: RpcMessage) {
          if (socket.readyState === WebSocket.OPEN) socket.send(encodeFrame(message))
        },
        receive(handler) {
          socket.addEventListener('message', (event: MessageEvent) => {
            if (!(event.data instanceof ArrayBuffer)) return
            handler(decodeFrame(event.data) as RpcMessage)
          })
        },
        closed(handler) {
          if (closedWith !== null) handler(closedWith)
          else closers.push(handler)
        },
      })
    })
  })
}
