import type { Machine } from '../hw/machine.js'
import type { PciDevice } from '../hw/pciDevice.js'
import { BUGCHECK } from '../sim/bugcheck.js'
import type { Kernel } from '../sim/kernel.js'
import { PASSIVE_LEVEL } from '../sim/irql.js'
import { Work } from '../sim/work.js'
import { ContainerFinder, driverMemory } from './containers.js'
import { StreamClassDevice } from './device.js'
import { FilterServices } from './filterServices.js'
import { validateInitData } from './initData.js'
import { Invoker, type UserCodeLocator } from './invocation.js'
import { PoolAllocator } from './pool.js'
import type { ClassDriverSettings } from './settings.js'
import { Srb, SrbState, srbRef } from './srb.js'
import type { StreamInstance } from './stream.js'
import { Verifier } from './verifier/verifier.js'
import type { GUID, KSEVENT_ENTRY } from './wdk/ks.js'
import { NT_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_REVISION_MISMATCH, STATUS_SUCCESS, ntStatusName } from './wdk/ntstatus.js'
import { srbCommandName } from './wdk/srbCommands.js'
import {
  DeleteDeviceEvent,
  DeleteStreamEvent,
  DeviceRequestComplete,
  Dispatch,
  DmaBuffer,
  HardwareStarved,
  Low,
  PerRequestExtension,
  ReadyForNextDeviceRequest,
  ReadyForNextStreamControlRequest,
  ReadyForNextStreamDataRequest,
  SRBDataBuffer,
  SignalDeviceEvent,
  SignalMultipleDeviceEvents,
  SignalMultipleDeviceInstanceEvents,
  SignalMultipleStreamEvents,
  SignalStreamEvent,
  STREAM_CLASS_VERSION_20,
  StreamRequestComplete,
  type HW_INITIALIZATION_DATA,
  type HW_TIME_CONTEXT,
  type PHW_PRIORITY_ROUTINE,
  type PHW_QUERY_CLOCK_ROUTINE,
  type PHW_TIMER_ROUTINE,
  type PULONG,
} from './wdk/strminiTypes.js'

/** The DRIVER_OBJECT handed to DriverEntry. */
export class DriverObject {
  readonly DriverName: string
  /** Set by StreamClassRegisterMinidriver. */
  registered = false
  constructor(name: string) {
    this.DriverName = `\\Driver\\${name}`
  }
}

export interface DriverOptions {
  settings: ClassDriverSettings
  locator: UserCodeLocator
  /** Overrides TurnOffSynchronization (mdwb run --sync on|off). */
  forceSync?: boolean
}

/** Services that, under synchronization, belong at the synchronized level (docs/classdriver.md#service-contexts). */
const SYNC_SERVICE = true

/**
 * The emulated stream class driver (stream.sys) for one minidriver: the driver object, registration,
 * its devices, and the stream-class services the minidriver calls through 'strmini'.
 */
export class StreamClassDriver {
  readonly kernel: Kernel
  readonly settings: ClassDriverSettings
  readonly verifier: Verifier
  readonly invoker: Invoker
  readonly driverObject: DriverObject
  initData: Readonly<HW_INITIALIZATION_DATA> | null = null
  version = 0
  readonly devices: StreamClassDevice[] = []
  /** ExAllocatePool's blocks, accounted (docs/classdriver.md#pool). */
  readonly pool: PoolAllocator
  /** StreamClassRegisterFilterWithNoKSPins, StreamClassFilterReenumerateStreams, StreamClassDebugAssert. */
  readonly filters: FilterServices
  private readonly containers = new ContainerFinder()
  /** Debug output of the run, kept for the report (capped). */
  readonly debugOutput: { timeNs: number; text: string }[] = []
  private readonly debugTrack: number
  private readonly debugName: number
  private lowPriorityWarned = new Set<string>()

