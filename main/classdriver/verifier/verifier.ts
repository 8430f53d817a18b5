import type { Finding } from '../../contract/report.js'
import { BUGCHECK, type SourceLocation } from '../../sim/bugcheck.js'
import type { Kernel } from '../../sim/kernel.js'
import { ruleInfo, type RuleId, type Severity } from './rules.js'

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

/** Sites (rule + place) listed per rule in the report; findings at further sites are counted. */
const KEPT_PER_RULE = 50

const DIGITS = /\d+/g

/** The default of the `maxFindings` setting: past this many findings the run stops with bug check 0xC4. */
export const DEFAULT_MAX_FINDINGS = 10_000

/**
 * Collects verifier findings: stores them for the report, counts them per rule, and puts them on the
 * trace's verifier track at the virtual time they happened.
 *
 * The same rule at the same site (its source location file:line, or the callback when there is no
 * location) with the same message but for its numbers (SRB #12, #13) is one finding with a `count`: the report lists it once, the trace gets an instant for
 * its 1st, 2nd, 4th, 8th, ... occurrence (each carrying the count so far), so a driver that repeats a
 * mistake at every frame leaves a few dozen rows, not millions, and the timeline still shows that it
 * went on. Past `maxFindings` findings in all the run stops with DRIVER_VERIFIER_DETECTED_VIOLATION,
 * as Driver Verifier stops a machine, instead of filling memory.
 */
export class Verifier {
  readonly findings: Finding[] = []
  readonly counts = new Map<string, number>()
  errors = 0
  warnings = 0
  /** Findings in all, repeats included. */
  total = 0
  /** Past this many findings the machine bug-checks (0xC4); Infinity: never. */
  maxFindings = DEFAULT_MAX_FINDINGS
  private readonly track: number
  private readonly ruleNames = new Map<string, number>()
  private readonly args: number
  /** The finding of each site (`rule@file:line@message` or `rule@callback@message`), listed or not, and its count. */
  private readonly sites = new Map<string, { finding: Finding; count: number; listed: boolean }>()
  /** Sites per rule (how many are listed is capped). */
  private readonly sitesPerRule = new Map<string, number>()

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

  report(rule: RuleId, message: string, ctx: FindingContext = {}): Finding {
    const info = ruleInfo(rule)
    const severity = ctx.severity ?? info.severity
    const finding: Finding = { rule, severity, message, timeNs: this.kernel.now() }
    if (ctx.srb) finding.srb = ctx.srb
    const callback = ctx.callback !== undefined ? ctx.callback : this.currentCallback()
    if (callback) finding.callback = callback
    const location = ctx.location !== undefined ? ctx.location : this.locate()
    if (location) finding.location = location
    this.counts.set(rule, (this.counts.get(rule) ?? 0) + 1)
    if (severity === 'error') this.errors++
    else this.warnings++
    this.total++
    // The site, and the message with its numbers left out: the same mistake on another SRB (#12, #13)
    // is a repeat; a different problem the rule finds at the same line (a shared completion helper) is not.
    const key = `${rule}@${location ? `${location.file}:${location.line}` : (callback ?? '')}@${message.replace(DIGITS, '#')}`
    let site = this.sites.get(key)
    if (site === undefined) {
      const perRule = (this.sitesPerRule.get(rule) ?? 0) + 1
      this.sitesPerRule.set(rule, perRule)
      site = { finding, count: 0, listed: perRule <= KEPT_PER_RULE }
      this.sites.set(key, site)
      if (site.listed) this.findings.push(finding)
    }
    const count = ++site.count
    if (count > 1) site.finding.count = count
    // The 1st, 2nd, 4th, 8th... occurrence at a site goes on the trace, with the count so far.
    if ((count & (count - 1)) === 0) {
      let name = this.ruleNames.get(rule)
      if (name === undefined) {
        name = this.kernel.trace.strings.intern(rule)
        this.ruleNames.set(rule, name)
      }
      const detail: Finding = count === 1 ? { ...finding } : { ...finding, count }
      this.kernel.trace.instant(this.track, finding.timeNs, name, this.args, severity === 'error' ? 0 : 1, ctx.srb?.id ?? 0, 0, detail)
    }
    if (this.total > this.maxFindings) this.flood(site.finding, count)
    return site.finding
  }

  /** Findings the report counts but does not list: repeats at a listed site, and sites past the per-rule cap. */
  suppressed(): number {
    return this.total - this.findings.length
  }

  /** Too many findings: the machine stops, naming the site that crossed the limit. */
  private flood(f: Finding, count: number): never {
    const where = f.location ? ` at ${f.location.file}:${f.location.line}` : f.callback ? ` in ${f.callback}` : ''
    return this.kernel.bugcheck(
      BUGCHECK.DRIVER_VERIFIER_DETECTED_VIOLATION,
      `verifier findings flood (parameter 1: FINDINGS_LIMIT, maxFindings = ${this.maxFindings}): ${this.total} findings, ${count} of them ${f.rule}${where}; ` +
        'the run stops here instead of recording more (fix the first finding, or raise the maxFindings setting)',
      { callback: f.callback ?? null, location: f.location ?? null },
    )
  }
}
