import { markRaw, reactive } from 'vue'
import type { BackendClient } from '../../main/contract/rpc.js'
import { DraftSaver } from './draftSaver.js'
import type { WorkbenchOptions } from './workbenchCore.js'
import { WorkbenchProject } from './workbenchProject.js'

/**
 * The page's one store: everything the backend told us (project, runs, status, trace, problems) and
 * everything the user has in hand (buffers, tabs, run options, cursor, selection). Components read
 * it and call its actions; only the actions call the backend. Trace stores stay out of Vue's
 * reactivity (typed arrays behind proxies are slow): `trace.version` moves when they change.
 *
 * It is one object because Vue's reactive proxy sees only what is done through it: a part holding a
 * reference to the store (made in its constructor, before the proxy) would change it unseen. So each
 * concept is a class of the chain, using only those below it (README's file table lists them):
 * WorkbenchCore, WorkbenchTrust, WorkbenchView, WorkbenchProblems, WorkbenchRuns, WorkbenchProject,
 * and this one, the connection to the backend.
 */

export type { Notice, WorkbenchOptions } from './workbenchCore.js'
export type { RunOptions } from './runOptions.js'
export type { TrustPrompt } from './workbenchTrust.js'
export { JUMP_WINDOW_NS, type JumpRequest, type RevealRequest } from './workbenchView.js'

export class Workbench extends WorkbenchProject {
  private unsubscribe: (() => void)[] = []

  constructor(options: WorkbenchOptions = {}) {
    super(options)
  }

  /** Starts using a connected backend: listens to its events, then asks for the project. */
  async attach(client: BackendClient): Promise<void> {
    this.client = markRaw(client)
    this.connection = 'open'
    this.drafts = markRaw(
      new DraftSaver(
        (path, content) => client.api.storeDraft(path, content),
        this.draftDelayMs,
        (path, e) => this.notify('error', `Could not keep the unsaved changes of ${path}: ${e.message}`),
        this.timers,
      ),
    )
    this.unsubscribe = [
      client.on('runStarted', (r) => this.onRunStarted(r)),
      client.on('trace', (c) => this.onTrace(c)),
      client.on('status', (s) => this.onStatus(s)),
      client.on('runEnded', (e) => this.onRunEnded(e)),
      client.on('swapped', (s) => this.onSwapped(s.runId, s.result)),
    ]
    void client.closed.then((reason) => {
      this.connection = 'lost'
      this.connectionError = reason
      this.starting = false
    })
    try {
      const [hello, typings] = await Promise.all([client.api.hello(), client.api.typings()])
      // The backend sends a page what it missed as soon as it connects, before any answer.
      this.caughtUp = true
      this.hello = hello
      this.recent = [...hello.recent]
      this.typings = typings
      if (hello.project !== null) this.loadProject(hello.project)
    } catch (e) {
      this.caughtUp = true
      this.fail('Could not reach the backend', e)
    }
  }

  /** The connection could not be made at all. */
  connectFailed(reason: string): void {
    this.connection = 'lost'
    this.connectionError = reason
  }

  detach(): void {
    for (const off of this.unsubscribe) off()
    this.unsubscribe = []
    this.drafts?.reset()
  }

  /** Sends pending drafts now (the page is closing). */
  flushDrafts(): Promise<void> {
    return this.drafts?.flush() ?? Promise.resolve()
  }
}

/** The store, reactive (what the page uses). */
export function createWorkbench(options: WorkbenchOptions = {}): Workbench {
  return reactive(new Workbench(options)) as Workbench
}
