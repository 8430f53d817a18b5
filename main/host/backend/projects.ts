import { cp, readdir, readFile, rm, stat } from 'node:fs/promises'
import * as path from 'node:path'
import { PRESETS } from '../../client/scenario/presets.js'
import type { Draft, Project, ProjectFile, ProjectFileKind, SourceBuffer, WorkbenchSettings } from '../../contract/api.js'
import { writeFileAtomic } from './atomicWrite.js'
import { DraftStore } from './drafts.js'
import { parseSettings, SETTINGS_FILE } from './projectSchema.js'
import { resolveWriteTarget } from './safePaths.js'

/** Folders a project listing skips: tooling, and the exports the workbench writes. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'exports', 'out'])
/** A project folder holds one driver's sources; more than this is a wrong folder, not a project. */
const MAX_FILES = 500
/** Other files are shown when they are small text (a README, notes). */
const MAX_OTHER_BYTES = 64 * 1024
/** Driver and scenario files above this are data, not code. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024

/**
 * The absolute path of a project-relative path (`/` separators); refuses anything that would leave
 * the project: `..` segments, absolute paths, drive letters.
 */
export function resolveInProject(root: string, relPath: string): string {
  if (typeof relPath !== 'string' || relPath.trim() === '') throw new Error('a file path is required')
  if (relPath.includes('\\') || relPath.includes('\0')) throw new Error(`${relPath}: use '/' in project paths`)
  if (path.posix.isAbsolute(relPath) || path.win32.isAbsolute(relPath) || /^[A-Za-z]:/.test(relPath)) throw new Error(`${relPath}: not a path inside the project (absolute)`)
  const segments = relPath.split('/')
  if (segments.includes('..')) throw new Error(`${relPath}: not a path inside the project ('..')`)
  const abs = path.resolve(root, ...segments.filter((s) => s !== '' && s !== '.'))
  const rel = path.relative(root, abs)
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${relPath}: not a path inside the project`)
  return abs
}

/** The project-relative form of a path resolveInProject accepted. */
export function normalizeProjectPath(root: string, relPath: string): string {
  return path.relative(root, resolveInProject(root, relPath)).split(path.sep).join('/')
}

function kindOf(rel: string): ProjectFileKind | null {
  if (rel === SETTINGS_FILE) return 'settings'
  if (/\.m?ts$/.test(rel)) return 'driver'
  if (rel.endsWith('.json')) return 'scenario'
  return 'other'
}

/** The files of a project the editor shows, in path order. */
export async function listProjectFiles(root: string): Promise<ProjectFile[]> {
  const out: ProjectFile[] = []
  let seen = 0
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true })
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const rel = prefix ? `${prefix}/${e.name}` : e.name
      const full = path.join(dir, e.name)
      if (e.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(e.name)) await walk(full, rel)
        continue
      }
      if (!e.isFile()) continue
      if (++seen > MAX_FILES) throw new Error(`${root}: more than ${MAX_FILES} files; a project folder holds one driver's sources`)
      const kind = kindOf(rel)!
      const size = (await stat(full)).size
      if (size > (kind === 'other' ? MAX_OTHER_BYTES : MAX_SOURCE_BYTES)) continue
      const bytes = await readFile(full)
      if (kind === 'other' && !isText(bytes)) continue
      out.push({ path: rel, kind, content: bytes.toString('utf8') })
    }
  }
  await walk(root, '')
  return out
}

function isText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

/** Whether a path exists (any kind of file). */
export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p)
    return true
  } catch {
    return false
  }
}

/** Reads and validates workbench.json: the fields, and that the driver and a scenario file exist. */
export async function readProjectSettings(root: string): Promise<WorkbenchSettings> {
  const file = path.join(root, SETTINGS_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (!(await exists(root))) throw new Error(`${root}: no such folder`)
    throw new Error(code === 'ENOENT' ? `${root}: not a workbench project (no ${SETTINGS_FILE})` : `${file}: cannot read (${code})`)
  }
  const settings = parseSettings(text, SETTINGS_FILE)
  await checkReferences(root, settings)
  return settings
}

