import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunInfo } from '../../../main/contract/api.js'
import { EventKind } from '../../../main/contract/trace.js'
import { buildPreset } from '../../../main/client/scenario/presets.js'
import { exportRun, type ExportableRun } from '../../../main/host/backend/exports.js'
import { importChromeTrace, readChromeTraceFile } from '../../../main/host/chromeTrace/chromeTraceImport.js'
import { compileDriver } from '../../../main/host/compile.js'
import { eventArgs, exportChromeTrace } from '../../../main/host/chromeTrace/chromeTraceExport.js'
import { exportSrbCsv } from '../../../main/host/export/srbCsv.js'
import { Session } from '../../../main/host/session.js'
import { diffRuns } from '../../../main/host/traceDiff.js'
import type { TraceRecorder } from '../../../main/sim/trace/recorder.js'
import { probe, runDriver, START } from '../../helpers/run.js'

// Opening a saved trace: our own export comes back as the run it was; another tool's trace opens with
// warnings for what does not fit; a broken file is an error that says where.

let dir: string
let live: ExportableRun
let opened: Awaited<ReturnType<typeof readChromeTraceFile>>

async function vcap1Run(durationNs: number): Promise<ExportableRun> {
  const compiled = await compileDriver('examples/vcap1-capture.ts')
  if (!compiled.ok) throw new Error(`examples/vcap1-capture.ts does not compile: ${JSON.stringify(compiled.errors)}`)
  const session = new Session({ driver: compiled.driver, scenario: buildPreset('capture', { durationNs }), timeLimitNs: 60e9 })
  const report = session.run()
  if (report.result !== 'pass') throw new Error(`capture failed: ${report.failures.join('; ')}`)
  const info: RunInfo = { runId: 1, driver: 'examples/vcap1-capture.ts', scenario: 'capture', seed: report.seed, card: report.card, startedAt: Date.now(), origin: 'run', replayOf: null }
  return { info, trace: session.machine.kernel.trace, report }
}

interface TrackView {
  group: string
  kind: string
  order: number
  unit: string | undefined
  /** Rows per event kind. */
  counts: Record<number, number>
  /** Every row as "kind ts x name value args", sorted. */
  rows: string[]
  /** Slice depths by row text, for the slices no other slice of the track equals (two identical slices nest either way). */
  depths: Map<string, number>
}

