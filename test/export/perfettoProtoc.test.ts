import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import protobuf from 'protobufjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventKind } from '../../main/contract/trace.js'
import { exportRun, type ExportableRun } from '../../main/host/backend/exports.js'
import { exportPerfettoTrace } from '../../main/host/export/perfettoExport.js'
import * as schema from '../../main/host/export/perfettoSchema.js'
import { GROUP_BASE, laneUuid, RUN_UUID } from '../../main/host/export/perfettoTracks.js'
import { describeWithConsumer } from '../helpers/consumers.js'
import { vcap1Run } from './perfettoRuns.js'

// The Perfetto export against protoc (the reference protobuf decoder) with our schema: the packets a
// small run gives, checked field by field; and the encoder's field numbers against the .proto.

const PROTO_DIR = path.resolve('main/host/export')
const PROTO = 'perfetto_trace.proto'

let dir: string
let run: ExportableRun
let bytes: Uint8Array

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mdwb-perfetto-'))
  run = await vcap1Run(2e8)
  bytes = exportPerfettoTrace(run.trace, { metadata: { driver: run.info.driver, scenario: 'capture', seed: 1, card: 'vcap1' } })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('perfetto_trace.proto and the encoder', () => {
  it('the field numbers the encoder writes are the .proto ones', () => {
    const root = protobuf.parse(readFileSync(path.join(PROTO_DIR, PROTO), 'utf8'), { keepCase: true }).root
    const num = (type: string, field: string) => root.lookupType(`perfetto.protos.${type}`).fields[field].id
    expect(num('Trace', 'packet')).toBe(schema.TraceField.packet)
    const packet: Record<string, string> = { timestamp: 'timestamp', trustedPacketSequenceId: 'trusted_packet_sequence_id', trackEvent: 'track_event', internedData: 'interned_data', sequenceFlags: 'sequence_flags', trackDescriptor: 'track_descriptor', firstPacketOnSequence: 'first_packet_on_sequence' }
    for (const [k, f] of Object.entries(packet)) expect(num('TracePacket', f), f).toBe(schema.PacketField[k as keyof typeof schema.PacketField])
    const track: Record<string, string> = { uuid: 'uuid', name: 'name', parentUuid: 'parent_uuid', counter: 'counter', childOrdering: 'child_ordering', siblingOrderRank: 'sibling_order_rank', description: 'description' }
    for (const [k, f] of Object.entries(track)) expect(num('TrackDescriptor', f), f).toBe(schema.TrackDescriptorField[k as keyof typeof schema.TrackDescriptorField])
    const event: Record<string, string> = { categoryIids: 'category_iids', debugAnnotations: 'debug_annotations', type: 'type', nameIid: 'name_iid', trackUuid: 'track_uuid', name: 'name', doubleCounterValue: 'double_counter_value', flowIds: 'flow_ids', terminatingFlowIds: 'terminating_flow_ids' }
    for (const [k, f] of Object.entries(event)) expect(num('TrackEvent', f), f).toBe(schema.TrackEventField[k as keyof typeof schema.TrackEventField])
    const ann: Record<string, string> = { nameIid: 'name_iid', boolValue: 'bool_value', uintValue: 'uint_value', intValue: 'int_value', doubleValue: 'double_value', stringValue: 'string_value', legacyJsonValue: 'legacy_json_value', name: 'name' }
    for (const [k, f] of Object.entries(ann)) expect(num('DebugAnnotation', f), f).toBe(schema.DebugAnnotationField[k as keyof typeof schema.DebugAnnotationField])
    expect(num('InternedData', 'event_categories')).toBe(schema.InternedDataField.eventCategories)
    expect(num('InternedData', 'event_names')).toBe(schema.InternedDataField.eventNames)
    expect(num('InternedData', 'debug_annotation_names')).toBe(schema.InternedDataField.debugAnnotationNames)
    expect(num('CounterDescriptor', 'unit_name')).toBe(schema.CounterDescriptorField.unitName)
    expect(root.lookupEnum('perfetto.protos.TrackEvent.Type').values).toMatchObject({ TYPE_SLICE_BEGIN: 1, TYPE_SLICE_END: 2, TYPE_INSTANT: 3, TYPE_COUNTER: 4 })
  })

  it('protobufjs decodes the export with the .proto to the same packets as its own reading', () => {
    const root = protobuf.loadSync(path.join(PROTO_DIR, PROTO))
    const Trace = root.lookupType('perfetto.protos.Trace')
    const decoded = Trace.toObject(Trace.decode(bytes), { longs: Number }) as { packet: Record<string, any>[] }
    expect(decoded.packet.length).toBeGreaterThan(100)
    expect(decoded.packet[0].sequenceFlags & schema.SequenceFlags.incrementalStateCleared).toBeTruthy()
    expect(decoded.packet.every((p) => p.trustedPacketSequenceId === 1)).toBe(true)
  })

  it('exportRun writes it atomically, with progress, as the same bytes', async () => {
    const file = path.join(dir, 'run.pftrace')
    const calls: [number, number][] = []
    const written = await exportRun(run, 'perfetto', file, (done, total) => calls.push([done, total]))
    const onDisk = await readFile(file)
    expect(written.bytes).toBe(onDisk.length)
    expect(calls[calls.length - 1][0]).toBe(calls[calls.length - 1][1])
    expect(Buffer.compare(onDisk, Buffer.from(exportPerfettoTrace(run.trace, { metadata: { driver: run.info.driver, scenario: run.info.scenario, seed: run.info.seed, card: run.info.card } })))).toBe(0)
  })
})

