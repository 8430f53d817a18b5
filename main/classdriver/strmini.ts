/**
 * 'strmini': everything a stream minidriver may call or use, with the WDK's names (strmini.h, ks.h,
 * ksmedia.h and the small kernel/HAL surface). Import from 'strmini' in a driver:
 *
 *     import { StreamClassRegisterMinidriver, SRB_OPEN_STREAM, STATUS_SUCCESS } from 'strmini'
 *
 * C structures are objects with the same field names; pointers are references; out parameters are
 * objects ({ value } or { QuadPart }); sizes that the contract depends on are numbers (`sizeof`).
 */
import { formatDbg } from './dbgFormat.js'
import { runtime } from './runtime.js'
import type { GUID, KSEVENT_ENTRY, KSPIN_MEDIUM } from './wdk/ks.js'
import type { POOL_TYPE, PVOID } from './wdk/poolTypes.js'
import type { NTSTATUS } from './wdk/ntstatus.js'
import type {
  BOOLEAN,
  HW_INITIALIZATION_DATA,
  HW_STREAM_OBJECT,
  HW_STREAM_REQUEST_BLOCK,
  HW_TIME_CONTEXT,
  KINTERRUPT,
  KIRQL,
  KSPIN_LOCK,
  LARGE_INTEGER,
  OUT,
  PHW_PRIORITY_ROUTINE,
  PHW_QUERY_CLOCK_ROUTINE,
  PHW_TIMER_ROUTINE,
  PKSYNCHRONIZE_ROUTINE,
  PULONG,
  STREAM_BUFFER_TYPE,
  STREAM_DEBUG_LEVEL,
  STREAM_MINIDRIVER_DEVICE_NOTIFICATION_TYPE,
  STREAM_MINIDRIVER_STREAM_NOTIFICATION_TYPE,
  STREAM_PRIORITY,
  TIME_FUNCTION,
} from './wdk/strminiTypes.js'

export * from './wdk/ntstatus.js'
export * from './wdk/srbCommands.js'
export * from './wdk/ks.js'
export * from './wdk/ksProperties.js'
export * from './wdk/ksmediaCategories.js'
export * from './wdk/ksmediaVideo.js'
export * from './wdk/ksmediaCamera.js'
export * from './wdk/ksmediaCrossbar.js'
export * from './wdk/ksmediaTuner.js'
export * from './wdk/ksmediaDecoder.js'
export * from './wdk/ksmediaCompression.js'
export * from './wdk/ksmediaVbi.js'
export * from './wdk/lists.js'
export * from './wdk/poolTypes.js'
export * from './wdk/strminiTypes.js'
export { FIELD_OFFSET, sizeof, type StructName } from './wdk/sizes.js'

// -----------------------------------------------------------------------------------------------------
// Stream class services

/**
 * Registers the minidriver with the stream class driver. Call it from DriverEntry and return its status.
 * The class driver validates `HwInitData` (size field, HwReceivePacket...) and keeps a copy.
 */
export function StreamClassRegisterMinidriver(DriverObject: unknown, RegistryPath: unknown, HwInitData: HW_INITIALIZATION_DATA): NTSTATUS {
  return runtime().driver.registerMinidriver(DriverObject, RegistryPath, HwInitData)
}

/**
 * StreamClassRegisterAdapter: the name stream.sys exports; strmini.h defines StreamClassRegisterMinidriver
 * as this function. The same service: call it from DriverEntry with (DriverObject, RegistryPath, HwInitData).
 */
export function StreamClassRegisterAdapter(Argument1: unknown, Argument2: unknown, HwInitializationData: HW_INITIALIZATION_DATA): NTSTATUS {
  return runtime().driver.registerMinidriver(Argument1, Argument2, HwInitializationData)
}

/**
 * Registers a filter that has no KS pins (a TV tuner, a crossbar, a TV audio decoder) so the graph
 * builder can connect it by its pins' mediums: writes the "FilterData" of the device interface of
 * `InterfaceClassGUID` (KSCATEGORY_TVTUNER, KSCATEGORY_CROSSBAR...). `DeviceObject` is the PDO
 * (ConfigInfo.PhysicalDeviceObject); PinDirection[i] is TRUE for an output pin; MediumList[i] its
 * medium; CategoryList (or null) its category. PASSIVE_LEVEL (SRB_INITIALIZE_DEVICE is). Returns
 * STATUS_INVALID_DEVICE_REQUEST when PinCount is 0 or an array is missing.
 */
