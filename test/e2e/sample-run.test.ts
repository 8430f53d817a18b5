import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectedLauncher, type AppSession } from './launchers.js'
import { saveScreenshot, screenshotOnFailure } from './screenshots.js'
import { RUN_TIMEOUT_MS, WorkbenchPage, type Rgba } from './workbenchPage.js'

// A newcomer's first minute: the workbench opens the VCAP-1 sample, Run captures two seconds of
// video at real time, and the frame preview, the timeline and the inspectors show what happened.

const launcher = selectedLauncher()
let app: AppSession | null = null
let wb: WorkbenchPage

/** The colour bars of the card's default pattern at 75%, left to right: which of R, G, B are lit. */
const BARS: readonly [string, [boolean, boolean, boolean]][] = [
  ['grey', [true, true, true]],
  ['yellow', [true, true, false]],
  ['cyan', [false, true, true]],
  ['green', [false, true, false]],
  ['magenta', [true, false, true]],
  ['red', [true, false, false]],
  ['blue', [false, false, true]],
  ['black', [false, false, false]],
]

/** A channel is lit at 75% (191 of 255, give or take the chroma rounding of YUY2) or dark. */
function barName(p: Rgba): string {
  const lit = p.slice(0, 3).map((v) => (v >= 170 && v <= 212 ? true : v <= 20 ? false : null))
  return BARS.find(([, rgb]) => rgb.every((on, i) => on === lit[i]))?.[0] ?? `rgb(${p.slice(0, 3).join(',')})`
}

