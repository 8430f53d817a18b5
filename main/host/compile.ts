import * as esbuild from 'esbuild'
import * as path from 'node:path'

/** A compile problem at a place in the user's source (1-based line and column). */
export interface CompileError {
  file: string
  line: number
  column: number
  message: string
}

/** A driver compiled to one CommonJS script, with its source map. */
export interface CompiledDriver {
  /** The entry file as given (absolute). */
  entry: string
  /** Display name: the entry relative to the working directory. */
  name: string
  code: string
  /** Source map (V3) of `code`; `sources` are absolute paths. */
  map: { version: number; sources: string[]; sourcesContent?: (string | null)[]; mappings: string; names: string[] }
  /** The workbench modules it imports ('strmini', 'vcap1'). */
  workbenchImports: Set<string>
}

export type CompileResult = { ok: true; driver: CompiledDriver } | { ok: false; errors: CompileError[] }

/** Modules a driver may import; everything else must be a file of the project. */
export const WORKBENCH_MODULES = ['strmini', 'vcap1']

/** A path relative to the working directory when it is inside it (what reports and messages show). */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file
}

/**
 * Compiles a TypeScript driver project (the entry plus what it imports) with esbuild. Type errors are
 * not checked here (that is the editor's job); syntax and resolution errors come back with locations.
 */
export async function compileDriver(entryFile: string): Promise<CompileResult> {
  const entry = path.resolve(entryFile)
  const outfile = path.join(path.dirname(entry), '__mdwb_driver__.js')
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2022',
      outfile,
      sourcemap: 'external',
      sourcesContent: true,
      external: WORKBENCH_MODULES,
      metafile: true,
      logLevel: 'silent',
      mainFields: ['module', 'main'],
      resolveExtensions: ['.ts', '.js', '.mjs', '.json'],
    })
    const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!
    const mapFile = result.outputFiles.find((f) => f.path.endsWith('.map'))!
    const map = JSON.parse(mapFile.text)
    map.sources = (map.sources as string[]).map((s) => path.resolve(path.dirname(outfile), s))
    const workbenchImports = new Set<string>()
    for (const input of Object.values(result.metafile!.inputs)) {
      for (const imp of input.imports) if (imp.external && WORKBENCH_MODULES.includes(imp.path)) workbenchImports.add(imp.path)
    }
    // The bundle ends with a sourceMappingURL comment pointing at a file that does not exist.
    const code = js.text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n')
    return { ok: true, driver: { entry, name: displayPath(entry), code, map, workbenchImports } }
  } catch (e) {
    const failure = e as esbuild.BuildFailure
    if (!Array.isArray(failure.errors)) throw e
    return {
      ok: false,
      errors: failure.errors.map((m) => ({
        file: m.location ? displayPath(path.resolve(m.location.file)) : displayPath(entry),
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
