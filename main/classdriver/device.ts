import type { PciDevice } from '../hw/pciDevice.js'
import type { Allocation } from '../hw/physicalMemory.js'
import type { Machine } from '../hw/machine.js'
import { BUGCHECK } from '../sim/bugcheck.js'
import type { InterruptObject } from '../sim/interrupts.js'
import { DEVICE_IRQL, DISPATCH_LEVEL, PASSIVE_LEVEL, type Irql } from '../sim/irql.js'
import type { Kernel } from '../sim/kernel.js'
import { EventKind } from '../sim/trace/recorder.js'
import { KernelLock, Work } from '../sim/work.js'
import { checkCloseStream, checkDataCompletion, checkIntersection, checkOpenStream, checkProperty, checkStreamInfo } from './commandChecks.js'
import type { StreamClassDriver } from './driver.js'
import { EventQueues } from './events.js'
import type { CallbackKind, Invoker } from './invocation.js'
import { HeldSrbs } from './heldSrbs.js'
import { InterruptService } from './isr.js'
import { MasterClocks } from './masterClock.js'
import { PriorityRoutines } from './priority.js'
import { RequestQueue } from './queues.js'
import type { ClassDriverSettings } from './settings.js'
import { ExtensionGuard, Srb, SrbState, STATUS_POISON, StreamHeader, type DataBuffer, type IoRequest, type QueueKind, type SrbWatcher } from './srb.js'

import { StreamInstance, StreamObject } from './stream.js'
import { StreamTimers } from './streamTimers.js'
import type { Verifier } from './verifier/verifier.js'
import { Watchdog } from './watchdog.js'
import { KSSTATE_ACQUIRE, KSSTATE_NAMES, KSSTATE_STOP, normalizeGuid, type KSSTATE, type PKSDATAFORMAT } from './wdk/ks.js'
import { NT_SUCCESS, NTSTATUS_NAMES, STATUS_CANCELLED, STATUS_INVALID_PARAMETER, STATUS_NO_SUCH_DEVICE, STATUS_NOT_IMPLEMENTED, STATUS_PENDING, STATUS_SUCCESS, ntStatusName } from './wdk/ntstatus.js'
import { STRUCT_SIZES } from './wdk/sizes.js'
import {
  SRB_CHANGE_POWER_STATE,
  SRB_CLOSE_DEVICE_INSTANCE,
  SRB_CLOSE_STREAM,
  SRB_COMMAND_NAMES,
  SRB_GET_DATA_INTERSECTION,
  SRB_GET_STREAM_INFO,
  SRB_HW_FLAGS_DATA_TRANSFER,
  SRB_HW_FLAGS_STREAM_REQUEST,
  SRB_INITIALIZATION_COMPLETE,
  SRB_INITIALIZE_DEVICE,
  SRB_NOTIFY_IDLE_STATE,
  SRB_OPEN_DEVICE_INSTANCE,
  SRB_OPEN_STREAM,
  SRB_PAGING_OUT_DRIVER,
  SRB_READ_DATA,
  SRB_SET_STREAM_STATE,
  SRB_SURPRISE_REMOVAL,
  SRB_UNINITIALIZE_DEVICE,
  isDataCommand,
  srbCommandName,
} from './wdk/srbCommands.js'
import type {
  HW_INITIALIZATION_DATA,
  HW_STREAM_DESCRIPTOR,
  HW_STREAM_HEADER,
  HW_STREAM_INFORMATION,
  KSSCATTER_GATHER,
  PORT_CONFIGURATION_INFORMATION,
  SRB_COMMAND_DATA,
} from './wdk/strminiTypes.js'

/** Where minidriver code runs, per docs/classdriver.md#contexts. */
export type CallContext = 'request' | 'entry' | 'high' | 'dispatch' | 'low' | 'event'

export type DeviceState = 'added' | 'starting' | 'started' | 'start-failed' | 'stopping' | 'stopped' | 'removed'

/** Counters for the report. */
export interface SrbStats {
  total: number
  /** SRBs per command code. */
  byCommand: Uint32Array
  completed: number
  cancelled: number
  timedOut: number
}

/**
 * One device (FDO) of the emulated stream class driver: the adapter a minidriver drives. It owns the
 * request engine (queues, delivery, completion, cancel, abort, timeouts) and the device's PnP and
 * power life; per-feature helpers (timers, priority routines, clocks, events, DMA, the ISR) hang off it.
 */
export class StreamClassDevice implements SrbWatcher {
  /** HwDeviceExtension: a plain object the minidriver owns. */
  readonly extension: Record<string, any> = {}
  state: DeviceState = 'added'
  readonly synchronized: boolean
  readonly syncLock = new KernelLock('stream class synchronization')
  /** The interrupt spin lock (the sync lock when synchronization is on). */
  readonly interruptLock: KernelLock
  syncIrql: Irql = DISPATCH_LEVEL
  interrupt: InterruptObject | null = null
  configInfo: PORT_CONFIGURATION_INFORMATION | null = null
  streamHeader: HW_STREAM_HEADER | null = null
  streamInfos: HW_STREAM_INFORMATION[] = []
  /** Streams opened or being opened. */
  readonly streams: StreamInstance[] = []
  /** SRBs the minidriver owns now (delivered, not completed). */
  readonly held = new HeldSrbs()
  /** The data SRB each client buffer is in while it is in flight (for the PIO/DMA mode check). */
  readonly buffersInFlight = new Map<Allocation, Srb>()
  readonly deviceQueue: RequestQueue
  dmaBuffer: Allocation | null = null
  power = 1
  /** Device instances open (filter handles) and whether the device went idle. */
  openInstances = 0
  readonly instanceExtension: Record<string, any> | null
  readonly stats: SrbStats = { total: 0, byCommand: new Uint32Array(0x120), completed: 0, cancelled: 0, timedOut: 0 }

