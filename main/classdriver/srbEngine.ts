// The SRB engine of one device: building SRBs, queueing and delivering them, completion (by the
// minidriver or the class driver), ReadyForNext, cancel and abort (docs/classdriver.md).
import type { Allocation } from '../hw/physicalMemory.js'
import { BUGCHECK } from '../sim/bugcheck.js'
import { EventKind } from '../sim/trace/recorder.js'
import type { Work } from '../sim/work.js'
import type { CallingDevice, SrbStats, StreamLookup } from './deviceParts.js'
import type { DeviceTrace } from './deviceTrace.js'
import type { HeldSrbs } from './heldSrbs.js'
import type { CallbackKind } from './invocation.js'
import { RequestQueue } from './queues.js'
import { ExtensionGuard, Srb, SrbState, STATUS_POISON, StreamHeader, srbRef, type DataBuffer, type IoRequest, type QueueKind, type SrbWatcher } from './srb.js'
import type { StreamInstance } from './stream.js'
import { KSSTATE_STOP } from './wdk/ks.js'
import { STATUS_CANCELLED, STATUS_PENDING, STATUS_SUCCESS } from './wdk/ntstatus.js'
import { SRB_HW_FLAGS_DATA_TRANSFER, SRB_HW_FLAGS_STREAM_REQUEST, SRB_READ_DATA, srbCommandName } from './wdk/srbCommands.js'
import type { HW_INITIALIZATION_DATA, KSSCATTER_GATHER, SRB_COMMAND_DATA } from './wdk/strminiTypes.js'

/**
 * What the engine reads and changes of its device. The device is the SRBs' watcher (a completion is
 * accepted only for an SRB whose watcher it is), and `initData` is read at each use (hot swap replaces it).
 */
export interface SrbEngineDevice extends CallingDevice, StreamLookup, SrbWatcher {
  readonly trace: DeviceTrace
  readonly initData: Readonly<HW_INITIALIZATION_DATA>
  readonly synchronized: boolean
  readonly extension: Record<string, any>
  readonly instanceExtension: Record<string, any> | null
  readonly held: HeldSrbs
  readonly buffersInFlight: Map<Allocation, Srb>
  readonly stats: SrbStats
  readonly deviceQueue: RequestQueue
  readonly streams: readonly StreamInstance[]
}

export class SrbEngine {
  private nextSrbId = 1

  constructor(private readonly device: SrbEngineDevice) {}

  /** A request queue whose SRBs this engine delivers, with its lifetime track. */
  createQueue(kind: QueueKind, label: string, trackName: string, order: number): RequestQueue {
    return new RequestQueue(kind, label, this.device.trace.queueTrack(trackName, order), this.device.synchronized, this.scheduleDelivery)
  }

  /** Builds an SRB for a queue and records the start of its lifetime. */
  newSrb(queue: RequestQueue, command: number, stream: StreamInstance | null, commandData: SRB_COMMAND_DATA, request: IoRequest, numberOfBuffers = 0): Srb {
    const d = this.device
    const kind = queue.kind
    const flags = kind === 'data' ? SRB_HW_FLAGS_DATA_TRANSFER | SRB_HW_FLAGS_STREAM_REQUEST : kind === 'control' ? SRB_HW_FLAGS_STREAM_REQUEST : 0
    const srb = new Srb(
      this.nextSrbId++,
      d,
      kind,
      command,
      stream?.object ?? null,
      d.extension,
      commandData,
      numberOfBuffers,
      flags,
      d.instanceExtension,
      stream?.number ?? null,
    )
    srb._request = request
    srb._queueRef = queue
    srb._stream = stream
    if (d.settings.initialStatus === 'pending') srb._Status = STATUS_PENDING
    if ((d.initData.PerRequestExtensionSize ?? 0) > 0) {
      srb._SRBExtension = d.settings.poisonCompletedSrbs ? new Proxy({}, new ExtensionGuard(srb)) : {}
    } else {
      srb._SRBExtension = null
    }
    const now = d.kernel.now()
    srb._submittedAt = now
    d.stats.total++
    d.stats.byCommand[command]++
    d.kernel.trace.async(EventKind.AsyncBegin, queue.track, now, d.trace.commandName(command), srb._id, d.trace.srbArgs, command, stream?.number ?? -1, srb._id)
    return srb
  }

  /** Sends an SRB down its queue. */
  submit(queue: RequestQueue, srb: Srb): Srb {
    srb._state = SrbState.Queued
    queue.submit(srb, this.device.kernel.now())
    return srb
  }

