/**
 * The trace as data: what the backend records and what the renderer (and every exporter) reads.
 * Part of the contract both sides import (main/contract/README.md): plain types and constants only.
 */

/** What one row of the trace is. The meaning of column `x` depends on it (see TraceColumns). */
export const EventKind = {
  /** A complete slice: [ts, ts + x] on a slices track, at nesting depth `depth`. */
  Slice: 1,
  /** A point in time on any track. */
  Instant: 2,
  /** A counter sample: the value is a0. */
  Counter: 3,
  /** Start of an async span with id x (an SRB lifetime). */
  AsyncBegin: 4,
  /** End of the async span with id x. */
  AsyncEnd: 5,
  /** A mark inside the async span with id x. */
  AsyncInstant: 6,
  /** Flow with id x starts at the slice that begins at (ts, track). */
  FlowStart: 7,
  /** Flow with id x passes through the slice that begins at (ts, track). */
  FlowStep: 8,
  /** Flow with id x ends at the slice that begins at (ts, track). */
  FlowEnd: 9,
} as const
export type EventKind = (typeof EventKind)[keyof typeof EventKind]

/** The columns of a run of rows (one chunk, or the whole trace joined for export). */
export interface TraceColumns {
  kind: Uint8Array
  depth: Uint8Array
  track: Uint16Array
  /** Arg layout id (TraceSchema.argLayouts). */
  args: Uint16Array
  /** Interned name (TraceRecorder.strings). */
  name: Uint32Array
  /** Index into TraceRecorder.details, or -1. */
  detail: Int32Array
  /** Virtual time in ns. */
  ts: Float64Array
  /** Duration for slices, id for async and flow events, 0 otherwise. */
  x: Float64Array
  a0: Float64Array
  a1: Float64Array
  a2: Float64Array
}

/** Columns for n rows, all zero (so `detail` is 0, not -1: fill it where rows have no detail). */
export function newTraceColumns(n: number): TraceColumns {
  return {
    kind: new Uint8Array(n),
    depth: new Uint8Array(n),
    track: new Uint16Array(n),
    args: new Uint16Array(n),
    name: new Uint32Array(n),
    detail: new Int32Array(n),
    ts: new Float64Array(n),
    x: new Float64Array(n),
    a0: new Float64Array(n),
    a1: new Float64Array(n),
    a2: new Float64Array(n),
  }
}

/** How a track draws and exports: nested slices, async spans (SRB lifetimes), a counter, or instants. */
export type TrackKind = 'slices' | 'async' | 'counter' | 'instants'

export interface TrackInfo {
  name: string
  /** The process-like group the track belongs to (one Chrome trace "process" per group). */
  group: string
  kind: TrackKind
  /** Order within the group; tracks with equal order keep their creation order. */
  order: number
  /** For counters: the series name (Chrome counter args key). */
  unit?: string
}

/** How one numeric argument of an event is shown. `enum:X` looks the value up in enumeration X. */
export type ArgFormat = 'int' | 'hex' | 'ns' | 'bool' | 'string' | `enum:${string}` | `flags:${string}`

export interface ArgField {
  name: string
  format: ArgFormat
}

/** Up to three numeric arguments (columns a0..a2) described by name and format. */
export interface ArgLayout {
  name: string
  fields: ArgField[]
}

export interface TraceSchema {
  tracks: TrackInfo[]
  argLayouts: ArgLayout[]
  /** Enumerations (value -> name) and flag sets (bit -> name) referenced by arg formats. */
  enums: Record<string, Record<number, string>>
}