  readonly timers: StreamTimers
  readonly priority: PriorityRoutines
  readonly clocks: MasterClocks
  readonly events: EventQueues
  readonly isr: InterruptService
  readonly watchdog: Watchdog

  readonly kernel: Kernel
  readonly settings: ClassDriverSettings
  readonly verifier: Verifier
  readonly invoker: Invoker

  private nextSrbId = 1
  private readonly streamByObject = new WeakMap<object, StreamInstance>()
  /** Leftover stream extensions per stream number, for zeroStreamExtension = false. */
  private readonly staleExtensions = new Map<number, any>()
  private readonly queueTracks = new Map<string, number>()
  private readonly commandNames: number[] = []
  private readonly srbArgs: number
  private readonly srbEndArgs: number
  private readonly deliveredName: number
  private readonly readyName: number
  private readonly queueEventTrack: number

  constructor(
    readonly driver: StreamClassDriver,
    readonly machine: Machine,
    readonly card: PciDevice,
    readonly initData: Readonly<HW_INITIALIZATION_DATA>,
  ) {
    this.kernel = driver.kernel
    this.settings = driver.settings
    this.verifier = driver.verifier
    this.invoker = driver.invoker
    this.synchronized = !initData.TurnOffSynchronization
    this.interruptLock = this.synchronized ? this.syncLock : new KernelLock('interrupt spin lock')
    this.instanceExtension = (initData.FilterInstanceExtensionSize ?? 0) > 0 ? {} : null
    const t = this.kernel.trace
    this.srbArgs = t.defineArgs('srb', [
      { name: 'command', format: 'enum:SRB' },
      { name: 'stream', format: 'int' },
      { name: 'srb', format: 'int' },
    ])
    this.srbEndArgs = t.defineArgs('srb-end', [
      { name: 'status', format: 'enum:NTSTATUS' },
      { name: 'bytes', format: 'int' },
      { name: 'srb', format: 'int' },
    ])
    t.defineEnum('SRB', SRB_COMMAND_NAMES)
    t.defineEnum('NTSTATUS', NTSTATUS_NAMES)
    t.defineEnum('KSSTATE', KSSTATE_NAMES)
    this.deliveredName = t.strings.intern('delivered')
    this.readyName = t.strings.intern('ReadyForNext')
    this.queueEventTrack = t.defineTrack({ name: 'Notifications', group: 'Class driver', kind: 'instants', order: 1 })
    this.deviceQueue = new RequestQueue('device', 'Device', this.queueTrack('Device queue', 2), this.synchronized, this.scheduleDelivery)
    this.timers = new StreamTimers(this)
    this.priority = new PriorityRoutines(this)
    this.clocks = new MasterClocks(this)
    this.events = new EventQueues(this)
    this.isr = new InterruptService(this)
    this.watchdog = new Watchdog(this)
  }

  // -------------------------------------------------------------------------------------------------
  // Where minidriver code runs

  /** IRQL and lock for minidriver code of a given context (docs/classdriver.md#contexts). */
  contextOf(ctx: CallContext): { irql: Irql; lock: KernelLock | null } {
    const sync = this.synchronized
    switch (ctx) {
      case 'request':
        return sync ? { irql: this.syncIrql, lock: this.syncLock } : { irql: PASSIVE_LEVEL, lock: null }
      case 'entry':
        return sync ? { irql: this.syncIrql, lock: this.syncLock } : { irql: DISPATCH_LEVEL, lock: null }
      case 'high':
        if (sync) return { irql: this.syncIrql, lock: this.syncLock }
        return this.interrupt !== null ? { irql: DEVICE_IRQL, lock: this.interruptLock } : { irql: DISPATCH_LEVEL, lock: null }
      case 'dispatch':
        return { irql: DISPATCH_LEVEL, lock: null }
      case 'low':
        return { irql: PASSIVE_LEVEL, lock: null }
      case 'event':
        return sync && this.settings.eventAndClockSynchronized ? { irql: this.syncIrql, lock: this.syncLock } : { irql: DISPATCH_LEVEL, lock: null }
    }
  }

  /** Schedules minidriver code as Work in the given context, ready at `at` (default now). */
  runMinidriver<T>(ctx: CallContext, run: (work: Work<T>) => void, data: T, at?: number): Work<T> {
    const { irql, lock } = this.contextOf(ctx)
    const work = new Work(irql, run, data)
    work.lock = lock
    this.kernel.submit(work, at)
    return work
  }

