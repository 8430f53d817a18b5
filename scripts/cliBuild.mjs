// The mdwb command's prebuilt JavaScript, out/cli/, which bin/mdwb.mjs runs:
//   mdwb.mjs                 main/cli.ts and everything it imports, in one ES module (esbuild);
//                            esbuild, typescript and ajv stay in node_modules, loaded at their first
//                            use rather than at start-up
//   sandbox-*.cjs, *.js      the sandbox's scripts (its process entry, worker, simulation), which it
//                            otherwise bundles from main/host/sandbox at every start (names and
//                            contents: SANDBOX_BUNDLE_FILES and sandboxBundles() in main/host/sandbox)
//   stamp.json               size and mtime of every file the build was made from
// Built by `npm install` / `npm ci` (the prepare script), by `npm run build`, and by the bin itself
// when the stamp no longer matches the checkout (a pull, an edit under main/): about a second.
//
// `node scripts/cliBuild.mjs` builds it. The stamp check (cliStaleness) touches only the file system,
// never esbuild, so that a current build starts at once.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The repository root, ending with a separator. */
export const root = fileURLToPath(new URL('..', import.meta.url))
/** The folder bin/mdwb.mjs runs from. */
export const CLI_DIR = join(root, 'out', 'cli')
export const CLI_BUNDLE = 'mdwb.mjs'
const STAMP = 'stamp.json'
/**
 * Left out of the bundle, loaded from node_modules at their first use: esbuild (a native binary beside
 * its JavaScript), typescript (9 MB, at the first compile) and ajv (at the first validation).
 */
const EXTERNAL = ['esbuild', 'typescript', 'ajv']
/**
 * Packages loaded at their first use rather than at start-up (together about 0.1 s that `mdwb --help`
 * would wait for): their function exports stand in for them until then (lazyPackagesPlugin).
 */
const LAZY = ['esbuild', 'ajv']
const STAMP_VERSION = 1
/** What the build is made from besides the bundled packages: all of main/ (the CLI, the sandbox's worker and simulation) and this recipe. */
const SOURCE_DIRS = ['main']
const SOURCE_FILES = ['scripts/cliBuild.mjs']

const posix = (p) => p.split(sep).join('/')

/** Every file under `dir` (relative to the root, with '/'), pushed to `into`. */
function walk(dir, into) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) walk(path, into)
    else if (entry.isFile()) into.push(path)
  }
  return into
}

/** Size and mtime of each file (relative to the root), null for one that does not exist. */
function statFiles(files) {
  const stats = {}
  for (const file of files) {
    try {
      const info = statSync(root + file)
      stats[file] = [info.size, info.mtimeMs]
    } catch {
      stats[file] = null
    }
  }
  return stats
}

/** Every file the build is made from (all of main/, this recipe, and `extra`), with its size and mtime. */
function sourceStats(extra = []) {
  const files = SOURCE_DIRS.flatMap((d) => walk(d, []))
  return statFiles([...files, ...SOURCE_FILES, ...extra].sort())
}

function readStamp(dir = CLI_DIR) {
  try {
    const stamp = JSON.parse(readFileSync(join(dir, STAMP), 'utf8'))
    return stamp.version === STAMP_VERSION ? stamp : null
  } catch {
    return null
  }
}

/** Why out/cli needs building, or null when it matches the checkout. */
export function cliStaleness() {
  const stamp = readStamp()
  if (stamp === null) return existsSync(CLI_DIR) ? 'out/cli has no build stamp' : 'out/cli does not exist yet'
  for (const file of stamp.outputs ?? [CLI_BUNDLE]) {
    if (!existsSync(join(CLI_DIR, file))) return `out/cli/${file} is missing`
  }
  const packages = Object.keys(stamp.files).filter((f) => f.startsWith('node_modules/'))
  const now = sourceStats(packages)
  const changed = []
  for (const [file, was] of Object.entries(stamp.files)) {
    const is = now[file]
    if (is === undefined || is === null) changed.push(`${file} was removed`)
    else if (was === null || was[0] !== is[0] || was[1] !== is[1]) changed.push(`${file} changed`)
  }
  for (const file of Object.keys(now)) if (!(file in stamp.files)) changed.push(`${file} is new`)
  if (changed.length === 0) return null
  return changed.length === 1 ? `${changed[0]} since the last build` : `${changed[0]} and ${changed.length - 1} more since the last build`
}