export function StreamClassRegisterFilterWithNoKSPins(
  DeviceObject: unknown,
  InterfaceClassGUID: GUID,
  PinCount: number,
  PinDirection: readonly BOOLEAN[],
  MediumList: readonly KSPIN_MEDIUM[],
  CategoryList: readonly GUID[] | null,
): NTSTATUS {
  return runtime().driver.filters.registerFilterWithNoKSPins(DeviceObject, InterfaceClassGUID, PinCount, PinDirection, MediumList, CategoryList)
}

/**
 * Version 2.0 (multi-instance) drivers: the filter of `HwInstanceExtension` has new streams. After the
 * call returns the class driver sends SRB_GET_STREAM_INFO again with a descriptor of
 * `StreamDescriptorSize` bytes and exposes the streams it returns; open streams keep their number.
 * (Single-instance drivers have only the obsolete StreamClassReenumerateStreams.)
 */
export function StreamClassFilterReenumerateStreams(HwInstanceExtension: any, StreamDescriptorSize: number): void {
  runtime().driver.filters.filterReenumerateStreams(HwInstanceExtension, StreamDescriptorSize)
}

/**
 * The checked-build assert (DEBUG_ASSERT calls it when its expression is false): prints
 * "(File:Line) Assert failed (AssertText)=0xAssertValue" and breaks into the debugger. Here the
 * machine stops: bug check 0x1E (a breakpoint with no debugger attached) at your line, with the message.
 */
export function StreamClassDebugAssert(File: string, Line: number, AssertText: string, AssertValue: number): never {
  return runtime().driver.filters.debugAssert(File, Line, AssertText, AssertValue)
}

/**
 * Tells the class driver about a device request: `ReadyForNextDeviceRequest`, `DeviceRequestComplete`
 * (extra argument: the SRB; it is dead afterwards), `SignalMultipleDeviceEvents` (EventSet, EventId),
 * `SignalDeviceEvent` / `DeleteDeviceEvent` (the KSEVENT_ENTRY), `SignalMultipleDeviceInstanceEvents`
 * (HwInstanceExtension, EventSet, EventId). Set `srb.Status` before completing.
 */
export function StreamClassDeviceNotification(NotificationType: STREAM_MINIDRIVER_DEVICE_NOTIFICATION_TYPE, HwDeviceExtension: any, ...args: unknown[]): void {
  runtime().driver.deviceNotification(NotificationType, HwDeviceExtension, args)
}

/**
 * Tells the class driver about a stream: `ReadyForNextStreamDataRequest`,
 * `ReadyForNextStreamControlRequest`, `HardwareStarved`, `StreamRequestComplete` (extra argument: the
 * SRB, whose StreamObject must be this stream; it is dead afterwards), `SignalMultipleStreamEvents`
 * (EventSet, EventId), `SignalStreamEvent` / `DeleteStreamEvent` (the KSEVENT_ENTRY).
 */
export function StreamClassStreamNotification(NotificationType: STREAM_MINIDRIVER_STREAM_NOTIFICATION_TYPE, StreamObject: HW_STREAM_OBJECT, ...args: unknown[]): void {
  runtime().driver.streamNotification(NotificationType, StreamObject, args)
}

/**
 * Completes the SRB and signals ReadyForNext on its queue (device, stream control or stream data,
 * inferred from the SRB). Only meaningful with synchronization on.
 */
export function StreamClassCompleteRequestAndMarkQueueReady(Srb: HW_STREAM_REQUEST_BLOCK): void {
  runtime().driver.completeRequestAndMarkQueueReady(Srb)
}

/**
 * Runs `Routine(Context)` at another priority: `High` (synchronized with the ISR), `Dispatch`
 * (DISPATCH_LEVEL, not synchronized, for work under ~1 ms), `Low` (PASSIVE_LEVEL worker, synchronized
 * with nothing), `LowToHigh` (back to High from a Low routine). One pending routine per stream
 * (`StreamObject`) and one for the device (`StreamObject` null).
 */
