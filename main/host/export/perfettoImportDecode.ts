/**
 * The packets of a Perfetto protobuf trace, decoded a packet at a time: track descriptors, and track
 * events with their interned names, categories and annotation names resolved (per packet sequence,
 * reset when a packet clears the sequence's incremental state). What the model has no place for
 * (other producers' packets: ftrace, process trees, ...; nested annotations) is counted in warnings.
 */
import type { Warnings } from '../chromeTrace/chromeTraceImportEvent.js'
import {
  CounterDescriptorField,
  DebugAnnotationField,
  InternedDataField,
  InternedStringField,
  OTHER_PACKET_FIELDS,
  PacketField,
  ProcessDescriptorField,
  SequenceFlags,
  ThreadDescriptorField,
  TraceField,
  TrackDescriptorField,
  TrackEventField,
  Wire,
} from './perfettoSchema.js'
import { WireReader } from './perfettoWire.js'

export interface DecodedTrack {
  uuid: number
  name: string | null
  parent: number | null
  rank: number | null
  counterUnit: string | null
  pid: number | null
  tid: number | null
}

export interface DecodedEvent {
  ts: number
  type: number
  track: number
  name: string | null
  category: string | null
  args: Record<string, unknown> | null
  counter: number | null
  flows: number[] | null
  terminating: number[] | null
}

interface SequenceState {
  names: Map<number, string>
  categories: Map<number, string>
  annotationNames: Map<number, string>
}

/** The decoder yields (the import may pause there) every YIELD_MASK + 1 packets. */
const YIELD_MASK = 4095

export class PerfettoDecoder {
  readonly tracks = new Map<number, DecodedTrack>()
  readonly events: DecodedEvent[] = []
  private readonly sequences = new Map<number, SequenceState>()
  packets = 0

  constructor(
    private readonly buf: Buffer,
    private readonly warnings: Warnings,
  ) {}

  *decode(): Generator<void, void> {
    const top = new WireReader(this.buf, 0, this.buf.length, 'the trace')
    while (top.more()) {
      top.tag()
      if (top.field !== TraceField.packet) top.fail(`top-level field ${top.field}: a Perfetto trace holds only packets (field 1)`)
      top.expect(Wire.len, 'Trace.packet')
      this.packet(top.message(`packet ${this.packets}`))
      if ((++this.packets & YIELD_MASK) === 0) yield
    }
  }

  private packet(r: WireReader): void {
    let ts: number | null = null
    let seq = 0
    let flags = 0
    let event: WireReader | null = null
    let interned: WireReader | null = null
    let descriptor: WireReader | null = null
    while (r.more()) {
      r.tag()
      switch (r.field) {
        case PacketField.timestamp:
          r.expect(Wire.varint, 'TracePacket.timestamp')
          ts = r.varint()
          break
        case PacketField.trustedPacketSequenceId:
          r.expect(Wire.varint, 'TracePacket.trusted_packet_sequence_id')
          seq = r.varint()
          break
        case PacketField.sequenceFlags:
          r.expect(Wire.varint, 'TracePacket.sequence_flags')
          flags = r.varint()
          break
        case PacketField.trackEvent:
          r.expect(Wire.len, 'TracePacket.track_event')
          event = r.message('TrackEvent')
          break
        case PacketField.internedData:
          r.expect(Wire.len, 'TracePacket.interned_data')
          interned = r.message('InternedData')
          break
        case PacketField.trackDescriptor:
          r.expect(Wire.len, 'TracePacket.track_descriptor')
          descriptor = r.message('TrackDescriptor')
          break
        case PacketField.firstPacketOnSequence:
          r.skip()
          break
        default:
          this.warnings.add(`packets of other kinds (TracePacket field ${OTHER_PACKET_FIELDS[r.field] ?? r.field}) are not imported`)
          r.skip()
      }
    }
    let state = this.sequences.get(seq)
    if (state === undefined || (flags & SequenceFlags.incrementalStateCleared) !== 0) {
      state = { names: new Map(), categories: new Map(), annotationNames: new Map() }
      this.sequences.set(seq, state)
    }
    if (interned !== null) this.internedData(interned, state)
    if (descriptor !== null) this.trackDescriptor(descriptor)
    if (event !== null) {
      if (ts === null) this.warnings.add('track events without a timestamp were skipped')
      else this.trackEvent(event, ts, state)
    }
  }

