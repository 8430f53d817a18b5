import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFromTemplate } from '../../main/host/backend/templates.js'
import { selectedLauncher, type AppSession } from './launchers.js'
import { saveScreenshot, screenshotOnFailure } from './screenshots.js'
import { UI_TIMEOUT_MS, WorkbenchPage } from './workbenchPage.js'

// Workspace trust as a user meets it: a project folder that came from elsewhere (a copy of the VCAP-1
// template made outside the workbench) opens in restricted mode; Run asks "Run code from this
// folder?" naming the folder; Cancel runs nothing and leaves the unsaved edit as it was; Trust runs
// it; a relaunch on the same state folder remembers the answer.

const launcher = selectedLauncher()
let app: AppSession | null = null
let wb: WorkbenchPage

const folder = mkdtempSync(join(tmpdir(), 'mdwb-e2e-trust-'))
const dirs = { stateDir: join(folder, 'state'), projectsFolder: join(folder, 'projects') }
const project = join(folder, 'downloaded-driver')
const NOTE = '// my unsaved note'

function failureShot(name: string): void {
  screenshotOnFailure(() => app?.page ?? null, launcher.kind, name)
}

async function launch(): Promise<void> {
  app = await launcher.launch({ ...dirs, project })
  wb = new WorkbenchPage(app.page)
  await wb.ready()
  await wb.setSpeed('fast')
}

describe('workspace trust', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    await createFromTemplate('vcap1', project)
    await launch()
  }, 300_000)

  afterAll(async () => {
    await app?.close()
    await launcher.dispose()
    rmSync(folder, { recursive: true, force: true })
  })

  it('an untrusted folder: Run asks, Cancel runs nothing and keeps the buffers, Trust runs; a relaunch does not ask again', async () => {
    failureShot('trust')
    expect(await wb.shownText('project-name')).toContain('VCAP-1')
    await wb.byId('status-restricted').waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await wb.shownText('status-restricted')).toMatch(/Restricted mode$/)

    // An unsaved edit at the end of the driver.
    const lines = readFileSync(join(project, 'driver.ts'), 'utf8').split('\n').length
    await wb.insertLineAfter(lines, NOTE)
    await expect.poll(() => wb.isDirty('driver.ts'), { timeout: UI_TIMEOUT_MS }).toBe(true)

    await wb.byId('run').click()
    const dialog = wb.byId('dialog-trust')
    await dialog.waitFor({ timeout: UI_TIMEOUT_MS })
    expect(await dialog.getByRole('heading').innerText()).toBe('Run code from this folder?')
    expect(await wb.shownText('trust-folder')).toBe(realpathSync(project))
    await saveScreenshot(wb.page, launcher.kind, 'trust-question')
    await wb.byId('trust-cancel').click()
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })
    await wb.notice(/Not run: .* is in restricted mode/)
    expect(await wb.state()).toBe('no run')
    expect(await wb.isDirty('driver.ts')).toBe(true)
    expect((await wb.visibleLines()).map((l) => l.trim())).toContain(NOTE)
    expect(readFileSync(join(project, 'driver.ts'), 'utf8')).not.toContain(NOTE)
    expect(await wb.byId('status-restricted').isVisible()).toBe(true)

    await wb.byId('run').click()
    await dialog.waitFor({ timeout: UI_TIMEOUT_MS })
    await wb.byId('trust-accept').click()
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })
    expect(await wb.waitForRunEnd()).toBe('finished')
    expect(await wb.frames()).toBeGreaterThan(0)
    await wb.byId('status-restricted').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })
    expect(await wb.isDirty('driver.ts')).toBe(true)

    // Relaunched on the same state folder: trusted, no question.
    await app!.close()
    app = null
    await launch()
    expect(await wb.byId('status-restricted').count()).toBe(0)
    await wb.byId('run').click()
    expect(await wb.waitForRunEnd()).toBe('finished')
    expect(await wb.frames()).toBeGreaterThan(0)
    expect(await wb.byId('dialog-trust').count()).toBe(0)
  })
})
