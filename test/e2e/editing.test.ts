import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { draftsFolder } from '../../main/host/backend/drafts.js'
import { selectedLauncher, type AppSession } from './launchers.js'
import { lineText, sampleDriverText, sampleLines, sampleProjectRoot } from './sampleDriver.js'
import { saveScreenshot, screenshotOnFailure } from './screenshots.js'
import { UI_TIMEOUT_MS, WorkbenchPage } from './workbenchPage.js'

// Editing the sample driver as a user does: a typo the run refuses, a bug only the run finds (the
// verifier, a bug check in the ISR), F8 to the line, undo, save, and unsaved edits that survive a
// reload of the page and a relaunch of the app.

const launcher = selectedLauncher()
let app: AppSession | null = null
let wb: WorkbenchPage

// Folders of our own: the relaunch must find the first launch's state, and close() keeps what it did not make.
const folder = mkdtempSync(join(tmpdir(), 'mdwb-e2e-editing-'))
const dirs = { stateDir: join(folder, 'state'), projectsFolder: join(folder, 'projects') }

/** The driver as it is on disk now, and the lines the tests edit. */
function driverOnDisk(): { text: string; lines: ReturnType<typeof sampleLines> } {
  const text = sampleDriverText(dirs.projectsFolder)
  return { text, lines: sampleLines(text) }
}

/** The draft the backend keeps of driver.ts's unsaved buffer, or null when there is none. */
function driverDraft(): string | null {
  const file = join(draftsFolder(dirs.stateDir, sampleProjectRoot(dirs.projectsFolder)), 'files', 'driver.ts')
  return existsSync(file) ? readFileSync(file, 'utf8') : null
}

/** Ctrl+Enter in the editor: Run with the buffers as they are, saved or not. */
async function runFromEditor(): Promise<void> {
  await wb.focusEditor()
  await wb.page.keyboard.press('Control+Enter')
}

/** The line of the editor's caret, from the status bar ("Ln 12, Col 5"). */
async function caretLine(): Promise<number> {
  const m = /^Ln (\d+),/.exec(await wb.shownText('status-position'))
  return m === null ? 0 : Number(m[1])
}

async function findingsCount(): Promise<number> {
  const m = /^(\d+) findings?/.exec(await wb.shownText('status-findings'))
  if (m === null) throw new Error(`status-findings reads "${await wb.shownText('status-findings')}"`)
  return Number(m[1])
}

/** Reads `app` when the test fails: after the relaunch, the new page. */
function failureShot(name: string): void {
  screenshotOnFailure(() => app?.page ?? null, launcher.kind, name)
}

