/**
 * Writing Perfetto TracePackets with protobufjs's Writer, field by field (perfettoSchema.ts has the
 * numbers), with the sequence's incremental state: event names, categories and debug-annotation names
 * are interned, each sent once in the `interned_data` of the first packet that uses it. One packet
 * sequence (trusted_packet_sequence_id SEQUENCE_ID); its first packet clears the incremental state.
 */
import protobuf from 'protobufjs/minimal.js'
import {
  CHILD_ORDERING_EXPLICIT,
  CounterDescriptorField,
  DebugAnnotationField,
  InternedDataField,
  InternedStringField,
  PacketField,
  SequenceFlags,
  TraceField,
  TrackDescriptorField,
  TrackEventField,
  Wire,
} from './perfettoSchema.js'

export const SEQUENCE_ID = 1

const tag = (field: number, wire: number) => ((field << 3) | wire) >>> 0

/** A value of a debug annotation: what formatArg and detail objects give. */
export type AnnotationValue = string | number | boolean | object | null | undefined

export interface TrackDescriptorSpec {
  uuid: number
  name: string
  parent?: number
  /** Children shown in sibling_order_rank order. */
  explicitOrder?: boolean
  rank?: number
  /** A counter track, with this unit name. */
  counterUnit?: string
}

/** The interning tables of the sequence: string -> iid, per kind (ids from 1). */
class Interned {
  private readonly ids = new Map<string, number>()
  /** Strings first used by the packet being built (reused list). */
  readonly fresh: string[] = []
  readonly freshIds: number[] = []

  iid(s: string): number {
    let id = this.ids.get(s)
    if (id === undefined) {
      id = this.ids.size + 1
      this.ids.set(s, id)
      this.fresh.push(s)
      this.freshIds.push(id)
    }
    return id
  }

  clearFresh(): void {
    this.fresh.length = 0
    this.freshIds.length = 0
  }
}

/**
 * Packets into a protobufjs Writer; `take()` hands over the bytes written since the last take (a part
 * of the file) and starts a new writer, so no more than a part is ever held.
 */
export class PacketWriter {
  private w = protobuf.Writer.create()
  private first = true
  private readonly names = new Interned()
  private readonly categories = new Interned()
  private readonly annotationNames = new Interned()
  /** Annotation iids and values of the event being built (reused between events). */
  private readonly annIds: number[] = []
  private readonly annValues: AnnotationValue[] = []
  private readonly flows: number[] = []
  private readonly terminating: number[] = []

  /** Bytes written since the last take. */
  take(): Uint8Array {
    const bytes = this.w.finish()
    this.w = protobuf.Writer.create()
    return bytes
  }

  trackDescriptor(d: TrackDescriptorSpec): void {
    const w = this.w
    w.uint32(tag(TraceField.packet, Wire.len)).fork()
    this.sequence(0)
    w.uint32(tag(PacketField.trackDescriptor, Wire.len)).fork()
    w.uint32(tag(TrackDescriptorField.uuid, Wire.varint)).uint64(d.uuid)
    w.uint32(tag(TrackDescriptorField.name, Wire.len)).string(d.name)
    if (d.parent !== undefined) w.uint32(tag(TrackDescriptorField.parentUuid, Wire.varint)).uint64(d.parent)
    if (d.counterUnit !== undefined) {
      w.uint32(tag(TrackDescriptorField.counter, Wire.len)).fork()
      w.uint32(tag(CounterDescriptorField.unitName, Wire.len)).string(d.counterUnit)
      w.ldelim()
    }
    if (d.explicitOrder === true) w.uint32(tag(TrackDescriptorField.childOrdering, Wire.varint)).int32(CHILD_ORDERING_EXPLICIT)
    if (d.rank !== undefined) w.uint32(tag(TrackDescriptorField.siblingOrderRank, Wire.varint)).int32(d.rank)
    w.ldelim()
    w.ldelim()
  }

  /** Adds a debug annotation to the next event. */
  annotate(name: string, value: AnnotationValue): void {
    this.annIds.push(this.annotationNames.iid(name))
    this.annValues.push(value)
  }

  /** Adds a flow id to the next event (terminating: the flow ends there). */
  flow(id: number, terminating: boolean): void {
    ;(terminating ? this.terminating : this.flows).push(id)
  }

