import type { TraceColumns, TraceSchema } from '../../../main/contract/trace.js'
import { buildPreset } from '../../../main/client/scenario/presets.js'
import { compileDriver } from '../../../main/host/compile.js'
import { Session } from '../../../main/host/session.js'

/** A recorded trace as the backend holds it: schema, string table, chunks, and all rows joined. */
export interface RecordedTrace {
  schema: TraceSchema
  strings: string[]
  chunks: TraceColumns[]
  count: number
  /** Every row, joined from the chunks (the brute-force reference). */
  columns: TraceColumns
}

let cached: Promise<RecordedTrace> | null = null

/** The VCAP-1 reference driver through the capture preset for 1 virtual second (built once per test file). */
export function vcap1Trace(): Promise<RecordedTrace> {
  cached ??= (async () => {
    const r = await compileDriver('examples/vcap1-capture.ts')
    if (!r.ok) throw new Error(`examples/vcap1-capture.ts does not compile: ${JSON.stringify(r.errors)}`)
    const s = new Session({ driver: r.driver, scenario: buildPreset('capture', { durationNs: 1e9 }), timeLimitNs: 60e9 })
    const report = s.run()
    if (report.result !== 'pass') throw new Error(`vcap1 capture failed: ${report.failures.join('; ')}`)
    const rec = s.machine.kernel.trace
    return { schema: rec.schema(), strings: rec.strings.list, chunks: rec.chunks, count: rec.count, columns: rec.columns() }
  })()
  return cached
}
