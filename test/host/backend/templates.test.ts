import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackendApi, TemplateId } from '../../../main/contract/api.js'
import type { WorkbenchBackend } from '../../../main/host/backend/backend.js'
import { connectPage, startBackend, tempWorkbench, type Page } from './harness.js'

let ws: ReturnType<typeof tempWorkbench>
let backend: WorkbenchBackend
let page: Page
let api: BackendApi

beforeAll(async () => {
  ws = tempWorkbench()
  backend = startBackend({ stateDir: ws.stateDir, projectsFolder: ws.projectsFolder })
  page = connectPage(backend)
  api = page.client.api
  await api.hello()
})
afterAll(async () => {
  await backend.close()
  ws.cleanup()
})

/** Runs the open project's own scenario (or `scenario`) as fast as it goes; returns its end. */
async function runToEnd(scenario?: string) {
  const started = await api.run({ speed: 'fast', ...(scenario ? { scenario } : {}) })
  if (!started.ok) throw new Error(JSON.stringify(started.problems))
  return page.events.waitFor('runEnded', (e) => e.runId === started.run.runId)
}

describe('templates', () => {
  for (const [id, card] of [['vcap1', 'vcap1'], ['testcap', 'none'], ['blank', 'none']] as [TemplateId, string][]) {
    it(`${id}: a new project opens and its scenario runs cleanly`, async () => {
      const project = await api.newProject(id, path.join(ws.dir, id))
      expect(project.drafts).toEqual([])
      const end = await runToEnd()
      expect({ result: end.report.result, problems: end.problems, failures: end.report.failures }).toEqual({ result: 'pass', problems: [], failures: [] })
      expect(end.report.card).toBe(card)
      expect(end.report.scenario).toBe(project.settings.scenario.endsWith('.json') ? JSON.parse(project.files.find((f) => f.path === project.settings.scenario)!.content).name : project.settings.scenario)
    })
  }

  for (const file of ['scenarios/lost-interrupts.json', 'scenarios/video-and-audio.json']) {
    it(`vcap1: the template's scenario file ${file} runs cleanly too`, async () => {
      await api.openProject(path.join(ws.dir, 'vcap1'))
      const end = await runToEnd(file)
      expect({ result: end.report.result, problems: end.problems }).toEqual({ result: 'pass', problems: [] })
      expect(end.report.frames.delivered).toBeGreaterThan(25)
    })
  }
})
