/**
 * The self-description of a trace: tracks, argument layouts and enumerations. It is plain data, so an
 * exporter or the timeline can decode any event without knowing which layer recorded it.
 */

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
