import { createHash } from 'node:crypto'
import { readdir, readFile, rm, stat } from 'node:fs/promises'
import * as path from 'node:path'
import { writeFileAtomic } from './atomicWrite.js'

/** An unsaved buffer as the store holds it: its text and when it was written. */
export interface StoredDraft {
  path: string
  content: string
  savedAt: number
}

/** The folder of one project's drafts: a hash of its root, so any path fits and projects never collide. */
export function draftsFolder(stateDir: string, projectRoot: string): string {
  const hash = createHash('sha256').update(path.resolve(projectRoot)).digest('hex').slice(0, 16)
  return path.join(stateDir, 'drafts', hash)
}

/**
 * Unsaved editor buffers of one project, kept outside the project (`<stateDir>/drafts/<hash>/files/<path>`,
 * written atomically) so a crash loses at most the last keystrokes and the project folder only ever
 * holds what the user saved. `project.json` beside them says which folder they belong to.
 */
export class DraftStore {
  readonly folder: string
  private readonly files: string

  constructor(
    stateDir: string,
    readonly projectRoot: string,
  ) {
    this.folder = draftsFolder(stateDir, projectRoot)
    this.files = path.join(this.folder, 'files')
  }

  /** Keeps `content` as the draft of `relPath` (project-relative, already checked); null forgets it. */
  async store(relPath: string, content: string | null): Promise<void> {
    const file = path.join(this.files, ...relPath.split('/'))
    if (content === null) {
      await rm(file, { force: true })
      return
    }
    await writeFileAtomic(path.join(this.folder, 'project.json'), `${JSON.stringify({ root: path.resolve(this.projectRoot) })}\n`)
    await writeFileAtomic(file, content)
  }

  /** Every draft of the project, with the time it was written. */
  async list(): Promise<StoredDraft[]> {
    const out: StoredDraft[] = []
    const walk = async (dir: string, prefix: string): Promise<void> => {
      let entries
      try {
        entries = await readdir(dir, { withFileTypes: true })
      } catch {
        return
      }
      for (const e of entries) {
        const rel = prefix ? `${prefix}/${e.name}` : e.name
        const full = path.join(dir, e.name)
        // Leftover temp files of an interrupted write are not drafts.
        if (e.isDirectory()) await walk(full, rel)
        else if (e.isFile() && !e.name.startsWith('.')) out.push({ path: rel, content: await readFile(full, 'utf8'), savedAt: (await stat(full)).mtimeMs })
      }
    }
    await walk(this.files, '')
    return out
  }
}
