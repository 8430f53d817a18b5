import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { contentTypeOf } from '../pageServing/contentTypes.js'
import { rendererPath } from '../pageServing/rendererPath.js'

/**
 * Answers a GET or HEAD for a file of the built renderer: 200 with the file, or 400/403/404. Only
 * regular files inside the folder; a directory is 404 (no listings). The caller has set the
 * security headers already.
 */
export async function serveRendererFile(res: ServerResponse, rendererDir: string, pathname: string, head: boolean): Promise<void> {
  const target = rendererPath(rendererDir, pathname)
  if (!target.ok) return plain(res, target.status, target.reason)
  let size: number
  try {
    const info = await stat(target.file)
    if (!info.isFile()) return plain(res, 404, 'not found')
    size = info.size
  } catch {
    return plain(res, 404, 'not found')
  }
  res.statusCode = 200
  res.setHeader('Content-Type', contentTypeOf(target.file))
  res.setHeader('Content-Length', size)
  // index.html is reached with the token in its URL: keep it out of caches. Built assets have hashed names.
  res.setHeader('Cache-Control', target.file.endsWith('.html') ? 'no-store' : 'private, max-age=3600')
  if (head) {
    res.end()
    return
  }
  const stream = createReadStream(target.file)
  stream.on('error', () => res.destroy())
  stream.pipe(res)
}

export function plain(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.end(`${status} ${message}\n`)
}