/** The driver file and a scenario file named in the settings must be files of the project. */
export async function checkReferences(root: string, settings: WorkbenchSettings, buffers: readonly SourceBuffer[] = []): Promise<void> {
  const inBuffers = (rel: string) => buffers.some((b) => b.path === rel)
  let driver: string
  try {
    driver = resolveInProject(root, settings.driver)
  } catch {
    throw new Error(`${SETTINGS_FILE}: /driver must be a path inside the project, got ${JSON.stringify(settings.driver)}`)
  }
  if (!inBuffers(settings.driver) && !(await exists(driver))) throw new Error(`${SETTINGS_FILE}: /driver names ${settings.driver}, which is not in the project`)
  if (settings.scenario in PRESETS) return
  let scenario: string | null = null
  try {
    scenario = resolveInProject(root, settings.scenario)
  } catch {
    scenario = null
  }
  if (scenario === null || (!inBuffers(settings.scenario) && !(await exists(scenario)))) {
    throw new Error(`${SETTINGS_FILE}: /scenario is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a file of the project: ${JSON.stringify(settings.scenario)}`)
  }
}

/**
 * Opens a project folder: its settings (validated), its files, and the drafts left by a previous
 * session that are newer than their files (older ones, or ones equal to the file, are deleted).
 */
export async function loadProject(root: string, drafts: DraftStore): Promise<Project> {
  const abs = path.resolve(root)
  const settings = await readProjectSettings(abs)
  const files = await listProjectFiles(abs)
  const recovered: Draft[] = []
  for (const d of await drafts.list()) {
    let file: string
    try {
      file = resolveInProject(abs, d.path)
    } catch {
      continue
    }
    let onDisk: { mtimeMs: number; content: string } | null = null
    try {
      onDisk = { mtimeMs: (await stat(file)).mtimeMs, content: await readFile(file, 'utf8') }
    } catch {
      onDisk = null
    }
    if (onDisk !== null && (onDisk.mtimeMs >= d.savedAt || onDisk.content === d.content)) {
      await drafts.store(d.path, null)
      continue
    }
    recovered.push({ path: d.path, content: d.content, savedAt: d.savedAt })
  }
  return { root: abs, settings, files, drafts: recovered }
}

/** True when the folder does not exist or has nothing in it. */
export async function isEmptyFolder(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return false
    throw e
  }
}

/**
 * Copies a project to a new folder (empty or missing, not inside the project), then writes `buffers`
 * over the copies. Version control and tool folders stay behind.
 */
export async function copyProject(from: string, to: string, buffers: readonly SourceBuffer[]): Promise<void> {
  const src = path.resolve(from)
  const dst = path.resolve(to)
  const rel = path.relative(src, dst)
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) throw new Error(`${dst}: cannot save a project inside itself`)
  if (!(await isEmptyFolder(dst))) throw new Error(`${dst}: the folder is not empty; save as into a new or empty folder`)
  // Check every buffer before anything is written.
  const targets = buffers.map((b) => ({ file: resolveInProject(dst, b.path), path: b.path, content: b.content }))
  try {
    await cp(src, dst, {
      recursive: true,
      errorOnExist: true,
      force: false,
      // Links are copied as they are: a relative one keeps pointing inside the copy.
      verbatimSymlinks: true,
      filter: (source) => {
        const name = path.basename(source)
        return source === src || !(name === '.git' || name === 'node_modules' || name.endsWith('.mdwb-tmp'))
      },
    })
    // A buffer is written through a link of the copy only when its real path stays in the copy.
    for (const t of targets) await writeFileAtomic(await resolveWriteTarget(t.file, dst, t.path, 'the new project'), t.content)
  } catch (e) {
    await rm(dst, { recursive: true, force: true }).catch(() => {})
    throw e
  }
}
