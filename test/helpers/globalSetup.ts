// Once per `vitest run`, before any test file: unpack the end-to-end browser (a few seconds the first
// time, nothing after), so parallel files find it ready instead of waiting on each other's lock.
// A failure here is only reported: the tests that need the browser fail with the same message.
import { chromiumBrowser } from './chromium.js'

export default async function setup(): Promise<void> {
  await chromiumBrowser().catch((e: Error) => process.stderr.write(`the end-to-end browser is not available: ${e.message}\n`))
}