/** A trace per track name, as a user would compare them: what is on each track, when, named what. */
function byTrack(trace: TraceRecorder): Map<string, TrackView> {
  const c = trace.columns()
  const out = new Map<string, TrackView>()
  for (let i = 0; i < trace.count; i++) {
    const info = trace.tracks[c.track[i]]
    let view = out.get(info.name)
    if (view === undefined) out.set(info.name, (view = { group: info.group, kind: info.kind, order: info.order, unit: info.unit, counts: {}, rows: [], depths: new Map() }))
    view.counts[c.kind[i]] = (view.counts[c.kind[i]] ?? 0) + 1
    const value = c.kind[i] === EventKind.Counter ? c.a0[i] : ''
    const row = `${c.kind[i]} ${c.ts[i]} ${c.x[i]} ${trace.strings.get(c.name[i])} ${value} ${JSON.stringify(eventArgs(trace, c, i))}`
    view.rows.push(row)
    if (c.kind[i] === EventKind.Slice) view.depths.set(row, view.depths.has(row) ? -1 : c.depth[i])
  }
  for (const view of out.values()) {
    view.rows.sort()
    for (const [row, depth] of view.depths) if (depth < 0) view.depths.delete(row)
  }
  return out
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mdwb-open-'))
  live = await vcap1Run(1e9)
  const file = path.join(dir, 'capture.trace.json')
  await exportRun(live, 'chrome-json', file, () => {})
  opened = await readChromeTraceFile(file)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('opening our own export', () => {
  it('gives back every track with the same events, times, names, depths and arguments, and no warnings', () => {
    expect(opened.warnings).toEqual([])
    expect(opened.ours).toBe(true)
    expect(opened.report).toBeNull()
    expect(opened.about).toEqual({ driver: 'examples/vcap1-capture.ts', scenario: 'capture', seed: live.report!.seed, card: 'vcap1' })
    expect(opened.trace.count).toBe(live.trace.count)
    const before = byTrack(live.trace)
    const after = byTrack(opened.trace)
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort())
    for (const [name, view] of before) {
      const got = after.get(name)!
      expect({ name, group: got.group, kind: got.kind, order: got.order, unit: got.unit, counts: got.counts }).toEqual({ name, group: view.group, kind: view.kind, order: view.order, unit: view.unit, counts: view.counts })
      expect(got.rows, name).toEqual(view.rows)
      expect(got.depths, name).toEqual(view.depths)
    }
    const kinds = new Set([...before.values()].flatMap((v) => Object.keys(v.counts).map(Number)))
    for (const k of [EventKind.Slice, EventKind.Instant, EventKind.Counter, EventKind.AsyncBegin, EventKind.AsyncEnd, EventKind.AsyncInstant, EventKind.FlowStart, EventKind.FlowStep, EventKind.FlowEnd]) expect(kinds).toContain(k)
  })

  it('compares as identical to the run it was exported from (diffRuns, as Compare runs uses it)', () => {
    const diff = diffRuns({ trace: live.trace, report: live.report }, { trace: opened.trace, report: opened.report })
    expect(diff.tracks.filter((t) => t.firstIndex !== null)).toEqual([])
    expect(diff.identical).toBe(true)
    // The opened trace has no report: the run's frames stand for both sides.
    expect(diff.frames).toEqual({ before: live.report!.frames, after: live.report!.frames })
    expect(diff.findings).toEqual([])
  })

  it('exports again as the run did: the same SRB CSV, and a Chrome trace with the same events', () => {
    expect(exportSrbCsv(opened.trace)).toBe(exportSrbCsv(live.trace))
    // Track numbers differ (tracks that had no events are not in the file), so compare without them.
    const events = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('{"ph":') && !l.startsWith('{"ph":"M"'))
        .map((l) => l.replace(/"pid":\d+,"tid":\d+,/, '').replace(/,$/, ''))
        .sort()
    expect(events(exportChromeTrace(opened.trace))).toEqual(events(exportChromeTrace(live.trace)))
  })

  it('tells a different run apart: a trace opened from a shorter capture diverges at its shorter wait', async () => {
    const other = await vcap1Run(0.5e9)
    const text = exportChromeTrace(other.trace, { metadata: { driver: 'x' } })
    const diff = diffRuns({ trace: live.trace, report: live.report }, { trace: importChromeTrace(text, 'short.json').trace, report: null })
    expect(diff.identical).toBe(false)
    expect(diff.firstTrack).toBe('Scenario steps')
    expect([diff.tracks[0].beforeEvent?.name, diff.tracks[0].afterEvent?.name]).toEqual(['wait 1000ms', 'wait 500ms'])
    // Everything before the wait is the same: the first divergence is where the wait begins.
    expect(diff.firstDivergenceNs).toBe(diff.tracks[0].beforeEvent?.ts)
    expect(diff.tracks.find((t) => t.track === 'Stream 0 data')?.before).toBeGreaterThan(diff.tracks.find((t) => t.track === 'Stream 0 data')!.after)
  })

  it('keeps a debug print and a verifier finding as the detail the panel shows, and compares them equal', async () => {
    const driver = probe(`
    control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const stream = srb.StreamObject
      srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4
      S.DbgPrint('state query %d, "quoted"\\n', 7)
      srb.Status = S.STATUS_SUCCESS
      S.StreamClassStreamNotification(S.StreamRequestComplete, stream, srb)
      S.StreamClassStreamNotification(S.StreamRequestComplete, stream, srb)
      S.StreamClassStreamNotification(S.ReadyForNextStreamControlRequest, stream)
      return true
    },`)
    const { report, session } = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }, { op: 'wait', duration: '1ms' }] as never)
    expect(report.verifier.map((f) => f.rule)).toEqual(['double-completion'])
    const trace = session.machine.kernel.trace
    const imported = importChromeTrace(exportChromeTrace(trace), 'finding.json')
    expect(imported.warnings).toEqual([])
    expect(imported.trace.details).toContainEqual(expect.stringContaining('state query 7, "quoted"'))
    const finding = imported.trace.details.find((d) => typeof d === 'object' && (d as { rule?: string }).rule === 'double-completion')
    expect(finding).toMatchObject({ rule: 'double-completion', severity: 'error', callback: 'ControlPacket', location: { file: 'test/drivers/probe.ts' } })
    const diff = diffRuns({ trace, report }, { trace: imported.trace, report: null })
    expect(diff.tracks.filter((t) => t.firstIndex !== null)).toEqual([])
  })
})

