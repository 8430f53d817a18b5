import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import protobuf from 'protobufjs/minimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExportableRun } from '../../main/host/backend/exports.js'
import { exportChromeTrace } from '../../main/host/chromeTrace/chromeTraceExport.js'
import { importChromeTrace } from '../../main/host/chromeTrace/chromeTraceImport.js'
import { readTraceFile, traceFormatOf } from '../../main/host/chromeTrace/traceOpen.js'
import { exportPerfettoTrace } from '../../main/host/export/perfettoExport.js'
import { importPerfettoTrace } from '../../main/host/export/perfettoImport.js'
import { diffRuns } from '../../main/host/traceDiff.js'
import { vcap1Run } from './perfettoRuns.js'

// Opening a Perfetto trace: ours comes back as the run it was (as the Chrome JSON of the same run
// does); another producer's opens as far as the model allows, naming what was skipped; a damaged or
// hostile file is an error naming the byte, never a crash or a hang.

let dir: string
let run: ExportableRun
let bytes: Uint8Array

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mdwb-perfetto-in-'))
  run = await vcap1Run(3e8)
  bytes = exportPerfettoTrace(run.trace, { metadata: { driver: run.info.driver, scenario: 'capture', seed: 7, card: 'vcap1' } })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The events of a Chrome export, pid/tid aside (numbering may differ), sorted: what is on the timeline. */
const events = (text: string) =>
  (JSON.parse(text).traceEvents as Record<string, unknown>[])
    .filter((e) => e.ph !== 'M')
    .map((e) => JSON.stringify({ ...e, pid: 0, tid: 0 }))
    .sort()

describe('our Perfetto export, opened again', () => {
  it('gives the same tracks, events, times, names and arguments as the run (and as its Chrome JSON opened)', async () => {
    const file = path.join(dir, 'run.pftrace')
    await writeFile(file, bytes)
    const opened = await readTraceFile(file)
    expect(opened.format).toBe('perfetto')
    expect(opened.ours).toBe(true)
    expect(opened.warnings).toEqual([])
    expect(opened.about).toEqual({ driver: run.info.driver, scenario: 'capture', seed: 7, card: 'vcap1' })
    expect(opened.trace.count).toBe(run.trace.count)
    const used = new Set(run.trace.columns().track)
    const names = (tracks: { name: string; group: string; kind: string; order: number; unit?: string }[]) => tracks.map((t) => `${t.group}/${t.name}/${t.kind}/${t.order}/${t.unit ?? ''}`).sort()
    expect(names(opened.trace.tracks)).toEqual(names(run.trace.tracks.filter((_, i) => used.has(i))))
    const viaChrome = importChromeTrace(exportChromeTrace(run.trace), 'run.json').trace
    expect(events(exportChromeTrace(opened.trace))).toEqual(events(exportChromeTrace(viaChrome)))
    expect(diffRuns({ trace: viaChrome, report: null }, { trace: opened.trace, report: null }).identical).toBe(true)
  })

  it('opens gzip-compressed too, and a Chrome JSON still goes to the JSON importer', async () => {
    const gz = path.join(dir, 'run.pftrace.gz')
    await writeFile(gz, gzipSync(bytes))
    expect((await readTraceFile(gz)).trace.count).toBe(run.trace.count)
    const json = path.join(dir, 'run.json')
    await writeFile(json, `\ufeff ${exportChromeTrace(run.trace)}`)
    expect((await readTraceFile(json)).format).toBe('chrome-json')
    expect(traceFormatOf(Buffer.from('  [1]'))).toBe('chrome-json')
    expect(traceFormatOf(bytes)).toBe('perfetto')
    expect(traceFormatOf(Buffer.from('hello'))).toBe('unknown')
    const text = path.join(dir, 'notes.txt')
    await writeFile(text, 'hello')
    await expect(readTraceFile(text)).rejects.toThrow(/not valid JSON.*nor is it a Perfetto protobuf trace/)
  })
})

/** Protobuf by hand (protobufjs's Writer), for other producers' files and hostile ones. */
function packet(fill: (w: protobuf.Writer) => void): Uint8Array {
  const w = protobuf.Writer.create()
  w.uint32((1 << 3) | 2).fork()
  fill(w)
  w.ldelim()
  return w.finish()
}

