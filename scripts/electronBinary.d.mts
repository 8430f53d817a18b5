/** The Electron executable, or null when the electron package was installed without its binary. */
export declare function findElectron(): string | null
