/**
 * Workspace trust (issue 9): a project folder this machine has not trusted opens in restricted mode.
 * Editing, viewing and opening traces work; anything that evaluates the project's driver code (run,
 * run paused, reload by replay or hot swap, fault injection) is refused by the backend with the code
 * 'untrusted-folder' until the user trusts the folder. The answer is remembered per real path in the
 * state folder (written atomically, validated on read; a corrupt file trusts nothing and says so).
 * Projects made here from a template (and the first-launch sample) are trusted.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BackendApi } from '../../main/contract/api.js'
import type { WorkbenchBackend } from '../../main/host/backend/backend.js'
import { createFromTemplate } from '../../main/host/backend/templates.js'
import { TRUST_FILE, TrustStore, UNTRUSTED_CODE } from '../../main/host/backend/workspaceTrust.js'
import { connectPage, startBackend, tempWorkbench, type Page } from '../host/backend/harness.js'

let ws: ReturnType<typeof tempWorkbench>
const backends: WorkbenchBackend[] = []

beforeEach(() => {
  ws = tempWorkbench()
})
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close()
  ws.cleanup()
})

/** A project that came from elsewhere: a copy of the vcap1 template made outside the backend (so not trusted). */
async function foreignProject(name = 'downloaded'): Promise<string> {
  const root = path.join(ws.dir, name)
  await createFromTemplate('vcap1', root)
  return root
}

function launch(open: string | null = null): { backend: WorkbenchBackend; page: Page; api: BackendApi } {
  const backend = startBackend({ stateDir: ws.stateDir, projectsFolder: ws.projectsFolder, open })
  backends.push(backend)
  const page = connectPage(backend)
  return { backend, page, api: page.client.api }
}

describe('the trust store', () => {
  it('trusts a folder by its real path, persists it atomically and reads it back in a new store', async () => {
    const root = await foreignProject()
    const store = new TrustStore(ws.stateDir)
    expect(await store.check(root)).toEqual({ trusted: false, folder: root })
    expect(existsSync(store.file)).toBe(false)
    expect(await store.trust(root)).toEqual({ trusted: true, folder: root })
    expect(await store.check(root)).toEqual({ trusted: true, folder: root })
    // Another folder is not trusted by it (no prefix matching).
    expect((await store.check(`${root}-2`)).trusted).toBe(false)
    expect((await store.check(path.dirname(root))).trusted).toBe(false)
    const file = JSON.parse(readFileSync(path.join(ws.stateDir, TRUST_FILE), 'utf8'))
    expect(file).toEqual({ version: 1, folders: [{ path: root, trustedAt: expect.any(Number) }] })
    // No temp file of the atomic write is left behind.
    expect(readdirSync(ws.stateDir)).toEqual([TRUST_FILE])
    expect(await new TrustStore(ws.stateDir).check(root)).toEqual({ trusted: true, folder: root })
    // Trusting again keeps one entry.
    await store.trust(root)
    expect(JSON.parse(readFileSync(store.file, 'utf8')).folders).toHaveLength(1)
  })

  it('resolves a symbolic link to the folder it points at: trusting either trusts both', async () => {
    const real = await foreignProject('real')
    const link = path.join(ws.dir, 'link')
    symlinkSync(real, link, 'dir')
    const store = new TrustStore(ws.stateDir)
    expect(await store.trust(link)).toEqual({ trusted: true, folder: real })
    expect(await store.check(real)).toEqual({ trusted: true, folder: real })
    expect(await store.check(link)).toEqual({ trusted: true, folder: real })
    expect(await store.check(path.join(link, '..', 'link'))).toEqual({ trusted: true, folder: real })
  })

  it('a corrupt file trusts nothing and says so; the next Trust moves it aside and starts again', async () => {
    const root = await foreignProject()
    const store = new TrustStore(ws.stateDir)
    await store.trust(root)
    writeFileSync(store.file, '{"version": 1, "folders": [')
    const broken = await store.check(root)
    expect(broken.trusted).toBe(false)
    expect(broken.problem).toMatch(new RegExp(`${TRUST_FILE} is not valid JSON .*: no folder is trusted`))
    expect(await store.trust(root)).toEqual({ trusted: true, folder: root })
    expect(await store.check(root)).toEqual({ trusted: true, folder: root })
    expect(readdirSync(ws.stateDir).filter((f) => f.startsWith(`${TRUST_FILE}.corrupt-`))).toHaveLength(1)
  })

  it('a file that is JSON but not the schema trusts nothing and names the field', async () => {
    const root = await foreignProject()
    const store = new TrustStore(ws.stateDir)
    mkdirSync(ws.stateDir, { recursive: true })
    for (const [content, field] of [
      [{ version: 2, folders: [{ path: root, trustedAt: 1 }] }, '/version'],
      [{ version: 1, folders: [{ path: root }] }, '/folders/0'],
      [{ version: 1, folders: [{ path: root, trustedAt: 1, everything: true }] }, '/folders/0'],
      [{ version: 1, folders: root }, '/folders'],
      [[root], '/'],
    ] as const) {
      writeFileSync(store.file, JSON.stringify(content))
      const answer = await store.check(root)
      expect(answer.trusted).toBe(false)
      expect(answer.problem).toContain(`is invalid (${field}`)
    }
    // A relative path is never a real path: ignored, nothing trusted, no complaint.
    writeFileSync(store.file, JSON.stringify({ version: 1, folders: [{ path: path.relative(process.cwd(), root), trustedAt: 1 }] }))
    expect(await store.check(root)).toEqual({ trusted: false, folder: root })
  })
})

