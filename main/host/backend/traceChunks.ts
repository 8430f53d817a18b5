import type { TraceChunk, TraceUpdate } from '../../contract/api.js'
import type { TraceColumns, TraceSchema } from '../../contract/trace.js'
import { CHUNK_ROWS, type TraceRecorder } from '../../sim/trace/recorder.js'

/** Chunks a second at most: a fast run makes hundreds of deltas a second, the page wants a few batches. */
export const TRACE_CHUNKS_PER_SECOND = 30

/**
 * The checked trace updates of one run as the page's TraceChunks: updates that arrive within one
 * interval joined into one chunk (rows concatenated column by column),
 * so the page gets at most TRACE_CHUNKS_PER_SECOND chunks whatever the speed of the run.
 */
export class TraceChunker {
  private pending: TraceUpdate[] = []
  private last = -Infinity
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly intervalMs = 1000 / TRACE_CHUNKS_PER_SECOND

  constructor(
    private readonly runId: number,
    private readonly send: (chunk: TraceChunk) => void,
  ) {}

  add(update: TraceUpdate): void {
    this.pending.push(update)
    const wait = this.last + this.intervalMs - performance.now()
    if (wait <= 0) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), wait)
  }

  /** Sends what is waiting now (before the run's end is announced, so every row arrives first). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.length === 0) return
    const updates = this.pending
    this.pending = []
    this.last = performance.now()
    this.send(joinUpdates(this.runId, updates))
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.pending = []
  }
}

/** Consecutive updates as one chunk. The newest schema wins (each one describes everything so far). */
export function joinUpdates(runId: number, updates: TraceUpdate[]): TraceChunk {
  let schema: TraceSchema | null = null
  const strings: string[] = []
  const details: unknown[] = []
  for (const u of updates) {
    if (u.schema !== null) schema = u.schema
    for (const s of u.strings) strings.push(s)
    for (const x of u.details) details.push(x)
  }
  return {
    runId,
    from: updates[0].from,
    rows: updates.length === 1 ? updates[0].rows : joinColumns(updates.map((u) => u.rows)),
    strings,
    details,
    schema,
  }
}

function joinColumns(parts: TraceColumns[]): TraceColumns {
  const n = parts.reduce((sum, p) => sum + p.ts.length, 0)
  const first = parts[0]
  const out = {} as Record<keyof TraceColumns, TraceColumns[keyof TraceColumns]>
  for (const key of Object.keys(first) as (keyof TraceColumns)[]) {
    const Type = first[key].constructor as new (n: number) => TraceColumns[keyof TraceColumns]
    const column = new Type(n)
    let at = 0
    for (const p of parts) {
      ;(column as Float64Array).set(p[key] as Float64Array, at)
      at += p[key].length
    }
    out[key] = column
  }
  return out as unknown as TraceColumns
}

/**
 * A whole recorded trace as chunks (a trace opened from a file): one per recorder chunk, the first
 * with every string, every detail and the schema. Rows are copied, so the chunks can be transferred
 * while the recorder keeps its own.
 */
export function recorderChunks(runId: number, trace: TraceRecorder): TraceChunk[] {
  const out: TraceChunk[] = []
  for (let from = 0, i = 0; from < trace.count || i === 0; from += CHUNK_ROWS, i++) {
    const n = Math.min(CHUNK_ROWS, trace.count - from)
    const chunk = trace.chunks[i]
    const rows = {} as Record<keyof TraceColumns, TraceColumns[keyof TraceColumns]>
    for (const key of TRACE_COLUMN_KEYS) rows[key] = chunk === undefined ? new COLUMN_TYPES[key](0) : (chunk[key] as Float64Array).slice(0, n)
    out.push({
      runId,
      from,
      rows: rows as unknown as TraceColumns,
      strings: i === 0 ? [...trace.strings.list] : [],
      details: i === 0 ? [...trace.details] : [],
      schema: i === 0 ? structuredClone(trace.schema()) : null,
    })
    if (n <= 0) break
  }
  return out
}

const COLUMN_TYPES = {
  kind: Uint8Array,
  depth: Uint8Array,
  track: Uint16Array,
  args: Uint16Array,
  name: Uint32Array,
  detail: Int32Array,
  ts: Float64Array,
  x: Float64Array,
  a0: Float64Array,
  a1: Float64Array,
  a2: Float64Array,
} as const satisfies Record<keyof TraceColumns, unknown>
const TRACE_COLUMN_KEYS = Object.keys(COLUMN_TYPES) as (keyof TraceColumns)[]
