/**
 * Debian's Chromium, the one browser the tests use (Playwright's own browsers are never downloaded
 * here): the Catapult harness and the end-to-end suite launch it with these flags.
 */

/** `/usr/bin/chromium` (apt-get install chromium), or the browser MDWB_CHROMIUM names. */
export const CHROMIUM_PATH = process.env['MDWB_CHROMIUM'] || '/usr/bin/chromium'

/** A quiet, deterministic headless Chromium in containers and CI: no sandbox (root), no GPU, no network of its own. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
