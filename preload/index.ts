// Preload script (sandboxed, built as CommonJS). The page gets no Electron API: only the fact that
// it runs in the shell (`window.workbench`), and, when it asks, the MessagePort over which it talks
// to the backend. contextBridge cannot carry a MessagePort, so the port is posted to the window.
import { contextBridge, ipcRenderer } from 'electron'
import { IPC, PORT_MESSAGE, PORT_REQUEST, type WorkbenchBridge } from '../main/contract/shellBridge'

// The version comes from main as an argument of the preload (webPreferences.additionalArguments).
const versionArg = process.argv.find((a) => a.startsWith('--workbench-version='))
const bridge: WorkbenchBridge = { transport: 'port', version: versionArg?.slice('--workbench-version='.length) ?? '' }
contextBridge.exposeInMainWorld('workbench', bridge)

// The page posts PORT_REQUEST to itself when its transport starts; main makes a fresh channel for
// each request (a reloaded page asks again) and sends one end back here.
window.addEventListener('message', (event) => {
  if (event.source !== window || event.origin !== window.location.origin || event.data !== PORT_REQUEST) return
  // main answers on IPC.port; a refusal (not our page) only gets logged, the page then times out.
  ipcRenderer.invoke(IPC.connect).catch((error: unknown) => console.error(`workbench: no connection: ${String(error)}`))
})

ipcRenderer.on(IPC.port, (event) => {
  if (event.ports.length !== 1) return
  window.postMessage(PORT_MESSAGE, window.location.origin, [event.ports[0]])
})
