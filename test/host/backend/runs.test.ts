import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackendApi, RunEnded, TraceChunk } from '../../../main/contract/api.js'
import type { WorkbenchBackend } from '../../../main/host/backend/backend.js'
import { TRACE_CHUNKS_PER_SECOND } from '../../../main/host/backend/traceChunks.js'
import { connectPage, startBackend, tempWorkbench, type Page } from './harness.js'

let ws: ReturnType<typeof tempWorkbench>
let backend: WorkbenchBackend
let page: Page
let api: BackendApi
let driver: string

beforeAll(async () => {
  ws = tempWorkbench()
  backend = startBackend({ stateDir: ws.stateDir, projectsFolder: ws.projectsFolder })
  page = connectPage(backend)
  api = page.client.api
  const project = (await api.hello()).project!
  driver = project.files.find((f) => f.path === 'driver.ts')!.content
})
afterAll(async () => {
  await backend.close()
  ws.cleanup()
})

const ended = (runId: number) => page.events.waitFor('runEnded', (e) => e.runId === runId)
const chunksOf = (runId: number): TraceChunk[] => page.events.of('trace').filter((c) => c.runId === runId)
/** `text` with `line` (1-based) repeated below itself. */
const duplicateLine = (text: string, line: number) => {
  const lines = text.split('\n')
  lines.splice(line, 0, lines[line - 1])
  return lines.join('\n')
}

