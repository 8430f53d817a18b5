import { readFile, stat } from 'node:fs/promises'
import * as path from 'node:path'
import { writeFileAtomic } from './atomicWrite.js'

/** How many recent projects are remembered. */
export const MAX_RECENT = 10

/** The projects opened lately, most recent first, in `<stateDir>/recent.json` (written atomically). */
export class RecentProjects {
  private readonly file: string

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'recent.json')
  }

  /** The remembered folders that still exist. */
  async list(): Promise<string[]> {
    let stored: string[]
    try {
      const value = JSON.parse(await readFile(this.file, 'utf8')) as { projects?: unknown }
      stored = Array.isArray(value.projects) ? value.projects.filter((p): p is string => typeof p === 'string') : []
    } catch {
      // Missing or damaged: start over rather than refuse to start.
      stored = []
    }
    const present: string[] = []
    for (const p of stored) if (await isFolder(p)) present.push(p)
    return present.slice(0, MAX_RECENT)
  }

  /** Puts `root` first (once) and drops folders that are gone. */
  async add(root: string): Promise<string[]> {
    const abs = path.resolve(root)
    const list = [abs, ...(await this.list()).filter((p) => p !== abs)].slice(0, MAX_RECENT)
    await writeFileAtomic(this.file, `${JSON.stringify({ projects: list }, null, 2)}\n`)
    return list
  }
}

async function isFolder(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory()
  } catch {
    return false
  }
}
