import * as path from 'node:path'
import ts from 'typescript'
import type { TypingFile } from '../../contract/api.js'
import { workbenchRoot } from './workbenchRoot.js'

/** The modules a driver imports, as the editor must see them. */
export const TYPED_MODULES = ['strmini', 'vcap1'] as const

/** Where Monaco mounts a module's declarations: node_modules resolution finds `<name>/index.d.ts`. */
export const TYPINGS_BASE = 'file:///node_modules/'

/**
 * The globals the sandbox gives a driver beyond ECMAScript (main/host/sandbox/contextGlobals.ts), for
 * an editor whose lib has no DOM and no Node. A script, not a module: it declares globals.
 */
export const SANDBOX_GLOBALS: TypingFile = {
  uri: `${TYPINGS_BASE}@types/mdwb-sandbox/index.d.ts`,
  content: `// Globals of the workbench's driver sandbox besides ECMAScript.
/** A deep copy of data: objects, arrays, typed arrays, ArrayBuffer, Map, Set, Date; cycles kept. Functions cannot be copied. */
declare function structuredClone<T>(value: T): T
/** Output goes to the run's debug output, like DbgPrint. */
declare var console: {
  log(...data: unknown[]): void
  info(...data: unknown[]): void
  warn(...data: unknown[]): void
  error(...data: unknown[]): void
  debug(...data: unknown[]): void
  trace(...data: unknown[]): void
}
`,
}

let cached: Promise<TypingFile[]> | null = null

/**
 * Declaration files for `'strmini'` and `'vcap1'`, made once per process with the TypeScript
 * compiler from the sources the driver runs against (declaration-only emit, in memory), doc comments
 * kept for hover. Each module is its entry's declarations plus the declarations they import, mounted
 * under `file:///node_modules/<module>/` with the folder layout of `main/`, and an `index.d.ts`;
 * plus the sandbox's globals (SANDBOX_GLOBALS).
 */
export function typingFiles(): Promise<TypingFile[]> {
  cached ??= Promise.resolve().then(buildTypings)
  // A failed build is not cached: the next call tries again (and reports again).
  cached.catch(() => (cached = null))
  return cached
}

/** The module entries, as tsconfig.json's `paths` map them for the command-line type-check. */
function moduleEntries(root: string): Record<(typeof TYPED_MODULES)[number], string> {
  const configFile = path.join(root, 'tsconfig.json')
  const read = ts.readConfigFile(configFile, (f) => ts.sys.readFile(f))
  if (read.error) throw new Error(`${configFile}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`)
  const options = (read.config as { compilerOptions?: { paths?: Record<string, string[]>; baseUrl?: string } }).compilerOptions ?? {}
  const base = path.resolve(root, options.baseUrl ?? '.')
  const out = {} as Record<(typeof TYPED_MODULES)[number], string>
  for (const name of TYPED_MODULES) {
    const target = options.paths?.[name]?.[0]
    if (target === undefined) throw new Error(`${configFile}: compilerOptions.paths has no entry for '${name}'`)
    out[name] = path.resolve(base, target)
  }
  return out
}

function buildTypings(): TypingFile[] {
  const root = workbenchRoot()
  const entries = moduleEntries(root)
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts'],
    types: [],
    strict: true,
    skipLibCheck: true,
    declaration: true,
    emitDeclarationOnly: true,
    removeComments: false,
  }
  const program = ts.createProgram(Object.values(entries), options)
  const emitted = new Map<string, string>()
  const declarationsOf = (source: string): string => {
    let text = emitted.get(source)
    if (text !== undefined) return text
    const file = program.getSourceFile(source)
    if (file === undefined) throw new Error(`typings: ${source} is not part of the program`)
    program.emit(file, (name, data) => {
      if (name.endsWith('.d.ts')) text = data
    }, undefined, true)
    if (text === undefined) throw new Error(`typings: no declarations emitted for ${source}`)
    emitted.set(source, text)
    return text
  }
  // Paths inside a module folder follow the sources' layout below the common folder of the entries.
  const base = commonFolder(Object.values(entries))
  const files: TypingFile[] = [SANDBOX_GLOBALS]
  for (const name of TYPED_MODULES) {
    const entry = entries[name]
    const seen = new Set<string>()
    const queue = [entry]
    while (queue.length > 0) {
      const source = queue.shift()!
      if (seen.has(source)) continue
      seen.add(source)
      const text = declarationsOf(source)
      for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
        if (!imported.fileName.startsWith('.')) throw new Error(`typings: ${path.relative(root, source)} declares an import of '${imported.fileName}', which the editor cannot resolve`)
        const resolved = ts.resolveModuleName(imported.fileName, source, options, ts.sys).resolvedModule
        if (resolved === undefined) throw new Error(`typings: cannot resolve '${imported.fileName}' from ${path.relative(root, source)}`)
        queue.push(resolved.resolvedFileName)
      }
      files.push({ uri: `${TYPINGS_BASE}${name}/${declarationPath(base, source)}`, content: withoutJsExtensions(text) })
    }
    const main = `./${declarationPath(base, entry).replace(/\.d\.ts$/, '')}`
    files.push({ uri: `${TYPINGS_BASE}${name}/index.d.ts`, content: `// The '${name}' module of the Minidriver Workbench (generated from ${path.relative(root, entry).split(path.sep).join('/')}).\nexport * from '${main}'\n` })
  }
  return files
}

function commonFolder(files: string[]): string {
  let dir = path.dirname(files[0])
  while (!files.every((f) => f.startsWith(dir + path.sep))) dir = path.dirname(dir)
  return dir
}

function declarationPath(base: string, source: string): string {
  return path
    .relative(base, source)
    .split(path.sep)
    .join('/')
    .replace(/\.m?ts$/, '.d.ts')
}

/**
 * `./x.js` specifiers (how the sources import each other) as `./x`, which every module resolution
 * finds as `./x.d.ts`, whatever the editor's compiler options are.
 */
function withoutJsExtensions(text: string): string {
  return text.replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]*?)\.js\2/g, '$1$2$3$2')
}
