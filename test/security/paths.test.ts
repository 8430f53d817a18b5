/**
 * Writes stay in the project (issue 9, item 6): a project from someone else may hold symbolic links
 * out of it. A save or an export resolves the real path of its target and refuses one outside the
 * project (or the folder the user chose), with an error naming the path; the text is kept as a draft
 * and the backend keeps answering. A link whose real path is inside the project is written through,
 * keeping the file's mode, atomically.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BackendApi } from '../../main/contract/api.js'
import type { WorkbenchBackend } from '../../main/host/backend/backend.js'
import { connectPage, startBackend, tempWorkbench } from '../host/backend/harness.js'

let ws: ReturnType<typeof tempWorkbench>
let backend: WorkbenchBackend
let api: BackendApi
let root: string
let outside: string

const SETTINGS = { name: 'borrowed', driver: 'driver.ts', scenario: 'capture', seed: 1, duration: '2s', card: 'none', reloadMode: 'replay', speed: 1 }

beforeEach(async () => {
  ws = tempWorkbench()
  root = path.join(ws.dir, 'borrowed')
  outside = path.join(ws.dir, 'home')
  mkdirSync(root, { recursive: true })
  mkdirSync(outside, { recursive: true })
  writeFileSync(path.join(root, 'workbench.json'), JSON.stringify(SETTINGS, null, 2))
  writeFileSync(path.join(root, 'driver.ts'), 'export function DriverEntry() { return 0 }\n')
  backend = startBackend({ stateDir: ws.stateDir, projectsFolder: ws.projectsFolder, open: root })
  api = connectPage(backend).client.api
  expect((await api.hello()).project?.root).toBe(root)
})
afterEach(async () => {
  await backend.close()
  ws.cleanup()
})

/** Files and links below a folder (temp files of a failed or finished write would show here). */
function entries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort()
}

/** The backend still answers, and a plain save still works. */
async function stillAlive(): Promise<void> {
  expect((await api.hello()).project?.root).toBe(root)
  expect(await api.saveFile('driver.ts', 'export function DriverEntry() { return 1 }\n')).toMatchObject({ path: 'driver.ts' })
}

async function draftOf(rel: string): Promise<string | undefined> {
  return (await api.hello()).project?.drafts.find((d) => d.path === rel)?.content
}

