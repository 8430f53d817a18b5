import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { MAX_COUNT, MAX_WRITE_BYTES } from './limits.js'

/**
 * The scenario file format (docs/scenarios.md). Each op has its own schema so a bad step gets a
 * message about that op's fields, not a union of every op's errors. `docs/scenarios.md` documents it.
 */

/**
 * "2s", "500ms", "250us", or nanoseconds; the text and the maximum (MAX_VIRTUAL_NS) are checked after
 * the schema (a clearer message).
 */
const Duration = Type.Union([Type.String(), Type.Integer({ minimum: 0 })], {
  description: 'a duration: "2s", "500ms", "250us", or nanoseconds',
})

/** A stream by number (its index in the driver's stream information), or the first video/audio stream. */
export const StreamRef = Type.Union([Type.Integer({ minimum: 0, maximum: 63 }), Type.Literal('video'), Type.Literal('audio')], {
  description: 'stream number, or "video" / "audio" for the first stream of that kind',
})

export const VideoFormat = Type.Object(
  {
    subtype: Type.Union([Type.Literal('YUY2'), Type.Literal('UYVY'), Type.Literal('RGB24'), Type.Literal('RGB32'), Type.Literal('NV12'), Type.Literal('ANY')]),
    width: Type.Optional(Type.Integer({ minimum: 2, maximum: 8192 })),
    height: Type.Optional(Type.Integer({ minimum: 2, maximum: 8192 })),
    fps: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
)

export const AudioFormat = Type.Object(
  {
    subtype: Type.Literal('PCM'),
    channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    sampleRate: Type.Optional(Type.Integer({ minimum: 8000, maximum: 192000 })),
    bits: Type.Optional(Type.Union([Type.Literal(16), Type.Literal(24), Type.Literal(32)])),
  },
  { additionalProperties: false },
)

const RangeIndex = Type.Integer({ minimum: 0, maximum: 255, description: "an index into the stream's StreamFormatsArray" })

/** The driver's own data range number N of the stream, as it declared it. */
export const RangeFormat = Type.Object({ range: RangeIndex }, { additionalProperties: false })

export const Format = Type.Union([VideoFormat, AudioFormat, RangeFormat])

/** Issue the request this many times, each after the previous one completed. */
const Count = Type.Integer({ minimum: 1, maximum: MAX_COUNT })

const KsState = Type.Union([Type.Literal('STOP'), Type.Literal('ACQUIRE'), Type.Literal('PAUSE'), Type.Literal('RUN')])
/** A GUID, or the name of a known set (KSPROPSETID_Connection, PROPSETID_VIDCAP_DROPPEDFRAMES...). */
const SetRef = Type.String({ minLength: 1, description: 'a property/event set: a GUID or a known name' })
const IdRef = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1 })])

function op<N extends string, P extends Record<string, TSchema>>(name: N, props: P) {
  return Type.Object({ op: Type.Literal(name), ...props }, { additionalProperties: false })
}

