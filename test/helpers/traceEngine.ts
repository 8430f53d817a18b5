import type { TraceDoc } from './traces.js'

/**
 * Runs a trace through Chrome DevTools' trace engine (npm @paulirish/trace_engine, the Performance
 * panel's parser) in Node. It only needs DOMRect from the DOM, so a minimal one is installed first.
 */

type TraceEngine = typeof import('@paulirish/trace_engine')
let engine: Promise<TraceEngine> | undefined

function loadEngine(): Promise<TraceEngine> {
  const g = globalThis as { DOMRect?: unknown }
  g.DOMRect ??= class DOMRect {
    constructor(
      public x = 0,
      public y = 0,
      public width = 0,
      public height = 0,
    ) {}
  }
  // Imported lazily so the polyfill exists before any engine module runs.
  return (engine ??= import('@paulirish/trace_engine'))
}

export interface TraceEngineResult {
  /** Microseconds, the file's unit. DevTools leaves events at ts 0 out of the bounds. */
  bounds: { min: number; max: number }
  /** Each flow as the events it bound, in order; only flows with at least two bound events count. */
  flows: { ph: string; name: string; ts: number; pid: number; tid: number }[][]
  rendererThreads: { pid: number; tid: number; name: string | null; entries: number }[]
}

export async function parseWithTraceEngine(doc: TraceDoc): Promise<TraceEngineResult> {
  const Trace = await loadEngine()
  const model = Trace.TraceModel.Model.createWithAllHandlers()
  await model.parse(doc.traceEvents as unknown as Parameters<typeof model.parse>[0])
  const parsed = model.parsedTrace()
  if (!parsed) throw new Error('the trace engine produced no parsed trace')
  const { Meta, Flows, Renderer } = parsed.data
  const rendererThreads: TraceEngineResult['rendererThreads'] = []
  for (const [pid, process] of Renderer.processes) {
    for (const [tid, thread] of process.threads) rendererThreads.push({ pid, tid, name: thread.name, entries: thread.entries.length })
  }
  return {
    bounds: { min: Meta.traceBounds.min, max: Meta.traceBounds.max },
    flows: Flows.flows.map((flow) => flow.map((e) => ({ ph: e.ph, name: e.name, ts: e.ts, pid: e.pid, tid: e.tid }))),
    rendererThreads,
  }
}
