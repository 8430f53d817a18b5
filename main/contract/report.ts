/**
 * What a run produced, as data: the report (`mdwb run --report`; README, "Running a driver"), the findings and bug checks in
 * it, the result of a hot swap and the comparison of two runs. The command line writes these as JSON,
 * the workbench shows them; both sides import them from here.
 */

/** A place in the user's source (1-based line and column); `file` is relative to the project. */
export interface SourceLocation {
  file: string
  line: number
  column: number
}

export type Severity = 'error' | 'warning'

/** One verifier finding (docs/verifier-rules.md). */
export interface Finding {
  rule: string
  severity: Severity
  message: string
  timeNs: number
  srb?: { id: number; command: string; stream: number | null }
  callback?: string
  location?: SourceLocation
  /**
   * How many times this rule fired at this site (the same file:line, or the same callback when there
   * is no location), when more than once; the message and time are the first one's.
   */
  count?: number
}

/** One expectation of the scenario, checked at the end. */
export interface ExpectationResult {
  name: string
  expected: number
  actual: number
  ok: boolean
}

/** The format a stream was opened with, and which of the driver's data ranges gave it (docs/scenarios.md, "Formats"). */
export interface StreamFormatReport {
  stream: number
  kind: 'video' | 'audio' | 'other'
  /** The format the driver's intersection returned and the stream opened with: "YUY2 640x480 @ 30 fps". */
  format: string
  /** The index of the driver's range the client handed to SRB_GET_DATA_INTERSECTION; null: the client's own range. */
  range: number | null
  /**
   * How that range was chosen: 'index' (the scenario named it), 'preferred' (it offers the preset's
   * preferred format), 'first' (the stream's first range of its kind: nothing asked, or the preferred
   * format is not offered), 'requested' (it offers the scenario's explicit format), 'client' (no range
   * declares the explicit format: the client's own range, and the driver's intersection decided).
   */
  chosen: 'index' | 'preferred' | 'first' | 'requested' | 'client'
}

/** The report of a run. Field names are a contract: CI scripts read them. */
export interface RunReport {
  driver: string
  scenario: string
  seed: number
  card: string
  synchronization: 'on' | 'off' | null
  virtualTimeNs: number
  wallTimeMs: number
  /** 'pass' exactly when the exit status is 0. */
  result: 'pass' | 'fail'
  exitCode: 0 | 1
  /** Why the run failed, one line each (empty on pass). */
  failures: string[]
  /**
   * How the scenario ended. `unsupported`: the driver lacks what the scenario needs (a stream, enough
   * data ranges): not applicable, which `mdwb check` shows as skip. `formats`: the format each opened
   * stream ran in, in the order of the opens (absent in reports of older versions).
   */
  run: { completed: boolean; step: string | null; reason: string | null; unsupported?: boolean; formats?: StreamFormatReport[] }
  /**
   * Video frames. `dropped`: frames the card or the driver lost while the stream ran (gaps in
   * PictureNumber, the driver's DropCount). `abortedAtStop`: frames the card was filling when the
   * application stopped the stream (left RUN or closed the pin), which that stop ended: not drops
   * (absent in reports of older versions).
   */
  frames: { delivered: number; dropped: number; abortedAtStop?: number; torn: number; stale: number }
  audio: { buffers: number; bytes: number }
  srbs: { total: number; byCommand: Record<string, number>; completed: number; cancelled: number; timedOut: number; outstanding: number }
  interrupts: { raised: number; claimed: number; spurious: number }
  verifier: Finding[]
  /** Findings per rule, including those beyond the listing cap. */
  findingCounts: Record<string, number>
  /** Findings of severity error, including those beyond the listing cap (absent in reports of older versions). */
  verifierErrors?: number
  bugcheck: null | { code: string; name: string; message: string; callback: string | null; location: SourceLocation | null; stack: string | null; timeNs: number }
  expectations: ExpectationResult[]
  debugOutput: { timeNs: number; text: string }[]
  traceEvents: number
  /** Hot swaps during the run: when, which exports were replaced, which held functions kept old code. */
  hotSwaps?: { timeNs: number; ok: boolean; error: string | null; replaced: string[]; kept: string[] }[]
}

/** What a hot swap did. */
export interface SwapResult {
  ok: boolean
  error: string | null
  /** Export names whose new code the class driver now calls. */
  replaced: string[]
  /** Functions the class driver holds that were not exports of the old module: they keep their old code. */
  kept: string[]
  /** Virtual time of the swap. */
  timeNs: number
}

/** One event, as a diff shows it. */
export interface DiffEvent {
  ts: number
  kind: number
  name: string
  /** Duration (slices), or the id (async spans, flows). */
  x: number
  args: string
}

/** One track of two runs compared. */
export interface TrackDiff {
  track: string
  before: number
  after: number
  /** Index and time of the first event that differs (or that only one run has), or null when equal. */
  firstIndex: number | null
  firstNs: number | null
  beforeEvent: DiffEvent | null
  afterEvent: DiffEvent | null
}

/** Two runs of the same scenario and seed compared (the replay of issue 4). */
export interface RunDiff {
  identical: boolean
  /** Virtual time of the earliest divergence on any track, or null. */
  firstDivergenceNs: number | null
  /** The track where it happened. */
  firstTrack: string | null
  tracks: TrackDiff[]
  frames: { before: RunReport['frames']; after: RunReport['frames'] }
  /** Finding counts per rule that changed. */
  findings: { rule: string; before: number; after: number }[]
  bugcheck: { before: string | null; after: string | null }
}

/** All findings of a run, listed or only counted. */
export function findingTotal(r: RunReport): number {
  return Math.max(Object.values(r.findingCounts).reduce((a, b) => a + b, 0), r.verifier.length)
}

/** Findings of severity error, listed or only counted (for an older report: the listed ones). */
export function errorFindingTotal(r: RunReport): number {
  return r.verifierErrors ?? r.verifier.filter((f) => f.severity === 'error').length
}

/**
 * A preset's row in `mdwb check`: 'skip' when the scenario does not apply to the driver (no audio
 * stream, a single data range). Then its expectations (frames it never asked for) do not apply
 * either, and findings the driver produced before the scenario found out (in start-device, which
 * every other preset runs too) are reported there; a bug check still fails it.
 */
export function presetResult(r: RunReport): 'pass' | 'fail' | 'skip' {
  if (r.run.unsupported !== true || r.bugcheck !== null) return r.result
  const others = r.failures.filter((f) => f !== r.run.reason && !/^\d+ verifier error\(s\)$/.test(f) && !f.startsWith('expectation '))
  return others.length === 0 ? 'skip' : 'fail'
}
