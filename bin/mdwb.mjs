#!/usr/bin/env node
// The mdwb command. It runs the prebuilt JavaScript in out/cli/ (scripts/cliBuild.mjs: main/cli.ts
// bundled with esbuild, made by `npm install` / `npm ci` and `npm run build`), which starts in a
// fraction of the time tsx takes to compile the sources. When the build is missing or no longer
// matches the checkout (its stamp lists every source file's size and mtime: a pull, an edit under
// main/), it is rebuilt first (about a second; more on a busy machine), saying so on stderr; stdout
// stays the command's.
// Where out/ cannot be written, the sources run through tsx instead (slower to start, same result).
// MDWB_FROM_SOURCES=1 always runs the sources through tsx (the test suite does, see vitest.config.ts).
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildCli, cliStaleness, CLI_BUNDLE, CLI_DIR } from '../scripts/cliBuild.mjs'

async function fromSources() {
  const { register } = await import('tsx/esm/api')
  register()
  return import('../main/cli.ts')
}

async function fromBuild() {
  const why = cliStaleness()
  if (why !== null) {
    process.stderr.write(`mdwb: building out/cli (${why})... `)
    try {
      const seconds = await buildCli()
      process.stderr.write(`done in ${seconds.toFixed(1)} s\n`)
    } catch (error) {
      process.stderr.write('failed\n')
      if (['EACCES', 'EPERM', 'EROFS'].includes(error?.code)) {
        process.stderr.write(`mdwb: out/ cannot be written here (${error.code}), so this runs the sources through tsx, which starts slower; \`npm run build\` as the checkout's owner makes the fast build.\n`)
        return fromSources()
      }
      process.stderr.write(`mdwb: ${error instanceof Error ? error.message : error}\n`)
      process.exit(2)
    }
  }
  const bundle = await import(pathToFileURL(join(CLI_DIR, CLI_BUNDLE)).href)
  // The sandbox's worker and simulation, prebuilt beside the bundle (MDWB_SANDBOX_BUNDLES, when set, wins).
  if (!process.env['MDWB_SANDBOX_BUNDLES']) bundle.useSandboxBundlesFrom(CLI_DIR)
  return bundle
}

const cli = process.env['MDWB_FROM_SOURCES'] === '1' ? await fromSources() : await fromBuild()
process.exitCode = await cli.main(process.argv.slice(2))