describe('the backend in restricted mode', () => {
  it('opens an untrusted folder, refuses to run its code, and runs it once trusted; the answer survives a relaunch', async () => {
    const root = await foreignProject()
    const first = launch(root)
    const hello = await first.api.hello()
    expect(hello.project?.root).toBe(root)
    expect(hello.project?.trust).toEqual({ trusted: false, folder: root })

    // Editing and saving work in restricted mode.
    const driver = hello.project!.files.find((f) => f.path === 'driver.ts')!.content
    await first.api.storeDraft('driver.ts', `${driver}\n// edited\n`)
    expect(await first.api.saveFile('driver.ts', `${driver}\n// saved\n`)).toMatchObject({ path: 'driver.ts' })

    // Every way to evaluate the driver is refused with the code the page recognises.
    for (const paused of [false, true]) {
      const refused = await first.api.run({ speed: 'fast', duration: '100ms', paused })
      expect(refused).toMatchObject({ ok: false, untrusted: { trusted: false, folder: root }, problems: [{ source: 'project', severity: 'error', code: UNTRUSTED_CODE }] })
      if (!refused.ok) expect(refused.problems[0].message).toContain(`Restricted mode: ${root} is not trusted`)
    }
    for (const mode of ['swap', 'replay'] as const) {
      expect(await first.api.reload([{ path: 'driver.ts', content: driver }], mode)).toMatchObject({ ok: false, mode, untrusted: { trusted: false }, problems: [{ code: UNTRUSTED_CODE }] })
    }
    expect(await first.api.injectFault({ fault: 'frame-drop' })).toMatchObject({ ok: false, error: expect.stringContaining('Restricted mode') })
    expect(first.page.events.of('runStarted')).toEqual([])

    // Trust names the open project; another folder is refused.
    await expect(first.api.trustProject(ws.dir)).rejects.toThrow(/is not the open project/)
    expect(await first.api.trustProject(root)).toEqual({ trusted: true, folder: root })
    const started = await first.api.run({ speed: 'fast', duration: '200ms' })
    expect(started.ok).toBe(true)
    if (started.ok) {
      const end = await first.page.events.waitFor('runEnded', (e) => e.runId === started.run.runId)
      expect(end.report.frames.delivered).toBeGreaterThan(0)
    }
    await first.backend.close()
    backends.splice(backends.indexOf(first.backend), 1)

    // A new launch on the same state folder remembers it.
    const second = launch(root)
    expect((await second.api.hello()).project?.trust).toEqual({ trusted: true, folder: root })
    expect((await second.api.run({ speed: 'fast', duration: '50ms', paused: true })).ok).toBe(true)
  })

  it('a corrupt trust file: the project opens untrusted and the answer says why', async () => {
    const root = await foreignProject()
    await new TrustStore(ws.stateDir).trust(root)
    writeFileSync(path.join(ws.stateDir, TRUST_FILE), 'not json')
    const { api } = launch(root)
    const trust = (await api.hello()).project?.trust
    expect(trust?.trusted).toBe(false)
    expect(trust?.problem).toContain('is not valid JSON')
    const refused = await api.run({ speed: 'fast' })
    expect(refused).toMatchObject({ ok: false, untrusted: { trusted: false } })
    if (!refused.ok) expect(refused.problems[0].message).toContain('is not valid JSON')
  })

  it('a project opened through a symbolic link is trusted as its real folder', async () => {
    const real = await foreignProject('real')
    const link = path.join(ws.dir, 'via-link')
    symlinkSync(real, link, 'dir')
    const { api } = launch(link)
    expect((await api.hello()).project?.trust).toEqual({ trusted: false, folder: real })
    expect(await api.trustProject(link)).toEqual({ trusted: true, folder: real })
    expect((await api.openProject(real)).trust).toEqual({ trusted: true, folder: real })
  })

  it('trusts what it creates: the first-launch sample, new projects from a template, a Save As of a trusted project', async () => {
    const { api } = launch()
    const sample = (await api.hello()).project!
    expect(sample.root).toBe(path.join(ws.projectsFolder, 'vcap1-sample'))
    expect(sample.trust?.trusted).toBe(true)
    const blank = await api.newProject('blank', path.join(ws.dir, 'mine', 'blank'))
    expect(blank.trust).toEqual({ trusted: true, folder: blank.root })
    const copy = await api.saveProjectAs(path.join(ws.dir, 'copy'), [])
    expect(copy.trust?.trusted).toBe(true)
    expect((await api.run({ speed: 'fast', duration: '50ms', paused: true })).ok).toBe(true)

    // A Save As of an untrusted project stays untrusted.
    const foreign = await foreignProject()
    expect((await api.openProject(foreign)).trust?.trusted).toBe(false)
    const foreignCopy = await api.saveProjectAs(path.join(ws.dir, 'foreign-copy'), [])
    expect(foreignCopy.trust?.trusted).toBe(false)
    expect(await api.run({ speed: 'fast' })).toMatchObject({ ok: false, untrusted: { trusted: false } })
  })

  it('opening a trace works in restricted mode (viewing runs no code)', async () => {
    const { api, page } = launch()
    const started = await api.run({ speed: 'fast', duration: '100ms' })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    await page.events.waitFor('runEnded', (e) => e.runId === started.run.runId)
    const exported = await api.exportRun({ kind: 'chrome-json', runId: started.run.runId, path: path.join(ws.dir, 'trace.json') })
    expect(exported.ok).toBe(true)
    const foreign = await foreignProject()
    expect((await api.openProject(foreign)).trust?.trusted).toBe(false)
    const opened = await api.openTrace(path.join(ws.dir, 'trace.json'))
    expect(opened.origin).toBe('file')
  })
})
