/**
 * Imports cannot exhaust the server (issue 9, item 7). *Open trace* takes regular files only (a
 * device, a FIFO or a folder is refused before anything is read), at most MDWB_IMPORT_MAX_MB of
 * trace text (a .json file's size, or what a .json.gz inflates to: gunzip runs as a stream and stops
 * past the limit), and parses a piece at a time so the backend answers other pages meanwhile. Each
 * case ends in a clear error and a backend that still answers.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BackendApi } from '../../main/contract/api.js'
import type { WorkbenchBackend } from '../../main/host/backend/backend.js'
import { importLimitsFrom, WORKBENCH_SETTINGS, type ImportLimits } from '../../main/host/backend/importLimits.js'
import { importChromeTrace, importChromeTraceAsync, readChromeTraceFile } from '../../main/host/chromeTrace/chromeTraceImport.js'
import { generatedDocs } from '../../main/host/docs/generated.js'
import { exportChromeTrace } from '../../main/host/chromeTrace/chromeTraceExport.js'
import { connectPage, startBackend, tempWorkbench } from '../host/backend/harness.js'

const MB = 1024 * 1024
let ws: ReturnType<typeof tempWorkbench>
let backend: WorkbenchBackend
let api: BackendApi

function launch(importLimits?: ImportLimits): void {
  backend = startBackend({ stateDir: ws.stateDir, projectsFolder: ws.projectsFolder, ...(importLimits ? { importLimits } : {}) })
  api = connectPage(backend).client.api
}

beforeEach(() => {
  ws = tempWorkbench()
})
afterEach(async () => {
  await backend?.close()
  ws.cleanup()
})

/** A small valid trace file: the backend opens it after a refused import, so it is alive and still imports. */
function smallTrace(): string {
  const file = path.join(ws.dir, 'small.json')
  writeFileSync(file, JSON.stringify({ traceEvents: [{ ph: 'X', pid: 1, tid: 1, ts: 1, dur: 2, name: 'a' }] }))
  return file
}

async function stillAlive(): Promise<void> {
  expect((await api.hello()).mode).toBe('web')
  expect((await api.openTrace(smallTrace())).origin).toBe('file')
}

/** A synthetic foreign trace with every phase the importer maps, `n` slices long. */
function syntheticEvents(n: number): unknown[] {
  const events: unknown[] = [
    { ph: 'M', pid: 1, name: 'process_name', args: { name: 'App' } },
    { ph: 'M', pid: 1, tid: 1, name: 'thread_name', args: { name: 'Main' } },
  ]
  for (let i = 0; i < n; i++) {
    const ts = i * 10
    events.push({ ph: 'X', pid: 1, tid: 1 + (i % 3), ts, dur: 6, name: `slice ${i % 40}`, args: { n: i, text: 'a "quoted" \\ string' } })
    if (i % 7 === 0) events.push({ ph: 'B', pid: 1, tid: 4, ts, name: 'outer' }, { ph: 'E', pid: 1, tid: 4, ts: ts + 3 })
    if (i % 11 === 0) events.push({ ph: 'b', pid: 1, tid: 5, cat: 'io', id: i, ts, name: 'read' }, { ph: 'e', pid: 1, tid: 5, cat: 'io', id: i, ts: ts + 8, name: 'read' })
    if (i % 13 === 0) events.push({ ph: 'C', pid: 1, ts, name: 'mem', args: { heap: i, ext: 1 } })
    if (i % 17 === 0) events.push({ ph: 'i', pid: 1, tid: 1, ts, s: 't', name: 'mark' }, { ph: 's', pid: 1, tid: 1, ts, id: i, name: 'flow', cat: 'f' }, { ph: 'f', pid: 1, tid: 2, ts: ts + 10, id: i, name: 'flow', cat: 'f', bp: 'e' })
    if (i % 101 === 0) events.push({ ph: 'P', pid: 1, tid: 1, ts })
  }
  return events
}

