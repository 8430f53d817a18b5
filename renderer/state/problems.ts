import type { Problem } from '../../main/contract/api.js'
import { formatDuration } from '../timeline/timeFormat.js'

/**
 * The problems list: what blocks a run (compile, project, scenario errors) first, then what runs
 * found (verifier findings, bug checks, failed expectations) in time order; counts per severity;
 * the text of a location and a time.
 */

const BLOCKING: ReadonlySet<Problem['source']> = new Set(['compile', 'project', 'scenario'])
const SEVERITY_RANK: Record<Problem['severity'], number> = { error: 0, warning: 1, info: 2 }

/** Sorted copy: blocking problems by file and line, then run-time ones by time (then severity). */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const ba = BLOCKING.has(a.p.source) ? 0 : 1
      const bb = BLOCKING.has(b.p.source) ? 0 : 1
      if (ba !== bb) return ba - bb
      if (ba === 0) {
        const fa = a.p.location?.file ?? ''
        const fb = b.p.location?.file ?? ''
        if (fa !== fb) return fa < fb ? -1 : 1
        const la = a.p.location?.line ?? 0
        const lb = b.p.location?.line ?? 0
        if (la !== lb) return la - lb
      } else {
        const ta = a.p.timeNs ?? Infinity
        const tb = b.p.timeNs ?? Infinity
        if (ta !== tb) return ta - tb
      }
      return SEVERITY_RANK[a.p.severity] - SEVERITY_RANK[b.p.severity] || a.i - b.i
    })
    .map((x) => x.p)
}

export interface ProblemCounts {
  error: number
  warning: number
  info: number
}

export function countProblems(problems: readonly Problem[]): ProblemCounts {
  const c: ProblemCounts = { error: 0, warning: 0, info: 0 }
  for (const p of problems) c[p.severity]++
  return c
}

/** "driver.ts:12:5", or "" without a location. */
export function locationText(p: Problem): string {
  const l = p.location
  return l === undefined ? '' : `${l.file}:${l.line}:${l.column}`
}

/** "12.345 ms", or "" for problems that are not at a time. */
export function timeText(p: Problem): string {
  return p.timeNs === undefined ? '' : formatDuration(p.timeNs)
}

/** One line for a screen reader or a copy: "error: message (code) at file:line, 1.2 ms". */
export function problemSummary(p: Problem): string {
  const parts = [`${p.severity}: ${p.message}`]
  if (p.code !== undefined) parts[0] += ` (${p.code})`
  if (p.count !== undefined) parts[0] += `, ${p.count} times`
  const where = locationText(p)
  if (where !== '') parts.push(`at ${where}`)
  const when = timeText(p)
  if (when !== '') parts.push(`t = ${when}`)
  return parts.join(', ')
}

/** Problems with a location, grouped by project-relative file. */
export function problemsByFile(problems: readonly Problem[]): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>()
  for (const p of problems) {
    if (p.location === undefined) continue
    let list = out.get(p.location.file)
    if (list === undefined) out.set(p.location.file, (list = []))
    list.push(p)
  }
  return out
}

/** The index `delta` steps from `current` in a list of `n`, wrapping; -1 (none) goes to the first or last. */
export function stepIndex(current: number, delta: number, n: number): number {
  if (n === 0) return -1
  if (current < 0 || current >= n) return delta >= 0 ? 0 : n - 1
  return (((current + delta) % n) + n) % n
}
