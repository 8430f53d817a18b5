/**
 * What every inspector panel receives from the app shell and what it may ask of it. The shell mounts
 * each panel with exactly these props and listens to these events.
 */
import type { Project, RunStatus } from '../../main/contract/api.js'
import type { SourceLocation } from '../../main/contract/report.js'
import type { BackendClient } from '../../main/contract/rpc.js'

export interface PanelProps {
  client: BackendClient
  /** The run the workbench shows (running, paused, finished or opened from a file), or null. */
  runId: number | null
  /** The newest status event (of any run: panels check its runId). */
  status: RunStatus | null
  /** The timeline's cursor (virtual ns) when the user placed one, else null. */
  cursorNs: number | null
  project: Project | null
}

export type PanelEmits = {
  /** Move the timeline (and its cursor) to this virtual time. */
  jump: [timeNs: number]
  /** Show this place in the editor. */
  reveal: [location: SourceLocation]
}
