import { readFile, realpath, rename } from 'node:fs/promises'
import * as path from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import { Ajv } from 'ajv'
import type { Problem, ProjectTrust, UntrustedCode } from '../../contract/api.js'
import { writeFileAtomic } from './atomicWrite.js'

/**
 * Workspace trust (docs/security.md "Workspace trust"): the folders this machine has said may run
 * their driver code, in `<stateDir>/trusted-folders.json`, by real path (symbolic links followed, so
 * a link and its target are one folder). Written atomically; validated with a schema on every read.
 * A file that cannot be read or does not validate means nothing is trusted, and every answer says so
 * (`problem`); the next Trust moves it aside (`.corrupt-<time>`) and starts a new one.
 */

/** The file in the state folder. */
export const TRUST_FILE = 'trusted-folders.json'
/** The problem code of a run or reload refused for an untrusted project (the renderer asks on it). */
export const UNTRUSTED_CODE: UntrustedCode = 'untrusted-folder'
/** More folders than anyone trusts by hand: a bigger file is refused as invalid. */
export const MAX_TRUSTED_FOLDERS = 10_000

export const TrustFileSchema = Type.Object(
  {
    version: Type.Literal(1),
    folders: Type.Array(
      Type.Object(
        {
          path: Type.String({ minLength: 1, maxLength: 4096 }),
          /** When it was trusted (ms since the epoch). */
          trustedAt: Type.Number({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: MAX_TRUSTED_FOLDERS },
    ),
  },
  { additionalProperties: false },
)
export type TrustFile = Static<typeof TrustFileSchema>

const validate = new Ajv({ allErrors: false, strict: false }).compile<TrustFile>(TrustFileSchema)

/** What the file holds: the trusted real paths, or why nothing is trusted. */
interface Loaded {
  folders: TrustFile['folders']
  problem: string | null
  /** The file exists but is unusable (moved aside on the next write). */
  corrupt: boolean
}

/** The real path of a folder (symbolic links followed); the absolute path when it cannot be resolved. */
export async function realFolder(folder: string): Promise<string> {
  const abs = path.resolve(folder)
  try {
    return await realpath(abs)
  } catch {
    return abs
  }
}

export class TrustStore {
  readonly file: string
  private writes: Promise<unknown> = Promise.resolve()

  constructor(stateDir: string) {
    this.file = path.join(stateDir, TRUST_FILE)
  }

  /** Whether `folder` (by its real path) is trusted. */
  async check(folder: string): Promise<ProjectTrust> {
    const real = await realFolder(folder)
    const loaded = await this.load()
    const trusted = loaded.folders.some((f) => f.path === real)
    return { trusted, folder: real, ...(loaded.problem !== null ? { problem: loaded.problem } : {}) }
  }

  /** Trusts `folder` (its real path) from now on; remembered in the file. */
  trust(folder: string): Promise<ProjectTrust> {
    const task = async (): Promise<ProjectTrust> => {
      const real = await realFolder(folder)
      const loaded = await this.load()
      if (loaded.corrupt) await rename(this.file, `${this.file}.corrupt-${Date.now()}`).catch(() => {})
      const folders = loaded.folders.filter((f) => f.path !== real)
      folders.push({ path: real, trustedAt: Date.now() })
      const content: TrustFile = { version: 1, folders: folders.slice(-MAX_TRUSTED_FOLDERS) }
      await writeFileAtomic(this.file, `${JSON.stringify(content, null, 2)}\n`)
      return { trusted: true, folder: real }
    }
    const next = this.writes.then(task, task)
    this.writes = next.catch(() => {})
    return next
  }

  private async load(): Promise<Loaded> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { folders: [], problem: null, corrupt: false }
      return { folders: [], problem: `${this.file} cannot be read (${(e as Error).message}): no folder is trusted`, corrupt: false }
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (e) {
      return { folders: [], problem: `${this.file} is not valid JSON (${(e as Error).message}): no folder is trusted until you trust one again`, corrupt: true }
    }
    if (!validate(value)) {
      const first = validate.errors?.[0]
      const why = first ? `${first.instancePath || '/'} ${first.message ?? 'is invalid'}` : 'does not match its schema'
      return { folders: [], problem: `${this.file} is invalid (${why}): no folder is trusted until you trust one again`, corrupt: true }
    }
    // Only absolute paths can be a folder's real path; anything else is ignored.
    return { folders: value.folders.filter((f) => path.isAbsolute(f.path)), problem: null, corrupt: false }
  }
}

/** The problem a run or reload of an untrusted project is refused with. */
export function untrustedProblem(trust: ProjectTrust): Problem {
  return {
    source: 'project',
    severity: 'error',
    code: UNTRUSTED_CODE,
    message: `Restricted mode: ${trust.folder} is not trusted on this machine, so its driver code does not run. Trust the folder to run it${trust.problem ? ` (${trust.problem})` : ''}.`,
  }
}