/** protoc's text form, as a tree of { field: [values] } (nested messages are trees again). */
type Text = Map<string, (string | Text)[]>
function parseText(text: string): Text {
  const root: Text = new Map()
  const stack: Text[] = [root]
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '') continue
    const top = stack[stack.length - 1]
    if (line === '}') {
      stack.pop()
      continue
    }
    const open = /^(\w+) \{$/.exec(line)
    if (open) {
      const child: Text = new Map()
      top.set(open[1], [...(top.get(open[1]) ?? []), child])
      stack.push(child)
      continue
    }
    const m = /^(\w+): (.*)$/.exec(line)
    if (!m) throw new Error(`protoc line: ${line}`)
    top.set(m[1], [...(top.get(m[1]) ?? []), m[2]])
  }
  return root
}
const one = (t: Text, k: string): string | undefined => t.get(k)?.[0] as string | undefined
const sub = (t: Text, k: string): Text | undefined => t.get(k)?.[0] as Text | undefined

describeWithConsumer('protoc', 'protoc --decode=perfetto.protos.Trace', () => {
  let packets: Text[]
  beforeAll(async () => {
    const file = path.join(dir, 'small.pftrace')
    await writeFile(file, bytes)
    const out = execFileSync('protoc', [`--proto_path=${PROTO_DIR}`, `--decode=perfetto.protos.Trace`, PROTO], { input: await readFile(file), maxBuffer: 256 * 1024 * 1024 }).toString()
    packets = parseText(out).get('packet') as Text[]
  })

  it('prints a packet per track descriptor and event, every one on sequence 1', () => {
    expect(packets.length).toBeGreaterThan(100)
    expect(packets.every((p) => one(p, 'trusted_packet_sequence_id') === '1')).toBe(true)
    expect(one(packets[0], 'sequence_flags')).toBe('1')
    expect(one(packets[0], 'first_packet_on_sequence')).toBe('true')
  })

  it('track descriptors: the groups, a track per recorder track under its group, counters with their unit', () => {
    const descriptors = packets.map((p) => sub(p, 'track_descriptor')).filter((d): d is Text => d !== undefined)
    const byUuid = new Map(descriptors.map((d) => [Number(one(d, 'uuid')), d]))
    expect(one(byUuid.get(RUN_UUID)!, 'name')).toBe('"Run"')
    const groups = [...new Set(run.trace.tracks.map((t) => t.group))]
    for (const g of groups) expect(descriptors.some((d) => one(d, 'name') === JSON.stringify(g) && one(d, 'child_ordering') === 'EXPLICIT'), g).toBe(true)
    run.trace.tracks.forEach((info, t) => {
      const d = byUuid.get(laneUuid(t))
      expect(d, info.name).toBeDefined()
      expect(one(d!, 'name')).toBe(JSON.stringify(info.name))
      const parent = byUuid.get(Number(one(d!, 'parent_uuid')))!
      expect(Number(one(d!, 'parent_uuid'))).toBeGreaterThanOrEqual(GROUP_BASE)
      expect(one(parent, 'name')).toBe(JSON.stringify(info.group))
      expect(one(d!, 'sibling_order_rank')).toBe(String(info.order))
      if (info.kind === 'counter') expect(one(sub(d!, 'counter')!, 'unit_name')).toBe(JSON.stringify(info.unit))
      else expect(sub(d!, 'counter')).toBeUndefined()
    })
  })

  it('slices, counters and flows: as many as the trace has, on their tracks, names interned once', () => {
    const c = run.trace.columns()
    const count = (kind: number) => c.kind.filter((k) => k === kind).length
    const events = packets.filter((p) => sub(p, 'track_event') !== undefined)
    const types = (type: string) => events.filter((p) => one(sub(p, 'track_event')!, 'type') === type)
    expect(types('TYPE_SLICE_BEGIN').length).toBe(count(EventKind.Slice) + count(EventKind.AsyncBegin))
    expect(types('TYPE_SLICE_END').length).toBe(count(EventKind.Slice) + count(EventKind.AsyncEnd))
    expect(types('TYPE_COUNTER').length).toBe(count(EventKind.Counter))
    // Every name and category is interned once, and every iid used was defined before.
    const names = new Map<string, string>()
    const cats = new Map<string, string>()
    for (const p of events) {
      const interned = sub(p, 'interned_data')
      for (const n of (interned?.get('event_names') ?? []) as Text[]) {
        expect(names.has(one(n, 'iid')!)).toBe(false)
        names.set(one(n, 'iid')!, one(n, 'name')!)
      }
      for (const n of (interned?.get('event_categories') ?? []) as Text[]) cats.set(one(n, 'iid')!, one(n, 'name')!)
      const ev = sub(p, 'track_event')!
      if (one(ev, 'name_iid') !== undefined) expect(names.has(one(ev, 'name_iid')!)).toBe(true)
      if (one(ev, 'category_iids') !== undefined) expect(cats.has(one(ev, 'category_iids')!)).toBe(true)
      if (one(p, 'interned_data') === undefined && one(ev, 'name_iid') !== undefined) expect(one(p, 'sequence_flags')).toBe('2')
    }
    expect([...cats.values()].sort()).toEqual(['"mdwb"', '"mdwb.run"', '"srb"'])
    // A counter sample: the reads in flight (outstanding requests) on their counter track, as a double.
    const fifo = run.trace.tracks.findIndex((t) => t.name === 'Reads in flight')
    const fifoEvents = types('TYPE_COUNTER').filter((p) => one(sub(p, 'track_event')!, 'track_uuid') === String(laneUuid(fifo)))
    expect(fifoEvents.length).toBe([...c.track].filter((t, i) => t === fifo && c.kind[i] === EventKind.Counter).length)
    expect(one(sub(fifoEvents[0], 'track_event')!, 'double_counter_value')).toMatch(/^\d+$/)
    // Flows: each flow id starts on a slice begin (flow_ids) and ends on one (terminating_flow_ids).
    const starts = new Set<string>()
    const ends = new Set<string>()
    for (const p of types('TYPE_SLICE_BEGIN')) {
      const ev = sub(p, 'track_event')!
      for (const id of (ev.get('flow_ids') ?? []) as string[]) starts.add(id)
      for (const id of (ev.get('terminating_flow_ids') ?? []) as string[]) ends.add(id)
    }
    const flowIds = new Set([...c.x].filter((_, i) => c.kind[i] === EventKind.FlowStart).map(String))
    expect(flowIds.size).toBeGreaterThan(0)
    expect([...starts].sort()).toEqual([...flowIds].sort())
    const endIds = new Set([...c.x].filter((_, i) => c.kind[i] === EventKind.FlowEnd).map(String))
    expect([...ends].sort()).toEqual([...endIds].sort())
  })

  it('the run metadata and a slice with its arguments, field by field', () => {
    const first = packets.find((p) => sub(p, 'track_event') !== undefined)!
    const ev = sub(first, 'track_event')!
    expect(one(ev, 'type')).toBe('TYPE_INSTANT')
    expect(one(ev, 'track_uuid')).toBe(String(RUN_UUID))
    const interned = sub(first, 'interned_data')!
    const annNames = new Map(((interned.get('debug_annotation_names') ?? []) as Text[]).map((n) => [one(n, 'iid')!, one(n, 'name')!]))
    const args = Object.fromEntries(((ev.get('debug_annotations') ?? []) as Text[]).map((a) => [annNames.get(one(a, 'name_iid')!), one(a, 'string_value') ?? one(a, 'int_value')]))
    expect(args).toEqual({ '"tool"': '"Minidriver Workbench"', '"driver"': JSON.stringify(run.info.driver), '"scenario"': '"capture"', '"seed"': '1', '"card"': '"vcap1"' })
    // DriverEntry on CPU 0 at t = 0, with its IRQL decoded as the Chrome export decodes it.
    const begin = packets.find((p) => one(sub(p, 'track_event') ?? new Map(), 'type') === 'TYPE_SLICE_BEGIN')!
    expect(one(begin, 'timestamp')).toBe('0')
    const names = new Map(((sub(begin, 'interned_data')?.get('event_names') ?? []) as Text[]).map((n) => [one(n, 'iid')!, one(n, 'name')!]))
    expect(names.get(one(sub(begin, 'track_event')!, 'name_iid')!)).toBe('"DriverEntry"')
    expect(one(sub(begin, 'track_event')!, 'track_uuid')).toBe(String(laneUuid(run.trace.tracks.findIndex((t) => t.name === 'CPU 0'))))
    expect(one(sub(sub(begin, 'track_event')!, 'debug_annotations')!, 'string_value')).toBe('"PASSIVE_LEVEL"')
  })

  it('a damaged file makes protoc fail (the schema check is real)', () => {
    expect(() => execFileSync('protoc', [`--proto_path=${PROTO_DIR}`, `--decode=perfetto.protos.Trace`, PROTO], { input: Buffer.from(bytes.subarray(0, bytes.length - 3)), stdio: 'pipe' })).toThrow()
  })
})