  /** Builds and submits a device SRB. */
  submitDevice(command: number, commandData: SRB_COMMAND_DATA, request: IoRequest, stream: StreamInstance | null = null): Srb {
    const queue = this.device.deviceQueue
    return this.submit(queue, this.newSrb(queue, command, stream, commandData, request))
  }

  /** Builds and submits a stream control SRB. */
  submitControl(stream: StreamInstance, command: number, commandData: SRB_COMMAND_DATA, request: IoRequest): Srb {
    return this.submit(stream.control, this.newSrb(stream.control, command, stream, commandData, request))
  }

  /** Builds and submits a data SRB over client buffers. */
  submitData(stream: StreamInstance, command: number, buffers: DataBuffer[], request: IoRequest): Srb {
    const mediaSpecific = stream.object.StreamHeaderMediaSpecific >>> 0
    const headers: StreamHeader[] = []
    let sg: KSSCATTER_GATHER[] = []
    let bytes = 0
    let pages = 0
    for (const b of buffers) {
      headers.push(new StreamHeader(b.alloc.bytes, b.alloc.size, mediaSpecific))
      sg = buffers.length === 1 ? b.sg : sg.concat(b.sg)
      bytes += b.alloc.size
      pages += b.alloc.pages.length
      b.alloc.locked = true
      b.alloc.mappedForDevice = true
      // A new mapping: descriptors queued for the previous one are stale from now on.
      b.alloc.generation++
    }
    const srb = this.newSrb(stream.data, command, stream, { DataBufferArray: headers }, request, headers.length)
    for (const h of headers) h._srb = srb
    srb._NumberOfBytesToTransfer = bytes
    srb._ScatterGatherBuffer = sg
    srb._NumberOfPhysicalPages = pages
    srb._buffers = buffers
    for (const b of buffers) this.device.buffersInFlight.set(b.alloc, srb)
    return this.submit(stream.data, srb)
  }

  private timeoutFor(kind: QueueKind): number {
    const s = this.device.settings
    return kind === 'data' ? s.dataTimeoutSeconds : kind === 'control' ? s.controlTimeoutSeconds : s.deviceTimeoutSeconds
  }

  /** Hands an SRB taken from its queue to the minidriver: a Work in the request context. */
  private readonly scheduleDelivery = (srb: Srb): void => {
    const work = this.device.runMinidriver('request', this.deliverWork, srb)
    work.a1 = srb._id
    work.a2 = srb._Command
  }

  private readonly deliverWork = (work: Work<Srb>): void => {
    const d = this.device
    const srb = work.data
    const queue = srb._queueRef!
    const stream = srb._stream
    if (srb._dead) {
      // Cancelled between leaving the queue and reaching a CPU: nothing was delivered.
      if (queue.synchronized) queue.undeliver(d.kernel.now())
      return
    }
    const now = d.kernel.now()
    srb._state = SrbState.Delivered
    srb._deliveredAt = now
    srb._deliveryTrack = d.kernel.currentCpu!.track
    srb._deliverySliceStart = work.startedAt
    srb._TimeoutCounter = srb._TimeoutOriginal = this.timeoutFor(queue.kind)
    d.held.add(srb)
    d.kernel.trace.async(EventKind.AsyncInstant, queue.track, now, d.trace.deliveredName, srb._id)
    work.args = 0
    let kind: CallbackKind
    let fn: ((srb: Srb) => void) | null | undefined
    if (queue.kind === 'device') {
      kind = 'HwReceivePacket'
      fn = d.initData.HwReceivePacket
    } else if (queue.kind === 'control') {
      kind = 'ReceiveControlPacket'
      fn = stream!.object.ReceiveControlPacket
    } else {
      kind = 'ReceiveDataPacket'
      fn = stream!.object.ReceiveDataPacket
    }
    if (typeof fn !== 'function') {
      // Through this.device: a never-returning call narrows `fn` only on an explicitly typed reference.
      this.device.kernel.bugcheck(BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED, `the class driver called a NULL ${kind} for ${srbCommandName(srb._Command)} (access violation)`, {
        callback: kind,
      })
    }
    d.invoker.call(kind, fn, srb, srb, stream)
    if (stream !== null && queue.kind === 'data' && srb._Command === SRB_READ_DATA && !srb._dead && stream.state === KSSTATE_STOP) {
      d.verifier.report('read-in-stop', `${fn.name || kind} kept SRB_READ_DATA #${srb._id} while ${stream.label} is in KSSTATE_STOP; complete reads at once in STOP`, {
        srb: srbRef(srb),
        callback: fn.name || kind,
        location: null,
      })
    }
    d.checkBudget(work, fn)
  }