describe('saves stay in the project', () => {
  it('refuses a save through a folder link out of the project, naming the real path; the text stays a draft', async () => {
    symlinkSync(outside, path.join(root, 'lib'))
    const error = await api.saveFile('lib/evil.ts', 'owned').then(
      () => null,
      (e: Error) => e.message,
    )
    expect(error).toContain('lib/evil.ts: refused: it leads outside the project')
    expect(error).toContain(`its real path is ${path.join(outside, 'evil.ts')}`)
    expect(error).toContain('the text is kept as an unsaved draft')
    expect(existsSync(path.join(outside, 'evil.ts'))).toBe(false)
    expect(entries(outside)).toEqual([])
    expect(await draftOf('lib/evil.ts')).toBe('owned')
    await stillAlive()
  })

  it('refuses a save over a file link out of the project: the file it names and the link are untouched', async () => {
    const target = path.join(outside, '.bashrc')
    writeFileSync(target, 'keep me\n')
    // A file that was there long before (a draft older than its file is dropped as stale, and the
    // kernel's coarse file clock can give both the same time within a few milliseconds).
    utimesSync(target, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
    symlinkSync(target, path.join(root, 'notes.md'))
    await expect(api.saveFile('notes.md', 'rm -rf ~\n')).rejects.toThrow(`notes.md: refused: it leads outside the project (${root}) (through a symbolic link: its real path is ${target})`)
    expect(readFileSync(target, 'utf8')).toBe('keep me\n')
    expect(lstatSync(path.join(root, 'notes.md')).isSymbolicLink()).toBe(true)
    expect(await draftOf('notes.md')).toBe('rm -rf ~\n')
    await stillAlive()
  })

  it('refuses a link to a missing file (where it would land is unknown)', async () => {
    symlinkSync(path.join(outside, 'gone.ts'), path.join(root, 'dangling.ts'))
    await expect(api.saveFile('dangling.ts', 'x')).rejects.toThrow(`dangling.ts: a symbolic link to ${path.join(outside, 'gone.ts')}, which does not exist; not written`)
    expect(existsSync(path.join(outside, 'gone.ts'))).toBe(false)
    await stillAlive()
  })

  it('writes through a link whose real path is inside the project, keeping the link and the mode', async () => {
    const driver = path.join(root, 'driver.ts')
    chmodSync(driver, 0o750)
    mkdirSync(path.join(root, 'src'))
    symlinkSync('../driver.ts', path.join(root, 'src', 'alias.ts'))
    const text = 'export function DriverEntry() { return 2 }\n'
    expect(await api.saveFile('src/alias.ts', text)).toEqual({ path: 'src/alias.ts', bytes: Buffer.byteLength(text) })
    expect(readlinkSync(path.join(root, 'src', 'alias.ts'))).toBe('../driver.ts')
    expect(readFileSync(driver, 'utf8')).toBe(text)
    expect(statSync(driver).mode & 0o777).toBe(0o750)
    expect(entries(root).filter((e) => e.includes('mdwb-tmp'))).toEqual([])
  })

  it('keeps the mode of a plain file it saves', async () => {
    const driver = path.join(root, 'driver.ts')
    chmodSync(driver, 0o600)
    await api.saveFile('driver.ts', 'export function DriverEntry() { return 3 }\n')
    expect(statSync(driver).mode & 0o777).toBe(0o600)
  })

  it('Save As keeps relative links inside the copy and writes buffers through them', async () => {
    symlinkSync('driver.ts', path.join(root, 'alias.ts'))
    const copy = path.join(ws.dir, 'copy')
    await api.saveProjectAs(copy, [{ path: 'alias.ts', content: 'export function DriverEntry() { return 4 }\n' }])
    expect(readlinkSync(path.join(copy, 'alias.ts'))).toBe('driver.ts')
    expect(readFileSync(path.join(copy, 'driver.ts'), 'utf8')).toContain('return 4')
    // The original is untouched.
    expect(readFileSync(path.join(root, 'driver.ts'), 'utf8')).toContain('return 0')
  })

  it('Save As refuses a buffer written through a link out of the copy, and leaves no copy', async () => {
    const target = path.join(outside, 'profile')
    writeFileSync(target, 'keep\n')
    symlinkSync(target, path.join(root, 'link.ts'))
    const copy = path.join(ws.dir, 'copy2')
    await expect(api.saveProjectAs(copy, [{ path: 'link.ts', content: 'owned' }])).rejects.toThrow(/link\.ts: refused: it leads outside the new project/)
    expect(readFileSync(target, 'utf8')).toBe('keep\n')
    expect(existsSync(copy)).toBe(false)
    expect((await api.hello()).project?.root).toBe(root)
  })
})

describe('exports stay in the project or the folder the user chose', () => {
  /** A kept run without the sandbox: a small trace opened from a file. */
  async function keptRun(): Promise<number> {
    const file = path.join(ws.dir, 'small.json')
    writeFileSync(file, JSON.stringify({ traceEvents: [{ ph: 'X', pid: 1, tid: 1, ts: 1, dur: 2, name: 'a' }] }))
    return (await api.openTrace(file)).runId
  }

  it('refuses an export into exports/ when exports/ is a link out of the project', async () => {
    symlinkSync(outside, path.join(root, 'exports'))
    const runId = await keptRun()
    const result = await api.exportRun({ kind: 'chrome-json', runId })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error).toContain('refused: it leads outside the project')
      expect(result.error).toContain(`its real path is ${outside}${path.sep}`)
    }
    expect(entries(outside)).toEqual([])
    await stillAlive()
  })

  it('exports into a folder the user chose outside the project, but not through a link in it that leads elsewhere', async () => {
    const runId = await keptRun()
    const chosen = path.join(ws.dir, 'chosen')
    mkdirSync(chosen)
    const ok = await api.exportRun({ kind: 'chrome-json', runId, path: path.join(chosen, 'out.trace.json') })
    expect(ok).toMatchObject({ ok: true, path: path.join(chosen, 'out.trace.json') })
    const secret = path.join(outside, 'id_rsa')
    writeFileSync(secret, 'key\n')
    symlinkSync(secret, path.join(chosen, 'link.json'))
    const refused = await api.exportRun({ kind: 'chrome-json', runId, path: path.join(chosen, 'link.json') })
    expect(refused).toEqual({ ok: false, error: `${path.join(chosen, 'link.json')}: refused: it leads outside the folder you chose (${chosen}) (through a symbolic link: its real path is ${secret})` })
    expect(readFileSync(secret, 'utf8')).toBe('key\n')
  })

  it('writes an export through a link inside the project, keeping the mode of the file it names', async () => {
    const runId = await keptRun()
    mkdirSync(path.join(root, 'exports'))
    const real = path.join(root, 'exports', 'real.trace.json')
    writeFileSync(real, 'old')
    chmodSync(real, 0o640)
    symlinkSync('real.trace.json', path.join(root, 'exports', 'latest.trace.json'))
    const result = await api.exportRun({ kind: 'chrome-json', runId, path: 'exports/latest.trace.json' })
    expect(result).toMatchObject({ ok: true, path: path.join(root, 'exports', 'latest.trace.json') })
    expect(lstatSync(path.join(root, 'exports', 'latest.trace.json')).isSymbolicLink()).toBe(true)
    expect(readFileSync(real, 'utf8')).toContain('"traceEvents"')
    expect(statSync(real).mode & 0o777).toBe(0o640)
  })
})
