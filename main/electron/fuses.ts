/**
 * The Electron fuses of a packaged workbench (security checklist item 19): switches compiled into
 * the binary that no command line or environment can turn back. scripts/flip-fuses.mjs writes them
 * into a packaged binary. Not imported by the app at run time.
 */
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses'

export const FUSES = {
  version: FuseVersion.V1,
  // The binary cannot be turned into a plain Node (ELECTRON_RUN_AS_NODE).
  [FuseV1Options.RunAsNode]: false,
  // NODE_OPTIONS cannot inject code or flags into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and friends cannot attach a debugger to the main process.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Cookies and other Chromium storage are encrypted at rest with an OS-protected key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // The app code comes from app.asar only (not a loose folder someone dropped next to it)...
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // ...and that archive must match the integrity hash embedded at packaging time.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // file:// gets no more rights than a web page (we serve app:// anyway).
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
} as const satisfies FuseV1Config
