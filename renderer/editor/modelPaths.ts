/**
 * Where each project file lives in the editor: one Monaco model per file at `file:///<path>` (so
 * relative imports between the files resolve in the TypeScript worker), and its language.
 */

export const MODEL_ROOT = 'file:///'

/** `file:///src/isr.ts` for `src/isr.ts`; each path segment URI-encoded. */
export function modelUri(path: string): string {
  return MODEL_ROOT + path.split('/').map(encodeURIComponent).join('/')
}

/** The project-relative path of a model URI, or null for models that are not project files (typings). */
export function pathOfUri(uri: string): string | null {
  if (!uri.startsWith(MODEL_ROOT)) return null
  const path = uri.slice(MODEL_ROOT.length).split('/').map(decodeURIComponent).join('/')
  return path.startsWith('node_modules/') ? null : path
}

export type EditorLanguage = 'typescript' | 'json' | 'markdown' | 'plaintext'

export function languageOf(path: string): EditorLanguage {
  if (/\.(ts|mts|cts|tsx)$/.test(path)) return 'typescript'
  if (/\.jsonc?$/.test(path)) return 'json'
  if (/\.md$/.test(path)) return 'markdown'
  return 'plaintext'
}
