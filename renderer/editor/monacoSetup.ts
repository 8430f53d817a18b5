/**
 * Monaco for driver code, configured once per page: the tree-shaken editor (editor features plus
 * the TypeScript and JSON languages only), its workers bundled by Vite (no CDN: the page's CSP and
 * Electron's app:// scheme allow only our own files), TypeScript options matching how the backend
 * compiles a driver, the 'strmini' and 'vcap1' declaration files, and the workbench's dark theme.
 */
import * as monaco from 'monaco-editor/editor'
import 'monaco-editor/features/register.all'
import 'monaco-editor/languages/definitions/typescript/register'
import * as tsLanguage from 'monaco-editor/languages/features/typescript/register'
import 'monaco-editor/languages/features/json/register'
import editorWorker from 'monaco-editor/editor/editor.worker?worker'
import tsWorker from 'monaco-editor/language/typescript/ts.worker?worker'
import jsonWorker from 'monaco-editor/language/json/json.worker?worker'
import type { TypingFile } from '../../main/contract/api.js'

export { monaco }

self.MonacoEnvironment = {
  getWorker(_moduleId: string, label: string): Worker {
    if (label === 'typescript' || label === 'javascript') return new tsWorker()
    if (label === 'json') return new jsonWorker()
    return new editorWorker()
  },
}

const ts = tsLanguage

ts.typescriptDefaults.setCompilerOptions({
  // ES2022 (9): 0.57's ScriptTarget enum lists no name for it.
  target: 9 as tsLanguage.CompilerOptions['target'],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.NodeJs,
  strict: true,
  noEmit: true,
  allowNonTsExtensions: true,
  esModuleInterop: true,
  // No 'dom': a driver runs in a context without browser globals, and should not be offered them.
  lib: ['es2022'],
})
ts.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false })
// Models of other files are known to the worker before they are opened, so imports between them resolve.
ts.typescriptDefaults.setEagerModelSync(true)

let typingsLoaded: monaco.IDisposable[] = []

/** Loads (or replaces) the declaration files `import … from 'strmini'` and `'vcap1'` resolve to. */
export function setTypings(files: readonly TypingFile[]): void {
  for (const d of typingsLoaded) d.dispose()
  typingsLoaded = files.map((f) => ts.typescriptDefaults.addExtraLib(f.content, f.uri))
}

monaco.editor.defineTheme('workbench-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: {
    'editor.background': '#1e1e1e',
    'editorGutter.background': '#1e1e1e',
  },
})
