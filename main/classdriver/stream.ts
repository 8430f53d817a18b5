import type { RequestQueue } from './queues.js'
import type { KSEVENT_ENTRY, KSSTATE, PKSDATAFORMAT } from './wdk/ks.js'
import { KSSTATE_STOP } from './wdk/ks.js'
import { STRUCT_SIZES } from './wdk/sizes.js'
import type {
  BOOLEAN,
  HW_CLOCK_OBJECT,
  HW_STREAM_INFORMATION,
  HW_STREAM_OBJECT,
  PHW_EVENT_ROUTINE,
  PHW_RECEIVE_STREAM_CONTROL_SRB,
  PHW_RECEIVE_STREAM_DATA_SRB,
} from './wdk/strminiTypes.js'

/** HW_STREAM_OBJECT: allocated by the class driver per opened stream, completed by the minidriver. */
export class StreamObject implements HW_STREAM_OBJECT {
  readonly SizeOfThisPacket = STRUCT_SIZES.HW_STREAM_OBJECT
  ReceiveDataPacket: PHW_RECEIVE_STREAM_DATA_SRB | null = null
  ReceiveControlPacket: PHW_RECEIVE_STREAM_CONTROL_SRB | null = null
  HwClockObject: HW_CLOCK_OBJECT = { HwClockFunction: null, ClockSupportFlags: 0, Reserved: [0, 0] }
  Dma: BOOLEAN = 0
  Pio: BOOLEAN = 0
  StreamHeaderMediaSpecific = 0
  StreamHeaderWorkspace = 0
  Allocator: BOOLEAN = 0
  HwEventRoutine: PHW_EVENT_ROUTINE | null = null
  Reserved = [0, 0]

  constructor(
    readonly StreamNumber: number,
    readonly HwStreamExtension: any,
    readonly HwDeviceExtension: any,
  ) {}
}

/** A queued event of a stream or of the device, with the client's bookkeeping. */
export interface QueuedEvent {
  entry: KSEVENT_ENTRY
  setIndex: number
  signalled: number
  /** The client's id for the enable (for disable and the trace). */
  clientId: number
}

/**
 * One opened stream (one pin instance) as the class driver tracks it: its stream object, its two
 * queues, the last state the minidriver accepted, its clock handles, its timer and priority slots.
 */
export class StreamInstance {
  /** Open succeeded; cleared when CLOSE_STREAM completes. */
  open = false
  closed = false
  /** The last state the minidriver accepted (SET_STREAM_STATE completed with success). */
  state: KSSTATE = KSSTATE_STOP
  format: PKSDATAFORMAT | null = null
  /** Master clock handle given by INDICATE_MASTER_CLOCK (0 = free-running). */
  indicatedClock = 0
  /** Handle given by OPEN_MASTER_CLOCK when this stream is the master clock. */
  ownClock = 0
  /** Handles withdrawn from this stream (INDICATE 0, CLOSE_MASTER_CLOCK, close). */
  readonly withdrawnClocks = new Set<number>()
  clockQueryPending = false
  readonly events: QueuedEvent[] = []
  /** Frame checks across completed reads. */
  lastPresentationTime = -Infinity
  lastPictureNumber = -1
  lastDropCount = -1
  /** Set when the stream passed through STOP or ACQUIRE since the last frame (counters may reset). */
  countersMayReset = true
  /** Data SRBs seen with each frame info, for the report. */
  framesCompleted = 0

  constructor(
    readonly number: number,
    readonly object: StreamObject,
    readonly info: HW_STREAM_INFORMATION,
    readonly control: RequestQueue,
    readonly data: RequestQueue,
  ) {}

  get label(): string {
    return `stream ${this.number}`
  }
}
