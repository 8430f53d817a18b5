/**
 * Screenshots of the main views, written where the tests keep them (never deleted by the suite):
 * test-results/screenshots/<name>.png for web mode, test-results/screenshots/electron/<name>.png for
 * `npm run test:electron`. A test that fails leaves `failed-<test>.png` beside them.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { onTestFailed } from 'vitest'
import { root } from '../../scripts/rendererBuild.mjs'
import type { LauncherKind } from './launchers.js'

export const SCREENSHOT_DIR = join(root, 'test-results', 'screenshots')

export function screenshotPath(kind: LauncherKind, name: string): string {
  const dir = kind === 'web' ? SCREENSHOT_DIR : join(SCREENSHOT_DIR, kind)
  mkdirSync(dir, { recursive: true })
  return join(dir, `${name}.png`)
}

/** The whole window (what the user sees), as test-results/screenshots/<name>.png. */
export async function saveScreenshot(page: Page, kind: LauncherKind, name: string): Promise<string> {
  const path = screenshotPath(kind, name)
  // The caret blinks: hide it so that two runs give the same picture.
  await page.screenshot({ path, caret: 'hide', animations: 'disabled' })
  return path
}

/** Call at the start of a test: if it fails, the page as it was is kept as failed-<name>.png. */
export function screenshotOnFailure(page: () => Page | null, kind: LauncherKind, name: string): void {
  onTestFailed(async () => {
    const p = page()
    if (p !== null && !p.isClosed()) await saveScreenshot(p, kind, `failed-${name}`).catch(() => {})
  })
}
