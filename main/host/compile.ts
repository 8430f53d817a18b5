import * as esbuild from 'esbuild'
import { readFile } from 'node:fs/promises'
import * as path from 'node:path'
import { WORKBENCH_MODULE_OBJECTS } from './workbenchModules.js'
import type { SourceLocation } from '../sim/bugcheck.js'
import type { CompileError, CompileResult, ModuleExports } from './compiledDriver.js'
import { guardLoops } from './loopInstrumentation.js'

/** The workbench modules of this build and their exports. */
export { WORKBENCH_MODULE_OBJECTS }
export const DEFAULT_MODULE_EXPORTS: ModuleExports = Object.fromEntries(Object.entries(WORKBENCH_MODULE_OBJECTS).map(([name, m]) => [name, Object.keys(m)]))

export type { CompiledDriver, CompileError, CompileResult, ModuleExports } from './compiledDriver.js'
export { WORKBENCH_MODULES } from './compiledDriver.js'

/**
 * Resolves 'strmini' and 'vcap1' to virtual ES modules that take each export from the module object
 * the loader passes in (`__mdwb_import`). esbuild then turns `S.X` in user code into a plain variable
 * read, where a CommonJS require would leave a property getter on every access.
 */
function workbenchModulesPlugin(exports: ModuleExports, used: Set<string>): esbuild.Plugin {
  return {
    name: 'mdwb-workbench-modules',
    setup(build) {
      build.onResolve({ filter: /^(strmini|vcap1)$/ }, (args) => {
        if (!(args.path in exports)) return { errors: [{ text: `module '${args.path}' is not available in this build` }] }
        used.add(args.path)
        return { path: args.path, namespace: 'mdwb-api' }
      })
      build.onLoad({ filter: /.*/, namespace: 'mdwb-api' }, (args) => {
        const names = exports[args.path]
        const lines = [`const m = __mdwb_import(${JSON.stringify(args.path)});`]
        if (names.length > 0) lines.push(`export const { ${names.join(', ')} } = m;`)
        return { contents: lines.join('\n'), loader: 'js' }
      })
    },
  }
}

/** A path relative to the working directory when it is inside it (what reports and messages show). */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file
}

/** Where a compile reads besides the disk, and how it names files. */
export interface CompileOptions {
  /** Unsaved editor buffers: absolute path -> content, read instead of the file (which need not exist). */
  overlay?: ReadonlyMap<string, string>
  /** Locations, the source map and the driver's name are relative to this folder (default: the working directory). */
  root?: string
}

/**
 * Compiles a TypeScript driver project (the entry plus what it imports) with esbuild. Type errors are
 * not checked here (that is the editor's job); syntax and resolution errors come back with locations.
 */
export async function compileDriver(entryFile: string, modules: ModuleExports = DEFAULT_MODULE_EXPORTS, options: CompileOptions = {}): Promise<CompileResult> {
  return compile(path.resolve(entryFile), null, modules, options)
}

/**
 * Compiles driver source held in memory (an editor buffer) as if it were the file `fileName`: its
 * relative imports resolve from that file's folder, and locations name it.
 */
export async function compileDriverSource(source: string, fileName: string, modules: ModuleExports = DEFAULT_MODULE_EXPORTS): Promise<CompileResult> {
  return compile(path.resolve(fileName), source, modules, {})
}

/**
 * Loads the project's own files through the loop guard (see loopInstrumentation.ts); the workbench modules and
 * anything esbuild resolves elsewhere are untouched.
 */
function loopGuardPlugin(sites: SourceLocation[], functions: Record<string, SourceLocation>, files: string[], options: CompileOptions, show: (file: string) => string): esbuild.Plugin {
  return {
    name: 'mdwb-loop-guard',
    setup(build) {
      build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined
        files.push(args.path)
        const source = options.overlay?.get(args.path) ?? (await readFile(args.path, 'utf8'))
        const guarded = guardLoops(source, args.path, show(args.path), sites, functions)
        return guarded === null ? { contents: source, loader: args.path.endsWith('ts') ? 'ts' : 'js' } : { contents: guarded, loader: 'js' }
      })
    },
  }
}

/** Files that exist only as editor buffers: the entry and relative imports resolve to them. */
function overlayResolvePlugin(overlay: ReadonlyMap<string, string>): esbuild.Plugin {
  return {
    name: 'mdwb-overlay',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'entry-point' && !args.path.startsWith('.')) return undefined
        const base = path.resolve(args.resolveDir, args.path)
        const candidates = [base, `${base}.ts`, base.replace(/\.m?js$/, '.ts'), path.join(base, 'index.ts')]
        const hit = candidates.find((c) => overlay.has(c))
        return hit === undefined ? undefined : { path: hit }
      })
    },
  }
}

async function compile(entry: string, source: string | null, modules: ModuleExports, options: CompileOptions): Promise<CompileResult> {
  const root = options.root ?? process.cwd()
  const show = (file: string) => displayPath(file, root)
  const outfile = path.join(path.dirname(entry), '__mdwb_driver__.js')
  const used = new Set<string>()
  const sites: SourceLocation[] = []
  const functions: Record<string, SourceLocation> = {}
  const files: string[] = []
  try {
    const guarded = source === null ? null : guardLoops(source, entry, show(entry), sites, functions)
    if (source !== null) files.push(entry)
    const result = await esbuild.build({
      ...(source === null
        ? { entryPoints: [entry] }
        : { stdin: { contents: guarded ?? source!, sourcefile: path.basename(entry), resolveDir: path.dirname(entry), loader: guarded === null ? ('ts' as const) : ('js' as const) } }),
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2022',
      outfile,
      sourcemap: 'external',
      sourcesContent: true,
      plugins: [
        workbenchModulesPlugin(modules, used),
        ...(options.overlay && options.overlay.size > 0 ? [overlayResolvePlugin(options.overlay)] : []),
        loopGuardPlugin(sites, functions, files, options, show),
      ],
      logLevel: 'silent',
      mainFields: ['module', 'main'],
      resolveExtensions: ['.ts', '.js', '.mjs', '.json'],
    })
    const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!
    const mapFile = result.outputFiles.find((f) => f.path.endsWith('.map'))!
    const map = JSON.parse(mapFile.text)
    map.sources = (map.sources as string[]).map((s) => show(path.resolve(path.dirname(outfile), s)))
    // The bundle ends with a sourceMappingURL comment pointing at a file that does not exist.
    const code = js.text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n')
    return { ok: true, driver: { entry, name: show(entry), code, map, workbenchImports: [...used], loopSites: sites, functionSites: functions, files } }
  } catch (e) {
    const failure = e as esbuild.BuildFailure
    if (!Array.isArray(failure.errors)) throw e
    return {
      ok: false,
      errors: failure.errors.map((m) => ({
        file: m.location ? show(path.resolve(m.location.file)) : show(entry),
        line: m.location?.line ?? 1,
        column: (m.location?.column ?? 0) + 1,
        message: m.text,
      })),
    }
  }
}

/** "file:line:column: message" lines, the way compilers print them. */
export function formatCompileErrors(errors: CompileError[]): string {
  return errors.map((e) => `${e.file}:${e.line}:${e.column}: error: ${e.message}`).join('\n')
}