  private internedData(r: WireReader, state: SequenceState): void {
    while (r.more()) {
      r.tag()
      const table =
        r.field === InternedDataField.eventNames ? state.names : r.field === InternedDataField.eventCategories ? state.categories : r.field === InternedDataField.debugAnnotationNames ? state.annotationNames : null
      if (table === null || r.wire !== Wire.len) {
        r.skip()
        continue
      }
      const entry = r.message('an interned string')
      let iid = 0
      let name = ''
      while (entry.more()) {
        entry.tag()
        if (entry.field === InternedStringField.iid && entry.wire === Wire.varint) iid = entry.varint()
        else if (entry.field === InternedStringField.name && entry.wire === Wire.len) name = entry.string()
        else entry.skip()
      }
      table.set(iid, name)
    }
  }

  private trackDescriptor(r: WireReader): void {
    const d: DecodedTrack = { uuid: 0, name: null, parent: null, rank: null, counterUnit: null, pid: null, tid: null }
    while (r.more()) {
      r.tag()
      switch (r.field) {
        case TrackDescriptorField.uuid:
          r.expect(Wire.varint, 'TrackDescriptor.uuid')
          d.uuid = r.varint()
          break
        case TrackDescriptorField.name:
          r.expect(Wire.len, 'TrackDescriptor.name')
          d.name = r.string()
          break
        case TrackDescriptorField.parentUuid:
          r.expect(Wire.varint, 'TrackDescriptor.parent_uuid')
          d.parent = r.varint()
          break
        case TrackDescriptorField.siblingOrderRank:
          r.expect(Wire.varint, 'TrackDescriptor.sibling_order_rank')
          d.rank = r.int64()
          break
        case TrackDescriptorField.counter: {
          r.expect(Wire.len, 'TrackDescriptor.counter')
          const c = r.message('CounterDescriptor')
          d.counterUnit = 'value'
          while (c.more()) {
            c.tag()
            if (c.field === CounterDescriptorField.unitName && c.wire === Wire.len) d.counterUnit = c.string()
            else c.skip()
          }
          break
        }
        case TrackDescriptorField.process:
        case TrackDescriptorField.thread: {
          r.expect(Wire.len, 'TrackDescriptor.process/thread')
          const thread = r.field === TrackDescriptorField.thread
          const p = r.message(thread ? 'ThreadDescriptor' : 'ProcessDescriptor')
          while (p.more()) {
            p.tag()
            if (p.field === ProcessDescriptorField.pid && p.wire === Wire.varint) d.pid = p.int64()
            else if (thread && p.field === ThreadDescriptorField.tid && p.wire === Wire.varint) d.tid = p.int64()
            else if (p.wire === Wire.len && ((thread && p.field === ThreadDescriptorField.threadName) || (!thread && p.field === ProcessDescriptorField.processName))) d.name ??= p.string()
            else p.skip()
          }
          break
        }
        default:
          r.skip()
      }
    }
    const known = this.tracks.get(d.uuid)
    // A descriptor may be repeated (after a sequence reset): the last one with a field wins.
    if (known === undefined) this.tracks.set(d.uuid, d)
    else for (const key of Object.keys(d) as (keyof DecodedTrack)[]) if (d[key] !== null) (known as unknown as Record<string, unknown>)[key] = d[key]
  }