  /**
   * A completion notification from the minidriver. `via` says which notification it used; `streamArg`
   * is the stream object it passed to StreamClassStreamNotification.
   */
  completeFromMinidriver(candidate: unknown, via: 'device' | 'stream' | 'either', streamArg: unknown = null): void {
    const d = this.device
    const inCancel = d.invoker.current?.kind === 'HwCancelPacket'
    if (!(candidate instanceof Srb) || candidate._watcher !== d) {
      d.verifier.report(inCancel ? 'cancel-misuse' : 'foreign-srb-completion', `completion of ${describe(candidate)}, which is not an SRB of this device`)
      return
    }
    const srb = candidate
    const ref = srbRef(srb)
    const label = `${ref.command} #${srb._id}`
    if (srb._state === SrbState.Aborted) {
      d.verifier.report(inCancel ? 'cancel-misuse' : 'foreign-srb-completion', `${label} was already completed by the class driver (aborted or cancelled); the minidriver must forget it`, { srb: ref })
      return
    }
    if (srb._state === SrbState.Completed) {
      d.verifier.report(inCancel ? 'cancel-misuse' : 'double-completion', `${label} completed a second time`, { srb: ref })
      return
    }
    if (srb._state !== SrbState.Delivered) {
      d.verifier.report(inCancel ? 'cancel-misuse' : 'foreign-srb-completion', `${label} was never delivered to the minidriver (it is still queued in the class driver)`, { srb: ref })
      return
    }
    if (via === 'device' && srb._queue !== 'device') {
      d.verifier.report('wrong-notification', `${label} is a stream SRB but was completed with DeviceRequestComplete; use StreamRequestComplete`, { srb: ref })
    } else if (via === 'stream' && srb._queue === 'device') {
      d.verifier.report('wrong-notification', `${label} is a device SRB but was completed with StreamRequestComplete; use DeviceRequestComplete`, { srb: ref })
    } else if (via === 'stream' && streamArg !== srb._StreamObject) {
      d.verifier.report('wrong-notification', `${label} belongs to stream ${srb._streamNumber} but StreamClassStreamNotification was given a different stream object`, { srb: ref })
    }
    if (srb._Status === STATUS_POISON) {
      d.verifier.report('pending-status-completion', `${label} completed without setting srb.Status`, { srb: ref })
    } else if (srb._Status === STATUS_PENDING) {
      d.verifier.report('pending-status-completion', `${label} completed with STATUS_PENDING; set the final status before completing`, { srb: ref })
    }
    this.finish(srb, SrbState.Completed)
  }

  /** Ends an SRB's life (by the minidriver or by the class driver) and tells the requester. */
  finish(srb: Srb, state: SrbState, status?: number): void {
    const d = this.device
    if (status !== undefined) srb._Status = status
    const wasHeld = srb._state === SrbState.Delivered
    srb._state = state
    if (wasHeld) d.held.delete(srb)
    const k = d.kernel
    const now = k.now()
    const st = srb._Status
    if (st === STATUS_SUCCESS) d.stats.completed++
    else if (st === STATUS_CANCELLED) d.stats.cancelled++
    const queue = this.queueOf(srb)
    k.trace.async(EventKind.AsyncEnd, queue.track, now, d.trace.commandName(srb._Command), srb._id, d.trace.srbEndArgs, st, this.bytesOf(srb), srb._id)
    if (state === SrbState.Completed) {
      const cpu = k.currentCpu
      const work = k.currentWork()
      if (cpu !== null && work !== null && srb._deliverySliceStart >= 0 && (work.startedAt !== srb._deliverySliceStart || cpu.track !== srb._deliveryTrack)) {
        k.trace.flow(EventKind.FlowStart, srb._deliveryTrack, srb._deliverySliceStart, srb._id)
        k.trace.flow(EventKind.FlowEnd, cpu.track, work.startedAt, srb._id)
      }
    }
    if (srb._buffers !== null) {
      for (const b of srb._buffers) {
        b.alloc.mappedForDevice = false
        b.alloc.locked = false
        d.buffersInFlight.delete(b.alloc)
      }
    }
    const request = srb._request!
    if (state === SrbState.Completed && request.check) request.check(srb)
    k.scheduleOs(now + k.costs.clientCompletionLatency, notifyRequester, srb)
  }

  /** Bytes an SRB returned: DataUsed of its buffers for data SRBs, ActualBytesTransferred otherwise. */
  private bytesOf(srb: Srb): number {
    if (srb._buffers === null) return srb._NumberOfBytesToTransfer
    let n = 0
    for (const h of srb._CommandData.DataBufferArray as StreamHeader[]) n += h._DataUsed
    return n
  }

