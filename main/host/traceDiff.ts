import type { TraceRecorder } from '../sim/trace/recorder.js'
import { eventArgs, formatArg } from './chromeTrace/chromeTraceExport.js'
import type { DiffEvent, RunDiff, RunReport, TrackDiff } from '../contract/report.js'

export type { DiffEvent, RunDiff, TrackDiff } from '../contract/report.js'

/**
 * Compares two traces track by track (matched by name: ids may differ between runs), each track's
 * events in time order, by kind, time, name, duration or id, and arguments as the Chrome export writes
 * them (so a run and a trace opened from its export compare equal). The earliest first difference is
 * where the runs diverged. A trace opened from a file has no report: frames, findings and bug checks
 * are then compared only where both sides have them (the known side's frames stand for both).
 */
export function diffRuns(before: { trace: TraceRecorder; report: RunReport | null }, after: { trace: TraceRecorder; report: RunReport | null }): RunDiff {
  const a = eventsByTrack(before.trace)
  const b = eventsByTrack(after.trace)
  const names = [...new Set([...a.keys(), ...b.keys()])]
  const tracks: TrackDiff[] = []
  for (const track of names) {
    const x = a.get(track) ?? []
    const y = b.get(track) ?? []
    let i = 0
    while (i < x.length && i < y.length && same(x[i], y[i])) i++
    const differs = i < x.length || i < y.length
    const ts = differs ? Math.min(x[i]?.ts ?? Infinity, y[i]?.ts ?? Infinity) : null
    tracks.push({ track, before: x.length, after: y.length, firstIndex: differs ? i : null, firstNs: ts, beforeEvent: x[i] ?? null, afterEvent: y[i] ?? null })
  }
  let first: TrackDiff | null = null
  for (const t of tracks) if (t.firstNs !== null && (first === null || t.firstNs < first.firstNs!)) first = t
  const both = before.report !== null && after.report !== null
  const counts = (r: RunReport | null) => (both ? r!.findingCounts : {})
  const rules = new Set([...Object.keys(counts(before.report)), ...Object.keys(counts(after.report))])
  const findings = [...rules]
    .map((rule) => ({ rule, before: counts(before.report)[rule] ?? 0, after: counts(after.report)[rule] ?? 0 }))
    .filter((f) => f.before !== f.after)
  const bug = (r: RunReport | null) => (both && r!.bugcheck ? `${r!.bugcheck.name}: ${r!.bugcheck.message}` : null)
  const noFrames: RunReport['frames'] = { delivered: 0, dropped: 0, abortedAtStop: 0, torn: 0, stale: 0 }
  const frames = (r: RunReport | null) => r?.frames ?? before.report?.frames ?? after.report?.frames ?? noFrames
  return {
    identical: first === null,
    firstDivergenceNs: first?.firstNs ?? null,
    firstTrack: first?.track ?? null,
    tracks: tracks.sort((p, q) => (p.firstNs ?? Infinity) - (q.firstNs ?? Infinity) || p.track.localeCompare(q.track)),
    frames: { before: frames(before.report), after: frames(after.report) },
    findings,
    bugcheck: { before: bug(before.report), after: bug(after.report) },
  }
}

function same(p: DiffEvent, q: DiffEvent): boolean {
  return p.ts === q.ts && p.kind === q.kind && p.name === q.name && p.x === q.x && p.args === q.args
}

/** Every event of a trace as comparable values, grouped by track name, in time order. */
function eventsByTrack(trace: TraceRecorder): Map<string, DiffEvent[]> {
  const c = trace.columns()
  const layouts = trace.argLayouts
  const out = new Map<string, DiffEvent[]>()
  for (let i = 0; i < trace.count; i++) {
    const info = trace.tracks[c.track[i]]
    const track = info?.name ?? `track ${c.track[i]}`
    let list = out.get(track)
    if (list === undefined) out.set(track, (list = []))
    const layout = layouts[c.args[i]]
    const values = [c.a0[i], c.a1[i], c.a2[i]]
    // Arguments as the export writes them (enum names, hex; details merged in), so that a trace opened
    // from its export compares equal to the run.
    const args =
      c.detail[i] >= 0
        ? JSON.stringify(eventArgs(trace, c, i))
        : (layout?.fields ?? []).map((f, k) => String(formatArg(trace, f.format, values[k]))).join(',')
    list.push({ ts: c.ts[i], kind: c.kind[i], name: trace.strings.get(c.name[i]), x: c.x[i], args })
  }
  // Events at the same time in a fixed order of what is compared (not recording order, which a trace
  // opened from a file does not have).
  for (const list of out.values()) list.sort(eventOrder)
  return out
}

function eventOrder(p: DiffEvent, q: DiffEvent): number {
  return p.ts - q.ts || p.kind - q.kind || (p.name < q.name ? -1 : p.name > q.name ? 1 : 0) || p.x - q.x || (p.args < q.args ? -1 : p.args > q.args ? 1 : 0)
}

/** The diff in a few lines, as `mdwb run --watch` prints it. */
export function formatDiff(d: RunDiff): string {
  if (d.identical) return '  replay: identical to the previous run'
  const ms = (ns: number | null) => (ns === null ? '?' : `${(ns / 1e6).toFixed(3)} ms`)
  const lines = [`  replay: first divergence at ${ms(d.firstDivergenceNs)} on "${d.firstTrack}"`]
  const t = d.tracks[0]
  if (t.beforeEvent || t.afterEvent) {
    // A slice's x is its duration; async spans and flows carry an id there.
    const extra = (e: DiffEvent) => (e.kind === 1 ? `, ${(e.x / 1000).toFixed(3)} µs long` : e.x !== 0 ? `, id ${e.x}` : '')
    const show = (e: DiffEvent | null) => (e === null ? '(nothing)' : `${e.name} @ ${ms(e.ts)}${extra(e)}${e.args ? ` (${e.args})` : ''}`)
    lines.push(`    before: ${show(t.beforeEvent)}`, `    after:  ${show(t.afterEvent)}`)
  }
  const changed = d.tracks.filter((x) => x.before !== x.after).slice(0, 8)
  for (const x of changed) lines.push(`    ${x.track}: ${x.before} -> ${x.after} events`)
  const f = d.frames
  if (JSON.stringify(f.before) !== JSON.stringify(f.after)) lines.push(`    frames: ${f.before.delivered} -> ${f.after.delivered} delivered, ${f.before.dropped} -> ${f.after.dropped} dropped`)
  for (const x of d.findings) lines.push(`    ${x.rule}: ${x.before} -> ${x.after}`)
  if (d.bugcheck.before !== d.bugcheck.after) lines.push(`    bug check: ${d.bugcheck.before ?? 'none'} -> ${d.bugcheck.after ?? 'none'}`)
  return lines.join('\n')
}
