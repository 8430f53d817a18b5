import type { PciDevice } from '../hw/pciDevice.js'
import type { Allocation } from '../hw/physicalMemory.js'
import type { Machine } from '../hw/machine.js'
import type { InterruptObject } from '../sim/interrupts.js'
import { DISPATCH_LEVEL, type Irql } from '../sim/irql.js'
import type { Kernel } from '../sim/kernel.js'
import { KernelLock, type Work } from '../sim/work.js'
import { CallSite } from './callSite.js'
import type { CallContext, DeviceState, SrbStats } from './deviceParts.js'
import { DeviceTrace } from './deviceTrace.js'
import type { StreamClassDriver } from './driver.js'
import { EventQueues } from './events.js'
import type { Invoker } from './invocation.js'
import { HeldSrbs } from './heldSrbs.js'
import { InterruptService } from './isr.js'
import { MasterClocks } from './masterClock.js'
import type { RegisteredFilter } from './filterServices.js'
import { PnpPower } from './pnp.js'
import type { PoolAllocator } from './pool.js'
import { PriorityRoutines } from './priority.js'
import type { RequestQueue } from './queues.js'
import type { ClassDriverSettings } from './settings.js'
import type { DataBuffer, Srb, SrbWatcher } from './srb.js'
import { SrbEngine } from './srbEngine.js'
import type { StreamInstance } from './stream.js'
import type { KsPropertyRequest } from './ksProperty.js'
import { StreamOps, type KsPropertyResult } from './streamOps.js'
import { StreamTimers } from './streamTimers.js'
import type { Verifier } from './verifier/verifier.js'
import { Watchdog } from './watchdog.js'
import type { KSSTATE, PKSDATAFORMAT } from './wdk/ks.js'
import { ntStatusName } from './wdk/ntstatus.js'
import type { HW_INITIALIZATION_DATA, HW_STREAM_HEADER, HW_STREAM_INFORMATION, PORT_CONFIGURATION_INFORMATION, SRB_COMMAND_DATA } from './wdk/strminiTypes.js'

export type { CallContext, DeviceState, SrbStats } from './deviceParts.js'
export { copyFormat } from './streamOps.js'