  /** A TrackEvent packet; the annotations and flows added since the last event go with it. */
  event(ts: number, type: number, track: number, name: string | null, category: string | null, counterValue = 0): void {
    const nameIid = name === null ? 0 : this.names.iid(name)
    const catIid = category === null ? 0 : this.categories.iid(category)
    const w = this.w
    w.uint32(tag(TraceField.packet, Wire.len)).fork()
    w.uint32(tag(PacketField.timestamp, Wire.varint)).uint64(Math.max(0, Math.round(ts)))
    this.sequence(SequenceFlags.needsIncrementalState)
    this.internedData()
    w.uint32(tag(PacketField.trackEvent, Wire.len)).fork()
    w.uint32(tag(TrackEventField.type, Wire.varint)).int32(type)
    w.uint32(tag(TrackEventField.trackUuid, Wire.varint)).uint64(track)
    if (catIid !== 0) w.uint32(tag(TrackEventField.categoryIids, Wire.varint)).uint64(catIid)
    if (nameIid !== 0) w.uint32(tag(TrackEventField.nameIid, Wire.varint)).uint64(nameIid)
    if (type === 4) w.uint32(tag(TrackEventField.doubleCounterValue, Wire.fixed64)).double(counterValue)
    for (let k = 0; k < this.annIds.length; k++) this.annotation(this.annIds[k], this.annValues[k])
    for (const id of this.flows) w.uint32(tag(TrackEventField.flowIds, Wire.fixed64)).fixed64(id)
    for (const id of this.terminating) w.uint32(tag(TrackEventField.terminatingFlowIds, Wire.fixed64)).fixed64(id)
    w.ldelim()
    w.ldelim()
    this.annIds.length = 0
    this.annValues.length = 0
    this.flows.length = 0
    this.terminating.length = 0
  }

  /** trusted_packet_sequence_id and sequence_flags; the sequence's first packet clears the incremental state. */
  private sequence(flags: number): void {
    const w = this.w
    w.uint32(tag(PacketField.trustedPacketSequenceId, Wire.varint)).uint32(SEQUENCE_ID)
    if (this.first) {
      this.first = false
      w.uint32(tag(PacketField.sequenceFlags, Wire.varint)).uint32(SequenceFlags.incrementalStateCleared | flags)
      w.uint32(tag(PacketField.firstPacketOnSequence, Wire.varint)).bool(true)
    } else if (flags !== 0) w.uint32(tag(PacketField.sequenceFlags, Wire.varint)).uint32(flags)
  }

  /** The strings first used by this packet, as its interned_data. */
  private internedData(): void {
    const c = this.categories.fresh.length
    const n = this.names.fresh.length
    const a = this.annotationNames.fresh.length
    if (c + n + a === 0) return
    const w = this.w
    w.uint32(tag(PacketField.internedData, Wire.len)).fork()
    this.internedList(InternedDataField.eventCategories, this.categories)
    this.internedList(InternedDataField.eventNames, this.names)
    this.internedList(InternedDataField.debugAnnotationNames, this.annotationNames)
    w.ldelim()
  }

  private internedList(field: number, table: Interned): void {
    const w = this.w
    for (let k = 0; k < table.fresh.length; k++) {
      w.uint32(tag(field, Wire.len)).fork()
      w.uint32(tag(InternedStringField.iid, Wire.varint)).uint64(table.freshIds[k])
      w.uint32(tag(InternedStringField.name, Wire.len)).string(table.fresh[k])
      w.ldelim()
    }
    table.clearFresh()
  }

  private annotation(nameIid: number, v: AnnotationValue): void {
    const w = this.w
    w.uint32(tag(TrackEventField.debugAnnotations, Wire.len)).fork()
    w.uint32(tag(DebugAnnotationField.nameIid, Wire.varint)).uint64(nameIid)
    if (typeof v === 'boolean') w.uint32(tag(DebugAnnotationField.boolValue, Wire.varint)).bool(v)
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) w.uint32(tag(DebugAnnotationField.intValue, Wire.varint)).int64(v)
      else w.uint32(tag(DebugAnnotationField.doubleValue, Wire.fixed64)).double(v)
    } else if (typeof v === 'string') w.uint32(tag(DebugAnnotationField.stringValue, Wire.len)).string(v)
    // Objects, arrays and null (a verifier finding's fields) as JSON, which trace_processor expands.
    else w.uint32(tag(DebugAnnotationField.legacyJsonValue, Wire.len)).string(JSON.stringify(v ?? null))
    w.ldelim()
  }
}
