import { readFile } from 'node:fs/promises'
import { contentSecurityPolicy } from '../pageServing/csp.js'
import { contentTypeOf } from '../pageServing/contentTypes.js'
import { rendererPath } from '../pageServing/rendererPath.js'
import { HOST, SCHEME } from './origin.js'

/**
 * The scheme's privileges, registered before 'ready': standard (relative URLs, a real origin),
 * secure (a secure context, as Monaco's workers need), fetch() allowed.
 */
export const APP_SCHEME_PRIVILEGES = [{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]

/**
 * The app:// handler: files of out/renderer for app://workbench/<path>, with the CSP and nosniff;
 * 403 for anything that would leave the folder, 404 for what is not a file there.
 */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const csp = contentSecurityPolicy()
  return async (request) => {
    const url = new URL(request.url)
    if (url.protocol !== `${SCHEME}:` || url.host !== HOST) return new Response('Not found', { status: 404 })
    const target = rendererPath(rendererDir, url.pathname)
    if (!target.ok) return new Response(target.reason, { status: target.status })
    let body: Buffer
    try {
      body = await readFile(target.file)
    } catch {
      return new Response('Not found', { status: 404 })
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: { 'Content-Type': contentTypeOf(target.file), 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' },
    })
  }
}