  queueOf(srb: Srb): RequestQueue {
    return srb._queueRef!
  }

  /** ReadyForNext on a queue: meaningless without synchronization, a latch with it. */
  markReady(queue: RequestQueue): void {
    const d = this.device
    const now = d.kernel.now()
    d.kernel.trace.instant(d.trace.queueEventTrack, now, d.trace.readyName, 0)
    if (!d.synchronized) {
      d.verifier.report('ready-without-sync', `ReadyForNext on the ${queue.label.toLowerCase()} queue, but TurnOffSynchronization is TRUE: the signal means nothing`)
      return
    }
    if (!queue.markReady(now)) {
      d.verifier.report('duplicate-ready', `ReadyForNext on the ${queue.label.toLowerCase()} queue, which was already ready (no request delivered since the last signal)`)
    }
  }

  /**
   * OS cancel of one request (the application cancelled the IRP). Waiting requests are completed by the
   * class driver; held ones go to HwCancelPacket.
   */
  cancel(srb: Srb): void {
    if (srb._dead) return
    srb._cancelRequested = true
    if (srb._state !== SrbState.Delivered) {
      this.queueOf(srb).remove(srb)
      this.finish(srb, SrbState.Aborted, STATUS_CANCELLED)
      return
    }
    this.callCancel([srb])
  }

  /** Calls HwCancelPacket for each SRB that is still held, in one entry-point Work; then `then`. */
  callCancel(srbs: Srb[], then?: () => void): void {
    const d = this.device
    const handler = d.initData.HwCancelPacket
    if (typeof handler !== 'function' || srbs.length === 0) {
      then?.()
      return
    }
    d.runMinidriver(
      'entry',
      (work) => {
        for (const srb of srbs) {
          if (srb._dead) continue
          srb._cancelCalled = true
          d.invoker.call('HwCancelPacket', handler, srb, srb, d.streamOfObject(srb._StreamObject))
        }
        d.checkBudget(work, handler)
        then?.()
      },
      null,
    )
  }

  /** StreamClassAbortOutstandingRequests: everything of one stream (or of the device) completes with `status`. */
  abort(stream: StreamInstance | null, status: number): void {
    const d = this.device
    const queues = stream !== null ? [stream.control, stream.data] : [d.deviceQueue, ...d.streams.flatMap((s) => [s.control, s.data])]
    const held = [...d.held].filter((srb) => stream === null || srb._StreamObject === stream.object)
    if (d.settings.abortCallsCancel && typeof d.initData.HwCancelPacket === 'function') {
      for (const srb of held) {
        if (srb._dead) continue
        srb._cancelCalled = true
        d.invoker.call('HwCancelPacket', d.initData.HwCancelPacket, srb, srb, d.streamOfObject(srb._StreamObject))
      }
    }
    const now = d.kernel.now()
    for (const srb of held) if (!srb._dead) this.finish(srb, SrbState.Aborted, status)
    for (const q of queues) {
      for (const srb of q.drain()) if (!srb._dead) this.finish(srb, SrbState.Aborted, status)
      // "This call also signals the class driver that the minidriver is ready to receive new requests."
      if (q.synchronized) q.markReady(now)
    }
  }

  // -------------------------------------------------------------------------------------------------
  // SrbWatcher, on behalf of the device

  touchedAfterCompletion(srb: Srb, what: string): void {
    const d = this.device
    if (!d.settings.poisonCompletedSrbs || srb._touchReported || d.invoker.depth === 0) return
    srb._touchReported = true
    d.verifier.report('use-after-completion', `${srbCommandName(srb._Command)} #${srb._id} touched after completion (${what}); the class driver may already have freed it`, { srb: srbRef(srb) })
  }

  extensionOverrun(srb: Srb, field: string, end: number, size: number): void {
    const d = this.device
    if (d.invoker.depth === 0) return
    d.verifier.report('buffer-overrun', `KS_FRAME_INFO.${field} written at bytes ..${end} of a media-specific header of ${size} bytes (StreamHeaderMediaSpecific); declare sizeof('KS_FRAME_INFO')`, { srb: srbRef(srb) })
  }
}

function notifyRequester(srb: Srb): void {
  srb._request!.onComplete(srb)
}

function describe(x: unknown): string {
  if (x === null) return 'NULL'
  if (x === undefined) return 'undefined'
  if (typeof x === 'object') return `an object (${Object.keys(x).slice(0, 3).join(', ') || 'empty'})`
  return `${typeof x} ${String(x)}`
}