/**
 * The bundle runs from out/cli/, its sources live in main/: `import.meta.url` in a source file is made
 * to name that source file (relative to the bundle, so a moved checkout still works), so that whatever
 * a module finds next to itself (the sandbox's worker.ts, the checkout's package.json, out/renderer)
 * it finds as it does when run from the sources.
 */
function importMetaPlugin(outDir) {
  return {
    name: 'mdwb-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(join(root, 'main') + sep)) return undefined
        const text = readFileSync(args.path, 'utf8')
        if (!text.includes('import.meta')) return undefined
        const other = /import\.meta\.(?!url\b)(\w+)/.exec(text)
        if (other) return { errors: [{ text: `import.meta.${other[1]} is not supported in the mdwb bundle (scripts/cliBuild.mjs maps only import.meta.url)` }] }
        const url = JSON.stringify(posix(relative(outDir, args.path)))
        return { contents: text.replaceAll('import.meta.url', `new URL(${url}, import.meta.url).href`), loader: 'ts' }
      })
    },
  }
}

/**
 * Each package in LAZY imports as a stand-in module: every function it exports becomes a Proxy that
 * requires the package at its first call, construction or property read (so `new Ajv()`,
 * `esbuild.build()` and static members work as before). Other exports are left out, so code that
 * imports one fails the build, with esbuild naming it.
 */
function lazyPackagesPlugin(packages) {
  return {
    name: 'mdwb-lazy-packages',
    setup(build) {
      const filter = new RegExp(`^(${packages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`)
      build.onResolve({ filter }, (args) => (args.namespace === 'mdwb-lazy' ? undefined : { path: args.path, namespace: 'mdwb-lazy' }))
      build.onLoad({ filter: /.*/, namespace: 'mdwb-lazy' }, async (args) => {
        const real = await import(pathToFileURL(createRequire(join(root, 'package.json')).resolve(args.path)).href)
        const names = Object.keys(real).filter((k) => k !== 'default' && typeof real[k] === 'function')
        const lines = [
          `let loaded = null`,
          `const load = () => (loaded ??= require(${JSON.stringify(args.path)}))`,
          `const lazy = (name) => new Proxy(function () {}, {`,
          `  apply: (_, self, args) => Reflect.apply(load()[name], self, args),`,
          `  construct: (_, args, newTarget) => Reflect.construct(load()[name], args, newTarget),`,
          `  get: (_, key) => load()[name][key],`,
          `})`,
          ...names.map((name) => `export const ${name} = lazy(${JSON.stringify(name)})`),
        ]
        return { contents: lines.join('\n'), loader: 'js', resolveDir: root }
      })
    },
  }
}

/**
 * Builds out/cli from the sources and returns the wall time in seconds. Builds into a folder of its
 * own and renames it into place, so that two processes building at once (or one running the old
 * build) never see half a build. Throws an Error with esbuild's messages when the sources do not build.
 */
