import { EventKind, type TraceRecorder } from '../../sim/trace/recorder.js'
import type { ArgFormat } from '../../contract/trace.js'
import { formatArg } from '../chromeTrace/chromeTraceExport.js'

/** Columns of the SRB CSV export, one row per SRB. */
export const SRB_CSV_HEADER = ['srb', 'command', 'stream', 'queue', 'submitted_ns', 'delivered_ns', 'completed_ns', 'latency_ns', 'status', 'bytes']

/**
 * One row per SRB, rebuilt from the SRB lifetimes on the trace (begin, delivered, end). SRBs still
 * open when the run ended have empty completion columns.
 */
export function exportSrbCsv(recorder: TraceRecorder): string {
  const t = recorder.columns()
  // Command (a begin's first argument) and status (an end's) decoded through the row's arg layout:
  // enum names in a run, the names as text in a trace opened from a file; an unknown status as hex.
  const first = (row: number, fallback: ArgFormat) => formatArg(recorder, recorder.argLayouts[t.args[row]]?.fields[0]?.format ?? fallback, t.a0[row])
  interface Row {
    id: number
    command: string
    stream: string
    queue: string
    submitted: number
    delivered: number
    completed: number
    status: string
    bytes: string
  }
  const rows = new Map<number, Row>()
  for (let i = 0; i < t.ts.length; i++) {
    const kind = t.kind[i]
    if (kind !== EventKind.AsyncBegin && kind !== EventKind.AsyncEnd && kind !== EventKind.AsyncInstant) continue
    const id = t.x[i]
    if (kind === EventKind.AsyncBegin) {
      rows.set(id, {
        id,
        command: String(first(i, 'enum:SRB')),
        stream: t.a1[i] < 0 ? '' : String(t.a1[i]),
        queue: recorder.tracks[t.track[i]].name,
        submitted: t.ts[i],
        delivered: -1,
        completed: -1,
        status: '',
        bytes: '',
      })
      continue
    }
    const row = rows.get(id)
    if (!row) continue
    if (kind === EventKind.AsyncInstant) {
      if (row.delivered < 0) row.delivered = t.ts[i]
    } else {
      row.completed = t.ts[i]
      const status = first(i, 'enum:NTSTATUS')
      row.status = typeof status === 'number' ? `0x${(status >>> 0).toString(16)}` : String(status)
      row.bytes = String(t.a1[i])
    }
  }
  const lines = [SRB_CSV_HEADER.join(',')]
  for (const r of [...rows.values()].sort((a, b) => a.id - b.id)) {
    const opt = (n: number) => (n < 0 ? '' : String(n))
    lines.push([r.id, r.command, r.stream, csv(r.queue), r.submitted, opt(r.delivered), opt(r.completed), r.completed < 0 ? '' : r.completed - r.submitted, r.status, r.bytes].join(','))
  }
  return `${lines.join('\n')}\n`
}

function csv(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
