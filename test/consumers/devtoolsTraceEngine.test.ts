import { beforeAll, describe, expect, it } from 'vitest'
import { validateChromeTrace } from '../../main/host/chromeTrace/chromeTraceValidate.js'
import { parseWithTraceEngine } from '../helpers/traceEngine.js'
import { cloneTrace, countFlowStarts, parseTrace, testcapCaptureTrace, traceBoundsUs, vcap1CaptureTrace, type TraceDoc } from '../helpers/traces.js'

// Our export through Chrome DevTools' trace engine (the Performance panel's parser), in Node.
// It binds a flow event only to a slice with exactly the same (ts, pid, tid, cat), so its flow count
// checks the export's flow binding, not just the flow events.
describe('DevTools trace engine', () => {
  let doc: TraceDoc

  beforeAll(async () => {
    doc = parseTrace(await testcapCaptureTrace(1e9))
  })

  it('parses a testcap capture with our bounds, every flow bound, and every slice on its thread', async () => {
    const result = await parseWithTraceEngine(doc)

    // DevTools ignores events at ts 0 for the bounds (0 means "no timestamp" to it), so its window
    // starts at the first event after 0; the end must be ours exactly.
    const { max } = traceBoundsUs(doc)
    const firstAfterZero = Math.min(...doc.traceEvents.filter((ev) => ev.ph !== 'M' && ev.ts! > 0).map((ev) => ev.ts!))
    expect(result.bounds.min).toBe(firstAfterZero)
    expect(result.bounds.max).toBeCloseTo(max, 3)

    const flows = countFlowStarts(doc)
    expect(flows).toBeGreaterThan(0)
    expect(result.flows.length).toBe(flows)
    for (const flow of result.flows) expect(flow.map((ev) => ev.ph)).toEqual(['X', 'X'])

    // Every thread with complete events becomes a track holding all of them, under our thread name.
    const threadNames = new Map(doc.traceEvents.filter((ev) => ev.ph === 'M' && ev.name === 'thread_name').map((ev) => [`${ev.pid}/${ev.tid}`, (ev.args as { name: string }).name]))
    const slicesPerThread = new Map<string, number>()
    for (const ev of doc.traceEvents) if (ev.ph === 'X') slicesPerThread.set(`${ev.pid}/${ev.tid}`, (slicesPerThread.get(`${ev.pid}/${ev.tid}`) ?? 0) + 1)
    const tracks = new Map(result.rendererThreads.map((t) => [`${t.pid}/${t.tid}`, t]))
    for (const [thread, count] of slicesPerThread) {
      expect(tracks.get(thread)?.entries, `slices on ${thread}`).toBe(count)
      expect(tracks.get(thread)?.name).toBe(threadNames.get(thread))
    }
  })

  it('binds the VCAP-1 flows at every step: SRB delivered, last descriptor written, ISR, SRB completed', async () => {
    const vcap1 = parseTrace(await vcap1CaptureTrace())
    const result = await parseWithTraceEngine(vcap1)
    const withSteps = result.flows.filter((flow) => flow.length === 4)
    expect(withSteps.length).toBeGreaterThan(5)
    for (const flow of withSteps) expect(flow.map((ev) => ev.ph)).toEqual(['X', 'X', 'X', 'X'])
    const dmaThread = vcap1.traceEvents.find((ev) => ev.ph === 'M' && ev.name === 'thread_name' && (ev.args as { name: string }).name === 'VCAP-1 video DMA')!
    expect(withSteps.every((flow) => flow[1].tid === dmaThread.tid)).toBe(true)
  })

  it('negative control: a flow end 1 µs off its slice is not bound, so one flow is lost', async () => {
    const broken = cloneTrace(doc)
    const f = broken.traceEvents.find((ev) => ev.ph === 'f')!
    f.ts = Math.round((f.ts! + 1) * 1000) / 1000
    // Precondition: nothing else starts there, or the shifted end would bind to that instead.
    expect(broken.traceEvents.some((ev) => ev.ph === 'X' && ev.pid === f.pid && ev.tid === f.tid && ev.ts === f.ts)).toBe(false)
    const result = await parseWithTraceEngine(broken)
    expect(result.flows.length).toBe(countFlowStarts(doc) - 1)
    expect(validateChromeTrace(broken).ok).toBe(false)
  })
})
