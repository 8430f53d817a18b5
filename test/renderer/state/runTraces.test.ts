import { describe, expect, it } from 'vitest'
import { EventKind, newTraceColumns } from '../../../main/contract/trace.js'
import type { TraceChunk } from '../../../main/contract/api.js'
import { RunTraces } from '../../../renderer/state/runTraces.js'
import { TraceStore, viewColumns } from '../../../renderer/timeline/traceStore.js'
import { vcap1Trace } from '../timeline/vcap1Trace.js'

/** The recorded VCAP-1 trace cut into `trace` events as the backend sends them (schema, and strings from id 0, with the first). */
async function events(runId: number, size: number): Promise<{ chunks: TraceChunk[]; reference: TraceStore }> {
  const t = await vcap1Trace()
  const reference = new TraceStore(t.schema, t.strings)
  reference.syncChunks(t.chunks, t.count)
  const chunks: TraceChunk[] = []
  for (let from = 0; from < t.count; from += size) {
    const first = from === 0
    chunks.push({
      runId,
      from,
      rows: viewColumns(t.columns, from, Math.min(t.count, from + size)),
      strings: first ? [...t.strings] : [],
      details: [],
      schema: first ? t.schema : null,
    })
  }
  return { chunks, reference }
}

describe('run traces', () => {
  it('a run fed chunk by chunk equals the trace fed at once', async () => {
    const { chunks, reference } = await events(1, 1000)
    expect(chunks.length).toBeGreaterThan(3)
    const traces = new RunTraces()
    for (const c of chunks) traces.ingest(c)
    const t = traces.get(1)
    expect(t?.missingRows).toBe(0)
    expect(t?.store.rowCount).toBe(reference.rowCount)
    for (const row of [0, 1, 777, reference.rowCount - 1]) expect(t?.store.describe(row)).toEqual(reference.describe(row))
  })

  it('ignores a chunk delivered twice and counts rows that never came', async () => {
    const { chunks } = await events(1, 1000)
    const traces = new RunTraces()
    traces.ingest(chunks[0])
    traces.ingest(chunks[0])
    expect(traces.get(1)?.store.rowCount).toBe(1000)
    traces.ingest(chunks[2])
    expect(traces.get(1)?.missingRows).toBe(1000)
    expect(traces.get(1)?.store.rowCount).toBe(2000)
  })

  it('keeps the details rows point at, in order', () => {
    const traces = new RunTraces()
    const empty = viewColumns(newTraceColumns(0), 0, 0)
    traces.ingest({ runId: 4, from: 0, rows: empty, strings: [], details: [{ rule: 'a' }], schema: null })
    traces.ingest({ runId: 4, from: 0, rows: empty, strings: [], details: [{ rule: 'b' }], schema: null })
    expect(traces.get(4)?.details).toEqual([{ rule: 'a' }, { rule: 'b' }])
  })

  it('holds only the newest runs', () => {
    const traces = new RunTraces(2)
    traces.begin(1)
    traces.begin(2)
    traces.begin(3)
    expect(traces.runIds).toEqual([2, 3])
    expect(traces.get(1)).toBeUndefined()
    expect(traces.get(null)).toBeUndefined()
  })
})

describe('run traces fed by the backend', () => {
  it('names every row as the recorder named it (string ids line up with the backend chunks)', async () => {
    const { recorderChunks } = await import('../../../main/host/backend/traceChunks.js')
    const { compileDriver } = await import('../../../main/host/compile.js')
    const { Session } = await import('../../../main/host/session.js')
    const { buildPreset } = await import('../../../main/client/scenario/presets.js')
    const r = await compileDriver('examples/vcap1-capture.ts')
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const session = new Session({ driver: r.driver, scenario: buildPreset('capture', { durationNs: 2e8 }), timeLimitNs: 60e9 })
    session.run()
    const rec = session.machine.kernel.trace
    const traces = new RunTraces()
    for (const chunk of recorderChunks(9, rec)) traces.ingest(chunk)
    const store = traces.get(9)!.store
    const c = rec.columns()
    // Flow rows carry no name of their own: the timeline calls them 'flow'.
    for (let i = 0; i < rec.count; i += 97) expect(store.describe(i)?.name).toBe(c.kind[i] >= EventKind.FlowStart ? 'flow' : rec.strings.get(c.name[i]))
  })
})
