/**
 * The Content-Security-Policy of the workbench page, the same in the Electron shell and in web mode.
 * Monaco needs `worker-src blob:` (its fallback worker loader) and inline styles (it injects them);
 * scripts stay 'self' only. Web mode adds its WebSocket to `connect-src`.
 */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    ['connect-src', "'self'", ...connectSources].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