export const OPS = {
  'start-device': op('start-device', {}),
  'stop-device': op('stop-device', {}),
  'surprise-removal': op('surprise-removal', {}),
  'page-out': op('page-out', {}),
  power: op('power', { state: Type.Union([Type.Literal('D0'), Type.Literal('D1'), Type.Literal('D2'), Type.Literal('D3')]) }),
  'open-stream': op('open-stream', {
    stream: StreamRef,
    /** This format exactly (the driver's range that offers it, or the client's own range for it). */
    format: Type.Optional(Format),
    /** The driver's own data range number N, handed back unchanged. */
    range: Type.Optional(RangeIndex),
    /** This format when the driver offers it; otherwise the driver's first range of the stream's kind. */
    prefer: Type.Optional(Type.Union([VideoFormat, AudioFormat])),
    /** The scenario does not apply (mdwb check skips it) to a stream with fewer data ranges. */
    needsRanges: Type.Optional(Type.Integer({ minimum: 1, maximum: 256, description: 'the least number of data ranges the stream must declare' })),
    expectStatus: Type.Optional(Type.String()),
  }),
  'close-stream': op('close-stream', { stream: StreamRef }),
  'indicate-master-clock': op('indicate-master-clock', {
    stream: StreamRef,
    clock: Type.Optional(Type.Union([Type.Literal('system'), Type.Literal('none'), Type.Object({ stream: StreamRef }, { additionalProperties: false })])),
  }),
  'open-master-clock': op('open-master-clock', { stream: StreamRef }),
  'close-master-clock': op('close-master-clock', { stream: StreamRef }),
  'set-state': op('set-state', { stream: StreamRef, state: KsState }),
  'get-state': op('get-state', { stream: StreamRef, count: Type.Optional(Count) }),
  read: op('read', {
    stream: StreamRef,
    buffers: Type.Integer({ minimum: 1, maximum: 64 }),
    continuous: Type.Optional(Type.Boolean()),
    headersPerSrb: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
  }),
  write: op('write', { stream: StreamRef, buffers: Type.Integer({ minimum: 1, maximum: 64 }), bytes: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_WRITE_BYTES })) }),
  wait: op('wait', { duration: Duration }),
  'wait-frames': op('wait-frames', { stream: Type.Optional(StreamRef), count: Type.Integer({ minimum: 1, maximum: MAX_COUNT }), timeout: Type.Optional(Duration) }),
  cancel: op('cancel', { stream: StreamRef, which: Type.Optional(Type.Union([Type.Literal('oldest'), Type.Literal('newest'), Type.Literal('all')])) }),
  'get-property': op('get-property', {
    stream: Type.Optional(StreamRef),
    count: Type.Optional(Count),
    set: SetRef,
    id: IdRef,
    size: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })),
    expectStatus: Type.Optional(Type.String()),
  }),
  'set-property': op('set-property', {
    stream: Type.Optional(StreamRef),
    set: SetRef,
    id: IdRef,
    value: Type.Optional(Type.Union([Type.Number(), Type.Record(Type.String(), Type.Unknown())])),
    size: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })),
    expectStatus: Type.Optional(Type.String()),
  }),
  'enable-event': op('enable-event', { stream: Type.Optional(StreamRef), set: SetRef, id: IdRef, name: Type.Optional(Type.String()) }),
  'disable-event': op('disable-event', { name: Type.String() }),
  'propose-format': op('propose-format', { stream: StreamRef, format: Format }),
  'set-format': op('set-format', { stream: StreamRef, format: Format, expectStatus: Type.Optional(Type.String()) }),
  send: op('send', {
    command: Type.String({ pattern: '^SRB_[A-Z_]+$' }),
    stream: Type.Optional(StreamRef),
    count: Type.Optional(Count),
    expectStatus: Type.Optional(Type.String()),
  }),
  fault: op('fault', {
    fault: Type.String({ minLength: 1 }),
    count: Type.Optional(Count),
    probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    at: Type.Optional(Duration),
    duration: Type.Optional(Duration),
    register: Type.Optional(Type.String()),
    access: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_COUNT })),
    scope: Type.Optional(Type.Union([Type.Literal('video'), Type.Literal('audio'), Type.Literal('global')])),
    value: Type.Optional(Type.Number()),
  }),
  repeat: Type.Object(
    { op: Type.Literal('repeat'), times: Type.Integer({ minimum: 1, maximum: 100_000 }), steps: Type.Array(Type.Object({ op: Type.String() }, { additionalProperties: true })) },
    { additionalProperties: false },
  ),
} as const

export type OpName = keyof typeof OPS
export type Step = { [K in OpName]: Static<(typeof OPS)[K]> }[OpName]
export type StepOf<K extends OpName> = Static<(typeof OPS)[K]>
export type ScenarioFormat = Static<typeof Format>
export type StreamSelector = Static<typeof StreamRef>

export const Expect = Type.Object(
  {
    minFrames: Type.Optional(Type.Integer({ minimum: 0 })),
    maxFrames: Type.Optional(Type.Integer({ minimum: 0 })),
    maxDropped: Type.Optional(Type.Integer({ minimum: 0 })),
    maxTorn: Type.Optional(Type.Integer({ minimum: 0 })),
    maxStale: Type.Optional(Type.Integer({ minimum: 0 })),
    maxWarnings: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
)

export const Device = Type.Object(
  {
    card: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('vcap1'), Type.Literal('stub'), Type.Literal('none')])),
    bandwidthMBps: Type.Optional(Type.Number({ minimum: 1, maximum: 1_000_000 })),
    cpus: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
    neighbour: Type.Optional(Type.Boolean()),
    /** Chance that the next page of a buffer follows the previous one physically (default 0.75; 0: every page scattered). */
    contiguity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Client buffers above 4 GiB: a 32-bit bus master (VCAP-1) cannot reach them (ADDR_RANGE). */
    buffersAbove4G: Type.Optional(Type.Boolean()),
    /** VCAP-1: block DMA into memory the card does not own (DATA_WRITE_ABORT) instead of only reporting it. */
    iommu: Type.Optional(Type.Boolean()),
    /** VCAP-1: offer MSI (resources say "latched"; the driver sets GCTRL.MSI_MODE). */
    msi: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

/** The scenario without its steps; steps are validated one by one against their op's schema. */
export const ScenarioShell = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    device: Type.Optional(Device),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
    settings: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.String()]))),
    steps: Type.Array(Type.Object({ op: Type.String() }, { additionalProperties: true }), { minItems: 1 }),
    expect: Type.Optional(Expect),
  },
  { additionalProperties: false },
)

export interface Scenario {
  name: string
  description?: string
  device?: Static<typeof Device>
  seed?: number
  settings?: Record<string, number | boolean | string>
  steps: Step[]
  expect?: Static<typeof Expect>
}