describe('first launch: the VCAP-1 sample', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    app = await launcher.launch()
    wb = new WorkbenchPage(app.page)
    await wb.ready()
  }, 300_000)

  afterAll(async () => {
    await app?.close()
    await launcher.dispose()
  })

  it('opens the sample with driver.ts in the editor and no trace yet', async () => {
    screenshotOnFailure(() => app?.page ?? null, launcher.kind, 'sample-open')
    expect(await wb.shownText('project-name')).toBe('VCAP-1 sample')
    await wb.byId('tab-driver.ts').waitFor()
    expect(await wb.byId('tab-driver.ts').getAttribute('class')).toMatch(/\bactive\b/)
    expect(await wb.isDirty('driver.ts')).toBe(false)
    expect((await wb.visibleLines()).join('\n')).toContain('vcap1-capture: the reference minidriver for the VCAP-1 capture card')
    expect(await wb.byId('timeline-empty').isVisible()).toBe(true)
    expect(await wb.state()).toBe('no run')
  })

  it('Run: the virtual time advances and frames count up in the status bar and the preview', async () => {
    screenshotOnFailure(() => app?.page ?? null, launcher.kind, 'sample-run')
    await wb.openSideTab('frame')
    // A quarter of real time (8 s of wall time): on a busy machine the page may see only the end of a
    // 2 s run, and this test is about watching the counts go up.
    await wb.setSpeed('0.25')
    await wb.byId('run').click()
    await wb.waitForState(['running', 'finished'])
    await expect.poll(() => wb.frames(), { timeout: RUN_TIMEOUT_MS }).toBeGreaterThan(0)
    const t1 = await wb.virtualTimeS()
    const f1 = await wb.frames()
    const n1 = Number(await wb.byId('frame-canvas').getAttribute('data-frame-number'))
    await expect.poll(() => wb.virtualTimeS(), { timeout: RUN_TIMEOUT_MS }).toBeGreaterThan(t1)
    await expect.poll(() => wb.frames(), { timeout: RUN_TIMEOUT_MS }).toBeGreaterThan(f1)
    await expect.poll(async () => Number(await wb.byId('frame-canvas').getAttribute('data-frame-number')), { timeout: RUN_TIMEOUT_MS }).toBeGreaterThan(n1)

    expect(await wb.waitForRunEnd()).toBe('finished')
    await wb.setSpeed('1')
    // The sample's settings: 2 s of 640x480 at 30 fps, nothing dropped, no finding.
    expect(await wb.virtualTimeS()).toBeCloseTo(2, 2)
    expect(await wb.frames()).toBe(60)
    expect(await wb.drops()).toBe(0)
    expect(await wb.shownText('status-findings')).toBe('0 findings')
  })

  it('the frame preview shows the colour bars of the newest frame', async () => {
    screenshotOnFailure(() => app?.page ?? null, launcher.kind, 'sample-frame')
    await expect.poll(() => wb.byId('frame-canvas').getAttribute('data-frame-number'), { timeout: RUN_TIMEOUT_MS }).toBe('60')
    expect(await wb.byId('frame-canvas').getAttribute('data-verdict')).toBe('ok')
    expect(await wb.shownText('frame-format')).toContain('YUY2 640×480')
    // The middle row of each bar; the top and bottom lines carry the card's stamps.
    const { width, height, pixels } = await wb.framePixels(BARS.map((_, i) => [(i + 0.5) / BARS.length, 0.5] as const))
    expect(width).toBeGreaterThan(0)
    expect(height).toBeGreaterThan(0)
    expect(pixels.map(barName)).toEqual(BARS.map(([name]) => name))
  })

  it('the timeline shows the run: coloured slices, callbacks found by search with their fields', async () => {
    screenshotOnFailure(() => app?.page ?? null, launcher.kind, 'sample-timeline')
    expect(Number(await wb.byId('timeline').getAttribute('data-rows'))).toBeGreaterThan(5000)
    expect(await wb.shownText('timeline-run')).toMatch(/^run 1 · capture, seed 1 · [\d,]+ events$/)
    // Flow arrows of the selection only, until asked for all: a long run's flows would wash the view out.
    expect(await wb.byId('timeline-flows').inputValue()).toBe('selected')
    // After the run the view fits the whole trace: lanes of callbacks, SRB lifetimes, interrupts.
    const { coloured, total } = await wb.timelineColouredPixels()
    expect(coloured / total).toBeGreaterThan(0.02)
    await saveScreenshot(wb.page, launcher.kind, 'workbench-running-sample')

    // The driver's packet routine (HwReceivePacket for data: Vcap1ReceiveData) on the CPU lane.
    const receive = await wb.searchTrace('Vcap1ReceiveData')
    expect(receive).toMatch(/^\d+ match(es)? · at /)
    expect(Number(/^(\d+)/.exec(receive)?.[1])).toBeGreaterThanOrEqual(60)
    const callback = await wb.eventDetails()
    expect(callback.name).toContain('Vcap1ReceiveData')
    expect(callback.text).toMatch(/slice on CPUs \/ CPU 0/)
    expect(callback.text).toMatch(/time [\d.]+ [µm]?s/)
    expect(callback.text).toMatch(/irql DIRQL/)

    // The interrupt (the ISR runs inside it), a register write decoded by field, an SRB's lifetime by its id.
    expect(await wb.searchTrace('Interrupt vector')).toMatch(/^\d+ match(es)? · at /)
    expect((await wb.eventDetails()).name).toMatch(/^Interrupt vector \d+$/)
    expect(await wb.searchTrace('write VID_CTRL')).toMatch(/^\d+ match(es)? · at /)
    const write = await wb.eventDetails()
    expect(write.name).toBe('write VID_CTRL')
    expect(await wb.searchTrace('srb:20')).toMatch(/^\d+ match(es)? · at /)
    const srb = await wb.eventDetails()
    expect(srb.name).toBe('SRB_READ_DATA')
    expect(srb.text).toMatch(/id 20/)
    await saveScreenshot(wb.page, launcher.kind, 'timeline-search-srb')
  })

  it('a run paused at 0 and stepped 100 ms: registers, descriptor rings and memory of the card', async () => {
    screenshotOnFailure(() => app?.page ?? null, launcher.kind, 'sample-inspectors')
    await wb.byId('step-size').selectOption({ label: '100 ms' })
    await wb.page.keyboard.press('Control+Shift+Enter')
    expect(await wb.waitForState(['paused'])).toBe('paused')
    expect(await wb.shownText('run-picker')).toContain('Run 2')
    await wb.byId('step').click()
    await expect.poll(() => wb.virtualTimeS(), { timeout: RUN_TIMEOUT_MS }).toBeCloseTo(0.1, 3)
    expect(await wb.state()).toBe('paused')

    await wb.openSideTab('registers')
    await expect.poll(() => wb.shownText('registers-time'), { timeout: RUN_TIMEOUT_MS }).toContain('100 ms')
    // The driver started the video channel: VID_CTRL holds RUN (bit 0).
    const vidCtrl = Number(await wb.shownText('register-value-VID_CTRL'))
    expect(vidCtrl & 1).toBe(1)
    await wb.byId('register-expand-VID_CTRL').click()
    await wb.byId('register-fields-VID_CTRL').waitFor()
    expect(await wb.shownText('register-fields-VID_CTRL')).toMatch(/RUN/)
    await saveScreenshot(wb.page, launcher.kind, 'registers')

    await wb.openSideTab('rings')
    await wb.byId('ring-video-cells').waitFor()
    expect(await wb.shownText('ring-video-entries')).toBe('256')
    expect(await wb.byId('ring-video-running').getAttribute('data-running')).toBe('true')
    const ringBase = Number(await wb.shownText('ring-video-base'))
    expect(ringBase).toBeGreaterThan(0)
    const states = await wb.page.locator('[data-testid^="ring-video-cell-"]').evaluateAll((cells) => cells.map((c) => (c as unknown as { dataset: { state: string } }).dataset.state))
    expect(states).toHaveLength(256)
    // Reads in flight: descriptors the card owns; completed ones done or handed back.
    expect(states.filter((s) => s === 'card').length).toBeGreaterThan(0)
    expect(states.every((s) => s === 'card' || s === 'done' || s === 'free')).toBe(true)
    await saveScreenshot(wb.page, launcher.kind, 'rings')

    // The hex view starts at the video ring: its first line is the ring's base address.
    await wb.openSideTab('memory')
    await wb.byId('memory-dump').waitFor()
    const firstRow = await wb.page.locator('[data-testid^="memory-row-0x"]').first().getAttribute('data-testid')
    expect(Number(firstRow?.replace('memory-row-', ''))).toBe(ringBase)
    expect(await wb.page.locator('[data-testid^="memory-row-0x"]').count()).toBe(512 / 16)
    expect((await wb.shownText('memory-legend')).length).toBeGreaterThan(0)
    await saveScreenshot(wb.page, launcher.kind, 'memory')

    await wb.setSpeed('fast')
    await wb.byId('resume').click()
    expect(await wb.waitForRunEnd()).toBe('finished')
    expect(await wb.frames()).toBe(60)
  })
})
