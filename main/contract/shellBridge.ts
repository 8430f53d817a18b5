/**
 * What the Electron shell gives the page, shared by the preload (preload/index.ts), main/electron and
 * the page's transport (renderer/transport): the shape of `window.workbench`, the window message
 * names and the IPC channel names. Types and constants only.
 */

/** `window.workbench` inside Electron; absent in a browser. Everything else goes over the port. */
export interface WorkbenchBridge {
  /** The page talks to the backend over a MessagePort the preload forwards (see renderer/transport). */
  transport: 'port'
  /** The application version (package.json "version"). */
  version: string
}

/** The page asks for its port with this window message (posted to its own origin)... */
export const PORT_REQUEST = 'workbench:port-request'
/** ...and the preload answers with this one, the port in `event.ports[0]`. */
export const PORT_MESSAGE = 'workbench:port'

/**
 * IPC channel names between the preload and main/electron: the preload asks for a connection, main
 * answers on `port` with the MessagePort.
 */
export const IPC = {
  connect: 'workbench:connect',
  port: 'workbench:port',
} as const
