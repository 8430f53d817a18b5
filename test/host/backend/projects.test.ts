import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WorkbenchBackend } from '../../../main/host/backend/backend.js'
import { connectPage, startBackend, tempWorkbench } from './harness.js'

let ws: ReturnType<typeof tempWorkbench>
const backends: WorkbenchBackend[] = []
const launch = (extra: { open?: string } = {}) => {
  const b = startBackend({ stateDir: ws.stateDir, projectsFolder: ws.projectsFolder, ...extra })
  backends.push(b)
  return { backend: b, api: connectPage(b).client.api }
}

beforeEach(() => {
  ws = tempWorkbench()
})
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close()
  ws.cleanup()
})

/** Every file below a folder, relative, for "no temp file left" checks. */
function filesBelow(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)))
  return out.sort()
}

describe('projects', () => {
  it('first launch creates the VCAP-1 sample in the projects folder and opens it; the next launch reopens it', async () => {
    const { api } = launch()
    const hello = await api.hello()
    const sample = path.join(ws.projectsFolder, 'vcap1-sample')
    expect(hello.project?.root).toBe(sample)
    expect(hello.project?.settings).toMatchObject({ scenario: 'capture', card: 'vcap1', duration: '2s', reloadMode: 'swap', speed: 1 })
    const files = Object.fromEntries(hello.project!.files.map((f) => [f.path, f.kind]))
    expect(files).toMatchObject({ 'driver.ts': 'driver', 'workbench.json': 'settings', 'scenarios/lost-interrupts.json': 'scenario' })
    // The driver is the reference driver itself, copied from examples/ at creation.
    expect(hello.project!.files.find((f) => f.path === 'driver.ts')!.content).toBe(readFileSync('examples/vcap1-capture.ts', 'utf8'))
    expect(existsSync(path.join(sample, 'template.json'))).toBe(false)
    expect(hello.recent).toEqual([sample])
    expect(hello.templates.map((t) => t.id)).toEqual(['vcap1', 'testcap', 'blank'])
    expect(hello.presets.map((p) => p.name)).toContain('capture')
    expect(hello.faults.find((f) => f.id === 'lost-interrupt')).toMatchObject({ scope: 'global', kind: 'mode' })
    expect(hello.mode).toBe('web')
    expect(hello.nativeDialogs).toBe(false)
    expect(await api.chooseFolder('open')).toBeNull()
    expect(JSON.parse(readFileSync(path.join(ws.stateDir, 'recent.json'), 'utf8')).projects).toEqual([sample])

    // A user's edit survives: the second launch reopens the same folder instead of recreating it.
    await api.saveFile('notes.md', 'mine\n')
    const again = launch()
    const hello2 = await again.api.hello()
    expect(hello2.project?.root).toBe(sample)
    expect(hello2.project?.files.find((f) => f.path === 'notes.md')?.content).toBe('mine\n')
  })

  it('keeps unsaved buffers as drafts that a restart recovers, and forgets them on save', async () => {
    const { api } = launch()
    await api.hello()
    await api.storeDraft('driver.ts', '// unsaved work\n')
    await api.storeDraft('scenarios/new.json', '{ "name": "new" }')

    // "Restart": a new backend on the same state folder.
    const restarted = launch()
    const project = (await restarted.api.hello()).project!
    const drafts = Object.fromEntries(project.drafts.map((d) => [d.path, d.content]))
    expect(drafts).toEqual({ 'driver.ts': '// unsaved work\n', 'scenarios/new.json': '{ "name": "new" }' })
    expect(project.drafts[0].savedAt).toBeGreaterThan(Date.now() - 60_000)
    // The project folder itself only has what was saved.
    expect(existsSync(path.join(project.root, 'scenarios/new.json'))).toBe(false)

    // Saving the file forgets its draft; a null draft (buffer clean again) is forgotten too.
    await restarted.api.saveFile('driver.ts', '// saved work\n')
    await restarted.api.storeDraft('scenarios/new.json', null)
    const third = (await launch().api.hello()).project!
    expect(third.drafts).toEqual([])
    expect(third.files.find((f) => f.path === 'driver.ts')?.content).toBe('// saved work\n')
  })

  it('drops a draft that is older than its file (the file was saved elsewhere since)', async () => {
    const { api } = launch()
    const root = (await api.hello()).project!.root
    await api.storeDraft('driver.ts', '// old draft\n')
    // The file changes on disk after the draft was written (another editor, a git pull).
    const later = new Date(Date.now() + 5000)
    writeFileSync(path.join(root, 'driver.ts'), '// newer on disk\n')
    utimesSync(path.join(root, 'driver.ts'), later, later)
    const reopened = await launch().api.hello()
    expect(reopened.project!.drafts).toEqual([])
  })

  it('saves atomically, leaving no temporary file, and refuses paths outside the project', async () => {
    const { api } = launch()
    const root = (await api.hello()).project!.root
    const before = filesBelow(root)
    const text = '{"name":"x","steps":[{"op":"start-device"}]}'
    expect(await api.saveFile('scenarios/more/x.json', text)).toEqual({ path: 'scenarios/more/x.json', bytes: text.length })
    expect(filesBelow(root)).toEqual([...before, path.join('scenarios', 'more', 'x.json')].sort())
    expect(readFileSync(path.join(root, 'scenarios/more/x.json'), 'utf8')).toBe(text)
    expect(statSync(path.join(root, 'scenarios/more/x.json')).size).toBe(text.length)
    await expect(api.saveFile('../x', 'evil')).rejects.toThrow("../x: not a path inside the project ('..')")
    await expect(api.saveFile('a/../../x', 'evil')).rejects.toThrow(/not a path inside the project/)
    await expect(api.saveFile('/etc/passwd', 'evil')).rejects.toThrow('/etc/passwd: not a path inside the project (absolute)')
    await expect(api.storeDraft('../x', 'evil')).rejects.toThrow(/not a path inside the project/)
    expect(existsSync(path.join(root, '..', 'x'))).toBe(false)
    expect(filesBelow(ws.stateDir).filter((f) => f.includes('tmp'))).toEqual([])
  })

  it('refuses to save a workbench.json that would not open, naming the field', async () => {
    const { api } = launch()
    const root = (await api.hello()).project!.root
    const good = readFileSync(path.join(root, 'workbench.json'), 'utf8')
    await expect(api.saveFile('workbench.json', good.replace('"seed": 1', '"seed": 1.5'))).rejects.toThrow('workbench.json: /seed must be integer')
    expect(readFileSync(path.join(root, 'workbench.json'), 'utf8')).toBe(good)
  })

  it('names the file and the field when workbench.json is invalid', async () => {
    const root = path.join(ws.dir, 'broken')
    mkdirSync(root)
    writeFileSync(path.join(root, 'driver.ts'), 'export function DriverEntry() { return 0 }\n')
    const settings = { name: 'broken', driver: 'driver.ts', scenario: 'capture', seed: 1, duration: '2s', card: 'auto', reloadMode: 'swap', speed: 1 }
    const write = (value: unknown) => writeFileSync(path.join(root, 'workbench.json'), typeof value === 'string' ? value : JSON.stringify(value, null, 2))
    const { api } = launch()
    await api.hello()
    write({ ...settings, seed: 'one' })
    await expect(api.openProject(root)).rejects.toThrow('workbench.json: /seed must be integer')
    write({ ...settings, card: 'vcap2', speed: 0, extra: true })
    const error = await api.openProject(root).catch((e: Error) => e.message)
    expect(error).toContain('workbench.json: /card must be one of "auto", "vcap1", "stub", "none"')
    expect(error).toContain('workbench.json: /speed must be a positive number (1 is real time) or "fast"')
    expect(error).toContain('workbench.json: /extra is not a field of workbench.json')
    const { name: _, ...noName } = settings
    write(noName)
    await expect(api.openProject(root)).rejects.toThrow('workbench.json: /name is missing')
    write({ ...settings, duration: 'soon', settings: { nope: 1, dataTimeoutSeconds: 'long' } })
    const error2 = await api.openProject(root).catch((e: Error) => e.message)
    expect(error2).toContain('workbench.json: /duration must be a duration such as "2s" or "500ms", got "soon"')
    expect(error2).toContain('workbench.json: /settings/nope is not a class driver setting')
    expect(error2).toContain('workbench.json: /settings/dataTimeoutSeconds must be a number')
    write({ ...settings, driver: 'missing.ts' })
    await expect(api.openProject(root)).rejects.toThrow('workbench.json: /driver names missing.ts, which is not in the project')
    write({ ...settings, scenario: 'nightly.json' })
    await expect(api.openProject(root)).rejects.toThrow(/workbench.json: \/scenario is neither a preset \(capture, .*\) nor a file of the project: "nightly.json"/)
    write('{ "name": "broken",, }')
    await expect(api.openProject(root)).rejects.toThrow(/^workbench.json: line 1, column 20: PropertyNameExpected$/)
    await expect(api.openProject(path.join(ws.dir, 'nowhere'))).rejects.toThrow(`${path.join(ws.dir, 'nowhere')}: no such folder`)
    await expect(api.openProject(ws.dir)).rejects.toThrow(`${ws.dir}: not a workbench project (no workbench.json)`)
    write(settings)
    expect((await api.openProject(root)).settings).toEqual(settings)
  })

  it('creates projects from each template, refuses a non-empty folder, and saves a copy with the buffers', async () => {
    const { api } = launch()
    await api.hello()
    const blank = await api.newProject('blank', path.join(ws.dir, 'mine', 'blank'))
    expect(blank.settings.scenario).toBe('scenarios/start-stop-device.json')
    expect(blank.files.map((f) => f.path)).toEqual(['driver.ts', 'scenarios/start-stop-device.json', 'workbench.json'])
    const testcap = await api.newProject('testcap', path.join(ws.dir, 'testcap'))
    expect(testcap.files.find((f) => f.path === 'driver.ts')!.content).toBe(readFileSync('examples/testcap.ts', 'utf8'))
    await expect(api.newProject('blank', path.join(ws.dir, 'testcap'))).rejects.toThrow(/the folder is not empty/)
    await expect(api.newProject('nope' as never, path.join(ws.dir, 'x'))).rejects.toThrow("unknown template 'nope' (templates: vcap1, testcap, blank)")

    const copy = await api.saveProjectAs(path.join(ws.dir, 'copy'), [{ path: 'driver.ts', content: '// changed\n' }])
    expect(copy.root).toBe(path.join(ws.dir, 'copy'))
    expect(copy.files.find((f) => f.path === 'driver.ts')!.content).toBe('// changed\n')
    expect(readFileSync(path.join(ws.dir, 'testcap', 'driver.ts'), 'utf8')).toBe(readFileSync('examples/testcap.ts', 'utf8'))
    await expect(api.saveProjectAs(path.join(ws.dir, 'copy', 'inner'), [])).rejects.toThrow(/cannot save a project inside itself/)
    expect((await api.hello()).recent.slice(0, 3)).toEqual([path.join(ws.dir, 'copy'), path.join(ws.dir, 'testcap'), path.join(ws.dir, 'mine', 'blank')])
  })

  it('remembers at most 10 recent projects, most recent first, and drops folders that are gone', async () => {
    const { api } = launch()
    await api.hello()
    for (let i = 0; i < 12; i++) await api.newProject('blank', path.join(ws.dir, `p${i}`))
    let recent = (await api.hello()).recent
    expect(recent).toHaveLength(10)
    expect(recent[0]).toBe(path.join(ws.dir, 'p11'))
    rmSync(path.join(ws.dir, 'p10'), { recursive: true })
    recent = (await api.hello()).recent
    expect(recent.slice(0, 2)).toEqual([path.join(ws.dir, 'p11'), path.join(ws.dir, 'p9')])
    // The next launch opens the most recent project that still exists.
    rmSync(path.join(ws.dir, 'p11'), { recursive: true })
    expect((await launch().api.hello()).project?.root).toBe(path.join(ws.dir, 'p9'))
    // The open project's folder vanished: the page still gets a hello, without a project.
    expect((await api.hello()).project).toBeNull()
  })

  it('checks scenario text the way a run would, pointing at the line', async () => {
    const { api } = launch()
    await api.hello()
    const text = '{\n  "name": "x",\n  "steps": [\n    { "op": "start-device" },\n    { "op": "wait", "duration": "soon" }\n  ]\n}'
    const problems = await api.checkScenario(text, 'scenarios/x.json')
    expect(problems).toEqual([
      {
        source: 'scenario',
        severity: 'error',
        message: `scenarios/x.json: step 2 (wait): field 'duration' is not a duration such as "2s", "500ms" or "250us": "soon"`,
        code: '/steps/1/duration',
        location: { file: 'scenarios/x.json', line: 5, column: 21 },
      },
    ])
    expect(await api.checkScenario('{"name":"ok","steps":[{"op":"start-device"}]}', 'ok.json')).toEqual([])
    const unknown = await api.checkScenario('{"name":"ok",\n "bogus": 1,\n "steps":[{"op":"start-device"}]}', 'u.json')
    expect(unknown).toMatchObject([{ code: '/bogus', location: { file: 'u.json', line: 2 } }])
  })
})