  /** Checks the raised-IRQL budget of the Work that just ran minidriver code `fn`. */
  checkBudget(work: Work<any>, fn: { name: string } | string): void {
    const cpu = this.kernel.currentCpu
    if (cpu === null) return
    const own = cpu.clock - work.startedAt - work.nestedTime
    const s = this.settings
    const limit = work.irql > DISPATCH_LEVEL ? s.dirqlBudgetNs : work.irql === DISPATCH_LEVEL ? s.dispatchBudgetNs : Infinity
    if (own <= limit) return
    const name = typeof fn === 'string' ? fn : fn.name || 'callback'
    if (work.irql > DISPATCH_LEVEL) {
      this.verifier.report('raised-irql-budget', `${name} ran ${(own / 1000).toFixed(1)} µs at DIRQL (budget ${s.dirqlBudgetNs / 1000} µs)`, { callback: name, location: null })
    } else if (work.irql === DISPATCH_LEVEL && own > s.dispatchBudgetNs) {
      this.verifier.report('raised-irql-budget', `${name} ran ${(own / 1e6).toFixed(3)} ms at DISPATCH_LEVEL (budget ${s.dispatchBudgetNs / 1e6} ms)`, { callback: name, location: null })
    }
  }

  // -------------------------------------------------------------------------------------------------
  // SRBs: building, delivering, completing

  /** Trace track of a queue's SRB lifetimes (one per queue name, reused across stream instances). */
  queueTrack(name: string, order: number): number {
    let track = this.queueTracks.get(name)
    if (track === undefined) {
      track = this.kernel.trace.defineTrack({ name, group: 'Class driver', kind: 'async', order })
      this.queueTracks.set(name, track)
    }
    return track
  }

  private commandName(command: number): number {
    let id = this.commandNames[command]
    if (id === undefined) id = this.commandNames[command] = this.kernel.trace.strings.intern(srbCommandName(command))
    return id
  }

  /** Builds an SRB for a queue and records the start of its lifetime. */
  newSrb(queue: RequestQueue, command: number, stream: StreamInstance | null, commandData: SRB_COMMAND_DATA, request: IoRequest, numberOfBuffers = 0): Srb {
    const kind = queue.kind
    const flags = kind === 'data' ? SRB_HW_FLAGS_DATA_TRANSFER | SRB_HW_FLAGS_STREAM_REQUEST : kind === 'control' ? SRB_HW_FLAGS_STREAM_REQUEST : 0
    const srb = new Srb(
      this.nextSrbId++,
      this,
      kind,
      command,
      stream?.object ?? null,
      this.extension,
      commandData,
      numberOfBuffers,
      flags,
      this.instanceExtension,
      stream?.number ?? null,
    )
    srb._request = request
    srb._queueRef = queue
    srb._stream = stream
    if (this.settings.initialStatus === 'pending') srb._Status = STATUS_PENDING
    if ((this.initData.PerRequestExtensionSize ?? 0) > 0) {
      srb._SRBExtension = this.settings.poisonCompletedSrbs ? new Proxy({}, new ExtensionGuard(srb)) : {}
    } else {
      srb._SRBExtension = null
    }
    const now = this.kernel.now()
    srb._submittedAt = now
    this.stats.total++
    this.stats.byCommand[command]++
    this.kernel.trace.async(EventKind.AsyncBegin, queue.track, now, this.commandName(command), srb._id, this.srbArgs, command, stream?.number ?? -1, srb._id)
    return srb
  }

  /** Sends an SRB down its queue. */
  submit(queue: RequestQueue, srb: Srb): Srb {
    srb._state = SrbState.Queued
    queue.submit(srb, this.kernel.now())
    return srb
  }

  /** Builds and submits a device SRB. */
  submitDevice(command: number, commandData: SRB_COMMAND_DATA, request: IoRequest, stream: StreamInstance | null = null): Srb {
    return this.submit(this.deviceQueue, this.newSrb(this.deviceQueue, command, stream, commandData, request))
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
    for (const b of buffers) this.buffersInFlight.set(b.alloc, srb)
    return this.submit(stream.data, srb)
  }

  private timeoutFor(kind: QueueKind): number {
    const s = this.settings
    return kind === 'data' ? s.dataTimeoutSeconds : kind === 'control' ? s.controlTimeoutSeconds : s.deviceTimeoutSeconds
  }

  /** Hands an SRB taken from its queue to the minidriver: a Work in the request context. */
  private readonly scheduleDelivery = (srb: Srb): void => {
    const work = this.runMinidriver('request', this.deliverWork, srb)
    work.a1 = srb._id
    work.a2 = srb._Command
  }

  private readonly deliverWork = (work: Work<Srb>): void => {
    const srb = work.data
    const queue = srb._queueRef!
    const stream = srb._stream
    if (srb._dead) {
      // Cancelled between leaving the queue and reaching a CPU: nothing was delivered.
      if (queue.synchronized) queue.undeliver(this.kernel.now())
      return
    }
    const now = this.kernel.now()
    srb._state = SrbState.Delivered
    srb._deliveredAt = now
    srb._deliveryTrack = this.kernel.currentCpu!.track
    srb._deliverySliceStart = work.startedAt
    srb._TimeoutCounter = srb._TimeoutOriginal = this.timeoutFor(queue.kind)
    this.held.add(srb)
    this.kernel.trace.async(EventKind.AsyncInstant, queue.track, now, this.deliveredName, srb._id)
    work.args = 0
    let kind: CallbackKind
    let fn: ((srb: Srb) => void) | null | undefined
    if (queue.kind === 'device') {
      kind = 'HwReceivePacket'
      fn = this.initData.HwReceivePacket
    } else if (queue.kind === 'control') {
      kind = 'ReceiveControlPacket'
      fn = stream!.object.ReceiveControlPacket
    } else {
      kind = 'ReceiveDataPacket'
      fn = stream!.object.ReceiveDataPacket
    }
    if (typeof fn !== 'function') {
      this.kernel.bugcheck(BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED, `the class driver called a NULL ${kind} for ${srbCommandName(srb._Command)} (access violation)`, {
        callback: kind,
      })
    }
    this.invoker.call(kind, fn, srb, srb, stream)
    if (stream !== null && queue.kind === 'data' && srb._Command === SRB_READ_DATA && !srb._dead && stream.state === KSSTATE_STOP) {
      this.verifier.report('read-in-stop', `${fn.name || kind} kept SRB_READ_DATA #${srb._id} while ${stream.label} is in KSSTATE_STOP; complete reads at once in STOP`, {
        srb: this.srbRef(srb),
        callback: fn.name || kind,
        location: null,
      })
    }
    this.checkBudget(work, fn)
  }

