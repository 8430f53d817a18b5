import type { Comparison } from '../../main/contract/api.js'
import { formatTimestamp } from '../timeline/timeFormat.js'

/**
 * A comparison of two runs (a replay against the run it replays, or two runs picked by hand) in
 * a few lines for the banner: where they first diverged, and what changed in frames, findings and
 * bug checks.
 */

export interface ComparisonSummary {
  identical: boolean
  headline: string
  /** Where the timeline should jump (the first divergence), or null. */
  jumpNs: number | null
  track: string | null
  details: string[]
}

export function summarizeComparison(c: Comparison): ComparisonSummary {
  const d = c.diff
  const details: string[] = []
  const fb = d.frames.before
  const fa = d.frames.after
  for (const k of ['delivered', 'dropped', 'torn', 'stale'] as const) {
    if (fb[k] !== fa[k]) details.push(`frames ${k}: ${fb[k]} → ${fa[k]}`)
  }
  if ((fb.abortedAtStop ?? 0) !== (fa.abortedAtStop ?? 0)) details.push(`frames aborted at stop: ${fb.abortedAtStop ?? 0} → ${fa.abortedAtStop ?? 0}`)
  for (const f of d.findings) details.push(`${f.rule}: ${f.before} → ${f.after}`)
  if (d.bugcheck.before !== d.bugcheck.after) details.push(`bug check: ${d.bugcheck.before ?? 'none'} → ${d.bugcheck.after ?? 'none'}`)
  const pair = `run ${c.after} against run ${c.before}`
  if (d.identical) return { identical: true, headline: `No difference: ${pair} is identical`, jumpNs: null, track: null, details }
  const where = d.firstDivergenceNs === null ? 'diverged' : `first diverged at ${formatTimestamp(d.firstDivergenceNs)}${d.firstTrack !== null ? ` on ${d.firstTrack}` : ''}`
  return { identical: false, headline: `${pair}: ${where}`, jumpNs: d.firstDivergenceNs, track: d.firstTrack, details }
}
