import { readFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateChromeTrace } from '../../main/host/chromeTrace/chromeTraceValidate.js'
import { startCatapult } from '../helpers/catapult.js'
import { consumerPresentOrFail } from '../helpers/consumers.js'
import { selectedLauncher, type AppSession } from './launchers.js'
import { sampleProjectRoot } from './sampleDriver.js'
import { saveScreenshot, screenshotOnFailure } from './screenshots.js'
import { RUN_TIMEOUT_MS, UI_TIMEOUT_MS, WorkbenchPage } from './workbenchPage.js'

// What a driver author does after the first run: break the card on purpose (a dropped frame at a
// chosen time), see it on the timeline and in the counts, then take the run to other tools (Chrome
// trace JSON for chrome://tracing and Perfetto, SRB CSV for a spreadsheet) and open the trace again.

const launcher = selectedLauncher()
let app: AppSession | null = null
let wb: WorkbenchPage
/** The exported Chrome trace (absolute path) that the last test opens again. */
let exportedTrace = ''

/** An export's path as the panel shows it, made absolute (it is relative to the project). */
function exportedFile(shown: string): string {
  return isAbsolute(shown) ? shown : join(sampleProjectRoot(app!.projectsFolder), shown)
}

async function exportRun(kind: 'chrome-json' | 'srb-csv'): Promise<string> {
  await wb.openSideTab('export')
  await wb.byId('export-kind').selectOption(kind)
  await wb.byId('export-go').click()
  await wb.byId('export-result').waitFor({ timeout: RUN_TIMEOUT_MS })
  return exportedFile(await wb.shownText('export-result-path'))
}

describe('faults, exports and a trace opened again', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    app = await launcher.launch()
    wb = new WorkbenchPage(app.page)
    await wb.ready()
    await wb.setSpeed('fast')
  }, 300_000)

  afterAll(async () => {
    await app?.close()
    await launcher.dispose()
  })

  it('a frame drop injected at 1 s: in the faults panel, the status bar and on the timeline', async () => {
    screenshotOnFailure(() => app?.page ?? null, launcher.kind, 'fault-injected')
    await wb.page.keyboard.press('Control+Shift+Enter')
    expect(await wb.waitForState(['paused'])).toBe('paused')

    await wb.openSideTab('faults')
    await wb.byId('faults-search').fill('drop')
    await wb.byId('fault-row-frame-drop').click()
    expect(await wb.shownText('fault-driver')).toMatch(/drop count/)
    await wb.byId('fault-at').fill('1s')
    await wb.byId('fault-inject-at').click()
    const result = wb.byId('fault-result')
    await result.waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await result.getAttribute('data-ok')).toBe('true')
    expect(await wb.shownText('fault-result')).toMatch(/frame-drop fires at 1(\.0+)? s/)
    expect(await wb.shownText('faults-injected-row-0')).toMatch(/frame-drop/)

    await wb.byId('resume').click()
    expect(await wb.waitForRunEnd()).toBe('finished')
    // 2 s at 30 fps: the dropped frame is the one SOF at or after 1 s; the driver reports it.
    expect(await wb.frames()).toBe(59)
    expect(await wb.drops()).toBe(1)

    const found = await wb.searchTrace('frame-drop')
    expect(found).toMatch(/^\d+ match(es)? · at 1(\.\d+)? s/)
    const fault = await wb.eventDetails()
    expect(fault.name).toContain('frame-drop')
    expect(fault.text).toMatch(/VCAP-1 faults/)
    await saveScreenshot(wb.page, launcher.kind, 'fault-on-timeline')
  })

  it('exports the run as Chrome trace JSON that validates and opens in chrome://tracing', async () => {
    screenshotOnFailure(() => app?.page ?? null, launcher.kind, 'export-chrome')
    exportedTrace = await exportRun('chrome-json')
    expect(exportedTrace).toMatch(/\.trace\.json$/)
    const text = readFileSync(exportedTrace, 'utf8')
    const validation = validateChromeTrace(text)
    expect(validation.errors).toEqual([])
    expect(validation.stats.slices).toBeGreaterThan(1000)
    expect(validation.stats.flows).toBeGreaterThan(0)
    expect(text).toContain('frame-drop')
    await saveScreenshot(wb.page, launcher.kind, 'export')

    if (!consumerPresentOrFail('catapult')) return
    const catapult = await startCatapult()
    try {
      const imported = await catapult.importTrace(text)
      expect(imported.thrown).toBeNull()
      expect(imported.warnings).toEqual([])
    } finally {
      await catapult.close()
    }
  })

  it('exports one CSV row per SRB, the reads among them', async () => {
    screenshotOnFailure(() => app?.page ?? null, launcher.kind, 'export-csv')
    const file = await exportRun('srb-csv')
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    const header = lines[0].split(',')
    expect(header).toEqual(expect.arrayContaining(['srb', 'command', 'submitted_ns', 'completed_ns', 'status']))
    const command = header.indexOf('command')
    const reads = lines.slice(1).filter((l) => l.split(',')[command] === 'SRB_READ_DATA')
    // 59 frames delivered plus the reads still queued when the run stopped.
    expect(reads.length).toBeGreaterThanOrEqual(59)
  })

  it('opens the exported trace as a read-only run with the same events on the timeline', async () => {
    screenshotOnFailure(() => app?.page ?? null, launcher.kind, 'open-trace')
    const before = Number(await wb.byId('timeline').getAttribute('data-rows'))
    await wb.openSideTab('export')
    await wb.byId('open-trace-path').fill(exportedTrace)
    await wb.byId('open-trace-go').click()
    await wb.byId('open-trace-result').waitFor({ timeout: RUN_TIMEOUT_MS })
    expect(await wb.shownText('open-trace-result')).toMatch(/opened as run #\d+ \(read-only\)/)
    expect(await wb.waitForState(['trace file'])).toBe('trace file')
    await expect.poll(async () => Number(await wb.byId('timeline').getAttribute('data-rows')), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0)
    // Metadata rows (thread names) are not events: the opened trace has at least every recorded event.
    expect(Number(await wb.byId('timeline').getAttribute('data-rows'))).toBeGreaterThanOrEqual(before * 0.9)
    expect(await wb.searchTrace('frame-drop')).toMatch(/^\d+ match(es)? · at 1(\.\d+)? s/)
    await saveScreenshot(wb.page, launcher.kind, 'trace-opened')
  })
})
