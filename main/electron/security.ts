import type { Session, WebContents, WebPreferences } from 'electron'
import type { OwnOrigin } from './origin.js'

/** Every window's renderer: sandboxed, isolated, no Node, web security on (checklist items 2-4, 6, 8-12). */
export function secureWebPreferences(preload: string, version: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // The preload reads the version from its argv (a sandboxed preload has no other cheap way).
    additionalArguments: [`--workbench-version=${version}`],
  }
}

/** Every permission (camera, notifications, clipboard, ...) refused, asked or checked (item 5). */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
}

/** Navigation and redirects stay on our origin, no <webview>, no new windows (items 11-14). */
export function hardenContents(contents: WebContents, origin: OwnOrigin): void {
  contents.on('will-navigate', (event) => {
    if (!origin.owns(event.url)) event.preventDefault()
  })
  contents.on('will-frame-navigate', (event) => {
    if (!origin.owns(event.url)) event.preventDefault()
  })
  contents.on('will-redirect', (event) => {
    if (!origin.owns(event.url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}