describe("another producer's Perfetto trace", () => {
  it('opens threads and their slices; names what it skipped', () => {
    const file = Buffer.concat([
      // A process and a thread track (the SDK's way), then an ftrace bundle (field 1) we cannot show.
      packet((w) => w.uint32((60 << 3) | 2).fork().uint32(8).uint64(10).uint32((3 << 3) | 2).fork().uint32(8).int32(42).uint32((6 << 3) | 2).string('player').ldelim().ldelim()),
      packet((w) => w.uint32((60 << 3) | 2).fork().uint32(8).uint64(11).uint32(5 << 3).uint64(10).uint32((4 << 3) | 2).fork().uint32(8).int32(42).uint32(16).int32(43).uint32((5 << 3) | 2).string('decoder').ldelim().ldelim()),
      packet((w) => w.uint32((1 << 3) | 2).fork().uint32(8).uint32(0).ldelim()),
      // A slice with a non-interned name and a string annotation, then its end.
      packet((w) => w.uint32(8 << 3).uint64(1000).uint32(10 << 3).uint32(5).uint32((11 << 3) | 2).fork().uint32(9 << 3).int32(1).uint32(11 << 3).uint64(11).uint32((23 << 3) | 2).string('decode').uint32((4 << 3) | 2).fork().uint32((10 << 3) | 2).string('codec').uint32((6 << 3) | 2).string('h264').ldelim().ldelim()),
      packet((w) => w.uint32(8 << 3).uint64(5000).uint32(10 << 3).uint32(5).uint32((11 << 3) | 2).fork().uint32(9 << 3).int32(2).uint32(11 << 3).uint64(11).ldelim()),
    ])
    const imported = importPerfettoTrace(file, 'other.pftrace')
    expect(imported.ours).toBe(false)
    expect(imported.warnings).toEqual(['packets of other kinds (TracePacket field ftrace_events) are not imported'])
    expect(imported.trace.tracks.map((t) => `${t.group}/${t.name}/${t.kind}`)).toEqual(['player/decoder/slices'])
    const c = imported.trace.columns()
    expect([c.ts[0], c.x[0], imported.trace.strings.get(c.name[0])]).toEqual([1000, 4000, 'decode'])
    expect(imported.trace.detailOf(0)).toEqual({ codec: 'h264' })
  })
})

describe('hostile Perfetto input', () => {
  const cases: [string, Uint8Array | (() => Uint8Array), RegExp][] = [
    ['a truncated varint', Buffer.from([0x0a, 0x03, 0x40, 0xff, 0xff]), /truncated varint at byte 3 \(in packet 0 in the trace\)/],
    ['a varint longer than 10 bytes', Buffer.from([0x0a, 0x0c, 0x40, ...Array(11).fill(0xff)]), /varint longer than 10 bytes/],
    ['a huge length', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), /length 4294967295 runs past the end of the message \(1 bytes left\) at byte 1/],
    ['a length past its message inside a packet', Buffer.from([0x0a, 0x04, 0x5a, 0x10, 0x08, 0x01]), /length 16 runs past the end of the message \(2 bytes left\).*packet 0/],
    ['a wrong wire type for a known field', Buffer.from([0x0a, 0x02, 0x42, 0x00]), /field TracePacket.timestamp has wire type 2, expected 0/],
    ['a group (wire type 3)', Buffer.from([0x0a, 0x02, 0x0b, 0x0c]), /wire type 3 of field 1 \(groups are not used by Perfetto\)/],
    ['wire type 7', Buffer.from([0x0a, 0x02, 0x0f, 0x00]), /wire type 7 of field 1 \(not a protobuf wire type\)/],
    ['a top-level field other than packet', Buffer.from([0x12, 0x00]), /top-level field 2: a Perfetto trace holds only packets/],
    ['a cut-off packet', () => bytes.subarray(0, 5000), /not a valid Perfetto trace: .* at byte \d+/],
  ]
  for (const [what, input, message] of cases) {
    it(`${what}: a clear error`, () => {
      const data = typeof input === 'function' ? input() : input
      expect(() => importPerfettoTrace(data, 'bad.pftrace')).toThrow(message)
      expect(() => importPerfettoTrace(data, 'bad.pftrace')).toThrow(/^bad.pftrace: not a valid Perfetto trace: /)
    })
  }

  it('random damage never crashes or hangs: an error or a trace, fast', () => {
    let seed = 12345
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
    const started = performance.now()
    for (let k = 0; k < 300; k++) {
      const damaged = Buffer.from(bytes.subarray(0, 4000))
      for (let j = 0; j < 4; j++) damaged[Math.floor(rand() * damaged.length)] = Math.floor(rand() * 256)
      try {
        importPerfettoTrace(damaged, 'fuzz.pftrace')
      } catch (e) {
        expect((e as Error).message).toMatch(/^fuzz.pftrace: /)
      }
    }
    expect(performance.now() - started).toBeLessThan(20_000)
  })
})
