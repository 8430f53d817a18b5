import { compileDriver } from '../../main/host/compile.js'
import { Session } from '../../main/host/session.js'
import { buildPreset } from '../../main/client/scenario/presets.js'
import { exportChromeTrace } from '../../main/host/chromeTrace/chromeTraceExport.js'

/** Producing real exported traces for tests, and reading the facts consumers are checked against. */

export interface TraceEvent {
  ph: string
  name?: string
  cat?: string
  ts?: number
  dur?: number
  pid?: number
  tid?: number
  id?: number | string
  [key: string]: unknown
}

export interface TraceDoc {
  displayTimeUnit?: string
  otherData?: Record<string, unknown>
  traceEvents: TraceEvent[]
}

/** Runs examples/testcap.ts through the capture preset and returns the Chrome trace JSON text. */
export async function testcapCaptureTrace(durationNs = 1e9): Promise<string> {
  const r = await compileDriver('examples/testcap.ts')
  if (!r.ok) throw new Error(`examples/testcap.ts does not compile: ${JSON.stringify(r.errors)}`)
  const session = new Session({ driver: r.driver, scenario: buildPreset('capture', { durationNs }), timeLimitNs: 60e9 })
  const report = session.run()
  return exportChromeTrace(session.machine.kernel.trace, { metadata: { driver: report.driver } })
}

/** Runs the VCAP-1 reference driver through the capture preset: DMA tracks and flows through the card. */
export async function vcap1CaptureTrace(durationNs = 5e8): Promise<string> {
  const r = await compileDriver('examples/vcap1-capture.ts')
  if (!r.ok) throw new Error(`examples/vcap1-capture.ts does not compile: ${JSON.stringify(r.errors)}`)
  const session = new Session({ driver: r.driver, scenario: buildPreset('capture', { durationNs }), timeLimitNs: 60e9 })
  const report = session.run()
  if (report.result !== 'pass') throw new Error(`vcap1 capture failed: ${report.failures.join('; ')}`)
  return exportChromeTrace(session.machine.kernel.trace, { metadata: { driver: report.driver } })
}

export function parseTrace(text: string): TraceDoc {
  return JSON.parse(text) as TraceDoc
}

/** Time bounds in microseconds (the file's unit): first event start, last event end (X counts its dur). */
export function traceBoundsUs(doc: TraceDoc): { min: number; max: number } {
  let min = Infinity
  let max = -Infinity
  for (const ev of doc.traceEvents) {
    if (ev.ph === 'M' || typeof ev.ts !== 'number') continue
    min = Math.min(min, ev.ts)
    max = Math.max(max, ev.ts + (ev.ph === 'X' ? (ev.dur ?? 0) : 0))
  }
  return { min, max }
}

/** Number of flows (one `s` each; the export writes no `t`, so every flow is one arrow). */
/** Flow arrows as viewers draw them: one per consecutive pair of events (s, t..., f) of a flow id. */
export function countFlowArrows(doc: TraceDoc): number {
  const perId = new Map<string, number>()
  for (const ev of doc.traceEvents) if (ev.ph === 's' || ev.ph === 't' || ev.ph === 'f') perId.set(`${ev.cat}/${String(ev.id)}`, (perId.get(`${ev.cat}/${String(ev.id)}`) ?? 0) + 1)
  let arrows = 0
  for (const n of perId.values()) arrows += n - 1
  return arrows
}

export function countFlowStarts(doc: TraceDoc): number {
  return doc.traceEvents.filter((ev) => ev.ph === 's').length
}

/** A deep copy, so negative controls can break one event without touching the shared trace. */
export function cloneTrace(doc: TraceDoc): TraceDoc {
  return structuredClone(doc)
}