/** A trace another tool might write, with most of what the format allows and a few mistakes. */
const FOREIGN = [
  { ph: 'M', name: 'process_name', pid: 7, args: { name: 'Browser' } },
  { ph: 'M', name: 'process_sort_index', pid: 7, args: { sort_index: 1 } },
  { ph: 'M', name: 'thread_name', pid: 7, tid: 1, args: { name: 'Main' } },
  { ph: 'M', name: 'thread_name', pid: 7, tid: 2, args: { name: 'IO' } },
  { ph: 'M', name: 'process_name', pid: 3, args: { name: 'GPU' } },
  { ph: 'M', name: 'process_sort_index', pid: 3, args: { sort_index: 0 } },
  // B/E nesting on Main (the file is not in time order: the E of inner comes first).
  { ph: 'E', pid: 7, tid: 1, ts: 30 },
  { ph: 'B', name: 'outer', cat: 'ui', pid: 7, tid: 1, ts: 10, args: { a: 1 } },
  { ph: 'B', name: 'inner', pid: 7, tid: 1, ts: 20 },
  { ph: 'E', pid: 7, tid: 1, ts: 50, args: { result: 'ok' } },
  { ph: 'E', pid: 7, tid: 1, ts: 60 },
  { ph: 'X', name: 'task', pid: 7, tid: 1, ts: 22, dur: 2.5 },
  { ph: 'X', name: 'io', pid: 7, tid: 2, ts: 15.0004, dur: 1.0006 },
  { ph: 'X', name: 'write', pid: 7, tid: 2, ts: 47, dur: 1 },
  { ph: 'i', name: 'click', pid: 7, tid: 1, ts: 12, s: 't' },
  { ph: 'I', name: 'gc', pid: 7, ts: 40, s: 'g' },
  { ph: 'C', name: 'mem', pid: 7, ts: 5, args: { heap: 10, ext: 2 } },
  { ph: 'C', name: 'mem', pid: 7, ts: 25, args: { heap: 12, ext: '3' } },
  { ph: 'C', name: 'fps', pid: 3, ts: 5, args: { value: 60 } },
  { ph: 'b', name: 'load', cat: 'net', id: 'req-a', pid: 7, tid: 2, ts: 11 },
  { ph: 'n', name: 'headers', cat: 'net', id: 'req-a', pid: 7, tid: 2, ts: 13 },
  { ph: 'e', name: 'load', cat: 'net', id: 'req-a', pid: 7, tid: 2, ts: 45 },
  { ph: 'b', name: 'decode', cat: 'img', id2: { local: '0x10' }, pid: 3, tid: 9, ts: 30 },
  { ph: 'e', name: 'decode', cat: 'img', id2: { local: '0x10' }, pid: 3, tid: 9, ts: 35 },
  { ph: 'e', name: 'decode', cat: 'img', id2: { local: '0x11' }, pid: 3, tid: 9, ts: 36 },
  { ph: 's', name: 'req', cat: 'ui', id: 5, pid: 7, tid: 1, ts: 21 },
  { ph: 't', name: 'req', cat: 'ui', id: 5, pid: 7, tid: 1, ts: 35 },
  { ph: 'f', name: 'req', cat: 'ui', id: 5, pid: 7, tid: 2, ts: 46 },
  { ph: 'Q', name: 'weird', pid: 7, tid: 1, ts: 1 },
  { ph: 'X', name: 'no time', pid: 7, tid: 1, dur: 1 },
]

