import type { TraceChunk } from '../../main/contract/api.js'
import { TraceStore } from '../timeline/traceStore.js'

/**
 * The traces of the latest runs as the timeline reads them: one TraceStore per run, fed by the
 * backend's `trace` events, plus the run's detail objects (findings, debug prints) that rows point at.
 * Only the newest few runs are kept: the backend cannot send an old trace again, and a long session
 * would otherwise hold every run in memory.
 */

export interface RunTrace {
  runId: number
  store: TraceStore
  /** Detail objects in recording order (EventDetails.detail indexes them). */
  details: unknown[]
  /** Rows the backend sent that never arrived (a chunk went missing); the row numbers after it are off. */
  missingRows: number
}

export class RunTraces {
  private readonly runs = new Map<number, RunTrace>()

  constructor(private readonly keep = 4) {}

  get(runId: number | null): RunTrace | undefined {
    return runId === null ? undefined : this.runs.get(runId)
  }

  /** Starts (or restarts) the trace of a run with an empty store. */
  begin(runId: number): RunTrace {
    // The backend's first chunk carries the whole string table from id 0 (''): start the store empty.
    const t: RunTrace = { runId, store: new TraceStore(undefined, []), details: [], missingRows: 0 }
    this.runs.delete(runId)
    this.runs.set(runId, t)
    while (this.runs.size > this.keep) {
      const oldest = this.runs.keys().next().value as number
      this.runs.delete(oldest)
    }
    return t
  }

  /**
   * Applies one `trace` event. A chunk that starts before the rows already held was delivered before
   * (its strings and details too) and is ignored; one that starts after them records the gap.
   */
  ingest(chunk: TraceChunk): RunTrace {
    const t = this.runs.get(chunk.runId) ?? this.begin(chunk.runId)
    const have = t.store.rowCount + t.missingRows
    if (chunk.from < have) return t
    if (chunk.from > have) t.missingRows += chunk.from - have
    t.store.ingest({ schema: chunk.schema ?? undefined, strings: chunk.strings, columns: chunk.rows })
    for (const d of chunk.details) t.details.push(d)
    return t
  }

  get runIds(): number[] {
    return [...this.runs.keys()]
  }
}
