/** The repository root. */
export declare const root: string
/** Why the renderer needs building, or null when out/renderer is current. */
export declare function rendererStaleness(): string | null
/** Runs `electron-vite build` with a line per stage on stderr; returns its wall time in seconds. */
export declare function buildApp(why?: string | null): number
/** buildApp without blocking: `done` resolves with the seconds; `cancel()` stops the build. */
export declare function buildAppAsync(why?: string | null): { done: Promise<number>; cancel: () => void }
/** Builds when out/renderer is missing or older than its sources, with its progress on stderr. */
export declare function ensureRendererBuilt(): void
/** Whether `file` (a module's own path, symlinks resolved) is the script node was started with. */
export declare function isMainScript(file: string): boolean
