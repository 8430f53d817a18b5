/**
 * The workbench's own settings (not the class driver's): set by an environment variable of the
 * process that runs the backend (`npm start`, `npm run web`, the Electron app), or by BackendOptions.
 * docs/settings.md lists them (generated from WORKBENCH_SETTINGS).
 */
import { constants as bufferConstants } from 'node:buffer'

export interface WorkbenchSetting {
  /** The environment variable that sets it. */
  env: string
  default: number
  meaning: string
}

export const WORKBENCH_SETTINGS = {
  importMaxMB: {
    env: 'MDWB_IMPORT_MAX_MB',
    default: 256,
    meaning:
      "The most trace text *Open trace* reads, in MB (MiB): a `.json` file's size, or what a `.json.gz` inflates to (inflated as a stream, stopped when it goes past). A 256 MB trace holds about 1.9 million events; the backend needs about 10 times that in memory while it imports. At most 511 (the longest string Node has).",
  },
} satisfies Record<string, WorkbenchSetting>

export interface ImportLimits {
  /** The most bytes of trace text (after gunzip) and of file on disk an import reads. */
  maxBytes: number
}

const MB = 1024 * 1024
/** The longest string V8 makes (a text longer than this cannot be decoded at all). */
const MAX_TEXT = Math.min(bufferConstants.MAX_STRING_LENGTH, 511 * MB)

/** The limits from the environment (MDWB_IMPORT_MAX_MB), else the defaults; a bad value is an error naming the variable. */
export function importLimitsFrom(env: Record<string, string | undefined> = process.env): ImportLimits {
  const raw = env[WORKBENCH_SETTINGS.importMaxMB.env]
  let mb = WORKBENCH_SETTINGS.importMaxMB.default
  if (raw !== undefined && raw.trim() !== '') {
    const n = Number(raw)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${WORKBENCH_SETTINGS.importMaxMB.env}=${raw}: expected a number of MB above 0`)
    mb = n
  }
  return { maxBytes: Math.min(Math.floor(mb * MB), MAX_TEXT) }
}

/** A byte count for messages: `256 MB`, `2.5 MB`, `12 KB`. */
export function megabytes(bytes: number): string {
  const mb = bytes / MB
  if (mb < 1) return `${Math.ceil(bytes / 1024)} KB`
  return `${mb >= 10 || Number.isInteger(mb) ? Math.round(mb) : mb.toFixed(1)} MB`
}