export async function buildCli() {
  const started = performance.now()
  const esbuild = await import('esbuild')
  const before = sourceStats()
  const tmp = join(root, 'out', `.cli-${process.pid}-${Date.now()}`)
  mkdirSync(tmp, { recursive: true })
  try {
    const entry = [
      `export { main } from './main/cli.ts'`,
      `export { SANDBOX_BUNDLE_FILES, useSandboxBundlesFrom } from './main/host/sandbox/bundles.ts'`,
      `export { sandboxBundles } from './main/host/sandbox/sandbox.ts'`,
    ].join('\n')
    let result
    try {
      result = await esbuild.build({
        stdin: { contents: entry, resolveDir: root, sourcefile: 'mdwb-entry.ts', loader: 'ts' },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile: join(tmp, CLI_BUNDLE),
        external: EXTERNAL,
        // Packages' ES module builds (jsonc-parser's CommonJS one is UMD, which esbuild cannot follow).
        mainFields: ['module', 'main'],
        // `require` for the lazy packages and any bundled CommonJS.
        banner: { js: `import { createRequire as __mdwbCreateRequire } from 'node:module'; const require = __mdwbCreateRequire(import.meta.url);` },
        sourcemap: 'linked',
        metafile: true,
        logLevel: 'silent',
        plugins: [lazyPackagesPlugin(LAZY), importMetaPlugin(tmp)],
      })
    } catch (error) {
      const messages = Array.isArray(error.errors) ? (await esbuild.formatMessages(error.errors, { kind: 'error' })).join('') : String(error)
      throw new Error(`the command line does not build from its sources:\n${messages}`)
    }
    // The sandbox's scripts, made by the sandbox's own function (from the sources, whatever
    // MDWB_SANDBOX_BUNDLES says in this shell). Importing the bundle also proves it loads.
    const bundle = await import(pathToFileURL(join(tmp, CLI_BUNDLE)).href)
    bundle.useSandboxBundlesFrom(null)
    const saved = process.env['MDWB_SANDBOX_BUNDLES']
    delete process.env['MDWB_SANDBOX_BUNDLES']
    let sandbox
    try {
      sandbox = await bundle.sandboxBundles()
    } finally {
      if (saved !== undefined) process.env['MDWB_SANDBOX_BUNDLES'] = saved
    }
    const outputs = [CLI_BUNDLE]
    for (const [key, file] of Object.entries(bundle.SANDBOX_BUNDLE_FILES)) {
      if (typeof sandbox[key] !== 'string') throw new Error(`sandboxBundles() has no '${key}' script for ${file} (main/host/sandbox/bundles.ts, SANDBOX_BUNDLE_FILES)`)
      writeFileSync(join(tmp, file), sandbox[key])
      outputs.push(file)
    }
    // The bundled packages, by their package.json (a version change rebuilds).
    const packages = new Set()
    for (const input of Object.keys(result.metafile.inputs)) {
      const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
      if (m) packages.add(`node_modules/${m[1]}/package.json`)
    }
    // The sources as they were when the build read them: an edit during the build shows as a change.
    const files = { ...before, ...statFiles([...packages].sort()) }
    writeFileSync(join(tmp, STAMP), `${JSON.stringify({ version: STAMP_VERSION, builtAt: new Date().toISOString(), outputs, files }, null, 1)}\n`)
    const old = join(root, 'out', `.cli-old-${process.pid}-${Date.now()}`)
    let moved = false
    try {
      renameSync(CLI_DIR, old)
      moved = true
    } catch (error) {
      if (error.code !== 'ENOENT') throw error
    }
    try {
      renameSync(tmp, CLI_DIR)
    } catch (error) {
      // Another process put its build (of the same sources) in place meanwhile: keep that one.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error
    }
    if (moved) rmSync(old, { recursive: true, force: true })
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  return (performance.now() - started) / 1000
}

// `node scripts/cliBuild.mjs [--prepare]`. With --prepare (npm install's prepare script) a failure
// does not fail the install (CI's `npm ci` then type-checks and tests as usual): it is reported, and
// mdwb tries again at its first run, reporting it there.
const isMain = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
  } catch {
    return false
  }
})()
if (isMain) {
  try {
    const seconds = await buildCli()
    console.log(`Built out/cli (the mdwb command) in ${seconds.toFixed(1)} s`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    if (process.argv.includes('--prepare')) console.error('out/cli (the mdwb command) was not built: mdwb builds it at its first run, or says why it cannot.')
    else process.exitCode = 1
  }
}
