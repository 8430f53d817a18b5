import { errorFindingTotal, findingTotal, type RunReport } from '../contract/report.js'
import type { BugcheckInfo, SourceLocation } from '../sim/bugcheck.js'
import { formatDuration } from '../contract/time.js'

export type { ExpectationResult, RunReport } from '../contract/report.js'

export function bugcheckForReport(b: BugcheckInfo | null): RunReport['bugcheck'] {
  if (b === null) return null
  return {
    code: `0x${b.code.toString(16).toUpperCase().padStart(8, '0')}`,
    name: b.name,
    message: b.message,
    callback: b.callback,
    location: b.location,
    stack: b.stack,
    timeNs: b.timeNs,
  }
}

function where(loc: SourceLocation | null | undefined): string {
  return loc ? ` at ${loc.file}:${loc.line}:${loc.column}` : ''
}

/** The human summary `mdwb run` prints. */
export function formatSummary(r: RunReport): string {
  const lines: string[] = []
  lines.push(`${r.result === 'pass' ? 'PASS' : 'FAIL'}  ${r.driver}  scenario ${r.scenario}  seed ${r.seed}  card ${r.card}`)
  const ratio = r.wallTimeMs > 0 ? ` (${(r.virtualTimeNs / 1e6 / r.wallTimeMs).toFixed(0)}x real time)` : ''
  lines.push(`  virtual time ${formatDuration(r.virtualTimeNs)} in ${r.wallTimeMs.toFixed(0)} ms wall${ratio}`)
  lines.push(`  frames: ${r.frames.delivered} delivered, ${r.frames.dropped} dropped, ${r.frames.abortedAtStop ?? 0} aborted at stop, ${r.frames.torn} torn, ${r.frames.stale} stale`)
  if (r.audio.buffers > 0) lines.push(`  audio: ${r.audio.buffers} buffers, ${r.audio.bytes} bytes`)
  lines.push(`  SRBs: ${r.srbs.total} total, ${r.srbs.completed} completed, ${r.srbs.cancelled} cancelled, ${r.srbs.timedOut} timed out, ${r.srbs.outstanding} outstanding`)
  if (r.interrupts.raised > 0) lines.push(`  interrupts: ${r.interrupts.raised} raised, ${r.interrupts.claimed} claimed, ${r.interrupts.spurious} spurious`)
  const errors = errorFindingTotal(r)
  const total = findingTotal(r)
  lines.push(`  verifier: ${total} finding(s)${total ? `, ${errors} error(s)` : ''}`)
  for (const f of r.verifier.slice(0, 20)) {
    lines.push(`    ${f.severity === 'error' ? 'error  ' : 'warning'} ${f.rule}: ${f.message}${where(f.location)}${f.callback ? ` [${f.callback}]` : ''} @ ${formatDuration(f.timeNs)}${f.count !== undefined && f.count > 1 ? ` (${f.count} times)` : ''}`)
  }
  if (r.verifier.length > 20) lines.push(`    ... ${r.verifier.length - 20} more in the report`)
  if (r.bugcheck) {
    lines.push(`  BUGCHECK ${r.bugcheck.code} ${r.bugcheck.name}: ${r.bugcheck.message}${where(r.bugcheck.location)}`)
    if (r.bugcheck.stack) lines.push(r.bugcheck.stack.replace(/^/gm, '    '))
  }
  for (const h of r.hotSwaps ?? []) {
    lines.push(`  hot swap @ ${formatDuration(h.timeNs)}: ${h.ok ? `replaced ${h.replaced.join(', ') || 'nothing'}${h.kept.length ? `; kept old code: ${h.kept.join(', ')}` : ''}` : `refused: ${h.error}`}`)
  }
  for (const e of r.expectations) if (!e.ok) lines.push(`  expectation ${e.name} ${e.expected}: got ${e.actual}`)
  if (!r.run.completed && r.run.reason) lines.push(`  scenario: ${r.run.reason}`)
  for (const f of r.failures) lines.push(`  -> ${f}`)
  return lines.join('\n')
}
