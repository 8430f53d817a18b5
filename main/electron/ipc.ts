import { MessageChannelMain, type IpcMain, type IpcMainInvokeEvent } from 'electron'
import type { BackendApi } from '../contract/api.js'
import { serveBackend } from '../contract/rpc.js'
import { IPC } from '../contract/shellBridge.js'
import type { WorkbenchBackend } from '../host/backend/backend.js'
import type { Connections } from './connections.js'
import type { OwnOrigin } from './origin.js'
import { mainPortChannel } from './mainPortChannel.js'

/** Checklist item 17: only the top frame of our own page may call; anything else is refused with an error. */
export function assertTrustedSender(event: IpcMainInvokeEvent, origin: OwnOrigin): void {
  const frame = event.senderFrame
  if (frame === null || frame === undefined) throw new Error('IPC refused: the calling frame is gone')
  if (frame.parent !== null) throw new Error(`IPC refused: a subframe (${frame.url}) may not call`)
  if (!origin.owns(frame.url)) throw new Error(`IPC refused: untrusted sender ${frame.url || '(no URL)'}`)
}

export interface PortServiceOptions {
  origin: OwnOrigin
  backend: WorkbenchBackend
  /** What the page is served (the backend, possibly observed by the shell). */
  api: BackendApi
  connections: Connections
}

/**
 * The page's one IPC call: "connect me". A trusted caller gets a fresh MessageChannelMain: one end
 * served with the backend's RPC, the other sent to the calling frame (its preload forwards it into
 * the page). A reloaded page asks again and gets a new channel; the old one closes with its page.
 */
export function registerPortService(ipcMain: IpcMain, options: PortServiceOptions): void {
  ipcMain.handle(IPC.connect, (event) => {
    assertTrustedSender(event, options.origin)
    const frame = event.senderFrame!
    const { port1, port2 } = new MessageChannelMain()
    const sink = serveBackend(mainPortChannel(port1), options.api)
    const detach = options.backend.attach(sink)
    const forget = options.connections.add(event.sender.id, sink)
    let open = true
    const close = (): void => {
      if (!open) return
      open = false
      detach()
      forget()
      port1.close()
    }
    port1.on('close', close)
    event.sender.once('destroyed', close)
    frame.postMessage(IPC.port, null, [port2])
    return true
  })
}
