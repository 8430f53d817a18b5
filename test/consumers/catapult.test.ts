import { afterAll, beforeAll, expect, it } from 'vitest'
import { validateChromeTrace } from '../../main/host/chromeTrace/chromeTraceValidate.js'
import { startCatapult, type CatapultHarness } from '../helpers/catapult.js'
import { describeWithConsumer } from '../helpers/consumers.js'
import { cloneTrace, countFlowArrows, countFlowStarts, parseTrace, testcapCaptureTrace, traceBoundsUs, vcap1CaptureTrace, type TraceDoc } from '../helpers/traces.js'

// Our export through chrome://tracing's importer (Catapult) in headless Chromium. Needs Debian's
// golang-1.19-src, which .ci/run installs: skipped and named outside CI where it is missing, failed under CI.
describeWithConsumer('catapult', 'Catapult trace viewer importer', () => {
  let harness: CatapultHarness
  let text: string
  let doc: TraceDoc

  beforeAll(async () => {
    ;[harness, text] = await Promise.all([startCatapult(), testcapCaptureTrace(1e9)])
    doc = parseTrace(text)
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('imports a testcap capture with no warnings, every flow, and our time bounds', async () => {
    const result = await harness.importTrace(text)
    expect(result.thrown).toBeNull()
    expect(result.warnings).toEqual([])
    const flows = countFlowStarts(doc)
    expect(flows).toBeGreaterThan(0)
    expect(result.flows).toBe(flows)
    // Catapult's model is in milliseconds, the file in microseconds; compare to the nanosecond.
    const { min, max } = traceBoundsUs(doc)
    expect(result.bounds[0]).toBeCloseTo(min / 1000, 6)
    expect(result.bounds[1]).toBeCloseTo(max / 1000, 6)
  })

  it('imports a VCAP-1 capture (DMA slices, FIFO counter, flows through the card and the ISR) with no warnings', async () => {
    const vcap1 = await vcap1CaptureTrace()
    const parsed = parseTrace(vcap1)
    const result = await harness.importTrace(vcap1)
    expect(result.thrown).toBeNull()
    expect(result.warnings).toEqual([])
    expect(parsed.traceEvents.some((ev) => ev.ph === 't')).toBe(true)
    // Catapult makes one flow event per arrow: delivery -> DMA -> ISR -> completion is three.
    expect(result.flows).toBe(countFlowArrows(parsed))
    expect(result.flows).toBeGreaterThan(countFlowStarts(parsed))
  })

  it('negative control: an async end without a begin is reported', async () => {
    const broken = cloneTrace(doc)
    const end = broken.traceEvents.find((ev) => ev.ph === 'e')!
    broken.traceEvents.push({ ...end, id2: { local: '0xdead' } })
    const result = await harness.importTrace(JSON.stringify(broken))
    expect(result.thrown).toBeNull()
    expect(result.warnings.join('\n')).toMatch(/async_slice_parse_error: Nestable async END .*unmatched/)
    expect(validateChromeTrace(broken).ok).toBe(false)
  })

  it('negative control: a flow step in another category is reported', async () => {
    // Flows are keyed by category, so a t with a different cat belongs to no started flow.
    const broken = cloneTrace(doc)
    const i = broken.traceEvents.findIndex((ev) => ev.ph === 'f')
    const f = broken.traceEvents[i]
    broken.traceEvents.splice(i, 0, { ...f, ph: 't', cat: 'other', bp: undefined })
    const result = await harness.importTrace(JSON.stringify(broken))
    expect(result.thrown).toBeNull()
    expect(result.warnings.join('\n')).toMatch(/flow_slice_ordering_error: Found flow phase t .* but no flow start found/)
    expect(validateChromeTrace(broken).ok).toBe(false)
  })
})
