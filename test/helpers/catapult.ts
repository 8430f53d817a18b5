import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './chromium.js'
import { CATAPULT_DIR } from './consumers.js'

/**
 * A harness running the Catapult trace viewer (chrome://tracing's importer) in headless Chromium.
 * Catapult ships in Debian's golang-1.19-src (cmd/trace serves it; the consumers table in
 * consumers.ts, installed by .ci/run); the browser is the suite's own (chromium.ts). Nothing is downloaded.
 */

// The page imports the viewer (HTML imports, polyfilled by webcomponents.min.js) and exposes the importer.
// shiftWorldToZero=false keeps Catapult's times equal to ours (in ms), so bounds can be compared.
const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8">
<script src="webcomponents.min.js"></script>
<link rel="import" href="trace_viewer_full.html">
<script>
window.validateTrace = (text) => {
  const m = new tr.Model();
  const o = new tr.importer.ImportOptions();
  o.shiftWorldToZero = false;
  try {
    new tr.importer.Import(m, o).importTraces([text]);
  } catch (e) {
    return { thrown: String(e && e.stack || e), warnings: [], flows: 0, bounds: [NaN, NaN] };
  }
  return {
    thrown: null,
    warnings: m.importWarnings.map((w) => w.type + ': ' + w.message),
    flows: m.flowEvents.length,
    bounds: [m.bounds.min, m.bounds.max],
  };
};
document.addEventListener('WebComponentsReady', () => { window.tvReady = true; });
</script>
</head><body></body></html>`

/** What Catapult made of a trace. Times are Catapult's: milliseconds. */
export interface CatapultImport {
  /** The importer's exception, if it threw (then the rest is empty). */
  thrown: string | null
  warnings: string[]
  flows: number
  bounds: [number, number]
}

/** Serves index.html and the two Catapult files (only those) on 127.0.0.1 at a random port. */
async function serveCatapult(): Promise<{ server: Server; url: string }> {
  const files = new Map<string, { type: string; body: string | Buffer }>([
    ['/index.html', { type: 'text/html', body: INDEX_HTML }],
    ['/trace_viewer_full.html', { type: 'text/html', body: readFileSync(join(CATAPULT_DIR, 'trace_viewer_full.html')) }],
    ['/webcomponents.min.js', { type: 'text/javascript', body: readFileSync(join(CATAPULT_DIR, 'webcomponents.min.js')) }],
  ])
  const server = createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://x').pathname)
    if (!file) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': `${file.type}; charset=utf-8` }).end(file.body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return { server, url: `http://127.0.0.1:${port}/index.html` }
}

export interface CatapultHarness {
  page: Page
  /** Imports trace text with Catapult's importer in the page. */
  importTrace(text: string): Promise<CatapultImport>
  close(): Promise<void>
}

/** Starts server, browser and page and waits until the viewer is loaded; close() undoes all of it. */
export async function startCatapult(timeoutMs = 60_000): Promise<CatapultHarness> {
  const { server, url } = await serveCatapult()
  let browser: Browser | undefined
  const close = async () => {
    await browser?.close().catch(() => {})
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  try {
    browser = await launchChromium({ timeout: timeoutMs })
    const page = await browser.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await page.goto(url, { timeout: timeoutMs })
    await page.waitForFunction(() => (globalThis as any).tvReady === true, null, { timeout: timeoutMs }).catch((e) => {
      throw new Error(`Catapult did not load: ${(e as Error).message}; page errors: ${pageErrors.join(' | ') || 'none'}`)
    })
    return {
      page,
      importTrace: (text) => page.evaluate((t) => (globalThis as any).validateTrace(t), text) as Promise<CatapultImport>,
      close,
    }
  } catch (e) {
    await close()
    throw e
  }
}
