/**
 * Field numbers of the Perfetto trace format the workbench writes and reads (the subset in
 * perfetto_trace.proto beside this file, upstream's numbers). The encoder writes fields by number with
 * protobufjs's Writer rather than building one message object per event (a million events would be a
 * million objects); test/export/perfettoProtoc.test.ts checks these numbers against the .proto.
 */

/** Protobuf wire types. */
export const Wire = { varint: 0, fixed64: 1, len: 2, fixed32: 5 } as const

export const TraceField = { packet: 1 } as const

export const PacketField = {
  timestamp: 8,
  trustedPacketSequenceId: 10,
  trackEvent: 11,
  internedData: 12,
  sequenceFlags: 13,
  trackDescriptor: 60,
  firstPacketOnSequence: 87,
} as const

/** TracePacket.sequence_flags bits. */
export const SequenceFlags = { incrementalStateCleared: 1, needsIncrementalState: 2 } as const

export const TrackDescriptorField = {
  uuid: 1,
  name: 2,
  process: 3,
  thread: 4,
  parentUuid: 5,
  counter: 8,
  childOrdering: 11,
  siblingOrderRank: 12,
  description: 14,
} as const

/** TrackDescriptor.ChildTracksOrdering.EXPLICIT: children ordered by sibling_order_rank. */
export const CHILD_ORDERING_EXPLICIT = 3

export const CounterDescriptorField = { unitName: 6 } as const

/** Upstream's ProcessDescriptor and ThreadDescriptor (read from other producers' files only). */
export const ProcessDescriptorField = { pid: 1, processName: 6 } as const
export const ThreadDescriptorField = { pid: 1, tid: 2, threadName: 5 } as const

export const TrackEventField = {
  categoryIids: 3,
  debugAnnotations: 4,
  type: 9,
  nameIid: 10,
  trackUuid: 11,
  categories: 22,
  name: 23,
  counterValue: 30,
  doubleCounterValue: 44,
  flowIds: 47,
  terminatingFlowIds: 48,
} as const

export const TrackEventType = { sliceBegin: 1, sliceEnd: 2, instant: 3, counter: 4 } as const

export const DebugAnnotationField = {
  nameIid: 1,
  boolValue: 2,
  uintValue: 3,
  intValue: 4,
  doubleValue: 5,
  stringValue: 6,
  pointerValue: 7,
  legacyJsonValue: 9,
  name: 10,
} as const

export const InternedDataField = { eventCategories: 1, eventNames: 2, debugAnnotationNames: 3 } as const

/** EventCategory, EventName and DebugAnnotationName share this layout. */
export const InternedStringField = { iid: 1, name: 2 } as const

/** Names of TracePacket fields of other producers' files, for the import's "skipped" warnings (others are named by number). */
export const OTHER_PACKET_FIELDS: Record<number, string> = {
  1: 'ftrace_events',
  2: 'process_tree',
  33: 'trace_config',
  35: 'trace_stats',
  58: 'timestamp_clock_id',
  59: 'trace_packet_defaults',
}
