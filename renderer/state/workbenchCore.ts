// The base of the store (workbench.ts): the connection and what the backend said on it, the project in
// hand (buffers, tabs, run options), notices, and the helpers every part uses to call the backend.
import type { Hello, Project, TypingFile } from '../../main/contract/api.js'
import type { BackendClient } from '../../main/contract/rpc.js'
import { BufferSet } from './buffers.js'
import type { DraftSaver, Timers } from './draftSaver.js'
import { DEFAULT_RUN_OPTIONS, type RunOptions } from './runOptions.js'
import type { Connection } from './statusText.js'
import { Tabs } from './tabs.js'

export interface Notice {
  id: number
  tone: 'info' | 'success' | 'error'
  text: string
}

export interface WorkbenchOptions {
  /** Quiet period before an unsaved buffer is sent as a draft. */
  draftDelayMs?: number
  /** Quiet period before a scenario file being edited is validated. */
  checkDelayMs?: number
  timers?: Timers
  /** Runs whose traces stay in memory. */
  keepTraces?: number
}

const NOTICE_LIMIT = 4

export abstract class WorkbenchCore {
  connection: Connection = 'connecting'
  connectionError: string | null = null
  hello: Hello | null = null
  typings: TypingFile[] = []
  project: Project | null = null
  recent: string[] = []
  readonly buffers = new BufferSet()
  readonly tabs = new Tabs()
  options: RunOptions = { ...DEFAULT_RUN_OPTIONS }
  notices: Notice[] = []
  client: BackendClient | null = null

  /** Made on attach, so that its callbacks reach the reactive store. */
  protected drafts: DraftSaver | null = null
  protected readonly timers: Timers
  protected readonly draftDelayMs: number
  /** Numbers notices and the reveal and jump requests (a request to the same place is still a new one). */
  protected seq = 0

  constructor(options: WorkbenchOptions) {
    this.timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) }
    this.draftDelayMs = options.draftDelayMs ?? 500
  }

  get connected(): boolean {
    return this.connection === 'open'
  }

  get activeBuffer() {
    return this.tabs.active === null ? undefined : this.buffers.get(this.tabs.active)
  }

  notify(tone: Notice['tone'], text: string): void {
    this.notices.push({ id: ++this.seq, tone, text })
    if (this.notices.length > NOTICE_LIMIT) this.notices.splice(0, this.notices.length - NOTICE_LIMIT)
  }

  dismiss(id: number): void {
    const i = this.notices.findIndex((n) => n.id === id)
    if (i >= 0) this.notices.splice(i, 1)
  }

  protected fail(what: string, e: unknown): void {
    this.notify('error', `${what}: ${e instanceof Error ? e.message : String(e)}`)
  }

  protected api(): BackendClient['api'] {
    if (this.client === null) throw new Error('not connected to the backend')
    return this.client.api
  }
}
