import type { RunStatus } from '../../main/contract/api.js'
import { errorFindingTotal, findingTotal, type RunReport } from '../../main/contract/report.js'

/**
 * The status bar's text, from the last `status` event: virtual time, speed against the wall clock,
 * frames, drops, findings, run state. Pure, so the exact wording is tested in Node.
 */

export type Tone = 'normal' | 'good' | 'warn' | 'bad'

export interface StatusItem {
  /** Stable id: the status bar's `data-testid` is `status-<id>`. */
  id: 'connection' | 'state' | 'time' | 'speed' | 'frames' | 'drops' | 'findings' | 'bugcheck'
  /** What it is, for screen readers and the tooltip. */
  label: string
  text: string
  tone: Tone
}

export type Connection = 'connecting' | 'open' | 'lost'

/** Virtual time with microsecond resolution: "2.345678 s" (stepping by 100 µs stays visible). */
export function formatVirtualTime(ns: number): string {
  return `${(ns / 1e9).toFixed(6)} s`
}

/** Virtual time over wall time: "0.25x", "1.00x", "12.5x", "312x". */
export function formatSpeedRatio(ratio: number): string {
  if (!Number.isFinite(ratio) || ratio <= 0) return '–'
  if (ratio < 10) return `${ratio.toFixed(2)}x`
  if (ratio < 100) return `${ratio.toFixed(1)}x`
  return `${Math.round(ratio)}x`
}

export function runStateText(status: RunStatus | null): string {
  if (status === null) return 'no run'
  if (status.bugcheck !== null) return 'bug check'
  return status.state
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** The items of the status bar, left to right. */
export function statusItems(status: RunStatus | null, connection: Connection, connectionError: string | null = null): StatusItem[] {
  const items: StatusItem[] = []
  if (connection !== 'open') {
    items.push({
      id: 'connection',
      label: 'Connection to the backend',
      text: connection === 'connecting' ? 'connecting…' : `connection lost${connectionError ? `: ${connectionError}` : ''}`,
      tone: connection === 'lost' ? 'bad' : 'warn',
    })
  }
  const state = runStateText(status)
  items.push({ id: 'state', label: 'Run state', text: state, tone: state === 'bug check' ? 'bad' : state === 'running' ? 'good' : 'normal' })
  if (status === null) return items
  items.push({ id: 'time', label: 'Virtual time', text: formatVirtualTime(status.virtualTimeNs), tone: 'normal' })
  items.push({ id: 'speed', label: 'Virtual time per wall time', text: formatSpeedRatio(status.speedRatio), tone: 'normal' })
  const f = status.frames
  items.push({ id: 'frames', label: 'Frames delivered', text: plural(f.delivered, 'frame'), tone: 'normal' })
  const bad = f.dropped + f.torn + f.stale
  const parts = [`${f.dropped} dropped`]
  if (f.torn > 0) parts.push(`${f.torn} torn`)
  if (f.stale > 0) parts.push(`${f.stale} stale`)
  // Frames the application's own stop cut short: shown apart, and not a warning.
  const aborted = f.abortedAtStop ?? 0
  if (aborted > 0) parts.push(`${aborted} aborted at stop`)
  items.push({ id: 'drops', label: 'Frames dropped, torn or stale (and cut short by a stop, which is not a drop)', text: parts.join(', '), tone: bad > 0 ? 'warn' : 'normal' })
  items.push({
    id: 'findings',
    label: 'Verifier findings (errors)',
    text: status.errors > 0 ? `${plural(status.findings, 'finding')} (${plural(status.errors, 'error')})` : plural(status.findings, 'finding'),
    tone: status.errors > 0 ? 'bad' : status.findings > 0 ? 'warn' : 'good',
  })
  if (status.bugcheck !== null) items.push({ id: 'bugcheck', label: 'Bug check', text: status.bugcheck, tone: 'bad' })
  return items
}

/**
 * The last status of a run known only by its report (a page that connected after the run ended gets
 * the run, its trace and its end, but no status events).
 */
export function statusFromReport(runId: number, r: RunReport): RunStatus {
  return {
    runId,
    state: 'finished',
    virtualTimeNs: r.virtualTimeNs,
    wallMs: r.wallTimeMs,
    speedRatio: r.wallTimeMs > 0 ? r.virtualTimeNs / 1e6 / r.wallTimeMs : 0,
    frames: r.frames,
    audio: r.audio,
    srbs: r.srbs,
    interrupts: r.interrupts,
    findings: findingTotal(r),
    errors: errorFindingTotal(r),
    bugcheck: r.bugcheck === null ? null : r.bugcheck.name,
  }
}
