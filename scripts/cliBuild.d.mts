/** The repository root. */
export declare const root: string
/** The folder bin/mdwb.mjs runs from (out/cli). */
export declare const CLI_DIR: string
/** The bundle's file name in CLI_DIR. */
export declare const CLI_BUNDLE: string
/** Why out/cli needs building, or null when it matches the checkout. */
export declare function cliStaleness(): string | null
/** Builds out/cli from the sources; returns the wall time in seconds. */
export declare function buildCli(): Promise<number>
