/**
 * The workbench's backend: everything the page can ask for (BackendApi in main/contract/api.ts),
 * served to any number of connected pages (Electron's window, or browser tabs in web mode). It owns
 * the project files, the runs (in the sandbox worker), the exports. It never imports electron: the
 * Electron shell passes in what only it can do (native folder pickers) as options.
 *
 * SKELETON (issue 5 in progress): the methods are being filled in; see main/host/README.md.
 */
import type { BackendApi } from '../../contract/api.js'
import type { EventSink } from '../../contract/rpc.js'

export interface BackendOptions {
  mode: 'electron' | 'web'
  /** Where the workbench keeps its own state: recent projects, unsaved-buffer drafts. */
  stateDir: string
  /** Where new projects go by default (the first launch creates the VCAP-1 sample here). */
  projectsFolder: string
  /** A project folder to open at launch; default: the most recent one, else the VCAP-1 sample. */
  open?: string | null
  /** Native folder picker (Electron only). */
  chooseFolder?: (purpose: 'open' | 'new' | 'save-as') => Promise<string | null>
}

export interface WorkbenchBackend extends BackendApi {
  /** Connects a page: its events go to `sink` until the returned function is called. */
  attach(sink: EventSink): () => void
  /** Stops runs and the sandbox worker. */
  close(): Promise<void>
}

export declare function createBackend(options: BackendOptions): WorkbenchBackend