export function StreamClassCallAtNewPriority(
  StreamObject: HW_STREAM_OBJECT | null,
  HwDeviceExtension: any,
  Priority: STREAM_PRIORITY,
  PriorityRoutine: PHW_PRIORITY_ROUTINE,
  Context: any,
): void {
  runtime().driver.callAtNewPriority(StreamObject, HwDeviceExtension, Priority, PriorityRoutine, Context)
}

/**
 * Calls `TimerRoutine(Context)` after `NumberOfMicroseconds`, at the same level as the packet routines.
 * One timer per stream and one for the device (`StreamObject` null); scheduling again replaces the
 * pending one, and `(…, 0, null, …)` cancels it. A timer routine may reschedule itself.
 */
export function StreamClassScheduleTimer(
  StreamObject: HW_STREAM_OBJECT | null,
  HwDeviceExtension: any,
  NumberOfMicroseconds: number,
  TimerRoutine: PHW_TIMER_ROUTINE | null,
  Context: any,
): void {
  runtime().driver.scheduleTimer(StreamObject, HwDeviceExtension, NumberOfMicroseconds, TimerRoutine, Context)
}

/**
 * Asynchronous master-clock query: `ClockCallbackRoutine` later receives an HW_TIME_CONTEXT with Time
 * (100 ns, per `TimeFunction`) and SystemTime. Only one query may be pending per stream.
 */
export function StreamClassQueryMasterClock(
  HwStreamObject: HW_STREAM_OBJECT,
  MasterClockHandle: number,
  TimeFunction: TIME_FUNCTION,
  ClockCallbackRoutine: PHW_QUERY_CLOCK_ROUTINE,
): void {
  runtime().driver.queryMasterClock(HwStreamObject, MasterClockHandle, TimeFunction, ClockCallbackRoutine)
}

/**
 * Synchronous master-clock query at or below DISPATCH_LEVEL: fill `TimeContext.HwDeviceExtension`,
 * `HwStreamObject` and `Function`; it returns with `Time` and `SystemTime` (100 ns units) filled.
 */
export function StreamClassQueryMasterClockSync(MasterClockHandle: number, TimeContext: HW_TIME_CONTEXT): void {
  runtime().driver.queryMasterClockSync(MasterClockHandle, TimeContext)
}

/**
 * Walks a stream's (or, with `HwStreamObject` null, the device's) event queue: the first entry after
 * `CurrentEvent` (null = from the start) matching `EventGuid` (null = any) and `EventItem` (-1 = any).
 */
export function StreamClassGetNextEvent(
  HwInstanceExtension_OR_HwDeviceExtension: any,
  HwStreamObject: HW_STREAM_OBJECT | null,
  EventGuid: GUID | null,
  EventItem: number,
  CurrentEvent: KSEVENT_ENTRY | null,
): KSEVENT_ENTRY | null {
  return runtime().driver.getNextEvent(HwInstanceExtension_OR_HwDeviceExtension, HwStreamObject, EventGuid, EventItem, CurrentEvent)
}

/**
 * The contiguous common buffer of `DmaBufferSize` bytes (from SRB_INITIALIZE_DEVICE on), or null. With
 * DmaBufferSize 0 it returns null, as stream.sys does (a warning: using the null is the error).
 */
export function StreamClassGetDmaBuffer(HwDeviceExtension: any): Uint8Array | null {
  return runtime().driver.getDmaBuffer(HwDeviceExtension)
}

/**
 * Translates a virtual address into a physical one: `VirtualAddress` is a view into the buffer
 * (`header.Data.subarray(offset)`, the DMA buffer or a subarray of it, or `srb.SRBExtension`). `Length`
 * receives the number of physically contiguous bytes from there. `HwSRB` is required for
 * `SRBDataBuffer` and should be null otherwise.
 */
export function StreamClassGetPhysicalAddress(
  HwDeviceExtension: any,
  HwSRB: HW_STREAM_REQUEST_BLOCK | null,
  VirtualAddress: Uint8Array | object,
  Type: STREAM_BUFFER_TYPE,
  Length: PULONG | null,
): number {
  return runtime().driver.getPhysicalAddress(HwDeviceExtension, HwSRB, VirtualAddress, Type, Length)
}