/**
 * One device (FDO) of the emulated stream class driver: the adapter a minidriver drives. It holds the
 * device's state and composes its parts: the call context (callSite.ts), the SRB engine (srbEngine.ts),
 * PnP and power (pnp.ts), the stream operations (streamOps.ts) and the per-feature helpers (timers,
 * priority routines, clocks, events, the ISR, the watchdog). Each part sees the device through its own
 * narrow interface; the methods here are what the driver, the client and the host call.
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

  /** The trace schema: defined first, in a fixed order (the trace bytes depend on it). */
  readonly trace: DeviceTrace
  readonly calls: CallSite
  readonly srbs: SrbEngine
  readonly pnp: PnpPower
  readonly streamOps: StreamOps
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
  /** The driver's pool (ExAllocatePool): its leaks are reported when this device stops. */
  readonly pool: PoolAllocator
  /** Filters registered with StreamClassRegisterFilterWithNoKSPins for this device's PDO. */
  readonly filtersWithNoKSPins: RegisteredFilter[] = []

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
    this.pool = driver.pool
    this.synchronized = !initData.TurnOffSynchronization
    this.interruptLock = this.synchronized ? this.syncLock : new KernelLock('interrupt spin lock')
    this.instanceExtension = (initData.FilterInstanceExtensionSize ?? 0) > 0 ? {} : null
    this.trace = new DeviceTrace(this.kernel)
    this.calls = new CallSite(this)
    this.srbs = new SrbEngine(this)
    this.deviceQueue = this.srbs.createQueue('device', 'Device', 'Device queue', 2)
    this.pnp = new PnpPower(this)
    this.streamOps = new StreamOps(this)
    this.timers = new StreamTimers(this)
    this.priority = new PriorityRoutines(this)
    this.clocks = new MasterClocks(this)
    this.events = new EventQueues(this)
    this.isr = new InterruptService(this)
    this.watchdog = new Watchdog(this)
  }

  // -------------------------------------------------------------------------------------------------
  // Where minidriver code runs (callSite.ts)

  contextOf(ctx: CallContext): { irql: Irql; lock: KernelLock | null } {
    return this.calls.contextOf(ctx)
  }

  runMinidriver<T>(ctx: CallContext, run: (work: Work<T>) => void, data: T, at?: number): Work<T> {
    return this.calls.runMinidriver(ctx, run, data, at)
  }

  checkBudget(work: Work<any>, fn: { name: string } | string): void {
    this.calls.checkBudget(work, fn)
  }

  // -------------------------------------------------------------------------------------------------
  // SRBs (srbEngine.ts): the notifications and services of the minidriver, and the OS cancel

  completeFromMinidriver(candidate: unknown, via: 'device' | 'stream' | 'either', streamArg: unknown = null): void {
    this.srbs.completeFromMinidriver(candidate, via, streamArg)
  }

  markReady(queue: RequestQueue): void {
    this.srbs.markReady(queue)
  }

  queueOf(srb: Srb): RequestQueue {
    return this.srbs.queueOf(srb)
  }

  cancel(srb: Srb): void {
    this.srbs.cancel(srb)
  }

  abort(stream: StreamInstance | null, status: number): void {
    this.srbs.abort(stream, status)
  }

  touchedAfterCompletion(srb: Srb, what: string): void {
    this.srbs.touchedAfterCompletion(srb, what)
  }

  extensionOverrun(srb: Srb, field: string, end: number, size: number): void {
    this.srbs.extensionOverrun(srb, field, end, size)
  }

  // -------------------------------------------------------------------------------------------------
  // PnP and power (pnp.ts)

  start(done: (status: number) => void): void {
    this.pnp.start(done)
  }

  stop(done: (status: number) => void): void {
    this.pnp.stop(done)
  }

  surpriseRemove(done: (status: number) => void): void {
    this.pnp.surpriseRemove(done)
  }

  changePower(state: number, done: (status: number) => void): void {
    this.pnp.changePower(state, done)
  }

  pageOut(done: (status: number) => void): void {
    this.pnp.pageOut(done)
  }

  /** SRB_GET_STREAM_INFO again (StreamClassFilterReenumerateStreams), with a descriptor of `size` bytes. */
  rescanStreams(size: number, done: (ok: boolean, status: number) => void): void {
    this.pnp.queryStreamInfo(size, done)
  }

  // -------------------------------------------------------------------------------------------------
  // Filters and streams (streamOps.ts)

  openFilter(done: (status: number) => void): void {
    this.streamOps.openFilter(done)
  }

  closeFilter(done: () => void): void {
    this.streamOps.closeFilter(done)
  }

  intersect(streamNumber: number, range: PKSDATAFORMAT, bufferSize: number, done: (srb: Srb) => void): void {
    this.streamOps.intersect(streamNumber, range, bufferSize, done)
  }

  openStream(number: number, format: PKSDATAFORMAT, done: (status: number, stream: StreamInstance | null) => void): void {
    this.streamOps.openStream(number, format, done)
  }

  closeStream(stream: StreamInstance, done: (status: number) => void): void {
    this.streamOps.closeStream(stream, done)
  }

  setState(stream: StreamInstance, state: KSSTATE, done: (srb: Srb) => void): void {
    this.streamOps.setState(stream, state, done)
  }

  property(stream: StreamInstance | null, command: number, descriptor: NonNullable<SRB_COMMAND_DATA['PropertyInfo']>, done: (srb: Srb) => void): void {
    this.streamOps.property(stream, command, descriptor, done)
  }

  ksProperty(stream: StreamInstance | null, request: KsPropertyRequest, done: (result: KsPropertyResult) => void): void {
    this.streamOps.ksProperty(stream, request, done)
  }

  readWrite(stream: StreamInstance, command: number, buffers: DataBuffer[], done: (srb: Srb) => void): Srb {
    return this.streamOps.readWrite(stream, command, buffers, done)
  }

  send(stream: StreamInstance | null, command: number, commandData: SRB_COMMAND_DATA, done: (srb: Srb) => void): Srb {
    return this.streamOps.send(stream, command, commandData, done)
  }

  openStreamsOf(number: number): StreamInstance[] {
    return this.streamOps.openStreamsOf(number)
  }

  streamOfObject(object: unknown): StreamInstance | null {
    return this.streamOps.streamOfObject(object)
  }

  statusName(status: number): string {
    return ntStatusName(status)
  }
}
