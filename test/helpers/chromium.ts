/**
 * The browser the Catapult harness and the end-to-end suite drive through playwright-core.
 *
 * By default the headless Chromium that ships inside the npm package `@sparticuz/chromium` (a dev
 * dependency), so `npm install && npm test` needs nothing but Node: the package carries the browser as
 * brotli archives, which are unpacked once into `node_modules/.cache/mdwb-chromium/<version>/`.
 * `MDWB_CHROMIUM=/usr/bin/chromium` (or any Chromium) uses that browser instead. Playwright's own
 * browser downloads are never used.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type LaunchOptions } from 'playwright-core'

/** A quiet, deterministic headless Chromium in containers and CI: no sandbox (root), no GPU, no network of its own. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PACKAGE_DIR = join(ROOT, 'node_modules', '@sparticuz', 'chromium')
const LOCK_STALE_MS = 180_000

/** Which browser, and from where: for messages and the README. */
export interface ChromiumBrowser {
  executablePath: string
  /** Extra environment for the browser process (the packaged build's fonts). */
  env: Record<string, string>
  source: 'MDWB_CHROMIUM' | '@sparticuz/chromium'
}

let resolved: Promise<ChromiumBrowser> | null = null

/** The browser to launch: MDWB_CHROMIUM when set, else the npm package's build, unpacked on first use. */
export function chromiumBrowser(): Promise<ChromiumBrowser> {
  resolved ??= resolveBrowser()
  return resolved
}

/** Launches headless Chromium with the suite's flags. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const browser = await chromiumBrowser()
  return chromium.launch({
    ...options,
    executablePath: browser.executablePath,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    env: { ...(process.env as Record<string, string>), ...browser.env, ...(options.env ?? {}) },
  })
}

async function resolveBrowser(): Promise<ChromiumBrowser> {
  const chosen = process.env['MDWB_CHROMIUM']
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`MDWB_CHROMIUM names ${chosen}, which does not exist (unset it to use the browser from @sparticuz/chromium)`)
    return { executablePath: chosen, env: {}, source: 'MDWB_CHROMIUM' }
  }
  if (!existsSync(join(PACKAGE_DIR, 'bin', 'chromium.br'))) {
    throw new Error(`the end-to-end browser is missing: ${PACKAGE_DIR} has no bin/chromium.br (run npm install, or set MDWB_CHROMIUM to a Chromium binary)`)
  }
  const version = (JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version
  const dir = join(ROOT, 'node_modules', '.cache', 'mdwb-chromium', version)
  if (!existsSync(join(dir, 'complete'))) await unpackOnce(dir)
  return { executablePath: join(dir, 'chromium'), env: { FONTCONFIG_FILE: join(dir, 'fonts.conf') }, source: '@sparticuz/chromium' }
}

/**
 * Unpacks the package's archives into `dir`, once across Vitest's parallel workers: a lock folder
 * (taken over when older than LOCK_STALE_MS), a partial folder renamed into place when complete.
 */
async function unpackOnce(dir: string): Promise<void> {
  const lock = `${dir}.lock`
  mkdirSync(join(dir, '..'), { recursive: true })
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      if (existsSync(join(dir, 'complete'))) return
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true })
      } catch {
        // the lock went away between the two calls: try again
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  try {
    if (existsSync(join(dir, 'complete'))) return
    const partial = `${dir}.partial-${process.pid}`
    rmSync(partial, { recursive: true, force: true })
    mkdirSync(partial, { recursive: true })
    // The package unpacks into os.tmpdir(), read at call time: point it at our partial folder.
    const before = process.env['TMPDIR']
    process.env['TMPDIR'] = partial
    try {
      const { default: Chromium } = (await import('@sparticuz/chromium')) as { default: { executablePath(input?: string): Promise<string> } }
      await Chromium.executablePath(join(PACKAGE_DIR, 'bin'))
    } finally {
      if (before === undefined) delete process.env['TMPDIR']
      else process.env['TMPDIR'] = before
    }
    // The package's fonts.conf names /tmp/fonts; ours names the unpacked fonts and the system's.
    writeFileSync(
      join(partial, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    )
    writeFileSync(join(partial, 'complete'), `${new Date().toISOString()}\n`)
    rmSync(dir, { recursive: true, force: true })
    renameSync(partial, dir)
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