/**
 * Completes every outstanding request of a stream (or of the device and all streams, with
 * `HwStreamObject` null) with `Status`, and marks the queues ready. Forget every aborted SRB afterwards.
 */
export function StreamClassAbortOutstandingRequests(HwDeviceExtension: any, HwStreamObject: HW_STREAM_OBJECT | null, Status: NTSTATUS): void {
  runtime().driver.abortOutstandingRequests(HwDeviceExtension, HwStreamObject, Status)
}

/** Obsolete: do not use (reported by the verifier). */
export function StreamClassReenumerateStreams(HwDeviceExtension: any, StreamDescriptorSize: number): void {
  runtime().driver.reenumerateStreams(HwDeviceExtension, StreamDescriptorSize)
}

/** Reads or writes the device's PCI configuration space. PASSIVE_LEVEL only (a Low priority routine). */
export function StreamClassReadWriteConfig(HwDeviceExtension: any, Read: BOOLEAN, Buffer: Uint8Array, Offset: number, Length: number): BOOLEAN {
  return runtime().driver.readWriteConfig(HwDeviceExtension, Read, Buffer, Offset, Length)
}

/** printf-style debug output, shown when `DebugPrintLevel` <= the StreamDebug setting (default 0). */
export function StreamClassDebugPrint(DebugPrintLevel: STREAM_DEBUG_LEVEL, DebugMessage: string, ...args: unknown[]): void {
  runtime().driver.debugPrint(DebugPrintLevel, formatDbg(DebugMessage, args))
}

// -----------------------------------------------------------------------------------------------------
// Kernel and HAL

/** Reads a 32-bit device register at `Register` (ConfigInfo.AccessRanges[0].RangeStart + offset). About 1 µs. */
export function READ_REGISTER_ULONG(Register: number): number {
  return runtime().kernel.readRegister(Register, 4)
}
/** Reads a 16-bit device register. */
export function READ_REGISTER_USHORT(Register: number): number {
  return runtime().kernel.readRegister(Register, 2)
}
/** Reads an 8-bit device register. */
export function READ_REGISTER_UCHAR(Register: number): number {
  return runtime().kernel.readRegister(Register, 1)
}
/** Writes a 32-bit device register (a posted write, ~0.1 µs). */
export function WRITE_REGISTER_ULONG(Register: number, Value: number): void {
  runtime().kernel.writeRegister(Register, 4, Value)
}
/** Writes a 16-bit device register. */
export function WRITE_REGISTER_USHORT(Register: number, Value: number): void {
  runtime().kernel.writeRegister(Register, 2, Value)
}
/** Writes an 8-bit device register. */
export function WRITE_REGISTER_UCHAR(Register: number, Value: number): void {
  runtime().kernel.writeRegister(Register, 1, Value)
}

/** The performance counter (10 MHz); `PerformanceFrequency.QuadPart` receives the frequency. */
export function KeQueryPerformanceCounter(PerformanceFrequency?: LARGE_INTEGER | null): LARGE_INTEGER {
  return runtime().kernel.queryPerformanceCounter(PerformanceFrequency)
}

/** Interrupt time: 100 ns units since boot. */
export function KeQueryInterruptTime(): number {
  return runtime().kernel.queryInterruptTime()
}

/** Busy-waits `MicroSeconds` of virtual CPU time. Keep it to a few µs at raised IRQL. */
export function KeStallExecutionProcessor(MicroSeconds: number): void {
  runtime().kernel.stall(MicroSeconds)
}

/** A full memory barrier (orders CPU accesses; MMIO reads already flush posted writes). */
export function KeMemoryBarrier(): void {
  runtime().kernel.memoryBarrier()
}

/** The IRQL the calling code runs at (PASSIVE_LEVEL, DISPATCH_LEVEL, or the device's DIRQL). */
export function KeGetCurrentIrql(): KIRQL {
  return runtime().kernel.currentIrql()
}

/**
 * Initialises a spin lock object (`ext.Lock = {}`): released. As on Windows, where it stores 0, a
 * zeroed lock (an empty object never passed here) is a valid released lock too.
 */
export function KeInitializeSpinLock(SpinLock: KSPIN_LOCK): void {
  runtime().kernel.initializeSpinLock(SpinLock)
}

