/**
 * The exports of a run (BackendApi.exportRun), written atomically with progress. docs/exports.md says
 * what each contains and which tools open it.
 *
 * Use from the backend:
 *
 *     const file = request.path ?? defaultExportPath(project.root, run.info, request.kind)
 *     const { path, bytes } = await exportRun(run, request.kind, file, (done, total) =>
 *       emit('exportProgress', { kind: request.kind, runId: run.info.runId, done, total }))
 *
 * - 'chrome-json': Chrome Trace Event JSON (main/host/chromeTrace/chromeTraceExport.ts), the same bytes as
 *   `mdwb run --trace` for the same metadata. Built and written a part at a time (a few thousand rows,
 *   a few milliseconds each) with a turn of the event loop between parts, so a trace of a million rows
 *   never holds the backend for more than the one sort of the rows (~50 ms per 500,000 rows).
 * - 'perfetto': Perfetto protobuf (TrackEvent, main/host/export/perfettoExport.ts), the same bytes as
 *   `mdwb run --perfetto`; written a part at a time like the Chrome JSON.
 * - 'srb-csv': one row per SRB (main/host/export/srbCsv.ts).
 * - 'report-json': the RunReport, pretty-printed as `mdwb run --report` writes it.
 *
 * Progress is in units of work: rows of the trace plus one for the final flush and rename (one unit
 * in all for the small exports). `onProgress(0, total)` comes first, then at least every 5%, and
 * `done === total` exactly once, after the file is in place.
 *
 * A running run can be exported: the trace is taken as it is when the export starts.
 */
import path from 'node:path'
import type { ExportKind, RunInfo } from '../../contract/api.js'
import type { RunReport } from '../../contract/report.js'
import type { TraceRecorder } from '../../sim/trace/recorder.js'
import { CHROME_TRACE_PART_ROWS, chromeTraceParts } from '../chromeTrace/chromeTraceExport.js'
import { PERFETTO_PART_ROWS, perfettoTraceParts } from '../export/perfettoExport.js'
import { exportSrbCsv } from '../export/srbCsv.js'
import { ExportFile } from './exportFile.js'

/** What an export needs of a run: the backend's record of it. */
export interface ExportableRun {
  info: RunInfo
  trace: TraceRecorder
  /** Null while the run is going, and for a trace opened from a file. */
  report: RunReport | null
}

export interface ExportOptions {
  /** Abandons the export (the temporary file is removed, the target untouched); it rejects. */
  signal?: AbortSignal
}

/** File name endings per kind: the two JSON exports must not overwrite each other. */
export const EXPORT_EXTENSIONS: Record<ExportKind, string> = {
  'chrome-json': 'trace.json',
  'srb-csv': 'srbs.csv',
  'report-json': 'report.json',
  perfetto: 'pftrace',
}

/** Progress granularity: a call at least every 1/PROGRESS_STEPS of the rows. */
const PROGRESS_STEPS = 20

/** The default file name for an export of a run: `<driver>-<scenario>-run<id>.<ext>`, e.g. `vcap1-capture-capture-run3.trace.json`. */
export function exportFileName(info: RunInfo, kind: ExportKind): string {
  return `${namePart(info.driver)}-${namePart(info.scenario)}-run${info.runId}.${EXPORT_EXTENSIONS[kind]}`
}

/** Where an export goes when the page names no file: the project's `exports/` folder. */
export function defaultExportPath(projectRoot: string, info: RunInfo, kind: ExportKind): string {
  return path.join(projectRoot, 'exports', exportFileName(info, kind))
}

/** Writes one export of a finished (or running) run, atomically, reporting progress. */
export async function exportRun(
  run: ExportableRun,
  kind: ExportKind,
  file: string,
  onProgress: (done: number, total: number) => void,
  options: ExportOptions = {},
): Promise<{ path: string; bytes: number }> {
  if (kind === 'report-json' && run.report === null) {
    throw new Error(run.info.origin === 'file' ? `run ${run.info.runId} was opened from a trace file and has no report` : `run ${run.info.runId} has no report yet: it is still running`)
  }
  if (!(kind in EXPORT_EXTENSIONS)) throw new Error(`unknown export kind '${kind}' (expected ${Object.keys(EXPORT_EXTENSIONS).join(', ')})`)
  const checkAbort = () => {
    if (options.signal?.aborted) throw new Error(`export to ${file} cancelled`)
  }
  checkAbort()
  const out = await ExportFile.create(file)
  try {
    if (kind === 'chrome-json' || kind === 'perfetto') {
      const total = run.trace.count + 1
      onProgress(0, total)
      const partRows = kind === 'perfetto' ? PERFETTO_PART_ROWS : CHROME_TRACE_PART_ROWS
      const rowsPerPart = Math.max(1, Math.min(partRows, Math.ceil(run.trace.count / PROGRESS_STEPS)))
      const metadata = { metadata: chromeMetadata(run) }
      const parts = kind === 'perfetto' ? perfettoTraceParts(run.trace, metadata, rowsPerPart) : chromeTraceParts(run.trace, metadata, rowsPerPart)
      for (const part of parts) {
        await out.write('text' in part ? part.text : part.bytes)
        if (part.rowsDone < part.rowsTotal) onProgress(part.rowsDone, total)
        // A turn of the event loop between parts: RPC calls and other runs' events go on meanwhile.
        await new Promise<void>((resolve) => setImmediate(resolve))
        checkAbort()
      }
      const written = await out.commit()
      onProgress(total, total)
      return written
    }
    onProgress(0, 1)
    await out.write(kind === 'srb-csv' ? exportSrbCsv(run.trace) : `${JSON.stringify(run.report, null, 2)}\n`)
    checkAbort()
    const written = await out.commit()
    onProgress(1, 1)
    return written
  } catch (e) {
    await out.abandon()
    throw e
  }
}

/** otherData of the Chrome trace (and the Perfetto trace's Run event): what the run was (`mdwb run --trace` writes driver, scenario, seed). */
function chromeMetadata(run: ExportableRun): Record<string, string | number> {
  const { info, report } = run
  return { driver: report?.driver ?? info.driver, scenario: report?.scenario ?? info.scenario, seed: report?.seed ?? info.seed, card: report?.card ?? info.card }
}

/** A path or name reduced to a file-name-safe word: `examples/vcap1-capture.ts` -> `vcap1-capture`. */
function namePart(text: string): string {
  const base = path.posix.basename(text.replace(/\\/g, '/')).replace(/\.(ts|js|json|mts|cts)$/i, '')
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|[._]+$/g, '')
  return safe.length > 0 ? safe.slice(0, 60) : 'run'
}
