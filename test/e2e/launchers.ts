/**
 * How the end-to-end suite starts the workbench: in Chromium on web mode (the default; what CI
 * runs), or as the Electron app through Playwright's Electron launcher (`npm run test:electron`,
 * which sets MDWB_E2E_LAUNCHER=electron). Either way a test gets a Playwright `Page` on the
 * workbench, with its own empty state and projects folders, so runs never see each other's files.
 *
 *   const launcher = selectedLauncher()
 *   const app = await launcher.launch()
 *   await app.page.getByRole(...)
 *   await app.close()
 *   await launcher.dispose()   // afterAll
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron, type Browser, type ElectronApplication, type Page } from 'playwright-core'
import { startServer, type WebServer } from '../../main/server.js'
import { findElectron } from '../../scripts/electronBinary.mjs'
import { root } from '../../scripts/rendererBuild.mjs'
import { launchChromium } from '../helpers/chromium.js'
import { ensureRendererBuiltLocked } from './buildLock.js'

export type LauncherKind = 'web' | 'electron'

export interface LaunchOptions {
  /** A project folder to open instead of the first-launch sample. */
  project?: string
  /** Reuse these folders (a second launch that must find the first one's state); default: fresh ones. */
  stateDir?: string
  projectsFolder?: string
}

export interface AppSession {
  kind: LauncherKind
  page: Page
  /** The web-mode URL with its token (null for Electron). */
  url: string | null
  stateDir: string
  projectsFolder: string
  /** Closes the page and its server or app; removes the folders it made. */
  close(): Promise<void>
}

export interface AppLauncher {
  kind: LauncherKind
  launch(options?: LaunchOptions): Promise<AppSession>
  /** Ends what launches share (the browser). */
  dispose(): Promise<void>
}


function folders(options: LaunchOptions): { stateDir: string; projectsFolder: string; cleanup: () => void } {
  const made = options.stateDir === undefined || options.projectsFolder === undefined ? mkdtempSync(join(tmpdir(), 'mdwb-e2e-')) : null
  return {
    stateDir: options.stateDir ?? join(made!, 'state'),
    projectsFolder: options.projectsFolder ?? join(made!, 'projects'),
    cleanup: () => {
      if (made !== null) rmSync(made, { recursive: true, force: true })
    },
  }
}

/** Web mode in-process (startServer), Chromium on its URL. */
export function webLauncher(): AppLauncher {
  let browser: Browser | null = null
  return {
    kind: 'web',
    async launch(options = {}) {
      await ensureRendererBuiltLocked()
      const dirs = folders(options)
      let server: WebServer | null = null
      try {
        server = await startServer({ stateDir: dirs.stateDir, projectsFolder: dirs.projectsFolder, project: options.project ?? null })
        browser ??= await launchChromium()
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
        const page = await context.newPage()
        await page.goto(server.url)
        const running = server
        return {
          kind: 'web',
          page,
          url: server.url,
          ...dirs,
          async close() {
            await context.close()
            await running.close()
            dirs.cleanup()
          },
        }
      } catch (error) {
        await server?.close()
        dirs.cleanup()
        throw error
      }
    },
    async dispose() {
      await browser?.close()
      browser = null
    },
  }
}

/** The built app (out/main/index.js) in the real Electron binary, folders isolated through MDWB_STATE_DIR / MDWB_PROJECTS. */
export function electronLauncher(): AppLauncher {
  return {
    kind: 'electron',
    async launch(options = {}) {
      const executablePath = process.env['MDWB_ELECTRON'] || findElectron()
      if (!executablePath) throw new Error('the Electron binary is not installed here: use the web launcher (MDWB_E2E_LAUNCHER=web)')
      const dirs = folders(options)
      let app: ElectronApplication | null = null
      try {
        // The package folder as the app: Electron reads package.json ("main": out/main/index.js),
        // so the app's name and version are the workbench's. Root cannot use Chromium's sandbox.
        const args = [root, ...(options.project ? ['--project', options.project] : []), ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])]
        app = await _electron.launch({
          executablePath,
          args,
          cwd: root,
          env: { ...process.env, MDWB_STATE_DIR: dirs.stateDir, MDWB_PROJECTS: dirs.projectsFolder } as Record<string, string>,
        })
        const page = await app.firstWindow()
        const running = app
        return {
          kind: 'electron',
          page,
          url: null,
          ...dirs,
          async close() {
            await running.close()
            dirs.cleanup()
          },
        }
      } catch (error) {
        await app?.close()
        dirs.cleanup()
        throw error
      }
    },
    async dispose() {},
  }
}

/** The launcher MDWB_E2E_LAUNCHER names (`web`, the default, or `electron`). */
export function selectedLauncher(): AppLauncher {
  const kind = process.env['MDWB_E2E_LAUNCHER'] || 'web'
  if (kind === 'web') return webLauncher()
  if (kind === 'electron') return electronLauncher()
  throw new Error(`MDWB_E2E_LAUNCHER=${kind}: expected web or electron`)
}