describe('editing the sample driver', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    app = await launcher.launch(dirs)
    wb = new WorkbenchPage(app.page)
    await wb.ready()
    // Runs here are about what they find, not about real time.
    await wb.setSpeed('fast')
  }, 300_000)

  afterAll(async () => {
    await app?.close()
    await launcher.dispose()
    rmSync(folder, { recursive: true, force: true })
  })

  it('a syntax error: the run does not start, the problem and a squiggle name the line; undone, the run finishes', async () => {
    failureShot('editing-compile-error')
    const { lines } = driverOnDisk()
    const line = lines.completeRead
    // One closing parenthesis too many at the end of the call.
    await wb.appendToLine(line, ')')
    expect(await wb.isDirty('driver.ts')).toBe(true)
    await wb.goToLine(1)
    await runFromEditor()

    await wb.notice(/The run did not start: 1 problem/)
    // The run's compiler names the file and line; the editor's own TypeScript check (code ts(NNNN))
    // may list the same line beside it.
    expect(await wb.byId('problems-list').isVisible()).toBe(true)
    const problems = await wb.problems()
    const refused = problems.filter((p) => !/\bts\(\d+\)/.test(p.text))
    expect(refused).toHaveLength(1)
    expect(refused[0]).toMatchObject({ source: 'compile', severity: 'error' })
    for (const p of problems) expect(p.text).toContain(`driver.ts:${line}:`)
    expect(await wb.state()).toBe('no run')
    // The refusal opens the error's line, which carries the squiggle.
    await expect.poll(caretLine, { timeout: UI_TIMEOUT_MS }).toBe(line)
    await expect.poll(() => wb.squiggledLines(), { timeout: UI_TIMEOUT_MS }).toContain(line)
    await saveScreenshot(wb.page, launcher.kind, 'compile-error')

    await wb.undoUntilClean('driver.ts')
    await runFromEditor()
    expect(await wb.waitForRunEnd()).toBe('finished')
    await wb.byId('problems-empty').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await wb.shownText('status-findings')).toBe('0 findings')
    await wb.goToLine(line)
    await expect.poll(() => wb.squiggledLines(), { timeout: UI_TIMEOUT_MS }).toEqual([])
  })

  it('a double completion: the run finds it, the problems and a squiggle point at the line, F8 goes there; undone, none', async () => {
    failureShot('editing-double-completion')
    const { text, lines } = driverOnDisk()
    // A second copy of CompleteRead's completion, right after the first.
    const line = lines.completeRead + 1
    await wb.insertLineAfter(lines.completeRead, lineText(text, lines.completeRead).trim())
    expect(await wb.isDirty('driver.ts')).toBe(true)
    // Typed as written (no completion or closing bracket of the editor's got in the way), once drawn.
    const completion = lineText(text, lines.completeRead)
    await expect.poll(async () => (await wb.visibleLines()).filter((l) => l.includes('StreamRequestComplete')), { timeout: UI_TIMEOUT_MS }).toEqual([completion, completion])
    await wb.byId('run').click()
    expect(await wb.waitForRunEnd()).toBe('finished')

    await wb.openSideTab('problems')
    await expect.poll(async () => (await wb.problems()).length, { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0)
    const problems = await wb.problems()
    const doubles = problems.filter((p) => p.text.includes('double-completion'))
    expect(doubles.length).toBeGreaterThan(0)
    for (const p of doubles) {
      expect(p).toMatchObject({ source: 'verifier', severity: 'error' })
      expect(p.text).toMatch(/SRB_READ_DATA #\d+ completed a second time/)
      expect(p.text).toContain(`driver.ts:${line}:`)
    }
    // Every finding of the run is on the copy (the original completion is fine); past the first
    // findings of each rule the report keeps, one note counts the rest.
    const errors = problems.filter((p) => p.severity === 'error')
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((p) => p.source === 'verifier' && p.text.includes(`driver.ts:${line}:`))).toBe(true)
    expect(problems.filter((p) => p.severity !== 'error').every((p) => p.source === 'verifier' && /more finding\(s\) of the same rules, counted but not listed/.test(p.text))).toBe(true)
    // The run's end and the status bar count them all.
    const ended = /Run \d+ failed: (\d+) verifier error/.exec(await wb.notice(/Run \d+ failed: \d+ verifier error/))
    expect(Number(ended?.[1])).toBeGreaterThanOrEqual(doubles.length)
    expect(await findingsCount()).toBeGreaterThanOrEqual(Number(ended?.[1]))
    // Errors counted past the listing too: the status bar's error count is the run's.
    expect(await wb.shownText('status-findings')).toMatch(new RegExp(`\\(${ended?.[1]} errors\\)$`))
    await expect.poll(() => wb.squiggledLines(), { timeout: UI_TIMEOUT_MS }).toEqual([line])
    await saveScreenshot(wb.page, launcher.kind, 'problems-double-completion')

    // F8 from the top of the file: the first problem's line, its row selected in the panel.
    await wb.goToLine(1)
    await wb.page.keyboard.press('F8')
    await expect.poll(caretLine, { timeout: UI_TIMEOUT_MS }).toBe(line)
    expect(await wb.byId('problem-0').getAttribute('aria-selected')).toBe('true')
    // A click on a double-completion row goes there too.
    await wb.goToLine(1)
    await wb.page.locator('[data-testid="problems-list"] > li', { hasText: 'double-completion' }).first().click()
    await expect.poll(caretLine, { timeout: UI_TIMEOUT_MS }).toBe(line)

    await wb.undoUntilClean('driver.ts')
    await wb.byId('run').click()
    expect(await wb.waitForRunEnd()).toBe('finished')
    await wb.byId('problems-empty').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await wb.shownText('status-findings')).toBe('0 findings')
    await wb.goToLine(line)
    await expect.poll(() => wb.squiggledLines(), { timeout: UI_TIMEOUT_MS }).toEqual([])
  })

  it('a throw in the ISR: the run ends in a bug check naming Vcap1Interrupt at the line', async () => {
    failureShot('editing-isr-throw')
    const { text, lines } = driverOnDisk()
    const line = lines.isrFirstStatement + 1
    const thrown = "throw new Error('e2e: a fault in the ISR')"
    await wb.insertLineAfter(lines.isrFirstStatement, thrown)
    const indent = /^\s*/.exec(lineText(text, lines.isrFirstStatement))![0]
    await expect.poll(async () => (await wb.visibleLines()).filter((l) => l.includes('throw')), { timeout: UI_TIMEOUT_MS }).toContain(indent + thrown)
    await runFromEditor()
    expect(await wb.waitForRunEnd()).toBe('bug check')
    expect(await wb.shownText('status-bugcheck')).toBe('KMODE_EXCEPTION_NOT_HANDLED')

    await wb.openSideTab('problems')
    await expect.poll(async () => (await wb.problems()).filter((p) => p.source === 'bugcheck'), { timeout: UI_TIMEOUT_MS }).toHaveLength(1)
    const bugcheck = (await wb.problems()).find((p) => p.source === 'bugcheck')!
    expect(bugcheck.severity).toBe('error')
    expect(bugcheck.text).toContain('KMODE_EXCEPTION_NOT_HANDLED')
    expect(bugcheck.text).toMatch(/exception in Vcap1Interrupt: Error: e2e: a fault in the ISR/)
    expect(bugcheck.text).toContain(`driver.ts:${line}:`)
    await expect.poll(() => wb.squiggledLines(), { timeout: UI_TIMEOUT_MS }).toContain(line)
    await saveScreenshot(wb.page, launcher.kind, 'bugcheck-isr')

    await wb.undoUntilClean('driver.ts')
  })

  it('Ctrl+S writes the edit to driver.ts on disk and the tab is no longer marked unsaved', async () => {
    failureShot('editing-save')
    const { text, lines } = driverOnDisk()
    const comment = '// e2e: saved from the editor'
    await wb.insertLineAfter(lines.completeRead, comment)
    expect(await wb.isDirty('driver.ts')).toBe(true)
    await wb.page.keyboard.press('Control+S')
    // The run shown (the bug check) is over: the saved driver is replayed from t = 0.
    await wb.notice(/Replaying as run \d+/)

    expect(await wb.isDirty('driver.ts')).toBe(false)
    const saved = sampleDriverText(dirs.projectsFolder).split('\n')
    expect(saved[lines.completeRead].trim()).toBe(comment)
    expect(saved.length).toBe(text.split('\n').length + 1)
    // Saved means no draft to recover.
    await expect.poll(driverDraft, { timeout: UI_TIMEOUT_MS }).toBeNull()
    // The replay runs the saved driver clean.
    expect(await wb.waitForState(['finished'])).toBe('finished')
    expect(await wb.byId('status-bugcheck').count()).toBe(0)
  })

  it('an unsaved edit is recovered after a reload of the page and after a relaunch', async () => {
    failureShot('editing-draft-recovery')
    const { text, lines } = driverOnDisk()
    const edit = ' // e2e: typed, never saved'
    const edited = lineText(text, lines.completeRead) + edit
    await wb.appendToLine(lines.completeRead, edit)
    expect(await wb.isDirty('driver.ts')).toBe(true)
    // The draft reaches the state folder after the editor's quiet period.
    await expect.poll(() => driverDraft()?.split('\n')[lines.completeRead - 1] ?? null, { timeout: UI_TIMEOUT_MS }).toBe(edited)

    await wb.page.reload()
    await wb.ready()
    expect(await wb.notice(/Recovered 1 unsaved file/)).toMatch(/Recovered 1 unsaved file\(s\): driver\.ts/)
    expect(await wb.isDirty('driver.ts')).toBe(true)
    await wb.goToLine(lines.completeRead)
    await expect.poll(() => wb.visibleLines(), { timeout: UI_TIMEOUT_MS }).toContain(edited)
    await saveScreenshot(wb.page, launcher.kind, 'draft-recovered')
    // The file itself is as it was saved.
    expect(sampleDriverText(dirs.projectsFolder)).toBe(text)

    await app!.close()
    app = null
    app = await launcher.launch(dirs)
    wb = new WorkbenchPage(app.page)
    await wb.ready()
    expect(await wb.notice(/Recovered 1 unsaved file/)).toMatch(/driver\.ts/)
    expect(await wb.isDirty('driver.ts')).toBe(true)
    await wb.goToLine(lines.completeRead)
    await expect.poll(() => wb.visibleLines(), { timeout: UI_TIMEOUT_MS }).toContain(edited)
    expect(sampleDriverText(dirs.projectsFolder)).toBe(text)
  })
})
