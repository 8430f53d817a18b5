import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import type { TypingFile } from '../../../main/contract/api.js'
import { typingFiles } from '../../../main/host/backend/typings.js'

const tsLib = path.dirname(require.resolve('typescript'))

/**
 * A language service the way Monaco's TypeScript worker sees the project: the typing files mounted at
 * their URIs, one driver file, the compiler's own lib files, and nothing else (no repository sources).
 */
function editorService(typings: TypingFile[], driver: string, options: ts.CompilerOptions = {}) {
  const files = new Map<string, string>()
  for (const t of typings) files.set(t.uri.replace(/^file:\/\//, ''), t.content)
  files.set('/driver.ts', driver)
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    noEmit: true,
    lib: ['lib.es2022.d.ts'],
    types: [],
    ...options,
  }
  const read = (f: string): string | undefined => files.get(f) ?? (f.startsWith(tsLib) ? ts.sys.readFile(f) : undefined)
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => compilerOptions,
    // Monaco puts every extra lib in the program, as root files.
    getScriptFileNames: () => [...files.keys()],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      const text = read(f)
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text)
    },
    getCurrentDirectory: () => '/',
    getDefaultLibFileName: (o) => path.join(tsLib, ts.getDefaultLibFileName(o)),
    fileExists: (f) => read(f) !== undefined,
    readFile: read,
    directoryExists: (d) => d === '/' || [...files.keys()].some((f) => f.startsWith(`${d.replace(/\/$/, '')}/`)) || d.startsWith(tsLib),
    getDirectories: () => [],
  }
  return ts.createLanguageService(host, ts.createDocumentRegistry())
}

const messages = (diagnostics: readonly ts.Diagnostic[]) => diagnostics.map((d) => `${d.start}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)

describe('editor typings for strmini and vcap1', () => {
  it('type-check the example drivers with no error, from the typing files alone', async () => {
    const typings = await typingFiles()
    const bytes = typings.reduce((n, t) => n + t.content.length, 0)
    console.log(`typings: ${typings.length} files, ${(bytes / 1024).toFixed(1)} KB`)
    expect(bytes).toBeLessThan(400 * 1024)
    expect(typings.map((t) => t.uri)).toContain('file:///node_modules/strmini/index.d.ts')
    expect(typings.map((t) => t.uri)).toContain('file:///node_modules/vcap1/index.d.ts')
    const check = editorService(typings, '')
    for (const t of typings) expect({ uri: t.uri, errors: messages(check.getSemanticDiagnostics(t.uri.replace(/^file:\/\//, ''))) }).toEqual({ uri: t.uri, errors: [] })
    for (const example of ['examples/vcap1-capture.ts', 'examples/testcap.ts', 'templates/blank/driver.ts']) {
      for (const moduleResolution of [ts.ModuleResolutionKind.Node10, ts.ModuleResolutionKind.Bundler]) {
        const service = editorService(typings, readFileSync(example, 'utf8'), { moduleResolution })
        expect({ example, errors: messages([...service.getSyntacticDiagnostics('/driver.ts'), ...service.getSemanticDiagnostics('/driver.ts')]) }).toEqual({ example, errors: [] })
      }
    }
  })

  it('catch a wrong type, and show the doc comment on hover', async () => {
    const typings = await typingFiles()
    const driver = `import { StreamClassRegisterMinidriver, type HW_STREAM_REQUEST_BLOCK } from 'strmini'
import { VID_CTRL } from 'vcap1'
export function HwReceivePacket(srb: HW_STREAM_REQUEST_BLOCK): void {
  srb.Status = 'oops'
}
export const ctrl = VID_CTRL
export function DriverEntry(a: unknown, b: unknown) { return StreamClassRegisterMinidriver(a, b, null!) }
`
    const service = editorService(typings, driver)
    const errors = messages(service.getSemanticDiagnostics('/driver.ts'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/Type 'string' is not assignable to type 'number'/)
    expect(errors[0].startsWith(`${driver.indexOf('srb.Status')}:`)).toBe(true)

    const hover = service.getQuickInfoAtPosition('/driver.ts', driver.lastIndexOf('StreamClassRegisterMinidriver') + 3)
    const doc = ts.displayPartsToString(hover?.documentation)
    expect(ts.displayPartsToString(hover?.displayParts)).toContain('HwInitData: HW_INITIALIZATION_DATA')
    expect(doc).toContain('Registers the minidriver with the stream class driver')
    const vcap = service.getQuickInfoAtPosition('/driver.ts', driver.lastIndexOf('VID_CTRL') + 2)
    expect(ts.displayPartsToString(vcap?.documentation)).toContain('0x100 Video channel control')
  })
})
