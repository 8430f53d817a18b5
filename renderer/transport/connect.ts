import { connectBackend, type BackendClient } from '../../main/contract/rpc.js'
import { portChannel } from './portChannel'
import { receiveShellPort } from './shellPort'
import { dropTokenFromAddress, openWebSocketChannel, rpcSocketUrl } from './webSocketChannel'

export type TransportKind = 'port' | 'websocket'

/** Which transport this page has: the Electron shell's port (its preload says so) or the server's WebSocket. */
export function transportKind(win: Window): TransportKind {
  return win.workbench?.transport === 'port' ? 'port' : 'websocket'
}

/**
 * Connects the page to the backend over whichever transport it runs on; the returned client is the
 * same either way. Rejects when the backend cannot be reached; a connection lost later resolves
 * `client.closed`.
 */
export async function connect(win: Window = window): Promise<BackendClient> {
  if (transportKind(win) === 'port') return connectBackend(portChannel(await receiveShellPort(win)))
  // The first socket still takes the token of the address; then the address forgets it (the cookie carries it from now on).
  const url = rpcSocketUrl(win.location)
  dropTokenFromAddress(win)
  return connectBackend(await openWebSocketChannel(url))
}
