import { isAbsolute, join, relative, sep } from 'node:path'

export type RendererPath = { ok: true; file: string } | { ok: false; status: 400 | 403; reason: string }

/**
 * The file under `rendererDir` that a request path names, or why it names none. The path is the
 * URL's (already dot-segment-normalised) pathname; it is percent-decoded here, so an encoded
 * `..%2f` that would climb out of the folder is refused, as are NUL bytes. `/` is index.html.
 */
export function rendererPath(rendererDir: string, pathname: string): RendererPath {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return { ok: false, status: 400, reason: 'malformed path' }
  }
  if (decoded.includes('\0')) return { ok: false, status: 400, reason: 'NUL in path' }
  const file = join(rendererDir, decoded === '/' || decoded === '' ? 'index.html' : decoded)
  const rel = relative(rendererDir, file)
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { ok: false, status: 403, reason: 'outside the renderer folder' }
  return { ok: true, file }
}
