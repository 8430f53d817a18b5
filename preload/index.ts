// Preload script (sandboxed, built as CommonJS). Exposes `window.workbench` through contextBridge;
// the renderer never sees ipcRenderer itself, only these fixed calls.
import { contextBridge, ipcRenderer } from 'electron'
import { channels, type WorkbenchApi } from './api'

const api: WorkbenchApi = {
  version: () => ipcRenderer.invoke(channels.version) as Promise<string>,
}

contextBridge.exposeInMainWorld('workbench', api)
