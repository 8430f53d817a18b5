/**
 * Workspace trust in the page's store: an untrusted project is in restricted mode; Run (and the
 * reload after a save) asks "Run code from this folder?" first. Cancel leaves the buffers as they
 * were and runs nothing; Trust tells the backend and the run starts. A backend that refuses all the
 * same (code 'untrusted-folder') gets the question asked, then the request once more.
 */
import { describe, expect, it } from 'vitest'
import { createWorkbench, type Workbench } from '../../../renderer/state/workbench.js'
import { connectScripted, DRIVER, sampleProject, ScriptedBackend } from './scriptedBackend.js'

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

async function open(trusted: boolean | null): Promise<{ wb: Workbench; backend: ScriptedBackend }> {
  const backend = new ScriptedBackend()
  backend.trusted = trusted
  const wb = createWorkbench({ draftDelayMs: 60_000, checkDelayMs: 60_000 })
  await wb.attach(connectScripted(backend).client)
  await settle()
  return { wb, backend }
}

/** Waits until the store shows the trust question. */
async function prompted(wb: Workbench): Promise<void> {
  for (let i = 0; i < 50 && wb.trustPrompt === null; i++) await settle()
  expect(wb.trustPrompt).not.toBeNull()
}

describe('workspace trust in the store', () => {
  it('an untrusted project is restricted; Cancel runs nothing and keeps the buffers, Trust runs', async () => {
    const { wb, backend } = await open(false)
    expect(wb.restricted).toBe(true)
    expect(wb.trust).toEqual({ trusted: false, folder: '/projects/sample' })
    wb.edit('driver.ts', `${DRIVER}// unsaved\n`)

    const cancelled = wb.run()
    await prompted(wb)
    expect(wb.trustPrompt).toEqual({ folder: '/projects/sample', root: '/projects/sample', problem: null })
    expect(wb.canRun).toBe(false)
    // A second Run while the question is up does nothing more.
    expect(await wb.run()).toBe(false)
    await wb.answerTrust(false)
    expect(await cancelled).toBe(false)
    expect(wb.trustPrompt).toBeNull()
    expect(backend.callsOf('run')).toEqual([])
    expect(backend.callsOf('trustProject')).toEqual([])
    expect(wb.buffers.get('driver.ts')?.content).toBe(`${DRIVER}// unsaved\n`)
    expect(wb.buffers.isDirty('driver.ts')).toBe(true)
    expect(wb.currentRunId).toBeNull()
    expect(wb.notices.at(-1)?.text).toMatch(/Not run: \/projects\/sample is in restricted mode/)
    expect(wb.restricted).toBe(true)

    const trusted = wb.run(true)
    await prompted(wb)
    await wb.answerTrust(true)
    expect(await trusted).toBe(true)
    expect(backend.callsOf('trustProject')).toEqual([['/projects/sample']])
    expect(backend.callsOf('run')).toHaveLength(1)
    expect(backend.callsOf('run')[0][0]).toMatchObject({ paused: true, buffers: [{ path: 'driver.ts', content: `${DRIVER}// unsaved\n` }] })
    expect(wb.restricted).toBe(false)
    expect(wb.currentRunId).not.toBeNull()

    // Remembered: the next run asks nothing.
    expect(await wb.run()).toBe(true)
    expect(wb.trustPrompt).toBeNull()
    expect(backend.callsOf('trustProject')).toHaveLength(1)
  })

  it('a trusted project, or one the backend says nothing about, runs without a question', async () => {
    for (const trusted of [true, null]) {
      const { wb, backend } = await open(trusted)
      expect(wb.restricted).toBe(false)
      expect(await wb.run()).toBe(true)
      expect(backend.callsOf('trustProject')).toEqual([])
    }
  })

  it('a refusal from the backend (untrusted-folder) asks, then sends the run once more', async () => {
    const { wb, backend } = await open(null)
    backend.trusted = false
    const run = wb.run()
    await prompted(wb)
    expect(backend.callsOf('run')).toHaveLength(1)
    expect(wb.restricted).toBe(true)
    expect(wb.compileProblems).toEqual([])
    await wb.answerTrust(true)
    expect(await run).toBe(true)
    expect(backend.callsOf('run')).toHaveLength(2)
  })

  it('the reload after a save asks too; Cancel keeps the file saved and reloads nothing', async () => {
    const { wb, backend } = await open(true)
    expect(await wb.run()).toBe(true)
    // The folder lost its trust elsewhere (a corrupt trust file, say): the backend refuses the reload.
    backend.trusted = false
    wb.edit('driver.ts', `${DRIVER}// v2\n`)
    const saved = wb.save('driver.ts')
    await prompted(wb)
    await wb.answerTrust(false)
    expect(await saved).toBe(true)
    expect(backend.callsOf('saveFile')).toEqual([['driver.ts', `${DRIVER}// v2\n`]])
    expect(backend.callsOf('reload')).toHaveLength(1)
    expect(wb.buffers.isDirty('driver.ts')).toBe(false)
    expect(wb.notices.at(-1)?.text).toMatch(/Not reloaded/)
  })

  it('a corrupt trust file is said once when the project loads, and in the question', async () => {
    const backend = new ScriptedBackend()
    backend.project = { ...sampleProject(), trust: { trusted: false, folder: '/real/sample', problem: 'trusted-folders.json is not valid JSON: no folder is trusted' } }
    backend.nextRun = () => ({ ok: true, run: backend.runInfo() })
    const wb = createWorkbench()
    await wb.attach(connectScripted(backend).client)
    await settle()
    expect(wb.notices.map((n) => n.text)).toContain('Workspace trust: trusted-folders.json is not valid JSON: no folder is trusted')
    const asked = wb.askTrust()
    expect(wb.trustPrompt).toEqual({ folder: '/real/sample', root: '/projects/sample', problem: 'trusted-folders.json is not valid JSON: no folder is trusted' })
    await wb.answerTrust(true)
    expect(await asked).toBe(true)
    expect(backend.callsOf('trustProject')).toEqual([['/projects/sample']])
  })

  it('opening another project answers a pending question with Cancel', async () => {
    const { wb, backend } = await open(false)
    const run = wb.run()
    await prompted(wb)
    await wb.openProject('/projects/other')
    expect(await run).toBe(false)
    expect(wb.trustPrompt).toBeNull()
    expect(backend.callsOf('run')).toEqual([])
  })
})
