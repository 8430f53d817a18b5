import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findElectron } from '../../scripts/electronBinary.mjs'
import { root } from '../../scripts/rendererBuild.mjs'
import { launchChromium } from '../helpers/chromium.js'
import { ensureRendererBuiltLocked } from './buildLock.js'
import { UI_TIMEOUT_MS, WorkbenchPage } from './workbenchPage.js'

// The README's first command on a machine without the Electron binary: `npm start` says why there
// is no window and serves the workbench in web mode, printing the one URL to open; `npm run web` does
// the same without the explanation. Ctrl+C stops it.

const URL_LINE = /^Workbench: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,})$/m

interface Started {
  child: ChildProcess
  url: string
  output: () => string
}

const folders: string[] = []
let browser: Browser | null = null

/** Runs `npm <args>` in its own process group with fresh state and projects folders; resolves once it prints the URL. */
async function npm(args: string[]): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'mdwb-start-'))
  folders.push(dir)
  const child = spawn('npm', args, {
    cwd: root,
    detached: true,
    env: { ...process.env, MDWB_STATE_DIR: join(dir, 'state'), MDWB_PROJECTS: join(dir, 'projects'), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm ${args.join(' ')} printed no URL in 120 s:\n${text}`)), 120_000)
    const collect = (d: Buffer) => {
      text += d.toString()
      const m = URL_LINE.exec(text)
      if (m !== null) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`npm ${args.join(' ')} exited (${code}) before printing a URL:\n${text}`))
    })
  })
  return { child, url, output: () => text }
}

/**
 * Ctrl+C: SIGINT to the whole group (npm, its shell, node), as a terminal sends it. npm ends by the
 * signal (or 0); what matters is that the server is gone: nothing listens on its port afterwards.
 */
async function interrupt(started: Started): Promise<void> {
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => started.child.once('exit', (code, signal) => resolve({ code, signal })))
  process.kill(-started.child.pid!, 'SIGINT')
  const { code, signal } = await exited
  expect(code === 0 || signal === 'SIGINT', `npm exited with ${code ?? signal}:\n${started.output()}`).toBe(true)
  await expect(fetch(started.url)).rejects.toThrow()
}

async function opensTheWorkbench(url: string): Promise<void> {
  browser ??= await launchChromium()
  const page = await browser.newPage()
  try {
    await page.goto(url)
    const wb = new WorkbenchPage(page)
    await wb.ready()
    expect(await wb.shownText('project-name')).toBe('VCAP-1 sample')
  } finally {
    await page.close()
  }
}

describe.skipIf(findElectron() !== null)('npm start and npm run web without the Electron binary', { timeout: 180_000 }, () => {
  // Build first (under the suite's lock), so the scripts find the renderer current and never build alongside another file.
  beforeAll(() => ensureRendererBuiltLocked(), 300_000)

  afterAll(async () => {
    await browser?.close()
    for (const dir of folders) rmSync(dir, { recursive: true, force: true })
  })

  it('npm start says why there is no window, prints the URL with its token, serves the workbench there, and stops on Ctrl+C', async () => {
    const started = await npm(['start'])
    try {
      expect(started.output()).toMatch(/Electron binary is not installed/)
      expect(started.output()).toMatch(/web mode/)
      const withoutToken = started.url.replace(/\?token=.*$/, '')
      expect((await fetch(withoutToken)).status).toBeGreaterThanOrEqual(401)
      expect((await fetch(withoutToken)).status).toBeLessThanOrEqual(403)
      await opensTheWorkbench(started.url)
    } finally {
      await interrupt(started)
    }
  })

  it('npm run web prints the URL and serves the same workbench', async () => {
    const started = await npm(['run', 'web'])
    try {
      expect(started.output()).not.toMatch(/Electron binary/)
      await opensTheWorkbench(started.url)
      await expect.poll(() => fetch(started.url).then((r) => r.status), { timeout: UI_TIMEOUT_MS }).toBe(200)
    } finally {
      await interrupt(started)
    }
  })
})