  /** Short form of an SRB for findings. */
  srbRef(srb: Srb): { id: number; command: string; stream: number | null } {
    return { id: srb._id, command: srbCommandName(srb._Command), stream: srb._streamNumber }
  }

  /**
   * A completion notification from the minidriver. `via` says which notification it used; `streamArg`
   * is the stream object it passed to StreamClassStreamNotification.
   */
  completeFromMinidriver(candidate: unknown, via: 'device' | 'stream' | 'either', streamArg: unknown = null): void {
    const inCancel = this.invoker.current?.kind === 'HwCancelPacket'
    if (!(candidate instanceof Srb) || candidate._watcher !== this) {
      this.verifier.report(inCancel ? 'cancel-misuse' : 'foreign-srb-completion', `completion of ${describe(candidate)}, which is not an SRB of this device`)
      return
    }
    const srb = candidate
    const ref = this.srbRef(srb)
    const label = `${ref.command} #${srb._id}`
    if (srb._state === SrbState.Aborted) {
      this.verifier.report(inCancel ? 'cancel-misuse' : 'foreign-srb-completion', `${label} was already completed by the class driver (aborted or cancelled); the minidriver must forget it`, { srb: ref })
      return
    }
    if (srb._state === SrbState.Completed) {
      this.verifier.report(inCancel ? 'cancel-misuse' : 'double-completion', `${label} completed a second time`, { srb: ref })
      return
    }
    if (srb._state !== SrbState.Delivered) {
      this.verifier.report(inCancel ? 'cancel-misuse' : 'foreign-srb-completion', `${label} was never delivered to the minidriver (it is still queued in the class driver)`, { srb: ref })
      return
    }
    if (via === 'device' && srb._queue !== 'device') {
      this.verifier.report('wrong-notification', `${label} is a stream SRB but was completed with DeviceRequestComplete; use StreamRequestComplete`, { srb: ref })
    } else if (via === 'stream' && srb._queue === 'device') {
      this.verifier.report('wrong-notification', `${label} is a device SRB but was completed with StreamRequestComplete; use DeviceRequestComplete`, { srb: ref })
    } else if (via === 'stream' && streamArg !== srb._StreamObject) {
      this.verifier.report('wrong-notification', `${label} belongs to stream ${srb._streamNumber} but StreamClassStreamNotification was given a different stream object`, { srb: ref })
    }
    if (srb._Status === STATUS_POISON) {
      this.verifier.report('pending-status-completion', `${label} completed without setting srb.Status`, { srb: ref })
    } else if (srb._Status === STATUS_PENDING) {
      this.verifier.report('pending-status-completion', `${label} completed with STATUS_PENDING; set the final status before completing`, { srb: ref })
    }
    this.finish(srb, SrbState.Completed)
  }

