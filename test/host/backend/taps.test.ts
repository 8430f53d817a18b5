import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackendApi, TraceChunk } from '../../../main/contract/api.js'
import type { TraceSchema } from '../../../main/contract/trace.js'
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

/** Rows of a run's chunks on the track named `track`: their times. */
function rowsOnTrack(chunks: TraceChunk[], track: string): number[] {
  const schema = chunks.reduce<TraceSchema | null>((s, c) => c.schema ?? s, null)!
  const id = schema.tracks.findIndex((t) => t.name === track)
  const out: number[] = []
  for (const c of chunks) for (let i = 0; i < c.rows.ts.length; i++) if (c.rows.track[i] === id) out.push(c.rows.ts[i])
  return out
}

describe('live taps through the backend', () => {
  let runId = 0

  it('injects a fault at a time into a paused run, inspects its registers, and previews its frames', async () => {
    const started = await api.run({ speed: 1, duration: '1s', paused: true })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    runId = started.run.runId
    const fault = await api.injectFault({ fault: 'frame-drop', atNs: 300_000_000, count: 2 })
    expect(fault).toEqual({ ok: true, error: null, timeNs: 300_000_000 })
    expect(await api.injectFault({ fault: 'no-such-fault' })).toMatchObject({ ok: false, error: expect.stringContaining("unknown fault 'no-such-fault'") })

    await api.control({ op: 'step', ns: 100_000_000 })
    await page.events.waitFor('status', (s) => s.runId === runId && s.virtualTimeNs >= 100_000_000)
    const inspected = await api.inspect({ what: 'registers', runId })
    if (inspected.what !== 'registers') throw new Error(JSON.stringify(inspected))
    const vidCtrl = inspected.registers.find((r) => r.name === 'VID_CTRL')!
    // Streaming by 100 ms: the driver has set RUN.
    expect(vidCtrl.fields.find((f) => f.name === 'RUN')?.value).toBe(1)
    expect(vidCtrl.history.some((h) => h.op === 'write' && h.callback !== null)).toBe(true)

    await api.control({ op: 'speed', speed: 'fast' })
    await api.control({ op: 'resume' })
    const end = await page.events.waitFor('runEnded', (e) => e.runId === runId)
    // The fault fired where it was asked for, and the run shows what it did.
    const firings = rowsOnTrack(page.events.of('trace').filter((c) => c.runId === runId), 'VCAP-1 faults')
    expect(firings.length).toBeGreaterThan(0)
    expect(Math.min(...firings)).toBe(300_000_000)
    expect(end.report.frames.dropped).toBeGreaterThanOrEqual(2)
    expect(end.problems).toContainEqual(expect.objectContaining({ source: 'expectation', code: 'maxDropped' }))

    const frames = page.events.of('frame').filter((f) => f.runId === runId)
    expect(frames.length).toBeGreaterThan(0)
    expect(frames.length).toBeLessThan(end.report.frames.delivered)
    const f = frames.at(-1)!
    expect(f.data).toBeInstanceOf(Uint8Array)
    expect(f.data.byteLength).toBeGreaterThanOrEqual((f.width * f.height) / 2)
    expect(f.format).toBe('YUY2')

    // The preview follows the timeline's cursor back in time, after the run ended.
    const at = await api.frameAt(runId, 500_000_000)
    expect(at).not.toBeNull()
    expect(at!.runId).toBe(runId)
    expect(at!.timeNs).toBeLessThanOrEqual(500_000_000)
    expect(at!.timeNs).toBeGreaterThan(400_000_000)
    expect(await api.frameAt(runId, 0)).toBeNull()
    // The newest run can still be inspected after its end; a wrong run id is answered, not thrown.
    expect((await api.inspect({ what: 'rings', runId })).what).toBe('rings')
    expect(await api.inspect({ what: 'rings', runId: runId + 100 })).toMatchObject({ what: 'none' })
    expect(await api.injectFault({ fault: 'frame-drop' })).toMatchObject({ ok: false, error: expect.stringContaining('no run is going on') })
  })

  let audioRunId = 0
  it('sends audio levels of an audio capture', async () => {
    const started = await api.run({ speed: 'fast', duration: '500ms', scenario: 'audio-capture' })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    audioRunId = started.run.runId
    const end = await page.events.waitFor('runEnded', (e) => e.runId === started.run.runId)
    expect(end.report.result).toBe('pass')
    const levels = page.events.of('audio').filter((a) => a.runId === started.run.runId)
    expect(levels.length).toBeGreaterThan(0)
    const last = levels.at(-1)!
    expect(last.peak.length).toBe(2)
    expect(Math.max(...last.peak)).toBeGreaterThan(0)
    expect(last.rms.every((r, i) => r <= last.peak[i])).toBe(true)
  })

  it('opens an exported trace as a read-only run that compares with the run it came from', async () => {
    const exported = await api.exportRun({ kind: 'chrome-json', runId: audioRunId })
    if (!exported.ok) throw new Error(exported.error)
    const opened = await api.openTrace(exported.path)
    expect(opened).toMatchObject({ origin: 'file', replayOf: null, driver: 'driver.ts', scenario: 'audio-capture', seed: 1, warnings: [] })
    const chunks = page.events.of('trace').filter((c) => c.runId === opened.runId)
    expect(chunks[0].schema).not.toBeNull()
    expect(chunks.reduce((n, c) => n + c.rows.ts.length, 0)).toBeGreaterThan(500)
    const comparison = await api.compareRuns(audioRunId, opened.runId)
    // A trace opened from a file compares with the runs of the session (it has no report: its frames are the run's).
    expect(comparison).toMatchObject({ before: audioRunId, after: opened.runId, diff: { findings: [], bugcheck: { before: null, after: null } } })
    expect(comparison.diff.frames.after).toEqual(comparison.diff.frames.before)
    expect(comparison.diff.identical).toBe(true)
    expect(comparison.text).toBe('  replay: identical to the previous run')
    expect((await api.runs()).find((r) => r.run.runId === opened.runId)?.report).toBeNull()
    await expect(api.openTrace('nowhere.json')).rejects.toThrow(/cannot open .*nowhere\.json/)
  })
})