/** Acquires a spin lock, raising to DISPATCH_LEVEL; `OldIrql.value` receives the previous IRQL. */
export function KeAcquireSpinLock(SpinLock: KSPIN_LOCK, OldIrql: OUT<KIRQL> | null): void {
  runtime().kernel.acquireSpinLock(SpinLock, OldIrql)
}

/** Releases a spin lock and returns to `NewIrql` (the value KeAcquireSpinLock saved). */
export function KeReleaseSpinLock(SpinLock: KSPIN_LOCK, NewIrql: KIRQL): void {
  runtime().kernel.releaseSpinLock(SpinLock, NewIrql)
}

/**
 * Acquires a spin lock when the caller already runs at DISPATCH_LEVEL or above (a timer, cancel or
 * timeout routine, a `Dispatch` priority routine, the synchronized routines with synchronization on):
 * the IRQL is left as it is. Release it with KeReleaseSpinLockFromDpcLevel. Called below
 * DISPATCH_LEVEL (a PASSIVE_LEVEL request routine with synchronization off) it is an `irql-violation`:
 * use KeAcquireSpinLock there. A lock already held is bug check 0x0F, as with KeAcquireSpinLock.
 */
export function KeAcquireSpinLockAtDpcLevel(SpinLock: KSPIN_LOCK): void {
  runtime().kernel.acquireSpinLockAtDpcLevel(SpinLock)
}

/**
 * Releases a spin lock taken with KeAcquireSpinLockAtDpcLevel, leaving the IRQL as it is. Below
 * DISPATCH_LEVEL it is an `irql-violation`; a lock nobody holds is bug check 0x10.
 */
export function KeReleaseSpinLockFromDpcLevel(SpinLock: KSPIN_LOCK): void {
  runtime().kernel.releaseSpinLockFromDpcLevel(SpinLock)
}

/**
 * Runs `SynchronizeRoutine(SynchronizeContext)` at the interrupt's DIRQL holding its spin lock, so it
 * cannot race the ISR. `Interrupt` is `ConfigInfo.InterruptObject`. Returns the routine's result.
 */
export function KeSynchronizeExecution(Interrupt: KINTERRUPT, SynchronizeRoutine: PKSYNCHRONIZE_ROUTINE, SynchronizeContext: any): BOOLEAN {
  return runtime().kernel.synchronizeExecution(Interrupt, SynchronizeRoutine, SynchronizeContext) as BOOLEAN
}

/**
 * Copies `Length` bytes (a CPU copy: costs PIO time per byte). Between Uint8Array views it copies bytes.
 * From a structure object it copies the fields of its first `Length` bytes in C layout order (embedded
 * structures by value, pointers as pointers) into `Destination`, as memcpy of a struct would:
 * `RtlCopyMemory(pStrmEx.VideoInfoHeader, &pFormat.VideoInfoHeader, KS_SIZE_VIDEOHEADER(...))`.
 */
export function RtlCopyMemory(Destination: Uint8Array | object, Source: Uint8Array | object, Length: number): void {
  runtime().kernel.copyMemory(Destination, Source, Length)
}

/** Like RtlCopyMemory; the views may overlap. */
export function RtlMoveMemory(Destination: Uint8Array | object, Source: Uint8Array | object, Length: number): void {
  runtime().kernel.copyMemory(Destination, Source instanceof Uint8Array ? Source.slice(0, Length) : Source, Length, 'RtlMoveMemory')
}

/** Fills `Length` bytes with `Fill` (costs PIO time per byte). */
export function RtlFillMemory(Destination: Uint8Array, Length: number, Fill: number): void {
  runtime().kernel.fillMemory(Destination, Length, Fill)
}

/**
 * Zeroes `Length` bytes (costs PIO time per byte): the bytes of a Uint8Array, or every field of a
 * structure's first `Length` bytes (numbers 0, GUIDs GUID_NULL, pointers NULL), as memset would.
 */
export function RtlZeroMemory(Destination: Uint8Array | object, Length: number): void {
  runtime().kernel.fillMemory(Destination, Length, 0, 'RtlZeroMemory')
}