describe('runs through the backend', () => {
  it('streams the sample run as trace chunks that add up to the report, and ends with a pass', async () => {
    const wallStart = performance.now()
    const started = await api.run({ speed: 'fast', duration: '1s' })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    const { runId } = started.run
    expect(started.run).toMatchObject({ driver: 'driver.ts', scenario: 'capture', seed: 1, card: 'vcap1', origin: 'run', replayOf: null })
    const end = await ended(runId)
    const wallMs = performance.now() - wallStart
    expect(page.events.of('runStarted').map((r) => r.runId)).toContain(runId)
    expect(end.report.result).toBe('pass')
    expect(end.problems).toEqual([])
    expect(end.comparison).toBeNull()
    const chunks = chunksOf(runId)
    // Every row arrived before the end, in order, with no gap, as typed arrays.
    let next = 0
    for (const c of chunks) {
      expect(c.from).toBe(next)
      expect(c.rows.ts).toBeInstanceOf(Float64Array)
      for (const column of Object.values(c.rows)) expect(column.length).toBe(c.rows.ts.length)
      next += c.rows.ts.length
    }
    expect(next).toBe(end.report.traceEvents)
    expect(end.report.traceEvents).toBeGreaterThan(1000)
    const indexOfEnd = page.events.all.findIndex((e) => e.name === 'runEnded' && (e.payload as RunEnded).runId === runId)
    expect(page.events.all.slice(indexOfEnd).some((e) => e.name === 'trace' && (e.payload as TraceChunk).runId === runId)).toBe(false)
    // The first chunk describes the tracks; strings arrive before the rows that use them.
    expect(chunks[0].schema?.tracks.length).toBeGreaterThan(5)
    const strings = chunks.flatMap((c) => c.strings)
    const maxName = Math.max(...chunks.map((c) => Math.max(...c.rows.name)))
    expect(maxName).toBeLessThan(strings.length)
    // Deltas are joined: no more chunks than the rate allows over the wall time (plus the last flush).
    expect(chunks.length).toBeLessThanOrEqual(Math.ceil((wallMs / 1000) * TRACE_CHUNKS_PER_SECOND) + 2)
    const last = page.events.of('status').filter((s) => s.runId === runId).at(-1)!
    expect(last.state).toBe('finished')
    expect(last.virtualTimeNs).toBe(end.report.virtualTimeNs)
    expect(last.frames.delivered).toBe(end.report.frames.delivered)
    // The speed itself is the bench's (a busy machine runs slower than real time); here: it is reported.
    expect(Number.isFinite(last.speedRatio) && last.speedRatio > 0).toBe(true)
    const runs = await api.runs()
    expect(runs.find((r) => r.run.runId === runId)?.report?.result).toBe('pass')
  })

  it('returns compile errors of an unsaved buffer with the project file and line, and does not start a run', async () => {
    const broken = driver.replace('export function DriverEntry(', 'export function DriverEntry((')
    const line = broken.split('\n').findIndex((l) => l.includes('DriverEntry((')) + 1
    const before = page.events.of('runStarted').length
    const started = await api.run({ buffers: [{ path: 'driver.ts', content: broken }], speed: 'fast' })
    expect(started.ok).toBe(false)
    if (started.ok) return
    expect(started.problems).toHaveLength(1)
    expect(started.problems[0]).toMatchObject({ source: 'compile', severity: 'error', location: { file: 'driver.ts', line } })
    expect(page.events.of('runStarted').length).toBe(before)
  })

  it('reports a verifier finding at the line of the unsaved buffer that caused it', async () => {
    // Vcap1ReceivePacket completes every device request at its end: complete it twice.
    const lines = driver.split('\n')
    const end = lines.findIndex((l, i) => i > lines.findIndex((x) => x.startsWith('export function Vcap1ReceivePacket')) && l === '  StreamClassCompleteRequestAndMarkQueueReady(srb)') + 1
    const twice = duplicateLine(driver, end)
    const started = await api.run({ buffers: [{ path: 'driver.ts', content: twice }], speed: 'fast', duration: '200ms' })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    const result = await ended(started.run.runId)
    expect(result.report.result).toBe('fail')
    const finding = result.problems.find((p) => p.source === 'verifier' && p.severity === 'error')
    expect(finding).toBeDefined()
    expect(finding!.location).toMatchObject({ file: 'driver.ts', line: end + 1 })
    expect(finding!.code).toMatch(/complet/i)
    expect(finding!.timeNs).toBeGreaterThanOrEqual(0)
  })

  it('points a scenario file problem at its line, and a scenario that fails at a step at that step', async () => {
    const bad = '{\n  "name": "bad",\n  "steps": [\n    { "op": "start-device" },\n    { "op": "set-state", "stream": "video", "state": "GO" }\n  ]\n}\n'
    const started = await api.run({ scenario: 'scenarios/bad.json', buffers: [{ path: 'scenarios/bad.json', content: bad }] })
    expect(started.ok).toBe(false)
    if (started.ok) return
    expect(started.problems).toEqual([
      expect.objectContaining({ source: 'scenario', code: '/steps/1/state', location: { file: 'scenarios/bad.json', line: 5, column: 45 } }),
    ])
    expect(started.problems[0].message).toContain(`scenarios/bad.json: step 2 (set-state): field 'state' must be one of`)

    // Valid, but its second step cannot work: no stream is open.
    const failing = '{\n  "name": "fails",\n  "steps": [\n    { "op": "start-device" },\n    { "op": "set-state", "stream": 0, "state": "RUN" }\n  ]\n}\n'
    const run = await api.run({ scenario: 'scenarios/fails.json', buffers: [{ path: 'scenarios/fails.json', content: failing }], speed: 'fast' })
    if (!run.ok) throw new Error(JSON.stringify(run.problems))
    const result = await ended(run.run.runId)
    const step = result.problems.find((p) => p.source === 'scenario')
    expect(step).toMatchObject({ severity: 'error', code: '/steps/1', location: { file: 'scenarios/fails.json', line: 5 } })
    expect(await api.run({ scenario: 'nowhere.json' })).toMatchObject({ ok: false, problems: [{ source: 'scenario', message: expect.stringContaining('nowhere.json: not a preset') }] })
  })

  it('pauses, steps by virtual time, resumes and stops', async () => {
    const started = await api.run({ speed: 1, duration: '10s', paused: true })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    const { runId } = started.run
    const statuses = () => page.events.of('status').filter((s) => s.runId === runId)
    await page.events.waitFor('status', (s) => s.runId === runId && s.state === 'paused')
    // Paused at t = 0: time does not move.
    await new Promise((r) => setTimeout(r, 300))
    expect(statuses().every((s) => s.state === 'paused' && s.virtualTimeNs === 0)).toBe(true)
    await api.control({ op: 'step', ns: 50_000_000 })
    const stepped = await page.events.waitFor('status', (s) => s.runId === runId && s.virtualTimeNs >= 50_000_000)
    expect(stepped.state).toBe('paused')
    await new Promise((r) => setTimeout(r, 300))
    const held = statuses().at(-1)!
    expect(held.virtualTimeNs).toBeGreaterThanOrEqual(50_000_000)
    // The step stops at its bound (within one callback's cost).
    expect(held.virtualTimeNs).toBeLessThan(60_000_000)
    await expect(api.control({ op: 'step', ns: -1 })).rejects.toThrow(/positive number of virtual ns/)
    await api.control({ op: 'resume' })
    await page.events.waitFor('status', (s) => s.runId === runId && s.state === 'running' && s.virtualTimeNs > 100_000_000)
    await expect(api.control({ op: 'step', ns: 1000 })).rejects.toThrow('step needs a paused run: pause first')
    await api.control({ op: 'pause' })
    await page.events.waitFor('status', (s) => s.runId === runId && s.state === 'paused' && s.virtualTimeNs > 100_000_000)
    // Paused for real: once the pause has reached the worker, the clock stands still.
    await new Promise((r) => setTimeout(r, 300))
    const standing = statuses().at(-1)!
    await new Promise((r) => setTimeout(r, 300))
    expect(statuses().at(-1)!).toMatchObject({ state: 'paused', virtualTimeNs: standing.virtualTimeNs })
    expect(standing.speedRatio).toBeGreaterThan(0.5)
    expect(standing.speedRatio).toBeLessThan(2)
    await api.control({ op: 'stop' })
    const result = await ended(runId)
    expect(result.report.run.completed).toBe(false)
    expect(result.stopped).toBe(true)
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(result.problems).toEqual([expect.objectContaining({ source: 'scenario', severity: 'info', message: expect.stringMatching(/^stopped at step/) })])
    await expect(api.control({ op: 'pause' })).rejects.toThrow('no run is going on to pause')
  })

  it('hot-swaps a save into the running session, and replays with a comparison naming the first divergence', async () => {
    const started = await api.run({ speed: 1, duration: '5s' })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    const { runId } = started.run
    await page.events.waitFor('status', (s) => s.runId === runId && s.virtualTimeNs > 200_000_000)
    // A changed ISR: same behaviour, new code.
    const swapped = driver.replace('export function Vcap1Interrupt(HwDeviceExtension: DEVICE_EXTENSION): boolean {', 'export function Vcap1Interrupt(HwDeviceExtension: DEVICE_EXTENSION): boolean {\n  void 0')
    expect(swapped).not.toBe(driver)
    const swap = await api.reload([{ path: 'driver.ts', content: swapped }], 'swap')
    expect(swap).toMatchObject({ mode: 'swap', ok: true, problems: [] })
    expect(swap.swap?.replaced).toContain('Vcap1Interrupt')
    expect(swap.swap!.timeNs).toBeGreaterThan(200_000_000)
    const event = await page.events.waitFor('swapped', (s) => s.runId === runId)
    expect(event.result.ok).toBe(true)
    await api.control({ op: 'speed', speed: 'fast' })
    const first = await ended(runId)
    expect(first.report.hotSwaps?.[0]?.replaced).toContain('Vcap1Interrupt')
    expect(first.report.result).toBe('pass')

    // Replay: the same scenario and seed from t = 0 with different code; the end compares the two.
    const slower = driver.replace('export function Vcap1Interrupt(HwDeviceExtension: DEVICE_EXTENSION): boolean {', 'export function Vcap1Interrupt(HwDeviceExtension: DEVICE_EXTENSION): boolean {\n  KeStallExecutionProcessor(3)')
    const withImport = slower.replace("} from 'strmini'", "  KeStallExecutionProcessor,\n} from 'strmini'")
    const replay = await api.reload([{ path: 'driver.ts', content: withImport }], 'replay')
    expect(replay.ok).toBe(true)
    expect(replay.run).toMatchObject({ origin: 'replay', replayOf: runId, scenario: 'capture', seed: 1 })
    // Back at the page's speed: make it quick.
    await api.control({ op: 'speed', speed: 'fast' })
    const second = await ended(replay.run!.runId)
    expect(second.comparison).not.toBeNull()
    const c = second.comparison!
    expect(c.before).toBe(runId)
    expect(c.after).toBe(replay.run!.runId)
    expect(c.diff.identical).toBe(false)
    expect(c.diff.firstDivergenceNs).toBeGreaterThan(0)
    expect(c.text).toContain(`first divergence at ${(c.diff.firstDivergenceNs! / 1e6).toFixed(3)} ms on "${c.diff.firstTrack}"`)
    expect((await api.compareRuns(runId, replay.run!.runId)).text).toBe(c.text)
    await expect(api.compareRuns(runId, 999)).rejects.toThrow('run 999 is not kept (the last 8 runs are)')
  })

  it('falls back to a replay when the running session refuses the swap, and says so', async () => {
    const started = await api.run({ speed: 1, duration: '5s' })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    const { runId } = started.run
    await page.events.waitFor('status', (s) => s.runId === runId && s.virtualTimeNs > 100_000_000)
    // New code whose module throws while it loads: the session keeps the old code and refuses.
    const lines = driver.split('\n')
    const at = lines.findIndex((l) => l.startsWith('export function DriverEntry')) + 1
    lines.splice(at - 1, 0, "if (Math.max(1, 2) === 2) throw new Error('not today')")
    const result = await api.reload([{ path: 'driver.ts', content: lines.join('\n') }], 'swap')
    expect(result).toMatchObject({ mode: 'replay', ok: true, swap: { ok: false, error: expect.stringContaining('not today') }, run: { origin: 'replay', replayOf: runId } })
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'info', message: expect.stringContaining('hot swap refused') })])
    // The replay loads the same code from t = 0: a bug check at that line.
    const end = await ended(result.run!.runId)
    expect(end.problems).toContainEqual(expect.objectContaining({ source: 'bugcheck', location: expect.objectContaining({ file: 'driver.ts', line: at }) }))
    expect(end.comparison?.before).toBe(runId)
  })

  it('swap with no run going on becomes a replay, and a buffer that does not compile changes nothing', async () => {
    const bad = await api.reload([{ path: 'driver.ts', content: driver.replace('return StreamClassRegisterMinidriver', 'return return') }], 'swap')
    expect(bad).toMatchObject({ mode: 'swap', ok: false })
    expect(bad.problems[0]).toMatchObject({ source: 'compile', location: { file: 'driver.ts' } })
    expect(bad.run).toBeUndefined()
    const previous = (await api.runs()).filter((r) => r.run.origin !== 'file').at(-1)!.run
    const reload = await api.reload([], 'swap')
    expect(reload).toMatchObject({ mode: 'replay', ok: true, run: { origin: 'replay', replayOf: previous.runId } })
    await api.control({ op: 'speed', speed: 'fast' })
    const result = await ended(reload.run!.runId)
    // The saved driver against the code of the run before (the previous test's, which did not load).
    expect(result.comparison).toMatchObject({ before: previous.runId, after: reload.run!.runId, diff: { identical: false } })
  })

  it('sends the events of a run to every attached page, and none to a detached one', async () => {
    const second = connectPage(backend)
    const third = connectPage(backend)
    third.detach()
    const started = await second.client.api.run({ speed: 'fast', duration: '300ms' })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    const { runId } = started.run
    const [a, b] = await Promise.all([ended(runId), second.events.waitFor('runEnded', (e) => e.runId === runId)])
    expect(a.report).toEqual(b.report)
    const rows = (p: Page) => p.events.of('trace').filter((c) => c.runId === runId).reduce((n, c) => n + c.rows.ts.length, 0)
    expect(rows(page)).toBe(a.report.traceEvents)
    expect(rows(second)).toBe(a.report.traceEvents)
    // The detached page got only the catch-up on the run before (sent as it attached), nothing of this one.
    expect(third.events.all.filter((e) => (e.payload as { runId?: number }).runId === runId)).toEqual([])
    second.detach()
  })

  it('gives a page that connects after a run ended (a reloaded page) that run: its trace and its end', async () => {
    const started = await api.run({ speed: 'fast', duration: '200ms' })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    const { runId } = started.run
    const end = await ended(runId)
    const reloaded = connectPage(backend)
    const again = await reloaded.events.waitFor('runEnded', (e) => e.runId === runId)
    expect(again.report).toEqual(end.report)
    expect(reloaded.events.of('runStarted').map((r) => r.runId)).toEqual([runId])
    expect(reloaded.events.of('trace').reduce((n, c) => n + c.rows.ts.length, 0)).toBe(end.report.traceEvents)
    reloaded.detach()
  })

  it('catches up a page that connects in the middle of a run, and exports a running run as it is', async () => {
    const started = await api.run({ speed: 1, duration: '2s' })
    if (!started.ok) throw new Error(JSON.stringify(started.problems))
    const { runId } = started.run
    await page.events.waitFor('status', (s) => s.runId === runId && s.virtualTimeNs > 300_000_000)
    const late = connectPage(backend)
    const live = await api.exportRun({ kind: 'chrome-json', runId, path: 'exports/live.json' })
    expect(live).toMatchObject({ ok: true })
    await api.control({ op: 'speed', speed: 'fast' })
    const end = await late.events.waitFor('runEnded', (e) => e.runId === runId)
    expect(late.events.of('runStarted').map((r) => r.runId)).toEqual([runId])
    const chunks = late.events.of('trace').filter((c) => c.runId === runId)
    expect(chunks[0]).toMatchObject({ from: 0 })
    expect(chunks[0].schema).not.toBeNull()
    let next = 0
    for (const c of chunks) {
      expect(c.from).toBe(next)
      next += c.rows.ts.length
    }
    expect(next).toBe(end.report.traceEvents)
    expect(chunks.flatMap((c) => c.strings)).toEqual(page.events.of('trace').filter((c) => c.runId === runId).flatMap((c) => c.strings))
    late.detach()
  })

  it('exports a kept run as a Chrome trace with progress', async () => {
    const runs = await api.runs()
    const last = runs.filter((r) => r.report !== null).at(-1)!
    const result = await api.exportRun({ kind: 'chrome-json', runId: last.run.runId })
    if (!result.ok) throw new Error(result.error)
    expect(result.path).toMatch(/exports\/driver-capture-run\d+\.trace\.json$/)
    const json = JSON.parse(readFileSync(result.path, 'utf8')) as { traceEvents: unknown[] }
    expect(json.traceEvents.length).toBeGreaterThan(100)
    const progress = page.events.of('exportProgress').filter((p) => p.runId === last.run.runId)
    expect(progress.at(-1)).toMatchObject({ kind: 'chrome-json', done: progress.at(-1)!.total })
    expect(runs.length).toBeLessThanOrEqual(8)
  })
})