describe('imports take regular files only', () => {
  it('refuses a device (/dev/zero) at once', async () => {
    launch()
    const started = Date.now()
    await expect(api.openTrace('/dev/zero')).rejects.toThrow('cannot open /dev/zero: it is a device, not a file; a trace is a .json or .json.gz file')
    expect(Date.now() - started).toBeLessThan(2000)
    await stillAlive()
  })

  it('refuses a FIFO without waiting for a writer', async () => {
    launch()
    const fifo = path.join(ws.dir, 'trace.json')
    execFileSync('mkfifo', [fifo])
    await expect(api.openTrace(fifo)).rejects.toThrow(`cannot open ${fifo}: it is a FIFO (named pipe), not a file`)
    await stillAlive()
  })

  it('refuses a folder', async () => {
    launch()
    const folder = path.join(ws.dir, 'folder.json')
    mkdirSync(folder)
    await expect(api.openTrace(folder)).rejects.toThrow(`cannot open ${folder}: it is a folder, not a file`)
    await stillAlive()
  })
})

describe('imports are capped', () => {
  it('refuses a file over the limit before reading it', async () => {
    launch({ maxBytes: 1 * MB })
    const big = path.join(ws.dir, 'big.json')
    writeFileSync(big, `[${' '.repeat(2 * MB)}]`)
    await expect(api.openTrace(big)).rejects.toThrow(`cannot open ${big}: it is 2.0 MB, over the import limit of 1 MB (MDWB_IMPORT_MAX_MB)`)
    await stillAlive()
  })

  it('stops a gzip bomb as soon as it inflates past the limit, without holding the event loop', async () => {
    launch({ maxBytes: 8 * MB })
    const bomb = path.join(ws.dir, 'bomb.json.gz')
    writeFileSync(bomb, gzipSync(Buffer.alloc(64 * MB)))
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    const started = Date.now()
    await expect(api.openTrace(bomb)).rejects.toThrow(`${bomb}: inflates past 8 MB, the import limit (MDWB_IMPORT_MAX_MB); not opened`)
    clearInterval(timer)
    // Stopped at the limit: 8 MB inflated, not 64.
    expect(Date.now() - started).toBeLessThan(3000)
    expect(ticks).toBeGreaterThan(0)
    await stillAlive()
  })

  it('says what a valid gzip of zeros under the limit is: not JSON, at its first byte', async () => {
    launch({ maxBytes: 8 * MB })
    const zeros = path.join(ws.dir, 'zeros.json.gz')
    writeFileSync(zeros, gzipSync(Buffer.alloc(4 * MB)))
    await expect(api.openTrace(zeros)).rejects.toThrow(`${zeros}:1:1: not valid JSON: unexpected "\\u0000" where a value should be (offset 0)`)
    await stillAlive()
  })

  it('names a corrupt gzip', async () => {
    launch()
    const corrupt = path.join(ws.dir, 'corrupt.json.gz')
    writeFileSync(corrupt, gzipSync(JSON.stringify(syntheticEvents(100))).subarray(0, 200))
    await expect(api.openTrace(corrupt)).rejects.toThrow(`${corrupt}: not a valid gzip file: unexpected end of file`)
    await stillAlive()
  })

  it('has a documented default of 256 MB, set by MDWB_IMPORT_MAX_MB', () => {
    expect(importLimitsFrom({})).toEqual({ maxBytes: 256 * MB })
    expect(importLimitsFrom({ MDWB_IMPORT_MAX_MB: '10' })).toEqual({ maxBytes: 10 * MB })
    // Above what a string can hold: the longest text Node can decode.
    expect(importLimitsFrom({ MDWB_IMPORT_MAX_MB: '4096' }).maxBytes).toBeLessThanOrEqual(511 * MB)
    expect(() => importLimitsFrom({ MDWB_IMPORT_MAX_MB: 'lots' })).toThrow('MDWB_IMPORT_MAX_MB=lots: expected a number of MB above 0')
    expect(WORKBENCH_SETTINGS.importMaxMB.default).toBe(256)
    const page = readFileSync('docs/settings.md', 'utf8')
    expect(page).toBe(generatedDocs()['docs/settings.md'])
    expect(page).toContain('| `MDWB_IMPORT_MAX_MB` | `256` |')
  })
})

