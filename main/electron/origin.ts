/**
 * Our own origin: the renderer is served as app://workbench/ (a privileged standard scheme, not
 * file://), or from the electron-vite dev server in development. Navigation, IPC and the backend
 * port are allowed for these URLs only.
 */
export const SCHEME = 'app'
export const HOST = 'workbench'
export const APP_URL = `${SCHEME}://${HOST}/index.html`

export class OwnOrigin {
  /** `devServerUrl`: the dev server's URL (ELECTRON_RENDERER_URL) when not packaged. */
  constructor(readonly devServerUrl?: string) {}

  get startUrl(): string {
    return this.devServerUrl ?? APP_URL
  }

  /** True for app://workbench/... (or the dev server's origin in development); parsed, never prefix-matched. */
  owns(raw: string | undefined | null): boolean {
    if (!raw) return false
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return false
    }
    // Node's URL gives origin 'null' for non-special schemes such as app:, so compare the parts.
    if (url.protocol === `${SCHEME}:` && url.host === HOST && url.username === '' && url.password === '') return true
    return this.devServerUrl !== undefined && url.origin === new URL(this.devServerUrl).origin
  }
}