  constructor(
    readonly machine: Machine,
    private readonly options: DriverOptions,
    driverName: string,
  ) {
    this.kernel = machine.kernel
    this.settings = options.settings
    this.invoker = new Invoker(this.kernel, options.locator)
    this.verifier = new Verifier(this.kernel, () => this.invoker.locator.here(), () => this.invoker.currentName())
    this.verifier.maxFindings = this.settings.maxFindings > 0 ? this.settings.maxFindings : Infinity
    this.driverObject = new DriverObject(driverName)
    machine.interrupts.stormThreshold = this.settings.stormThreshold
    machine.intaVector.stormThreshold = this.settings.stormThreshold
    this.debugTrack = this.kernel.trace.defineTrack({ name: 'Debug output', group: 'Class driver', kind: 'instants', order: 0 })
    this.debugName = this.kernel.trace.strings.intern('DbgPrint')
    this.pool = new PoolAllocator({
      verifier: this.verifier,
      enter: (service) => this.enter(service),
      currentIrql: () => this.kernel.currentIrql(),
      now: () => this.kernel.now(),
      here: () => this.invoker.locator.here(),
      callback: () => this.invoker.currentName(),
    })
    this.filters = new FilterServices(this)
  }

  /** Loads the minidriver: DriverEntry at PASSIVE_LEVEL. `done` gets its status (a failure unloads it). */
  load(driverEntry: unknown, done: (status: number, message: string | null) => void): void {
    const k = this.kernel
    if (typeof driverEntry !== 'function') {
      k.scheduleOs(k.now(), () => done(STATUS_INVALID_PARAMETER, 'the driver module does not export a DriverEntry function'), null)
      return
    }
    const work = new Work(PASSIVE_LEVEL, () => {
      const status = this.invoker.call('DriverEntry', (obj: DriverObject) => (driverEntry as (a: unknown, b: unknown) => unknown)(obj, '\\Registry\\Machine\\System\\CurrentControlSet\\Services\\minidriver'), this.driverObject) as number
      const st = typeof status === 'number' ? status >>> 0 : STATUS_INVALID_PARAMETER
      let message: string | null = null
      if (typeof status !== 'number') message = `DriverEntry returned ${String(status)} instead of an NTSTATUS`
      else if (!NT_SUCCESS(st)) message = `DriverEntry returned ${ntStatusName(st)}: the driver is unloaded`
      else if (!this.driverObject.registered) message = 'DriverEntry succeeded without calling StreamClassRegisterMinidriver'
      k.scheduleOs(k.now(), () => done(message === null ? STATUS_SUCCESS : st === STATUS_SUCCESS ? STATUS_INVALID_PARAMETER : st, message), null)
    }, null)
    k.submit(work)
  }

  /** AddDevice: the PnP manager found a card this driver serves. */
  addDevice(card: PciDevice): StreamClassDevice {
    if (this.initData === null) throw new Error('addDevice before the minidriver registered')
    const device = new StreamClassDevice(this, this.machine, card, this.initData)
    this.devices.push(device)
    return device
  }

  // -------------------------------------------------------------------------------------------------
  // Service entry

  /**
   * Every service starts here: it costs CPU time, lets events catch up (a checkpoint), and applies the
   * context rules of docs/classdriver.md#service-contexts.
   */
  enter(service: string, syncService = false): void {
    const k = this.kernel
    k.charge(k.costs.serviceCall)
    k.checkpoint()
    const inv = this.invoker
    if (inv.captureNextLocation) {
      inv.captureNextLocation = false
      inv.capturedLocation = inv.locator.here()
    }
    if (syncService && this.settings.warnServicesFromLowerPriority) {
      const cur = inv.current
      if (cur !== null && cur.kind === 'PriorityRoutine' && (cur.priority === Low || cur.priority === Dispatch) && this.devices.some((d) => d.synchronized)) {
        const key = `${service}/${cur.name}`
        if (!this.lowPriorityWarned.has(key)) {
          this.lowPriorityWarned.add(key)
          this.verifier.report('irql-violation', `${service} called from a ${cur.priority === Low ? 'Low' : 'Dispatch'} priority routine under synchronization; return to High first (LowToHigh)`, {
            severity: 'warning',
          })
        }
      }
    }
  }

  /** The device whose extension this is; a wrong pointer is a crash, as in C. */
  deviceOf(ext: unknown, service: string): StreamClassDevice {
    for (const d of this.devices) if (d.extension === ext) return d
    throw new TypeError(`${service}: the HwDeviceExtension argument is not the device extension the class driver gave this driver`)
  }

  private streamOf(object: unknown, service: string): { device: StreamClassDevice; stream: StreamInstance } {
    for (const d of this.devices) {
      const s = d.streamOfObject(object)
      if (s !== null) {
        if (s.closed) {
          this.verifier.report('outstanding-at-close', `${service} on ${s.label} after SRB_CLOSE_STREAM`)
        }
        return { device: d, stream: s }
      }
    }
    throw new TypeError(`${service}: the stream object argument is not a stream object of this driver`)
  }