  private trackEvent(r: WireReader, ts: number, state: SequenceState): void {
    const ev: DecodedEvent = { ts, type: 0, track: 0, name: null, category: null, args: null, counter: null, flows: null, terminating: null }
    while (r.more()) {
      r.tag()
      switch (r.field) {
        case TrackEventField.type:
          r.expect(Wire.varint, 'TrackEvent.type')
          ev.type = r.varint()
          break
        case TrackEventField.trackUuid:
          r.expect(Wire.varint, 'TrackEvent.track_uuid')
          ev.track = r.varint()
          break
        case TrackEventField.nameIid: {
          r.expect(Wire.varint, 'TrackEvent.name_iid')
          const iid = r.varint()
          ev.name = state.names.get(iid) ?? null
          if (ev.name === null) this.warnings.add('events naming an interned name the trace never defined were imported without a name')
          break
        }
        case TrackEventField.name:
          r.expect(Wire.len, 'TrackEvent.name')
          ev.name = r.string()
          break
        case TrackEventField.categoryIids:
          for (const iid of this.repeatedVarints(r)) ev.category ??= state.categories.get(iid) ?? null
          break
        case TrackEventField.categories:
          r.expect(Wire.len, 'TrackEvent.categories')
          ev.category ??= r.string()
          break
        case TrackEventField.counterValue:
          r.expect(Wire.varint, 'TrackEvent.counter_value')
          ev.counter = r.int64()
          break
        case TrackEventField.doubleCounterValue:
          r.expect(Wire.fixed64, 'TrackEvent.double_counter_value')
          ev.counter = r.double()
          break
        case TrackEventField.flowIds:
        case TrackEventField.terminatingFlowIds: {
          const list = r.field === TrackEventField.flowIds ? (ev.flows ??= []) : (ev.terminating ??= [])
          if (r.wire === Wire.len) {
            const packed = r.message('packed flow ids')
            while (packed.more()) list.push(packed.fixed64())
          } else {
            r.expect(Wire.fixed64, 'TrackEvent.flow_ids')
            list.push(r.fixed64())
          }
          break
        }
        case TrackEventField.debugAnnotations:
          r.expect(Wire.len, 'TrackEvent.debug_annotations')
          this.annotation(r.message('DebugAnnotation'), state, (ev.args ??= {}))
          break
        default:
          r.skip()
      }
    }
    this.events.push(ev)
  }

  private *repeatedVarints(r: WireReader): Generator<number> {
    if (r.wire === Wire.len) {
      const packed = r.message('packed varints')
      while (packed.more()) yield packed.varint()
    } else {
      r.expect(Wire.varint, 'TrackEvent.category_iids')
      yield r.varint()
    }
  }

  private annotation(r: WireReader, state: SequenceState, args: Record<string, unknown>): void {
    let name: string | null = null
    let value: unknown = undefined
    while (r.more()) {
      r.tag()
      switch (r.field) {
        case DebugAnnotationField.nameIid:
          r.expect(Wire.varint, 'DebugAnnotation.name_iid')
          name = state.annotationNames.get(r.varint()) ?? null
          break
        case DebugAnnotationField.name:
          r.expect(Wire.len, 'DebugAnnotation.name')
          name = r.string()
          break
        case DebugAnnotationField.boolValue:
          r.expect(Wire.varint, 'DebugAnnotation.bool_value')
          value = r.varint() !== 0
          break
        case DebugAnnotationField.uintValue:
        case DebugAnnotationField.pointerValue:
          r.expect(Wire.varint, 'DebugAnnotation.uint_value')
          value = r.varint()
          break
        case DebugAnnotationField.intValue:
          r.expect(Wire.varint, 'DebugAnnotation.int_value')
          value = r.int64()
          break
        case DebugAnnotationField.doubleValue:
          r.expect(Wire.fixed64, 'DebugAnnotation.double_value')
          value = r.double()
          break
        case DebugAnnotationField.stringValue:
          r.expect(Wire.len, 'DebugAnnotation.string_value')
          value = r.string()
          break
        case DebugAnnotationField.legacyJsonValue: {
          r.expect(Wire.len, 'DebugAnnotation.legacy_json_value')
          const text = r.string()
          try {
            value = JSON.parse(text)
          } catch {
            value = text
          }
          break
        }
        default:
          this.warnings.add('debug annotations of other kinds (nested dictionaries and arrays, interned strings, protos) were skipped')
          r.skip()
      }
    }
    if (name === null) this.warnings.add('debug annotations without a (known) name were skipped')
    else if (value !== undefined) Object.defineProperty(args, name, { value, enumerable: true, writable: true, configurable: true })
  }
}