describe('imports do not freeze the backend', () => {
  it('parses a piece at a time: the same trace as the one-piece import, the same errors', async () => {
    const events = syntheticEvents(3000)
    for (const text of [JSON.stringify({ traceEvents: events, otherData: { driver: 'd.ts' } }), JSON.stringify(events), `{"displayTimeUnit":"ns", "__proto__": {"x": 1},\n "traceEvents": ${JSON.stringify(events, null, 1)} }`]) {
      const whole = importChromeTrace(text, 't.json')
      const pieces = await importChromeTraceAsync(text, 't.json')
      expect(pieces.warnings).toEqual(whole.warnings)
      expect(pieces.about).toEqual(whole.about)
      expect(pieces.trace.count).toBe(whole.trace.count)
      expect(exportChromeTrace(pieces.trace)).toBe(exportChromeTrace(whole.trace))
    }
    const lines = events.slice(0, 10).map((e) => JSON.stringify(e))
    const cut = `[\n${lines.join(',\n')},\n`
    expect((await importChromeTraceAsync(cut, 'cut.json')).warnings).toEqual(importChromeTrace(cut, 'cut.json').warnings)
    for (const bad of ['{"traceEvents": [\n  {"ph": "X", "ts": 1,}\n]}', '{"traceEvents": [1, 2] } x', '{"traceEvents": ["a\nb"]}', '', '[{"ph":"X"', '{"events": []}', '"text"', '[1,]']) {
      const expected = (() => {
        try {
          importChromeTrace(bad, 'bad.json')
          return 'no error'
        } catch (e) {
          return (e as Error).message
        }
      })()
      await expect(importChromeTraceAsync(bad, 'bad.json')).rejects.toThrow(expected)
    }
  })

  it('holds the event loop for a fraction of what the one-piece import does', async () => {
    const text = JSON.stringify({ traceEvents: syntheticEvents(60_000) })
    const file = path.join(ws.dir, 'large.json')
    writeFileSync(file, text)
    let last = performance.now()
    let longest = 0
    const timer = setInterval(() => {
      const now = performance.now()
      longest = Math.max(longest, now - last)
      last = now
    }, 2)
    const opened = await readChromeTraceFile(file)
    clearInterval(timer)
    // What the one-piece import holds the event loop for.
    const t0 = performance.now()
    const whole = importChromeTrace(text, file)
    const oneGo = performance.now() - t0
    expect(opened.trace.count).toBe(whole.trace.count)
    expect(longest).toBeLessThan(oneGo / 2)
  }, 60_000)

  it('keeps answering other pages while a large trace opens', async () => {
    launch()
    const file = path.join(ws.dir, 'large.json')
    writeFileSync(file, JSON.stringify({ traceEvents: syntheticEvents(60_000) }))
    const other = connectPage(backend).client.api
    await other.hello()
    let answered = 0
    let done = false
    const opening = api.openTrace(file).finally(() => (done = true))
    while (!done) {
      // A page's request comes in as a socket message, a task of its own (the test's channel hands it over as a microtask).
      await new Promise((resolve) => setTimeout(resolve, 1))
      await other.runs()
      if (!done) answered++
    }
    expect((await opening).origin).toBe('file')
    expect(answered).toBeGreaterThan(1)
  }, 60_000)

  it('reads straight from a file with the limits given', async () => {
    const file = path.join(ws.dir, 'direct.json')
    writeFileSync(file, JSON.stringify(syntheticEvents(10)))
    expect((await readChromeTraceFile(file, { limits: { maxBytes: MB } })).trace.count).toBeGreaterThan(10)
    await expect(readChromeTraceFile(file, { limits: { maxBytes: 100 } })).rejects.toThrow(/it is \d+ KB, over the import limit of 1 KB \(MDWB_IMPORT_MAX_MB\)/)
  })
})
