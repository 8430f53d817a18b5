import type { IncomingMessage } from 'node:http'
import { tokenMatches } from './launchToken.js'

/** What the guard decided about one request (HTTP or WebSocket upgrade). */
export type GuardVerdict =
  | { ok: true; url: URL; /** The token came in the query: set the cookie so sub-resources work without it. */ setCookie: string | null }
  | { ok: false; status: 400 | 401 | 403; reason: string }

/**
 * Who may talk to the web-mode server: requests addressed to 127.0.0.1:PORT or localhost:PORT (a
 * DNS-rebinding page sends its own host name), from no Origin or our own (a cross-site page sends
 * its), carrying the launch token in `?token=` or in the cookie the first such request set.
 */
export class RequestGuard {
  readonly cookieName: string
  private readonly hosts: Set<string>
  private readonly origins: Set<string>

  constructor(
    readonly port: number,
    private readonly token: string,
  ) {
    // Cookies are not scoped by port: the name carries it, so two servers do not overwrite each other's.
    this.cookieName = `mdwb_token_${port}`
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
    this.origins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])
  }

  check(request: IncomingMessage): GuardVerdict {
    const host = request.headers.host?.toLowerCase()
    if (host === undefined || !this.hosts.has(host)) return { ok: false, status: 403, reason: `host ${host ?? '(none)'} is not this server` }
    const origin = request.headers.origin
    if (origin !== undefined && !this.origins.has(origin.toLowerCase())) return { ok: false, status: 403, reason: `origin ${origin} is not this server` }
    const raw = request.url ?? ''
    if (!raw.startsWith('/')) return { ok: false, status: 400, reason: 'request target must be a path' }
    let url: URL
    try {
      url = new URL(`http://${host}${raw}`)
    } catch {
      return { ok: false, status: 400, reason: 'malformed request target' }
    }
    const queryToken = url.searchParams.get('token')
    if (queryToken !== null) {
      if (!tokenMatches(queryToken, this.token)) return { ok: false, status: 403, reason: 'wrong token' }
      return { ok: true, url, setCookie: `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/` }
    }
    const cookieToken = readCookie(request.headers.cookie, this.cookieName)
    if (cookieToken === null) return { ok: false, status: 401, reason: 'no token' }
    if (!tokenMatches(cookieToken, this.token)) return { ok: false, status: 403, reason: 'wrong token' }
    return { ok: true, url, setCookie: null }
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}
