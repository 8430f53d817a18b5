import { PORT_MESSAGE, PORT_REQUEST } from '../../main/contract/shellBridge'

/**
 * Asks the preload for the MessagePort the Electron shell made for this page and waits for it. The
 * preload cannot pass a port through contextBridge, so it posts it to this window; only a message
 * from this window itself, with our own origin, is taken.
 */
export function receiveShellPort(win: Window, timeoutMs = 10_000): Promise<MessagePort> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      win.removeEventListener('message', onMessage)
      reject(new Error(`the Electron shell did not hand over its connection within ${timeoutMs / 1000} s`))
    }, timeoutMs)
    function onMessage(event: MessageEvent): void {
      if (event.source !== win || event.origin !== win.location.origin || event.data !== PORT_MESSAGE || event.ports.length !== 1) return
      clearTimeout(timer)
      win.removeEventListener('message', onMessage)
      resolve(event.ports[0])
    }
    win.addEventListener('message', onMessage)
    win.postMessage(PORT_REQUEST, win.location.origin)
  })
}
