import type { InspectResult } from '../../contract/api.js'
import type { TraceColumns } from '../../contract/trace.js'
import type { AudioTap, FrameTap } from '../inspect/liveTaps.js'
import type { CapturedBuffer } from '../export/captureTap.js'

/** Slots of the crash record (an Int32Array over shared memory the host can read after the worker died). */
export const CRASH = { CALLBACK: 0, LOOP_SITE: 1, VIRTUAL_MS: 2, SIZE: 4 } as const

/** New trace rows since the last drain, copied out of the recorder. */
export interface TraceDelta {
  /** Index of the first row. */
  from: number
  rows: TraceColumns
  /** Strings interned since the last drain (they follow the ones sent before). */
  strings: string[]
  /** JSON of the event details recorded since the last drain (findings, debug prints), in order. */
  details: string
  /** JSON of the schema when tracks, layouts or enumerations changed; otherwise null. */
  schema: string | null
}

/** Messages between the sandbox host (sandbox.ts) and its worker (worker.ts). Runs are numbered by `id`. */

export interface RunMessage {
  type: 'run'
  id: number
  /** RunConfig without its driver, as JSON. */
  config: string
  /**
   * The driver, or null when it is the same as the one of this worker's previous run: the worker keeps
   * it, compiled, so a rerun of unchanged code sends and compiles nothing.
   */
  driver: RunDriver | null
  /** Virtual ns per wall ns (1 = real time); Infinity = as fast as possible. */
  pace: number
  paused: boolean
  /** Wall ms per slice, and the timeout that cuts a slice short. */
  sliceMs: number
  backstopMs: number
  /** Frame previews and audio levels are on (the worker drains them between slices). */
  taps: boolean
}

/** A run's driver as the worker gets it. */
export interface RunDriver {
  /** The CompiledDriver as JSON. */
  json: string
  /** Its CommonJS wrapper source (driverModule.ts) and the file name to evaluate it under. */
  wrapperSource: string
  scriptName: string
}

export type HostMessage =
  | RunMessage
  | { type: 'swap'; id: number; wrapperSource: string; driverJson: string; scriptName: string }
  | { type: 'pace'; id: number; pace: number }
  | { type: 'pause'; id: number; paused: boolean }
  | { type: 'step'; id: number; ns: number }
  | { type: 'stop'; id: number }
  /** A fault now or at a time (FaultRequest as JSON); answered by 'injected' with the same `call`. */
  | { type: 'inject'; id: number; call: number; request: string }
  /** An inspector's question (InspectRequest as JSON), for the run in progress or the last one; answered by 'inspected'. */
  | { type: 'inspect'; id: number; call: number; request: string }

export type WorkerMessage =
  /** The crash record: shared with a worker thread; from a run process, a copy sent whenever it changed. */
  | { type: 'crash'; id: number; buffer: SharedArrayBuffer | ArrayBuffer }
  | { type: 'name'; id: number; nameId: number; name: string }
  | { type: 'trace'; id: number; delta: TraceDelta }
  | { type: 'status'; id: number; status: string; virtualTimeNs: number }
  | { type: 'swapped'; id: number; result: string }
  | { type: 'done'; id: number; report: string; cutShort: string | null; callback: string | null }
  | { type: 'failed'; id: number; reason: string }
  | { type: 'refused'; id: number; reason: string }
  /** FaultResult as JSON. */
  | { type: 'injected'; id: number; call: number; result: string }
  /** Memory bytes travel in the transfer list. */
  | { type: 'inspected'; id: number; call: number; result: InspectResult }
  /** Previews and captured buffers of the last slice; the frames' bytes travel in the transfer list. */
  | { type: 'taps'; id: number; frames: FrameTap[]; audio: AudioTap[]; captured: CapturedBuffer[] }
