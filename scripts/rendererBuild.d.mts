/** The repository root. */
export declare const root: string
/** Why the renderer needs building, or null when out/renderer is current. */
export declare function rendererStaleness(): string | null
/** Runs `electron-vite build`; returns its wall time in seconds. */
export declare function buildApp(): number
/** Builds when out/renderer is missing or older than its sources. */
export declare function ensureRendererBuilt(): void