/** Rows of a track as [kind, ts, x, name, depth]. */
function rowsOf(trace: TraceRecorder, track: string): [number, number, number, string, number][] {
  const c = trace.columns()
  const out: [number, number, number, string, number][] = []
  for (let i = 0; i < trace.count; i++) if (trace.tracks[c.track[i]].name === track) out.push([c.kind[i], c.ts[i], c.x[i], trace.strings.get(c.name[i]), c.depth[i]])
  return out
}

describe("opening another tool's trace", () => {
  const { trace, warnings, ours, about, events, skipped } = importChromeTrace(JSON.stringify({ traceEvents: FOREIGN }), 'foreign.json')

  it('warns about what it skipped instead of failing', () => {
    expect(ours).toBe(false)
    expect(about).toEqual({ driver: 'foreign.json', scenario: '', seed: 0, card: '' })
    expect(warnings).toEqual([
      "events of phase 'Q' (unknown) are not imported",
      "'X' events without a numeric ts were skipped",
      "'E' events without a 'B' before them on their thread were skipped",
      "'e' events without a matching 'b' were skipped",
    ])
    expect(skipped).toBe(4)
    expect(events).toBe(FOREIGN.length - 6 - skipped)
  })

  it('makes processes track groups and threads tracks, in their sort order', () => {
    expect(trace.tracks.map((t) => [t.group, t.name, t.kind, t.unit])).toEqual([
      ['GPU', 'fps', 'counter', 'value'],
      ['GPU', 'img', 'async', undefined],
      ['Browser', 'mem heap', 'counter', 'heap'],
      ['Browser', 'mem ext', 'counter', 'ext'],
      ['Browser', 'Main', 'slices', undefined],
      ['Browser', 'IO', 'slices', undefined],
      ['Browser', 'IO (async)', 'async', undefined],
      ['Global', 'Global instants', 'instants', undefined],
    ])
  })

  it('pairs B/E, nests slices, binds flows to slices, and rounds microseconds to nanoseconds', () => {
    const S = EventKind.Slice
    // Rows in time order. The flow starts at 21 inside inner: bound to inner's start; its step at 35
    // to outer's, the slice open then.
    expect(rowsOf(trace, 'Main')).toEqual([
      [S, 10_000, 40_000, 'outer', 0],
      [EventKind.FlowStep, 10_000, 5, 'req', 0],
      [EventKind.Instant, 12_000, 0, 'click', 0],
      [S, 20_000, 10_000, 'inner', 1],
      [EventKind.FlowStart, 20_000, 5, 'req', 0],
      [S, 22_000, 2_500, 'task', 2],
    ])
    // f without bp "e" binds to the next slice on its thread; 15.0004 us is 15000 ns, 1.0006 us 1001 ns.
    expect(rowsOf(trace, 'IO')).toEqual([
      [S, 15_000, 1_001, 'io', 0],
      [S, 47_000, 1_000, 'write', 0],
      [EventKind.FlowEnd, 47_000, 5, 'req', 0],
    ])
    const c = trace.columns()
    const outer = [...Array(trace.count).keys()].find((i) => trace.strings.get(c.name[i]) === 'outer')!
    expect(trace.details[c.detail[outer]]).toEqual({ cat: 'ui', a: 1, result: 'ok' })
  })

  it('makes async spans with numeric ids (fresh ones for string ids), counters per series, global instants', () => {
    const load = rowsOf(trace, 'IO (async)')
    expect(load.map(([k, ts, , name]) => [k, ts, name])).toEqual([
      [EventKind.AsyncBegin, 11_000, 'load'],
      [EventKind.AsyncInstant, 13_000, 'headers'],
      [EventKind.AsyncEnd, 45_000, 'load'],
    ])
    expect(new Set(load.map((r) => r[2])).size).toBe(1)
    expect(load[0][2]).toBeGreaterThanOrEqual(2 ** 48)
    expect(rowsOf(trace, 'img').map(([k, ts, id]) => [k, ts, id])).toEqual([
      [EventKind.AsyncBegin, 30_000, 16],
      [EventKind.AsyncEnd, 35_000, 16],
    ])
    const c = trace.columns()
    const samples = (name: string) => [...Array(trace.count).keys()].filter((i) => trace.tracks[c.track[i]].name === name).map((i) => [c.ts[i], c.a0[i]])
    expect(samples('mem heap')).toEqual([
      [5_000, 10],
      [25_000, 12],
    ])
    expect(samples('mem ext')).toEqual([
      [5_000, 2],
      [25_000, 3],
    ])
    expect(rowsOf(trace, 'Global instants')).toEqual([[EventKind.Instant, 40_000, 0, 'gc', 0]])
  })

  it('reads the array form the same way, and a trace cut short with a warning', () => {
    const array = importChromeTrace(JSON.stringify(FOREIGN), 'array.json')
    expect(array.trace.count).toBe(trace.count)
    expect(array.warnings).toEqual(warnings)
    const lines = FOREIGN.slice(0, 10).map((e) => JSON.stringify(e))
    const cut = importChromeTrace(`[\n${lines.join(',\n')},\n`, 'cut.json')
    expect(cut.warnings[0]).toMatch(/not closed \(a trace cut short\?\)/)
    expect(rowsOf(cut.trace, 'Main').map((r) => r[3])).toEqual(['outer', 'inner'])
  })
})

