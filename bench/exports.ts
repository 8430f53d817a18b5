/**
 * The exports of a large trace (issue 13): a synthetic trace of 1,000,000 events (slices with decoded
 * arguments, SRB lifetimes, flows, counters, instants), written to disk as Chrome trace JSON
 * (writeChromeTraceFile, streamed) and as Perfetto protobuf (writePerfettoFile). Each: wall time, and
 * peak RSS and heap above what the trace itself holds (sampled every 5 ms). Targets for the Chrome
 * JSON: under 1 s and under 200 MB. Run alone: `npx tsx bench/exports.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { writeChromeTraceFile } from '../main/host/chromeTrace/chromeTraceFile.js'
import { writePerfettoFile } from '../main/host/export/perfettoFile.js'
import { EventKind, TraceRecorder } from '../main/sim/trace/recorder.js'

export function syntheticTrace(events: number): TraceRecorder {
  const t = new TraceRecorder()
  const cpu = t.defineTrack({ name: 'CPU 0', group: 'CPUs', kind: 'slices', order: 0 })
  const queue = t.defineTrack({ name: 'Stream 0 data', group: 'Class driver', kind: 'async', order: 10 })
  const fifo = t.defineTrack({ name: 'FIFO', group: 'Hardware', kind: 'counter', order: 1, unit: 'bytes' })
  const mmio = t.defineTrack({ name: 'MMIO BAR0', group: 'Hardware', kind: 'instants', order: 2 })
  t.defineEnum('irql', { 0: 'PASSIVE_LEVEL', 2: 'DISPATCH_LEVEL' })
  const args = t.defineArgs('callback', [{ name: 'irql', format: 'enum:irql' }, { name: 'srb', format: 'int' }])
  const reg = t.defineArgs('reg', [{ name: 'value', format: 'hex' }])
  const names = [t.strings.intern('HwReceivePacket'), t.strings.intern('HwInterrupt')]
  const srb = t.strings.intern('SRB_READ_DATA')
  const write = t.strings.intern('write CTRL')
  let ts = 0
  for (let k = 0, id = 1; t.count < events; k++, id++) {
    ts += 1000
    t.async(EventKind.AsyncBegin, queue, ts, srb, id)
    t.slice(cpu, ts, 300, names[0], 0, args, 0, id)
    t.flow(EventKind.FlowStart, cpu, ts, id)
    t.instant(mmio, ts + 100, write, reg, k & 0xffff)
    t.counter(fifo, ts + 200, 0, k % 4096)
    t.slice(cpu, ts + 500, 200, names[1], 0, args, 2, id)
    t.flow(EventKind.FlowEnd, cpu, ts + 500, id)
    t.async(EventKind.AsyncEnd, queue, ts + 800, srb, id)
  }
  return t
}

async function measure(what: string, work: () => Promise<{ bytes: number }>): Promise<{ what: string; ms: number; mb: number; peakRssMB: number; peakHeapMB: number }> {
  global.gc?.()
  const base = process.memoryUsage()
  let rss = base.rss
  let heap = base.heapUsed
  const timer = setInterval(() => {
    const m = process.memoryUsage()
    rss = Math.max(rss, m.rss)
    heap = Math.max(heap, m.heapUsed)
  }, 5)
  const started = performance.now()
  const { bytes } = await work()
  const ms = performance.now() - started
  clearInterval(timer)
  const m = process.memoryUsage()
  rss = Math.max(rss, m.rss)
  heap = Math.max(heap, m.heapUsed)
  return { what, ms: Math.round(ms), mb: +(bytes / 2 ** 20).toFixed(1), peakRssMB: Math.round((rss - base.rss) / 2 ** 20), peakHeapMB: Math.round((heap - base.heapUsed) / 2 ** 20) }
}

export async function exportFigures(events = 1_000_000) {
  const dir = await mkdtemp(path.join(tmpdir(), 'mdwb-bench-exports-'))
  try {
    const trace = syntheticTrace(events)
    trace.columns() // the joined columns count as the trace itself (both exports share them)
    const chrome = await measure('chrome-json', () => writeChromeTraceFile(path.join(dir, 't.json'), trace, { metadata: { driver: 'bench' } }))
    const perfetto = await measure('perfetto', () => writePerfettoFile(path.join(dir, 't.pftrace'), trace, { metadata: { driver: 'bench' } }))
    return { events: trace.count, chrome: { ...chrome, targetMs: 1000, targetMB: 200 }, perfetto }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await exportFigures(), null, 2))
