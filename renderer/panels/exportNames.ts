/**
 * The export panel's text: where an export goes by default (the project's exports/ folder, a name per
 * run and kind, relative to the project as every path the backend takes), byte counts, and how runs
 * are named in the pickers.
 */
import type { ExportKind, RunSummary } from '../../main/contract/api.js'

export const EXPORT_KINDS: readonly { kind: ExportKind; label: string; extension: string }[] = [
  { kind: 'chrome-json', label: 'Chrome trace JSON (Perfetto, chrome://tracing)', extension: '.trace.json' },
  { kind: 'perfetto', label: 'Perfetto protobuf (ui.perfetto.dev, trace_processor)', extension: '.pftrace' },
  { kind: 'srb-csv', label: 'SRB CSV (one row per request)', extension: '.srbs.csv' },
  { kind: 'report-json', label: 'Report JSON (mdwb run --report)', extension: '.report.json' },
]

/**
 * `exports/<driver>-<scenario>-run<N><ext>`, relative to the project: the name the backend gives an
 * export when the page names none (main/host/backend/exports.ts exportFileName), so the path shown is
 * the path written.
 */
export function defaultExportPath(kind: ExportKind, run: { runId: number; driver: string | null; scenario: string | null }): string {
  const ext = EXPORT_KINDS.find((k) => k.kind === kind)?.extension ?? '.out'
  return `exports/${namePart(run.driver)}-${namePart(run.scenario)}-run${run.runId}${ext}`
}

// A file or scenario name as a safe file name part: base name without its extension.
function namePart(text: string | null): string {
  const base = (text ?? '').replace(/\\/g, '/').split('/').pop()!.replace(/\.(ts|js|json|mts|cts)$/i, '')
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|[._]+$/g, '')
  return safe.length > 0 ? safe.slice(0, 60) : 'run'
}

/** "812 B", "14.2 KB", "3.51 MB" (1024-based, as file managers show). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let v = bytes / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`
}

/** "#3 replay of #2 · capture · seed 1 · pass". */
export function runLabel(summary: RunSummary): string {
  const { run, report } = summary
  const origin = run.origin === 'replay' ? `replay${run.replayOf !== null ? ` of #${run.replayOf}` : ''}` : run.origin === 'file' ? 'trace file' : 'run'
  const result = report === null ? 'running' : report.result
  const driver = run.driver.split('/').pop() ?? run.driver
  return `#${run.runId} ${origin} · ${driver} · ${run.scenario} · seed ${run.seed} · ${result}`
}

/** Progress as a fraction 0..1 (0 when the total is not known yet). */
export function progressFraction(done: number, total: number): number {
  return total > 0 ? Math.min(1, Math.max(0, done / total)) : 0
}