describe('files that are not traces', () => {
  it('names the file, line and column of bad JSON', () => {
    const text = '{"traceEvents": [\n  {"ph": "X", "ts": 1,}\n]}'
    const column = text.split('\n')[1].indexOf('}') + 1
    expect(() => importChromeTrace(text, 'bad.json')).toThrow(`bad.json:2:${column}: not valid JSON: expected a property name in double quotes, found "}"`)
    expect(() => importChromeTrace('{"traceEvents": [1, 2] } x', 'tail.json')).toThrow('tail.json:1:26: not valid JSON: unexpected "x" after the end of the JSON value')
    expect(() => importChromeTrace('{"traceEvents": ["a\nb"]}', 'str.json')).toThrow('str.json:1:20: not valid JSON: a control character inside a string')
    expect(() => importChromeTrace('', 'empty.json')).toThrow('empty.json:1:1: not valid JSON: the text is empty')
  })

  it('says when valid JSON is not a Chrome trace, and when a file cannot be read', async () => {
    expect(() => importChromeTrace('{"events": []}', 'other.json')).toThrow('other.json: not a Chrome trace: expected an array of events or an object with a "traceEvents" array')
    const missing = path.join(dir, 'missing.json')
    await expect(readChromeTraceFile(missing)).rejects.toThrow(`cannot open ${missing}: ENOENT`)
  })

  it('opens a gzip-compressed trace', async () => {
    const file = path.join(dir, 'foreign.json.gz')
    await writeFile(file, gzipSync(JSON.stringify(FOREIGN)))
    const result = await readChromeTraceFile(file)
    expect(result.trace.tracks.map((t) => t.name)).toContain('IO (async)')
    expect(result.about.driver).toBe('foreign.json.gz')
  })
})
