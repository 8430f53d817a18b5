import { describe, expect, it } from 'vitest'
import type { Problem, TraceChunk } from '../../../main/contract/api.js'
import { EventKind, newTraceColumns, type TraceSchema } from '../../../main/contract/trace.js'
import type { Timers } from '../../../renderer/state/draftSaver.js'
import { createWorkbench, JUMP_WINDOW_NS, type Workbench } from '../../../renderer/state/workbench.js'
import { comparison, connectScripted, DRIVER, sampleProject, ScriptedBackend } from './scriptedBackend.js'

/** Timers the test advances by hand. */
class ManualTimers implements Timers {
  private next = 1
  private readonly due = new Map<number, { at: number; fn: () => void }>()
  now = 0
  set(fn: () => void, ms: number): unknown {
    const id = this.next++
    this.due.set(id, { at: this.now + ms, fn })
    return id
  }
  clear(handle: unknown): void {
    this.due.delete(handle as number)
  }
  advance(ms: number): void {
    this.now += ms
    for (const [id, t] of [...this.due].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at > this.now) continue
      this.due.delete(id)
      t.fn()
    }
  }
}

/** Lets the in-memory RPC deliver everything queued (calls, results, events). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

async function open(backend = new ScriptedBackend()): Promise<{ wb: Workbench; backend: ScriptedBackend; timers: ManualTimers; close(reason: string): void }> {
  const timers = new ManualTimers()
  const wb = createWorkbench({ timers, draftDelayMs: 500, checkDelayMs: 300 })
  const c = connectScripted(backend)
  await wb.attach(c.client)
  await settle()
  return { wb, backend, timers, close: c.close }
}

const SCHEMA: TraceSchema = {
  tracks: [{ name: 'CPU 0', group: 'CPUs', kind: 'slices', order: 0 }],
  argLayouts: [{ name: 'none', fields: [] }],
  enums: {},
}

function chunk(runId: number, from: number, ts: number[], schema: TraceSchema | null = null, strings: string[] = []): TraceChunk {
  const rows = newTraceColumns(ts.length)
  rows.kind.fill(EventKind.Slice)
  rows.name.fill(1)
  rows.detail.fill(-1)
  rows.ts.set(ts)
  rows.x.fill(1000)
  // As the backend sends them: the first chunk's strings start with '' at id 0, so name 1 is its second.
  return { runId, from, rows, strings, details: [], schema }
}

const compileError: Problem = { source: 'compile', severity: 'error', message: "Expected ';'", location: { file: 'src/ring.ts', line: 1, column: 9 } }

describe('the workbench store', () => {
  it('opens the project the backend has: files as buffers, the driver in a tab, its settings as run options', async () => {
    const { wb } = await open()
    expect(wb.connection).toBe('open')
    expect(wb.project?.root).toBe('/projects/sample')
    expect(wb.buffers.order).toEqual(['driver.ts', 'src/ring.ts', 'scenarios/cap.json', 'workbench.json'])
    expect(wb.tabs.open).toEqual(['driver.ts'])
    expect(wb.tabs.active).toBe('driver.ts')
    expect(wb.options).toMatchObject({ scenario: 'capture', seed: 7, speed: 'fast', duration: '3s', reloadMode: 'swap' })
    expect(wb.recent).toEqual(['/projects/sample', '/projects/older'])
    expect(wb.typings[0].uri).toBe('file:///node_modules/strmini/index.d.ts')
    expect(wb.buffers.dirtyCount).toBe(0)
  })

  it('recovers the drafts of a previous session as unsaved buffers and says so', async () => {
    const backend = new ScriptedBackend()
    backend.project = sampleProject([{ path: 'src/ring.ts', content: 'export const N = 8\n', savedAt: 1 }])
    const { wb } = await open(backend)
    expect(wb.buffers.get('src/ring.ts')?.content).toBe('export const N = 8\n')
    expect(wb.buffers.isDirty('src/ring.ts')).toBe(true)
    expect(wb.tabs.active).toBe('src/ring.ts')
    expect(wb.notices.map((n) => n.text)).toContain('Recovered 1 unsaved file(s): src/ring.ts')
  })

  it('keeps an edited buffer as a draft after a quiet period, and forgets it when the text is back to the file', async () => {
    const { wb, backend, timers } = await open()
    wb.edit('driver.ts', DRIVER + '// a')
    wb.edit('driver.ts', DRIVER + '// ab')
    timers.advance(499)
    await settle()
    expect(backend.callsOf('storeDraft')).toEqual([])
    timers.advance(1)
    await settle()
    expect(backend.callsOf('storeDraft')).toEqual([['driver.ts', DRIVER + '// ab']])
    wb.edit('driver.ts', DRIVER)
    timers.advance(500)
    await settle()
    expect(backend.callsOf('storeDraft').at(-1)).toEqual(['driver.ts', null])
    expect(wb.buffers.isDirty('driver.ts')).toBe(false)
  })

  it('saves with Ctrl+S and, with no run going, does not reload', async () => {
    const { wb, backend } = await open()
    wb.edit('driver.ts', DRIVER + '// x')
    expect(await wb.save()).toBe(true)
    await settle()
    expect(backend.callsOf('saveFile')).toEqual([['driver.ts', DRIVER + '// x']])
    expect(backend.callsOf('storeDraft')).toEqual([['driver.ts', null]])
    expect(wb.buffers.isDirty('driver.ts')).toBe(false)
    expect(backend.callsOf('reload')).toEqual([])
  })

  it('reloads the run after a save of driver code, in the mode chosen, with every driver source', async () => {
    const { wb, backend } = await open()
    await wb.run()
    await settle()
    wb.options.reloadMode = 'replay'
    wb.edit('src/ring.ts', 'export const N = 5\n')
    await wb.save('src/ring.ts')
    await settle()
    expect(backend.callsOf('reload')).toEqual([
      [
        [
          { path: 'driver.ts', content: DRIVER },
          { path: 'src/ring.ts', content: 'export const N = 5\n' },
        ],
        'replay',
      ],
    ])
    expect(wb.currentRun?.origin).toBe('replay')
    expect(wb.currentRun?.replayOf).toBe(1)
  })

  it('does not reload when only a scenario file was saved', async () => {
    const { wb, backend } = await open()
    await wb.run()
    wb.edit('scenarios/cap.json', '{ "steps": [1] }\n')
    await wb.save('scenarios/cap.json')
    await settle()
    expect(backend.callsOf('saveFile')).toHaveLength(1)
    expect(backend.callsOf('reload')).toEqual([])
  })

  it('reports a hot swap as a notice', async () => {
    const { wb } = await open()
    await wb.run()
    wb.edit('driver.ts', DRIVER + '\n')
    await wb.save()
    await settle()
    expect(wb.notices.at(-1)?.text).toBe('Hot-swapped at 5 ms: DriverEntry')
  })

  it('save all writes every unsaved file and reloads once', async () => {
    const { wb, backend } = await open()
    await wb.run()
    wb.edit('driver.ts', DRIVER + '// 1')
    wb.edit('src/ring.ts', '// 2')
    expect(await wb.saveAll()).toBe(true)
    await settle()
    expect(backend.callsOf('saveFile').map((a) => a[0])).toEqual(['driver.ts', 'src/ring.ts'])
    expect(backend.callsOf('reload')).toHaveLength(1)
    expect(wb.buffers.dirtyCount).toBe(0)
  })

  it('keeps a buffer dirty when its save fails, and says why', async () => {
    const { wb, backend } = await open()
    backend.failSaves = true
    wb.edit('driver.ts', DRIVER + '// x')
    expect(await wb.save()).toBe(false)
    expect(wb.buffers.isDirty('driver.ts')).toBe(true)
    expect(wb.notices.at(-1)?.text).toBe('Could not save driver.ts: driver.ts: disk full')
  })

  it('runs with the unsaved buffers and the toolbar options', async () => {
    const { wb, backend } = await open()
    wb.edit('src/ring.ts', 'export const N = 2\n')
    wb.options.seed = 42
    wb.options.duration = '500ms'
    expect(await wb.run()).toBe(true)
    expect(backend.callsOf('run')).toEqual([
      [{ buffers: [{ path: 'src/ring.ts', content: 'export const N = 2\n' }], scenario: 'capture', seed: 42, speed: 'fast', duration: '500ms' }],
    ])
    expect(wb.currentRunId).toBe(1)
    expect(wb.currentTrace?.runId).toBe(1)
  })

  it('a run that does not compile lists the problems and shows the first error in the editor', async () => {
    const { wb, backend } = await open()
    backend.nextRun = () => ({ ok: false, problems: [compileError] })
    expect(await wb.run()).toBe(false)
    expect(wb.problems).toEqual([compileError])
    expect(wb.tabs.active).toBe('src/ring.ts')
    expect(wb.reveal).toMatchObject({ path: 'src/ring.ts', line: 1, column: 9 })
    backend.nextRun = null
    await wb.run()
    expect(wb.problems).toEqual([])
  })

  it('refuses a run with a duration that is not one', async () => {
    const { wb, backend } = await open()
    wb.options.duration = 'soon'
    expect(await wb.run()).toBe(false)
    expect(backend.callsOf('run')).toEqual([])
    expect(wb.notices.at(-1)?.text).toMatch(/duration: "soon"/)
  })

  it('feeds the trace of the run shown into its store and moves the version', async () => {
    const { wb, backend } = await open()
    await wb.run()
    await settle()
    const v0 = wb.trace.version
    backend.sink?.emit('trace', chunk(1, 0, [0, 10, 20], SCHEMA, ['', 'callback']))
    backend.sink?.emit('trace', chunk(1, 3, [30, 40]))
    await settle()
    expect(wb.currentTrace?.store.rowCount).toBe(5)
    expect(wb.currentTrace?.store.describe(4)).toMatchObject({ name: 'callback', trackName: 'CPU 0', ts: 40 })
    expect(wb.trace.version).toBe(v0 + 2)
    // Another run's rows go to its own store and do not redraw this one.
    backend.sink?.emit('trace', chunk(9, 0, [5], SCHEMA, ['', 'x']))
    await settle()
    expect(wb.trace.version).toBe(v0 + 2)
    expect(wb.traces.get(9)?.store.rowCount).toBe(1)
  })

  it('a new run starts an empty trace and clears the selection, the cursor and the run problems', async () => {
    const { wb, backend } = await open()
    await wb.run()
    backend.sink?.emit('trace', chunk(1, 0, [0, 10], SCHEMA, ['a']))
    backend.sink?.emit('runEnded', { runId: 1, report: report('fail'), problems: [finding(3e6)], stopped: false, comparison: null })
    await settle()
    wb.setCursor(5)
    expect(wb.problems).toHaveLength(1)
    await wb.run()
    await settle()
    expect(wb.currentRunId).toBe(2)
    expect(wb.currentTrace?.store.rowCount).toBe(0)
    expect(wb.cursorNs).toBeNull()
    expect(wb.problems).toEqual([])
    // The previous run is still held and can be shown again, with its problems.
    expect(wb.showRun(1)).toBe(true)
    expect(wb.currentTrace?.store.rowCount).toBe(2)
    expect(wb.problems).toHaveLength(1)
  })

  it('shows status for the run shown only, and derives what the controls may do', async () => {
    const { wb, backend } = await open()
    expect(wb.runState).toBe('idle')
    expect(wb.canPause).toBe(false)
    await wb.run()
    backend.sink?.emit('status', status(1, 'running'))
    backend.sink?.emit('status', status(7, 'paused'))
    await settle()
    expect(wb.runState).toBe('running')
    expect([wb.canPause, wb.canResume, wb.canStep, wb.canStop]).toEqual([true, false, false, true])
    expect(await wb.step()).toBe(false)
    await wb.pause()
    backend.sink?.emit('status', status(1, 'paused'))
    await settle()
    expect([wb.canPause, wb.canResume, wb.canStep, wb.canStop]).toEqual([false, true, true, true])
    wb.options.stepNs = 100_000
    await wb.step()
    await wb.setSpeed(4)
    await wb.stop()
    expect(backend.callsOf('control')).toEqual([[{ op: 'pause' }], [{ op: 'step', ns: 100_000 }], [{ op: 'speed', speed: 4 }], [{ op: 'stop' }]])
  })

  it('a problem click opens its line and moves the timeline to its time; F8 steps through the list', async () => {
    const { wb, backend } = await open()
    await wb.run()
    const late = finding(9e6)
    const early: Problem = { ...finding(2e6), location: { file: 'src/ring.ts', line: 1, column: 1 } }
    backend.sink?.emit('runEnded', { runId: 1, report: report('fail'), problems: [late, early], stopped: false, comparison: null })
    await settle()
    expect(wb.problems.map((p) => p.timeNs)).toEqual([2e6, 9e6])
    wb.stepProblem(1)
    expect(wb.reveal).toMatchObject({ path: 'src/ring.ts', line: 1 })
    expect(wb.jump).toMatchObject({ ns: 2e6, spanNs: JUMP_WINDOW_NS })
    expect(wb.cursorNs).toBe(2e6)
    wb.stepProblem(1)
    expect(wb.reveal).toMatchObject({ path: 'driver.ts', line: 3 })
    expect(wb.jump?.ns).toBe(9e6)
    wb.stepProblem(1)
    expect(wb.jump?.ns).toBe(2e6)
  })

  it('a replay that ends with a comparison shows it', async () => {
    const { wb, backend } = await open()
    await wb.run()
    wb.options.reloadMode = 'replay'
    await wb.reload()
    await settle()
    backend.sink?.emit('runEnded', { runId: 2, report: report('pass'), problems: [], stopped: false, comparison: comparison(1, 2, 30e6) })
    await settle()
    expect(wb.comparison?.diff.firstDivergenceNs).toBe(30e6)
    expect(wb.notices.at(-1)?.tone).toBe('success')
  })

  it('a failed reload lists its compile problems', async () => {
    const { wb, backend } = await open()
    await wb.run()
    backend.nextReload = (_b, mode) => ({ mode, ok: false, problems: [compileError] })
    expect(await wb.reload()).toBe(false)
    expect(wb.compileProblems).toEqual([compileError])
    expect(wb.notices.at(-1)?.text).toBe("Reload failed: Expected ';'")
  })

  it('validates a scenario file as it is edited, with the problems at that file', async () => {
    const { wb, backend, timers } = await open()
    backend.scenarioProblems = [{ source: 'scenario', severity: 'error', message: 'steps[0]: unknown op', code: '/steps/0' }]
    timers.advance(300) // the check after opening
    await settle()
    wb.edit('scenarios/cap.json', '{ "steps": [{ "op": "nap" }] }')
    timers.advance(300)
    await settle()
    const calls = backend.callsOf('checkScenario')
    expect(calls.at(-1)).toEqual(['{ "steps": [{ "op": "nap" }] }', 'scenarios/cap.json'])
    expect(wb.problems).toEqual([{ source: 'scenario', severity: 'error', message: 'steps[0]: unknown op', code: '/steps/0', location: { file: 'scenarios/cap.json', line: 1, column: 1 } }])
  })

  it('opens a saved trace as a run of its own', async () => {
    const { wb, backend } = await open()
    expect(await wb.openTrace('/tmp/t.json')).toBe(true)
    expect(wb.currentRun?.origin).toBe('file')
    expect(wb.runState).toBe('file')
    expect(wb.canPause).toBe(false)
    backend.fileWarnings = ['3 events with an unknown phase were skipped']
    await wb.openTrace('/tmp/u.json')
    expect(wb.notices.at(-1)?.text).toBe('Opened /tmp/u.json as run 2 (1 warning(s): 3 events with an unknown phase were skipped)')
    expect(await wb.openTrace('/tmp/t.txt')).toBe(false)
    expect(wb.notices.at(-1)?.text).toBe('Could not open the trace /tmp/t.txt: /tmp/t.txt: not a Chrome trace JSON file')
    expect(backend.callsOf('openTrace')).toEqual([['/tmp/t.json'], ['/tmp/u.json'], ['/tmp/t.txt']])
  })

  it('compares two runs on request', async () => {
    const { wb, backend } = await open()
    const c = await wb.compareRuns(1, 2)
    expect(c?.diff.firstTrack).toBe('CPU 0')
    expect(wb.comparison).toEqual(c)
    expect(backend.callsOf('compareRuns')).toEqual([[1, 2]])
  })

  it('opens another project (its files replace the buffers) and reports a folder that is not one', async () => {
    const { wb, backend } = await open()
    wb.edit('driver.ts', DRIVER + '// pending')
    expect(await wb.openProject('/projects/other')).toBe(true)
    expect(wb.project?.root).toBe('/projects/other')
    expect(wb.buffers.dirtyCount).toBe(0)
    expect(wb.recent.slice(0, 2)).toEqual(['/projects/other', '/projects/sample'])
    expect(await wb.openProject('/nowhere')).toBe(false)
    expect(wb.project?.root).toBe('/projects/other')
    expect(wb.notices.at(-1)?.text).toBe('Could not open /nowhere: /nowhere is not a project folder (no workbench.json)')
    await wb.newProject('vcap1', '/projects/new')
    expect(backend.callsOf('newProject')).toEqual([['vcap1', '/projects/new']])
  })

  it('save as sends the unsaved buffers along', async () => {
    const { wb, backend } = await open()
    wb.edit('driver.ts', DRIVER + '// mine')
    await wb.saveProjectAs('/projects/copy')
    expect(backend.callsOf('saveProjectAs')).toEqual([['/projects/copy', [{ path: 'driver.ts', content: DRIVER + '// mine' }]]])
    expect(wb.project?.root).toBe('/projects/copy')
  })

  it('a saved workbench.json changes the run options at once', async () => {
    const { wb } = await open()
    wb.edit('workbench.json', JSON.stringify({ scenario: 'scenarios/cap.json', seed: 3, speed: 0.25, reloadMode: 'replay' }))
    await wb.save('workbench.json')
    expect(wb.options).toMatchObject({ scenario: 'scenarios/cap.json', seed: 3, speed: 0.25, reloadMode: 'replay' })
  })

  it('shows a lost connection and stops offering runs', async () => {
    const { wb, close } = await open()
    close('the server stopped')
    await settle()
    expect(wb.connection).toBe('lost')
    expect(wb.connectionError).toBe('the server stopped')
    expect(wb.canRun).toBe(false)
    expect(await wb.run()).toBe(false)
  })

  it('says so when the backend cannot be reached at all', () => {
    const wb = createWorkbench()
    wb.connectFailed('cannot reach the workbench server')
    expect(wb.connection).toBe('lost')
    expect(wb.canRun).toBe(false)
  })

  it('new files are made in the editor and written by Ctrl+S', async () => {
    const { wb, backend } = await open()
    expect(wb.createFile('./src\\helpers.ts')).toBe('src/helpers.ts')
    expect(wb.tabs.active).toBe('src/helpers.ts')
    expect(wb.buffers.isDirty('src/helpers.ts')).toBe(true)
    expect(wb.createFile('../escape.ts')).toBeNull()
    await wb.save()
    expect(backend.callsOf('saveFile')).toEqual([['src/helpers.ts', '']])
    expect(wb.buffers.isDirty('src/helpers.ts')).toBe(false)
  })
  it('lists the editor’s own type errors with the other problems, without marking them twice', async () => {
    const { wb } = await open()
    const typeError: Problem = { source: 'compile', severity: 'error', message: 'no', code: 'ts(2322)', location: { file: 'driver.ts', line: 2, column: 1 } }
    wb.setTypeProblems('driver.ts', [typeError])
    expect(wb.problems).toEqual([typeError])
    expect(wb.markerProblems).toEqual([])
    wb.setTypeProblems('driver.ts', [])
    expect(wb.problems).toEqual([])
  })
  it('a run known only by its end (the page connected later) shows as finished with its report’s figures', async () => {
    const { wb, backend } = await open()
    const run = backend.runInfo()
    backend.sink?.emit('runStarted', run)
    backend.sink?.emit('runEnded', { runId: run.runId, report: report('pass'), problems: [], stopped: false, comparison: null })
    await settle()
    expect(wb.runState).toBe('finished')
    expect(wb.status).toMatchObject({ runId: run.runId, state: 'finished', virtualTimeNs: 2e9, speedRatio: 20, frames: { delivered: 60 } })
  })
  it('a page that connects after a run ended gets the run without a notice about it', async () => {
    const backend = new ScriptedBackend()
    const timers = new ManualTimers()
    const wb = createWorkbench({ timers })
    const c = connectScripted(backend)
    // What the backend sends a page as it connects, before it answers anything.
    const run = backend.runInfo()
    backend.sink?.emit('runStarted', run)
    backend.sink?.emit('trace', chunk(run.runId, 0, [0, 10], SCHEMA, ['a']))
    backend.sink?.emit('runEnded', { runId: run.runId, report: report('fail'), problems: [finding(1e6)], stopped: false, comparison: null })
    await wb.attach(c.client)
    await settle()
    expect(wb.currentRunId).toBe(run.runId)
    expect(wb.currentTrace?.store.rowCount).toBe(2)
    expect(wb.problems).toHaveLength(1)
    expect(wb.notices).toEqual([])
    await wb.run()
    backend.sink?.emit('runEnded', { runId: 2, report: report('pass'), problems: [], stopped: false, comparison: null })
    await settle()
    expect(wb.notices.map((n) => n.text)).toEqual(['Run 2 passed (2 s virtual, 60 frames)'])
  })
  it('a run the user stopped says "stopped", not "failed", unless the driver had errors until then', async () => {
    const { wb, backend } = await open()
    await wb.run()
    backend.sink?.emit('runEnded', { runId: 1, report: report('fail'), problems: [], stopped: true, comparison: null })
    await settle()
    expect(wb.notices.map((n) => [n.tone, n.text])).toEqual([['info', 'Run 1 stopped at 2 s (60 frames)']])
    await wb.run()
    backend.sink?.emit('runEnded', { runId: 2, report: report('fail'), problems: [finding(1e6)], stopped: true, comparison: null })
    await settle()
    expect(wb.notices.at(-1)).toMatchObject({ tone: 'error', text: 'Run 2 stopped at 2 s (60 frames); 1 problem(s) until then' })
  })
})

function report(result: 'pass' | 'fail') {
  return {
    driver: 'driver.ts',
    scenario: 'capture',
    seed: 7,
    card: 'vcap1',
    synchronization: 'on' as const,
    virtualTimeNs: 2e9,
    wallTimeMs: 100,
    result,
    exitCode: (result === 'pass' ? 0 : 1) as 0 | 1,
    failures: result === 'pass' ? [] : ['1 verifier error(s)'],
    run: { completed: true, step: null, reason: null },
    frames: { delivered: 60, dropped: 0, torn: 0, stale: 0 },
    audio: { buffers: 0, bytes: 0 },
    srbs: { total: 1, byCommand: {}, completed: 1, cancelled: 0, timedOut: 0, outstanding: 0 },
    interrupts: { raised: 0, claimed: 0, spurious: 0 },
    verifier: [],
    findingCounts: {},
    bugcheck: null,
    expectations: [],
    debugOutput: [],
    traceEvents: 2,
  }
}

function finding(timeNs: number): Problem {
  return { source: 'verifier', severity: 'error', message: 'SRB 3 completed a second time', code: 'double-completion', timeNs, location: { file: 'driver.ts', line: 3, column: 3 } }
}

function status(runId: number, state: 'running' | 'paused' | 'finished') {
  return {
    runId,
    state,
    virtualTimeNs: 1e6,
    wallMs: 1,
    speedRatio: 1,
    frames: { delivered: 0, dropped: 0, torn: 0, stale: 0 },
    audio: { buffers: 0, bytes: 0 },
    srbs: { total: 0, byCommand: {}, completed: 0, cancelled: 0, timedOut: 0, outstanding: 0 },
    interrupts: { raised: 0, claimed: 0, spurious: 0 },
    findings: 0,
    errors: 0,
    bugcheck: null,
  }
}