/**
 * How many bytes from the start of `Source1` and `Source2` are equal, up to `Length` (=== Length when
 * they are equal). Buffers are compared byte by byte; structure objects in their C layout (GUIDs as
 * their 16 bytes, case-insensitive text; fields left out are zero), so comparing sizeof('KSDATARANGE')
 * bytes of two KS_DATARANGE_VIDEO compares their DataRange headers only, as memcmp does.
 */
export function RtlCompareMemory(Source1: Uint8Array | object, Source2: Uint8Array | object, Length: number): number {
  return runtime().kernel.compareMemory(Source1, Source2, Length)
}

/** RtlEqualMemory: TRUE when the first `Length` bytes of the two are equal (RtlCompareMemory(...) === Length). */
export function RtlEqualMemory(Source1: Uint8Array | object, Source2: Uint8Array | object, Length: number): boolean {
  return runtime().kernel.compareMemory(Source1, Source2, Length, 'RtlEqualMemory') === Math.max(0, Math.floor(Number(Length)) || 0)
}

/**
 * Allocates `NumberOfBytes` of pool: a zero-filled Uint8Array of that size that also takes fields, so it
 * serves as the structure you allocated (`pStrmEx.pVideoInfoHeader = ExAllocatePool(NonPagedPool,
 * KS_SIZE_VIDEOHEADER(pVih))`), or null when the pool cannot satisfy it. Tagged 'None'. Every block must
 * be freed with ExFreePool: a block still allocated when the device stops or the driver unloads is a
 * `pool-leak` finding naming its line. PagedPool only below DISPATCH_LEVEL.
 */
export function ExAllocatePool(PoolType: POOL_TYPE, NumberOfBytes: number): PVOID {
  return runtime().driver.pool.allocate('ExAllocatePool', PoolType, NumberOfBytes, 'None')
}

/**
 * ExAllocatePool with a tag: a ULONG ('Tcap' in C is 0x54636170, shown "pacT" as poolmon does) or its
 * four characters as text ('Tcap'). Leak findings name the tag and the allocating line.
 */
export function ExAllocatePoolWithTag(PoolType: POOL_TYPE, NumberOfBytes: number, Tag: number | string): PVOID {
  return runtime().driver.pool.allocate('ExAllocatePoolWithTag', PoolType, NumberOfBytes, Tag)
}

/** Frees a pool block. Freeing it twice, or freeing anything ExAllocatePool did not return, is `pool-misuse`. */
export function ExFreePool(P: PVOID): void {
  runtime().driver.pool.free('ExFreePool', P)
}

/** ExFreePool of a block allocated with `Tag`; another tag is `pool-misuse`. */
export function ExFreePoolWithTag(P: PVOID, Tag: number | string): void {
  runtime().driver.pool.free('ExFreePoolWithTag', P, Tag)
}

/**
 * CONTAINING_RECORD(Address, Type, Field): the structure whose `Field` (a dotted path:
 * 'Tail.Overlay.ListEntry') is the LIST_ENTRY (or other embedded structure) at `Address`, as C's
 * address arithmetic gives it: `CONTAINING_RECORD<IRP>(e, 'IRP', 'Tail.Overlay.ListEntry')`,
 * `CONTAINING_RECORD<SRB_EXT>(e, 'SRB_EXT', 'ListEntry')`. `Type` only documents; it may be left out:
 * `CONTAINING_RECORD(e, 'ListEntry')`. The structure must be in the driver's memory: an extension
 * (device, stream, filter instance, SRB), srb.Irp, a pool block, or an object they reference.
 */
export function CONTAINING_RECORD<T = any>(Address: object, Type: string | null, Field: string): T
/** CONTAINING_RECORD(Address, Field): the structure whose `Field` (a dotted path) is the entry at `Address`; the Type argument left out. */
export function CONTAINING_RECORD<T = any>(Address: object, Field: string): T
export function CONTAINING_RECORD<T = any>(Address: object, TypeOrField: string | null, Field?: string): T {
  return runtime().driver.containingRecord(Address, Field === undefined ? null : TypeOrField, Field ?? (TypeOrField as string)) as T
}

/** Kernel debug output (printf style: %d %u %x %s %p %I64x ...). It appears on the trace. */
export function DbgPrint(Format: string, ...args: unknown[]): number {
  return runtime().kernel.dbgPrint(Format, args)
}
