// The one API the preload exposes to the renderer, as `window.workbench`.
// Keep it narrow: each method is one named IPC channel that main/index.ts handles and checks.
export interface WorkbenchApi {
  /** The application version (package.json "version"). */
  version(): Promise<string>
}

/** IPC channel names; main/index.ts registers a handler for each (it repeats the strings so main never imports preload code). */
export const channels = {
  version: 'workbench:version',
} as const
