import type { Finding } from '../../contract/report.js'
import type { SourceLocation } from '../../sim/bugcheck.js'
import type { Kernel } from '../../sim/kernel.js'
import { ruleInfo, type Severity } from './rules.js'

/** One verifier finding, as it appears in the report (defined in main/contract). */
export type { Finding }

export interface FindingContext {
  srb?: { id: number; command: string; stream: number | null }
  /** The callback that was running (defaults to the running one). */
  callback?: string | null
  /** Overrides the rule's default severity where the documentation says so. */
  severity?: Severity
  /** A known location; otherwise taken from the user's frame on the stack. */
  location?: SourceLocation | null
}

/** Finds the user's source location of the innermost user frame on the current stack. */
export type Locator = () => SourceLocation | null

/** Findings kept per rule in the report; the rest are counted. */
const KEPT_PER_RULE = 50

/**
 * Collects verifier findings: stores them for the report, counts them per rule, and puts each on the
 * trace's verifier track at the virtual time it happened.
 */
export class Verifier {
  readonly findings: Finding[] = []
  readonly counts = new Map<string, number>()
  errors = 0
  warnings = 0
  private readonly track: number
  private readonly ruleNames = new Map<string, number>()
  private readonly args: number

  constructor(
    private readonly kernel: Kernel,
    private readonly locate: Locator,
    /** Returns the name of the minidriver callback running now, if any. */
    private readonly currentCallback: () => string | null,
  ) {
    const t = kernel.trace
    this.track = t.defineTrack({ name: 'Verifier', group: 'Verifier', kind: 'instants', order: 0 })
    t.defineEnum('Severity', { 0: 'error', 1: 'warning' })
    this.args = t.defineArgs('finding', [
      { name: 'severity', format: 'enum:Severity' },
      { name: 'srb', format: 'int' },
    ])
  }

  report(rule: string, message: string, ctx: FindingContext = {}): Finding {
    const info = ruleInfo(rule)
    const severity = ctx.severity ?? info.severity
    const finding: Finding = { rule, severity, message, timeNs: this.kernel.now() }
    if (ctx.srb) finding.srb = ctx.srb
    const callback = ctx.callback !== undefined ? ctx.callback : this.currentCallback()
    if (callback) finding.callback = callback
    const location = ctx.location !== undefined ? ctx.location : this.locate()
    if (location) finding.location = location
    const n = (this.counts.get(rule) ?? 0) + 1
    this.counts.set(rule, n)
    if (severity === 'error') this.errors++
    else this.warnings++
    if (n <= KEPT_PER_RULE) this.findings.push(finding)
    let name = this.ruleNames.get(rule)
    if (name === undefined) {
      name = this.kernel.trace.strings.intern(rule)
      this.ruleNames.set(rule, name)
    }
    this.kernel.trace.instant(this.track, finding.timeNs, name, this.args, severity === 'error' ? 0 : 1, ctx.srb?.id ?? 0, 0, finding)
    return finding
  }

  /** Findings beyond the per-rule cap, which the report counts but does not list. */
  suppressed(): number {
    let s = 0
    for (const n of this.counts.values()) if (n > KEPT_PER_RULE) s += n - KEPT_PER_RULE
    return s
  }
}