  // -------------------------------------------------------------------------------------------------
  // Registration

  registerMinidriver(driverObject: unknown, _registryPath: unknown, hwInitData: unknown): number {
    this.enter('StreamClassRegisterMinidriver')
    const cur = this.invoker.current
    if (cur === null || cur.kind !== 'DriverEntry') {
      this.verifier.report('irql-violation', 'StreamClassRegisterMinidriver may only be called from DriverEntry')
    }
    if (driverObject !== this.driverObject) {
      this.verifier.report('init-data-invalid', 'StreamClassRegisterMinidriver was not given the DriverObject passed to DriverEntry')
      return STATUS_INVALID_PARAMETER
    }
    const { data, version } = validateInitData(hwInitData, this.verifier, this.settings)
    if (data === null) return (hwInitData as { HwInitializationDataSize?: unknown })?.HwInitializationDataSize === undefined ? STATUS_INVALID_PARAMETER : STATUS_REVISION_MISMATCH
    if (this.options.forceSync !== undefined) data.TurnOffSynchronization = this.options.forceSync ? 0 : 1
    this.initData = Object.freeze(data)
    this.version = version
    this.driverObject.registered = true
    return STATUS_SUCCESS
  }

  /**
   * Hot swap: passes every minidriver function the class driver holds through `replace` (init data,
   * the stream header's event routine, each stream object's packet, clock and event routines, pending
   * timers, priority routines and clock queries) and keeps what it returns.
   */
  swapCallbacks(replace: (f: Function) => Function): void {
    const swapFields = <T extends object>(o: T | null | undefined): void => {
      if (o === null || o === undefined) return
      for (const key of Object.keys(o)) {
        const v = (o as Record<string, unknown>)[key]
        if (typeof v === 'function') (o as Record<string, unknown>)[key] = replace(v)
      }
    }
    const swapInitData = (data: Readonly<HW_INITIALIZATION_DATA>): Readonly<HW_INITIALIZATION_DATA> => {
      const copy = { ...data }
      swapFields(copy)
      return Object.freeze(copy)
    }
    if (this.initData !== null) this.initData = swapInitData(this.initData)
    for (const d of this.devices) {
      ;(d as { initData: Readonly<HW_INITIALIZATION_DATA> }).initData = swapInitData(d.initData)
      swapFields(d.streamHeader)
      for (const stream of d.streams) {
        swapFields(stream.object)
        swapFields(stream.object.HwClockObject)
      }
      d.timers.swap(replace)
      d.priority.swap(replace)
      d.clocks.swap(replace)
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Notifications

  deviceNotification(type: number, ext: unknown, args: unknown[]): void {
    this.enter('StreamClassDeviceNotification', SYNC_SERVICE)
    const d = this.deviceOf(ext, 'StreamClassDeviceNotification')
    switch (type) {
      case ReadyForNextDeviceRequest:
        return d.markReady(d.deviceQueue)
      case DeviceRequestComplete:
        return d.completeFromMinidriver(args[0], 'device')
      case SignalMultipleDeviceEvents:
        if (this.version === STREAM_CLASS_VERSION_20 && d.instanceExtension !== null) {
          this.verifier.report('event-misuse', 'SignalMultipleDeviceEvents by a multi-instance (version 2.0) driver; use SignalMultipleDeviceInstanceEvents', { severity: 'warning' })
        }
        d.events.signalMultiple(null, args[0] as GUID, args[1] as number)
        return
      case SignalDeviceEvent:
        return d.events.signal(null, args[0])
      case DeleteDeviceEvent:
        return d.events.delete(null, args[0])
      case SignalMultipleDeviceInstanceEvents:
        d.events.signalMultiple(null, args[1] as GUID, args[2] as number)
        return
      default:
        this.verifier.report('wrong-notification', `StreamClassDeviceNotification with unknown notification type ${type}`)
    }
  }

  streamNotification(type: number, streamObject: unknown, args: unknown[]): void {
    this.enter('StreamClassStreamNotification', SYNC_SERVICE)
    if (type === StreamRequestComplete) {
      // Find the device through the SRB when the stream object is wrong, so the mismatch is reported.
      const srb = args[0]
      const device = srb instanceof Srb ? (srb._watcher as StreamClassDevice) : this.streamOf(streamObject, 'StreamClassStreamNotification').device
      if (streamObject !== null && device.streamOfObject(streamObject)?.closed) {
        this.verifier.report('outstanding-at-close', 'StreamRequestComplete on a stream after SRB_CLOSE_STREAM')
      }
      return device.completeFromMinidriver(srb, 'stream', streamObject)
    }
    const { device, stream } = this.streamOf(streamObject, 'StreamClassStreamNotification')
    switch (type) {
      case ReadyForNextStreamDataRequest:
        return device.markReady(stream.data)
      case ReadyForNextStreamControlRequest:
        return device.markReady(stream.control)
      case HardwareStarved:
        return
      case SignalMultipleStreamEvents:
        device.events.signalMultiple(stream, args[0] as GUID, args[1] as number)
        return
      case SignalStreamEvent:
        return device.events.signal(stream, args[0])
      case DeleteStreamEvent:
        return device.events.delete(stream, args[0])
      default:
        this.verifier.report('wrong-notification', `StreamClassStreamNotification with unknown notification type ${type}`)
    }
  }

  completeRequestAndMarkQueueReady(srb: unknown): void {
    this.enter('StreamClassCompleteRequestAndMarkQueueReady', SYNC_SERVICE)
    if (!(srb instanceof Srb) || !this.devices.includes(srb._watcher as StreamClassDevice)) {
      this.verifier.report('foreign-srb-completion', 'StreamClassCompleteRequestAndMarkQueueReady was given something that is not an SRB of this driver')
      return
    }
    const device = srb._watcher as StreamClassDevice
    const wasDelivered = srb._state === SrbState.Delivered
    const queue = device.queueOf(srb)
    device.completeFromMinidriver(srb, 'either')
    if (wasDelivered) device.markReady(queue)
  }

  // -------------------------------------------------------------------------------------------------
  // Timers, priorities, clocks, events

  scheduleTimer(streamObject: unknown, ext: unknown, microseconds: number, routine: PHW_TIMER_ROUTINE | null, context: unknown): void {
    this.enter('StreamClassScheduleTimer', SYNC_SERVICE)
    const d = this.deviceOf(ext, 'StreamClassScheduleTimer')
    const owner = streamObject == null ? null : this.streamOf(streamObject, 'StreamClassScheduleTimer').stream
    d.timers.schedule(owner, microseconds >>> 0, routine, context)
  }

  callAtNewPriority(streamObject: unknown, ext: unknown, priority: number, routine: PHW_PRIORITY_ROUTINE, context: unknown): void {
    this.enter('StreamClassCallAtNewPriority')
    const d = this.deviceOf(ext, 'StreamClassCallAtNewPriority')
    const owner = streamObject == null ? null : this.streamOf(streamObject, 'StreamClassCallAtNewPriority').stream
    d.priority.call(owner, priority, routine, context)
  }

  queryMasterClock(streamObject: unknown, handle: number, fn: number, callback: PHW_QUERY_CLOCK_ROUTINE): void {
    this.enter('StreamClassQueryMasterClock', SYNC_SERVICE)
    const { device, stream } = this.streamOf(streamObject, 'StreamClassQueryMasterClock')
    if (typeof callback !== 'function') throw new TypeError('StreamClassQueryMasterClock: ClockCallbackRoutine is not a function')
    device.clocks.queryAsync(stream, handle, fn, callback)
  }

  queryMasterClockSync(handle: number, context: HW_TIME_CONTEXT): void {
    this.enter('StreamClassQueryMasterClockSync')
    if (context === null || typeof context !== 'object') throw new TypeError('StreamClassQueryMasterClockSync: TimeContext must be an HW_TIME_CONTEXT object')
    const d = this.devices.find((x) => x.extension === context.HwDeviceExtension) ?? this.devices[0]
    if (d === undefined) throw new TypeError('StreamClassQueryMasterClockSync: no device')
    d.clocks.querySync(handle, context)
  }

  getNextEvent(extOrInstance: unknown, streamObject: unknown, eventGuid: GUID | null, eventItem: number, current: KSEVENT_ENTRY | null): KSEVENT_ENTRY | null {
    this.enter('StreamClassGetNextEvent')
    const d = this.devices.find((x) => x.extension === extOrInstance || (x.instanceExtension !== null && x.instanceExtension === extOrInstance))
    if (d === undefined) throw new TypeError('StreamClassGetNextEvent: the first argument is neither the device extension nor an instance extension')
    if (this.version === STREAM_CLASS_VERSION_20 && d.instanceExtension !== null && extOrInstance === d.extension) {
      this.verifier.report('event-misuse', 'a version 2.0 multi-instance driver must pass HwInstanceExtension to StreamClassGetNextEvent', { severity: 'warning' })
    }
    const owner = streamObject == null ? null : this.streamOf(streamObject, 'StreamClassGetNextEvent').stream
    return d.events.next(owner, eventGuid ?? null, eventItem, current)
  }

  // -------------------------------------------------------------------------------------------------
  // DMA and memory

  getDmaBuffer(ext: unknown): Uint8Array | null {
    this.enter('StreamClassGetDmaBuffer')
    const d = this.deviceOf(ext, 'StreamClassGetDmaBuffer')
    if ((d.initData.DmaBufferSize ?? 0) === 0) {
      // stream.sys returns its NULL DmaBuffer: not an error until the driver uses the NULL.
      this.verifier.report('dma-buffer-misuse', 'StreamClassGetDmaBuffer with DmaBufferSize = 0 in HW_INITIALIZATION_DATA returns NULL', { severity: 'warning' })
      return null
    }
    if (d.dmaBuffer === null) {
      this.verifier.report('dma-buffer-misuse', 'StreamClassGetDmaBuffer before SRB_INITIALIZE_DEVICE: the common buffer does not exist yet')
      return null
    }
    return d.dmaBuffer.bytes
  }

  getPhysicalAddress(ext: unknown, srb: unknown, virtualAddress: unknown, type: number, length: PULONG | null): number {
    this.enter('StreamClassGetPhysicalAddress')
    const d = this.deviceOf(ext, 'StreamClassGetPhysicalAddress')
    const fail = (why: string): number => {
      this.verifier.report('dma-buffer-misuse', `StreamClassGetPhysicalAddress: ${why}`)
      if (length) length.value = 0
      return 0
    }
    if (type === SRBDataBuffer) {
      if (!(srb instanceof Srb)) return fail('SRBDataBuffer needs the SRB whose buffer the address is in')
      if (!(virtualAddress instanceof Uint8Array)) return fail('the virtual address must be a view into the SRB data buffer (header.Data or a subarray of it)')
      const r = this.machine.memory.resolveView(virtualAddress)
      const owned = r !== null && ((srb._CommandData.DataBufferArray ?? []) as unknown as { _Data: Uint8Array }[]).some((h) => h._Data.buffer === virtualAddress.buffer)
      if (r === null || !owned) return fail(`the address is not inside the data buffers of ${srbCommandName(srb._Command)} #${srb._id}`)
      if (r.offset >= r.alloc.size) return fail('the address is at or past the end of the data buffer')
      const { address, contiguous } = r.alloc.physicalAddressOf(r.offset)
      if (length) length.value = contiguous
      return address
    }
    if (type === DmaBuffer) {
      if (d.dmaBuffer === null && (d.initData.DmaBufferSize ?? 0) === 0 && virtualAddress == null) {
        // stream.sys: DmaBufferPhysical (0) + (NULL - DmaBuffer (NULL)), Length DmaBufferLength (0) - 0.
        this.verifier.report('dma-buffer-misuse', 'StreamClassGetPhysicalAddress(DmaBuffer) of the NULL DMA buffer (DmaBufferSize = 0) returns 0 with Length 0', { severity: 'warning' })
        if (length) length.value = 0
        return 0
      }
      if (d.dmaBuffer === null) return fail('there is no DMA buffer (DmaBufferSize = 0, or before SRB_INITIALIZE_DEVICE)')
      if (!(virtualAddress instanceof Uint8Array) || virtualAddress.buffer !== d.dmaBuffer.bytes.buffer) return fail('the address is not inside the DMA buffer')
      const offset = virtualAddress.byteOffset - d.dmaBuffer.bytes.byteOffset
      if (offset < 0 || offset >= d.dmaBuffer.size) return fail('the address is outside DmaBufferSize')
      const { address, contiguous } = d.dmaBuffer.physicalAddressOf(offset)
      if (length) length.value = contiguous
      return address
    }
    if (type === PerRequestExtension) {
      if (!(srb instanceof Srb) || virtualAddress !== srb._SRBExtension || srb._SRBExtension === null) return fail('PerRequestExtension needs the SRB and its SRBExtension')
      const size = d.initData.PerRequestExtensionSize ?? 0
      const alloc = this.machine.memory.allocate(size, { kind: 'srb-extension', owner: `SRB #${srb._id} extension`, contiguous: true })
      if (length) length.value = size
      return alloc.physicalAddressOf(0).address
    }
    return fail(`unknown STREAM_BUFFER_TYPE ${type}`)
  }

  abortOutstandingRequests(ext: unknown, streamObject: unknown, status: number): void {
    this.enter('StreamClassAbortOutstandingRequests', SYNC_SERVICE)
    const d = this.deviceOf(ext, 'StreamClassAbortOutstandingRequests')
    const owner = streamObject == null ? null : this.streamOf(streamObject, 'StreamClassAbortOutstandingRequests').stream
    d.abort(owner, status >>> 0)
  }

  reenumerateStreams(ext: unknown, _size: number): void {
    this.enter('StreamClassReenumerateStreams')
    this.deviceOf(ext, 'StreamClassReenumerateStreams')
    this.verifier.report('obsolete-api', 'StreamClassReenumerateStreams is obsolete ("Do not use"); streams are enumerated once at start')
  }

  readWriteConfig(ext: unknown, read: unknown, buffer: unknown, offset: number, length: number): boolean {
    this.enter('StreamClassReadWriteConfig')
    this.deviceOf(ext, 'StreamClassReadWriteConfig')
    if (this.kernel.currentIrql() !== PASSIVE_LEVEL) {
      this.verifier.report('irql-violation', 'StreamClassReadWriteConfig is PASSIVE_LEVEL only (use a Low priority routine)')
      return false
    }
    if (!(buffer instanceof Uint8Array) || buffer.length < length) throw new TypeError('StreamClassReadWriteConfig: Buffer must be a Uint8Array of at least Length bytes')
    const card = this.devices[0].card
    if (read) {
      if (card.configRead) card.configRead(offset, buffer, length)
      else buffer.fill(0xff, 0, length)
    } else card.configWrite?.(offset, buffer, length)
    return true
  }

  debugPrint(level: number, text: string): void {
    this.enter('StreamClassDebugPrint')
    if (level <= this.settings.streamDebugLevel) this.print(text)
  }

  /** DbgPrint output: the trace and the report. */
  print(text: string): void {
    const now = this.kernel.now()
    if (this.debugOutput.length < 2000) this.debugOutput.push({ timeNs: now, text })
    this.kernel.trace.instant(this.debugTrack, now, this.debugName, 0, 0, 0, 0, text)
  }

  /** CONTAINING_RECORD: the structure of the driver's memory whose `field` is `address`. */
  containingRecord(address: unknown, type: string | null, field: string): object {
    return this.containers.containingRecord(address, type, field, () => this.memoryRoots())
  }

  /** The driver's memory of its own: extensions, SRB extensions and IRPs of held SRBs, live pool blocks. */
  memoryRoots(): object[] {
    return driverMemory(this.devices, this.pool.liveBlocks())
  }

  /** Checks that only make sense when the run is over. */
  finalChecks(): void {
    if (this.devices.every((d) => d.state !== 'starting' && d.state !== 'started' && d.state !== 'stopping')) this.pool.reportLeaks(0, 'the driver was unloaded')
    for (const d of this.devices) {
      d.watchdog.checkStalls(true)
      for (const srb of d.held) {
        if (srb._cancelCalled) {
          this.verifier.report('cancel-misuse', `HwCancelPacket was called for ${srbCommandName(srb._Command)} #${srb._id}, which was never completed afterwards`, {
            srb: srbRef(srb),
            location: null,
            callback: null,
          })
        }
      }
    }
  }

  /** Used by KeSynchronizeExecution: the device whose interrupt object this is. */
  deviceOfInterrupt(interrupt: unknown): StreamClassDevice | null {
    for (const d of this.devices) if (d.configInfo !== null && d.configInfo.InterruptObject === interrupt && d.interrupt !== null) return d
    return null
  }

  /** A bug check from a service, at the user's line. */
  fatal(code: number, message: string): never {
    return this.kernel.bugcheck(code, message, { callback: this.invoker.currentName(), location: this.invoker.locator.here() })
  }
}

export { BUGCHECK }
