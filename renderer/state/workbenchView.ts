// What the page points at, in the store: the trace the timeline shows, its cursor and selection, and
// the requests for the editor to show a line and for the timeline to show a time.
import { markRaw } from 'vue'
import type { SourceLocation } from '../../main/contract/report.js'
import type { EventDetails } from '../timeline/traceStore.js'
import { RunTraces, type RunTrace } from './runTraces.js'
import type { WorkbenchOptions } from './workbenchCore.js'
import { WorkbenchTrust } from './workbenchTrust.js'

/** A request for the editor to show a place (seq changes on every request, even to the same place). */
export interface RevealRequest {
  path: string
  line: number
  column: number
  seq: number
}

/** A request for the timeline to centre a time (zoomed in to about `spanNs` around it when given). */
export interface JumpRequest {
  ns: number
  spanNs: number | null
  seq: number
}

/** How much trace a jump to a problem or a divergence shows around it when the view is wider. */
export const JUMP_WINDOW_NS = 4_000_000

export abstract class WorkbenchView extends WorkbenchTrust {
  /** The timeline's trace: which run, and a counter that moves on every change to its store. */
  trace = { runId: null as number | null, version: 0 }
  cursorNs: number | null = null
  selection: EventDetails | null = null
  reveal: RevealRequest | null = null
  jump: JumpRequest | null = null
  readonly traces: RunTraces

  constructor(options: WorkbenchOptions) {
    super(options)
    this.traces = markRaw(new RunTraces(options.keepTraces ?? 4))
  }

  /** The current run's trace (null before any run, or when it is no longer kept). */
  get currentTrace(): RunTrace | null {
    return this.traces.get(this.trace.runId) ?? null
  }

  setCursor(ns: number | null): void {
    this.cursorNs = ns
  }

  select(details: EventDetails | null): void {
    this.selection = details
  }

  /** Centres a time on the timeline and puts the cursor there; `spanNs`: zoom in to about that much around it. */
  jumpTo(ns: number, spanNs: number | null = null): void {
    this.cursorNs = ns
    this.jump = { ns, spanNs, seq: ++this.seq }
  }

  /** Opens a file at a line in the editor. */
  revealLocation(loc: SourceLocation): void {
    if (!this.buffers.has(loc.file)) {
      this.notify('error', `${loc.file} is not a file of this project`)
      return
    }
    this.tabs.show(loc.file)
    this.reveal = { path: loc.file, line: loc.line, column: loc.column, seq: ++this.seq }
  }

  /** The detail object (finding, debug print) a selected row points at, if any. */
  detailOf(details: EventDetails | null): unknown {
    if (details === null || details.detail < 0) return null
    return this.currentTrace?.details[details.detail] ?? null
  }

  /** The timeline shows another run's trace, from its start, nothing selected. */
  protected showTrace(runId: number): void {
    this.trace.runId = runId
    this.trace.version++
    this.selection = null
    this.cursorNs = null
  }
}
