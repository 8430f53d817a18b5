#!/usr/bin/env node
// `npm run web`: the workbench in a browser. Builds the renderer when it is missing or stale, starts
// main/server.ts (run from its TypeScript sources through tsx) and prints the one line to open:
//   Workbench: http://127.0.0.1:PORT/?token=...
// The build (a line per stage on stderr, scripts/rendererBuild.mjs) starts first and tsx loads the
// server's sources while it runs.
// Options: --project <folder>, --port N, --open / --no-open (default: no browser is opened).
// Environment: MDWB_STATE_DIR, MDWB_PROJECTS.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { buildAppAsync, isMainScript, rendererStaleness } from './rendererBuild.mjs'

export async function runWeb(argv) {
  const why = rendererStaleness()
  const build = why === null ? null : buildAppAsync(why)
  const { register } = await import('tsx/esm/api')
  register()
  const { parseServerArgs, startServer } = await import('../main/server.ts')
  let command
  try {
    command = parseServerArgs(argv)
  } catch (error) {
    if (build !== null) {
      build.cancel()
      process.stderr.write('stopped\n')
    }
    console.error(error.message)
    process.exit(2)
  }
  if (build !== null) await build.done
  const server = await startServer(command.options)
  console.log(`Workbench: ${server.url}`)
  if (command.open) openBrowser(server.url)
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return server
}

function openBrowser(url) {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open'
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true })
  child.on('error', () => console.error(`Could not start ${opener}: open the URL above yourself.`))
  child.unref()
}

if (isMainScript(fileURLToPath(import.meta.url))) {
  runWeb(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