  /** Ends an SRB's life (by the minidriver or by the class driver) and tells the requester. */
  finish(srb: Srb, state: SrbState, status?: number): void {
    if (status !== undefined) srb._Status = status
    const wasHeld = srb._state === SrbState.Delivered
    srb._state = state
    if (wasHeld) this.held.delete(srb)
    const k = this.kernel
    const now = k.now()
    const st = srb._Status
    if (st === STATUS_SUCCESS) this.stats.completed++
    else if (st === STATUS_CANCELLED) this.stats.cancelled++
    const queue = this.queueOf(srb)
    k.trace.async(EventKind.AsyncEnd, queue.track, now, this.commandName(srb._Command), srb._id, this.srbEndArgs, st, this.bytesOf(srb), srb._id)
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
        this.buffersInFlight.delete(b.alloc)
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

  streamOfObject(object: unknown): StreamInstance | null {
    if (object === null || typeof object !== 'object') return null
    return this.streamByObject.get(object) ?? null
  }

  /** ReadyForNext on a queue: meaningless without synchronization, a latch with it. */
  markReady(queue: RequestQueue): void {
    const now = this.kernel.now()
    this.kernel.trace.instant(this.queueEventTrack, now, this.readyName, 0)
    if (!this.synchronized) {
      this.verifier.report('ready-without-sync', `ReadyForNext on the ${queue.label.toLowerCase()} queue, but TurnOffSynchronization is TRUE: the signal means nothing`)
      return
    }
    if (!queue.markReady(now)) {
      this.verifier.report('duplicate-ready', `ReadyForNext on the ${queue.label.toLowerCase()} queue, which was already ready (no request delivered since the last signal)`)
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
    const handler = this.initData.HwCancelPacket
    if (typeof handler !== 'function' || srbs.length === 0) {
      then?.()
      return
    }
    this.runMinidriver(
      'entry',
      (work) => {
        for (const srb of srbs) {
          if (srb._dead) continue
          srb._cancelCalled = true
          this.invoker.call('HwCancelPacket', handler, srb, srb, this.streamOfObject(srb._StreamObject))
        }
        this.checkBudget(work, handler)
        then?.()
      },
      null,
    )
  }

  /** StreamClassAbortOutstandingRequests: everything of one stream (or of the device) completes with `status`. */
  abort(stream: StreamInstance | null, status: number): void {
    const queues = stream !== null ? [stream.control, stream.data] : [this.deviceQueue, ...this.streams.flatMap((s) => [s.control, s.data])]
    const held = [...this.held].filter((srb) => stream === null || srb._StreamObject === stream.object)
    if (this.settings.abortCallsCancel && typeof this.initData.HwCancelPacket === 'function') {
      for (const srb of held) {
        if (srb._dead) continue
        srb._cancelCalled = true
        this.invoker.call('HwCancelPacket', this.initData.HwCancelPacket, srb, srb, this.streamOfObject(srb._StreamObject))
      }
    }
    const now = this.kernel.now()
    for (const srb of held) if (!srb._dead) this.finish(srb, SrbState.Aborted, status)
    for (const q of queues) {
      for (const srb of q.drain()) if (!srb._dead) this.finish(srb, SrbState.Aborted, status)
      // "This call also signals the class driver that the minidriver is ready to receive new requests."
      if (q.synchronized) q.markReady(now)
    }
  }

  // -------------------------------------------------------------------------------------------------
  // SrbWatcher

  touchedAfterCompletion(srb: Srb, what: string): void {
    if (!this.settings.poisonCompletedSrbs || srb._touchReported || this.invoker.depth === 0) return
    srb._touchReported = true
    this.verifier.report('use-after-completion', `${srbCommandName(srb._Command)} #${srb._id} touched after completion (${what}); the class driver may already have freed it`, { srb: this.srbRef(srb) })
  }

  extensionOverrun(srb: Srb, field: string, end: number, size: number): void {
    if (this.invoker.depth === 0) return
    this.verifier.report('buffer-overrun', `KS_FRAME_INFO.${field} written at bytes ..${end} of a media-specific header of ${size} bytes (StreamHeaderMediaSpecific); declare sizeof('KS_FRAME_INFO')`, { srb: this.srbRef(srb) })
  }

  // -------------------------------------------------------------------------------------------------
  // PnP and power

  /** PnP start: resources to ConfigInfo, interrupt, DMA buffer, then INITIALIZE, GET_STREAM_INFO, INITIALIZATION_COMPLETE. */
  start(done: (status: number) => void): void {
    if (this.state !== 'added' && this.state !== 'stopped') return done(STATUS_INVALID_PARAMETER)
    this.state = 'starting'
    const res = this.card.resources()
    const k = this.kernel
    const accessRanges = res.memory.map((m) => ({
      RangeStart: this.machine.bus.vaOfPhysical(m.physical) ?? m.physical,
      RangeLength: m.length,
      RangeInMemory: 1,
      Reserved: 0,
    }))
    if (typeof this.initData.HwInterrupt === 'function' && res.interrupt !== null) {
      // MSI resources come on the message vector (latched, not shared); INTx on the shared line.
      const vector = res.interrupt.mode === 'latched' ? this.machine.msiVector : this.machine.intaVector
      this.interrupt = vector.connect(this.initData.HwInterrupt.name || 'HwInterrupt', this.isr.service, this.interruptLock)
      this.syncIrql = vector.irql
    }
    const dmaSize = this.initData.DmaBufferSize ?? 0
    if (dmaSize > 0 && this.dmaBuffer === null) {
      this.dmaBuffer = this.machine.memory.allocate(dmaSize, { kind: 'common-buffer', owner: 'stream class DMA buffer', contiguous: true })
      this.dmaBuffer.locked = true
      this.dmaBuffer.mappedForDevice = true
    }
    const pdo = { name: `PDO ${this.card.name}` }
    const interrupt = this.interrupt
    this.configInfo = {
      SizeOfThisPacket: STRUCT_SIZES.PORT_CONFIGURATION_INFORMATION,
      HwDeviceExtension: this.extension,
      ClassDeviceObject: { name: 'stream class FDO' },
      PhysicalDeviceObject: pdo,
      SystemIoBusNumber: 0,
      AdapterInterfaceType: 5,
      BusInterruptLevel: res.interrupt?.level ?? 0,
      BusInterruptVector: res.interrupt?.vector ?? 0,
      InterruptMode: res.interrupt?.mode === 'latched' ? 1 : 0,
      DmaChannel: 0xffffffff,
      NumberOfAccessRanges: accessRanges.length,
      AccessRanges: accessRanges,
      StreamDescriptorSize: 0,
      Irp: { MajorFunction: 0x1b, MinorFunction: 0, Tail: { Overlay: { DriverContext: [] } } },
      InterruptObject: interrupt === null ? null : { Vector: res.interrupt!.vector, Irql: interrupt.vector.irql },
      DmaAdapterObject: this.initData.BusMasterDMA ? { name: 'DMA adapter', addressBits: res.dma?.addressBits ?? 32 } : null,
      RealPhysicalDeviceObject: pdo,
      Reserved: [0],
    }
    const config = this.configInfo
    this.watchdog.start()
    this.submitDevice(SRB_INITIALIZE_DEVICE, { ConfigInfo: config }, {
      check: (srb) => {
        if (srb._Status === STATUS_SUCCESS && !(config.StreamDescriptorSize > 0)) {
          this.verifier.report('stream-descriptor-size', 'SRB_INITIALIZE_DEVICE succeeded without setting ConfigInfo.StreamDescriptorSize', { srb: this.srbRef(srb) })
        }
      },
      onComplete: (srb) => {
        const size = config.StreamDescriptorSize >>> 0
        if (!NT_SUCCESS(srb._Status) || srb._state !== SrbState.Completed) return this.startFailed(srb._Status, done)
        if (size === 0) return this.startFailed(STATUS_NO_SUCH_DEVICE, done)
        this.requestStreamInfo(size, done)
      },
    })
    void k
  }

  private requestStreamInfo(size: number, done: (status: number) => void): void {
    const capacity = Math.max(0, Math.floor((size - STRUCT_SIZES.HW_STREAM_HEADER) / STRUCT_SIZES.HW_STREAM_INFORMATION))
    const descriptor: HW_STREAM_DESCRIPTOR = {
      StreamHeader: zeroStreamHeader(),
      StreamInfo: Array.from({ length: capacity }, zeroStreamInformation),
    }
    const srb = this.newSrb(this.deviceQueue, SRB_GET_STREAM_INFO, null, { StreamBuffer: descriptor }, {
      check: (s) => checkStreamInfo(this, s, descriptor, size, capacity),
      onComplete: (s) => {
        if (!NT_SUCCESS(s._Status) || s._state !== SrbState.Completed) return this.startFailed(s._Status, done)
        this.streamHeader = descriptor.StreamHeader
        this.streamInfos = descriptor.StreamInfo.slice(0, descriptor.StreamHeader.NumberOfStreams >>> 0)
        this.submitDevice(SRB_INITIALIZATION_COMPLETE, {}, {
          onComplete: () => {
            this.state = 'started'
            done(STATUS_SUCCESS)
          },
        })
      },
    })
    srb._NumberOfBytesToTransfer = size
    this.submit(this.deviceQueue, srb)
  }

  private startFailed(status: number, done: (status: number) => void): void {
    this.state = 'start-failed'
    this.disconnectInterrupt()
    this.watchdog.stop()
    done(NT_SUCCESS(status) ? STATUS_NO_SUCH_DEVICE : status)
  }

  /** PnP stop or remove: SRB_UNINITIALIZE_DEVICE, then the class driver frees what it allocated. */
  stop(done: (status: number) => void): void {
    if (this.state !== 'started' && this.state !== 'removed') return done(STATUS_INVALID_PARAMETER)
    const wasRemoved = this.state === 'removed'
    this.state = 'stopping'
    this.submitDevice(SRB_UNINITIALIZE_DEVICE, {}, {
      onComplete: (srb) => {
        if (srb._Status === STATUS_SUCCESS || wasRemoved) {
          this.checkInterruptsDisabled('SRB_UNINITIALIZE_DEVICE')
          for (const held of this.held) {
            this.verifier.report('srb-orphaned', `${srbCommandName(held._Command)} #${held._id} was never completed before the device was uninitialized`, { srb: this.srbRef(held), location: null, callback: null })
          }
          this.disconnectInterrupt()
          if (this.dmaBuffer !== null) this.machine.memory.free(this.dmaBuffer)
          this.dmaBuffer = null
          this.watchdog.stop()
          this.state = wasRemoved ? 'removed' : 'stopped'
        } else {
          this.state = 'started'
        }
        done(srb._Status)
      },
    })
  }

  /** The hardware vanished: the card stops answering, then SRB_SURPRISE_REMOVAL. */
  surpriseRemove(done: (status: number) => void): void {
    this.card.surpriseRemove()
    this.submitDevice(SRB_SURPRISE_REMOVAL, {}, {
      onComplete: (srb) => {
        this.state = 'removed'
        done(srb._Status)
      },
    })
  }

  /** SRB_CHANGE_POWER_STATE. Going down, the driver must have disabled interrupts first; the card then loses power. */
  changePower(state: number, done: (status: number) => void): void {
    if (state === 1) this.card.setPowerState(1)
    this.submitDevice(SRB_CHANGE_POWER_STATE, { DeviceState: state }, {
      onComplete: (srb) => {
        if (NT_SUCCESS(srb._Status) || srb._Status === STATUS_NOT_IMPLEMENTED) {
          if (state !== 1) {
            this.checkInterruptsDisabled(`SRB_CHANGE_POWER_STATE(D${state - 1})`)
            this.card.setPowerState(state as 2 | 3 | 4)
          }
          this.power = state
        }
        done(srb._Status)
      },
    })
  }

  /** SRB_PAGING_OUT_DRIVER: only with nothing open. */
  pageOut(done: (status: number) => void): void {
    if (this.streams.length > 0 || this.openInstances > 0) return done(STATUS_INVALID_PARAMETER)
    this.submitDevice(SRB_PAGING_OUT_DRIVER, {}, {
      onComplete: (srb) => {
        if (NT_SUCCESS(srb._Status)) this.checkInterruptsDisabled('SRB_PAGING_OUT_DRIVER')
        done(srb._Status)
      },
    })
  }

  private checkInterruptsDisabled(after: string): void {
    if (this.card.interruptsEnabled()) {
      this.verifier.report('interrupts-left-enabled', `the card still has interrupts enabled after ${after}`, { location: null, callback: null })
    }
  }

  private disconnectInterrupt(): void {
    if (this.interrupt !== null) this.interrupt.vector.disconnect(this.interrupt)
    this.interrupt = null
    this.syncIrql = DISPATCH_LEVEL
  }

  // -------------------------------------------------------------------------------------------------
  // Streams

  /**
   * The client opens the filter (a device instance): NOTIFY_IDLE_STATE(FALSE) before the first open,
   * then SRB_OPEN_DEVICE_INSTANCE for a multi-instance driver. Pins (streams) are opened on a filter.
   */
  openFilter(done: (status: number) => void): void {
    if (this.state !== 'started') return done(STATUS_INVALID_PARAMETER)
    if (this.openInstances > 0) {
      this.openInstances++
      return done(STATUS_SUCCESS)
    }
    this.submitDevice(SRB_NOTIFY_IDLE_STATE, { Idle: 0 }, {
      onComplete: () => {
        if (this.instanceExtension === null) {
          this.openInstances++
          return done(STATUS_SUCCESS)
        }
        this.submitDevice(SRB_OPEN_DEVICE_INSTANCE, { FilterTypeIndex: 0 }, {
          onComplete: (srb) => {
            if (NT_SUCCESS(srb._Status)) this.openInstances++
            done(srb._Status)
          },
        })
      },
    })
  }

  /** The client closes a filter: CLOSE_DEVICE_INSTANCE, and NOTIFY_IDLE_STATE(TRUE) after the last one. */
  closeFilter(done: () => void): void {
    if (this.openInstances === 0) return done()
    if (--this.openInstances > 0) return done()
    const idle = (): void => {
      this.submitDevice(SRB_NOTIFY_IDLE_STATE, { Idle: 1 }, {
        onComplete: () => (this.settings.powerDownWhenUnopened ? this.changePower(4, () => done()) : done()),
      })
    }
    if (this.instanceExtension === null) return idle()
    this.submitDevice(SRB_CLOSE_DEVICE_INSTANCE, {}, { onComplete: idle })
  }

  /** SRB_GET_DATA_INTERSECTION for one of the client's ranges. */
  intersect(streamNumber: number, range: PKSDATAFORMAT, bufferSize: number, done: (srb: Srb) => void): void {
    const info = { StreamNumber: streamNumber, DataRange: range, DataFormatBuffer: null as object | number | null, SizeOfDataFormatBuffer: bufferSize }
    this.submitDevice(SRB_GET_DATA_INTERSECTION, { IntersectInfo: info }, { check: (srb) => checkIntersection(this, srb, info), onComplete: done })
  }

  /** Opens an instance of stream `number` (a pin of an open filter) with `format`: SRB_OPEN_STREAM. */
  openStream(number: number, format: PKSDATAFORMAT, done: (status: number, stream: StreamInstance | null) => void): void {
    if (this.state !== 'started' || this.openInstances === 0 || number < 0 || number >= this.streamInfos.length) return done(STATUS_INVALID_PARAMETER, null)
    {
      const info = this.streamInfos[number]
      let ext: any = {}
      if (!this.settings.zeroStreamExtension) ext = this.staleExtensions.get(number) ?? {}
      const object = new StreamObject(number, ext, this.extension)
      const control = new RequestQueue('control', `Stream ${number} control`, this.queueTrack(`Stream ${number} control`, 10 + 2 * number), this.synchronized, this.scheduleDelivery)
      const data = new RequestQueue('data', `Stream ${number} data`, this.queueTrack(`Stream ${number} data`, 11 + 2 * number), this.synchronized, this.scheduleDelivery)
      const stream = new StreamInstance(number, object, info, control, data)
      this.streamByObject.set(object, stream)
      this.streams.push(stream)
      const openFormat = copyFormat(format)
      this.submitDevice(SRB_OPEN_STREAM, { OpenFormat: openFormat }, {
        check: (srb) => checkOpenStream(this, srb, stream),
        onComplete: (srb) => {
          if (NT_SUCCESS(srb._Status) && srb._state === SrbState.Completed) {
            stream.open = true
            stream.format = openFormat
            return done(srb._Status, stream)
          }
          this.streams.splice(this.streams.indexOf(stream), 1)
          stream.closed = true
          done(srb._Status, null)
        },
      }, stream)
    }
  }

  /** Closes a stream: cancel its outstanding buffers through HwCancelPacket, then SRB_CLOSE_STREAM. */
  closeStream(stream: StreamInstance, done: (status: number) => void): void {
    for (const q of [stream.control, stream.data]) for (const srb of q.drain()) this.finish(srb, SrbState.Aborted, STATUS_CANCELLED)
    const outstanding = [...this.held].filter((srb) => srb._StreamObject === stream.object && srb._queue === 'data')
    this.callCancel(outstanding, () => {
      this.submitDevice(SRB_CLOSE_STREAM, {}, {
        check: (srb) => {
          if (srb._Status === STATUS_SUCCESS) this.invoker.afterCurrentReturns(() => checkCloseStream(this, stream))
        },
        onComplete: (srb) => {
          if (!NT_SUCCESS(srb._Status) && srb._state === SrbState.Completed) return done(srb._Status)
          stream.open = false
          stream.closed = true
          this.clocks.streamClosed(stream)
          this.staleExtensions.set(stream.number, stream.object.HwStreamExtension)
          const i = this.streams.indexOf(stream)
          if (i >= 0) this.streams.splice(i, 1)
          done(srb._Status)
        },
      }, stream)
    })
  }

  /** SRB_SET_STREAM_STATE, with the class driver's STOP bookkeeping. */
  setState(stream: StreamInstance, state: KSSTATE, done: (srb: Srb) => void): void {
    this.submitControl(stream, SRB_SET_STREAM_STATE, { StreamState: state }, {
      check: (srb) => {
        if (srb._Status !== STATUS_SUCCESS) return
        const from = stream.state
        stream.state = state
        if (state === KSSTATE_STOP || state === KSSTATE_ACQUIRE) stream.countersMayReset = true
        if (state === KSSTATE_STOP) {
          stream.lastPresentationTime = -Infinity
          this.invoker.afterCurrentReturns(() => this.afterStop(stream))
        }
        void from
      },
      onComplete: done,
    })
  }

  /** After STOP: under synchronization the class driver cancels leftover reads; then none may remain. */
  private afterStop(stream: StreamInstance): void {
    const reads = () => [...this.held].filter((s) => s._StreamObject === stream.object && s._queue === 'data')
    const verify = () => {
      for (const srb of reads()) {
        this.verifier.report('read-in-stop', `${srbCommandName(srb._Command)} #${srb._id} still outstanding after ${stream.label} was set to KSSTATE_STOP`, {
          srb: this.srbRef(srb),
          location: null,
          callback: null,
        })
      }
    }
    if (this.synchronized && this.settings.cancelReadsOnStop) this.callCancel(reads(), verify)
    else verify()
  }

  /** Property GET/SET on the device (stream null) or a stream. */
  property(stream: StreamInstance | null, command: number, descriptor: NonNullable<SRB_COMMAND_DATA['PropertyInfo']>, done: (srb: Srb) => void): void {
    const request: IoRequest = { check: (srb) => checkProperty(this, srb, descriptor), onComplete: done }
    if (stream === null) this.submitDevice(command, { PropertyInfo: descriptor }, request)
    else this.submitControl(stream, command, { PropertyInfo: descriptor }, request)
  }

  /** A data SRB whose completion is checked (DataUsed, time stamps, counters). */
  readWrite(stream: StreamInstance, command: number, buffers: DataBuffer[], done: (srb: Srb) => void): Srb {
    return this.submitData(stream, command, buffers, {
      check: (srb) => {
        if (isDataCommand(srb._Command)) checkDataCompletion(this, srb, stream)
      },
      onComplete: done,
    })
  }

  /** Any other SRB, for the SRB paths without special handling. */
  send(stream: StreamInstance | null, command: number, commandData: SRB_COMMAND_DATA, done: (srb: Srb) => void): Srb {
    if (stream === null) return this.submitDevice(command, commandData, { onComplete: done })
    return this.submitControl(stream, command, commandData, { onComplete: done })
  }

  /** Looks up a stream by any of its (open) instances' numbers. */
  openStreamsOf(number: number): StreamInstance[] {
    return this.streams.filter((s) => s.number === number && s.open)
  }

  statusName(status: number): string {
    return ntStatusName(status)
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

function zeroStreamHeader(): HW_STREAM_HEADER {
  return {
    NumberOfStreams: 0,
    SizeOfHwStreamInformation: 0,
    NumDevPropArrayEntries: 0,
    DevicePropertiesArray: null,
    NumDevEventArrayEntries: 0,
    DeviceEventsArray: null,
    Topology: null,
    DeviceEventRoutine: null,
    NumDevMethodArrayEntries: 0,
    DeviceMethodsArray: null,
  }
}

function zeroStreamInformation(): HW_STREAM_INFORMATION {
  return {
    NumberOfPossibleInstances: 0,
    DataFlow: 0,
    DataAccessible: 0,
    NumberOfFormatArrayEntries: 0,
    StreamFormatsArray: null,
    ClassReserved: [null, null, null, null],
    NumStreamPropArrayEntries: 0,
    StreamPropertiesArray: null,
    NumStreamEventArrayEntries: 0,
    StreamEventsArray: null,
    Category: null,
    Name: null,
    MediumsCount: 0,
    Mediums: null,
    BridgeStream: 0,
    Reserved: [0, 0],
  }
}

/**
 * A format as the class driver hands it to the minidriver: a deep copy (the C bytes are copied), with
 * the KSDATAFORMAT fields at the top and the same object as `DataFormat` / `DataRange`.
 */
export function copyFormat(format: object): PKSDATAFORMAT {
  const src = format as Record<string, any>
  const header = (src.DataFormat ?? src.DataRange ?? src) as Record<string, any>
  const out: Record<string, any> = structuredClone(
    Object.fromEntries(Object.entries(src).filter(([k, v]) => k !== 'DataFormat' && k !== 'DataRange' && typeof v !== 'function')),
  )
  for (const key of ['FormatSize', 'Flags', 'SampleSize', 'Reserved', 'MajorFormat', 'SubFormat', 'Specifier']) out[key] = header[key] ?? (key.endsWith('Format') || key === 'Specifier' ? '' : 0)
  for (const key of ['MajorFormat', 'SubFormat', 'Specifier']) if (typeof out[key] === 'string' && out[key]) out[key] = normalizeGuid(out[key])
  out.DataFormat = out
  out.DataRange = out
  return out as PKSDATAFORMAT
}
