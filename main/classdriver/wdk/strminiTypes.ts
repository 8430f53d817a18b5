/**
 * strmini.h: the structures, callback types and enumerations shared by the stream class driver and a
 * minidriver (docs/classdriver.md#callbacks, docs/classdriver.md#structures and docs/classdriver.md#services). Field names and numeric values are the WDK's.
 */
import type {
  GUID,
  KSDATAFORMAT,
  KSDATARANGE,
  KSEVENT_ENTRY,
  KSEVENT_SET,
  KSEVENTDATA,
  KSPIN_MEDIUM,
  KSPROPERTY,
  KSPROPERTY_SET,
  KSSTATE,
  KSSTREAM_HEADER,
  PKSDATAFORMAT,
  PKSDATARANGE,
} from './ks.js'
import type { LIST_ENTRY } from './lists.js'
import type { NTSTATUS } from './ntstatus.js'

export type BOOLEAN = boolean | number
export const TRUE = 1
export const FALSE = 0

/** An out parameter: C's `ULONG *`, `KIRQL *`. The callee writes `value`. */
export interface OUT<T> {
  value: T
}
export type PULONG = OUT<number>

/** LARGE_INTEGER, as returned by KeQueryPerformanceCounter. */
export interface LARGE_INTEGER {
  QuadPart: number
}

// ---------------------------------------------------------------------------------------------------
// Enumerations

/** STREAM_MINIDRIVER_STREAM_NOTIFICATION_TYPE, for StreamClassStreamNotification. */
export const ReadyForNextStreamDataRequest = 0
export const ReadyForNextStreamControlRequest = 1
export const HardwareStarved = 2
/** Extra argument: the SRB. The SRB is dead once this returns. */
export const StreamRequestComplete = 3
/** Extra arguments: EventSet (GUID), EventId. */
export const SignalMultipleStreamEvents = 4
/** Extra argument: the KSEVENT_ENTRY. */
export const SignalStreamEvent = 5
/** Extra argument: the KSEVENT_ENTRY. */
export const DeleteStreamEvent = 6
export const StreamNotificationMaximum = 7
export type STREAM_MINIDRIVER_STREAM_NOTIFICATION_TYPE = number

/** STREAM_MINIDRIVER_DEVICE_NOTIFICATION_TYPE, for StreamClassDeviceNotification. */
export const ReadyForNextDeviceRequest = 0
/** Extra argument: the SRB. The SRB is dead once this returns. */
export const DeviceRequestComplete = 1
/** Extra arguments: EventSet (GUID), EventId. Single-instance drivers only. */
export const SignalMultipleDeviceEvents = 2
export const SignalDeviceEvent = 3
export const DeleteDeviceEvent = 4
/** Extra arguments: HwInstanceExtension, EventSet, EventId (XP+, multi-instance drivers). */
export const SignalMultipleDeviceInstanceEvents = 5
export const DeviceNotificationMaximum = 6
export type STREAM_MINIDRIVER_DEVICE_NOTIFICATION_TYPE = number

/** STREAM_PRIORITY, for StreamClassCallAtNewPriority. */
export const High = 0
export const Dispatch = 1
export const Low = 2
export const LowToHigh = 3
export type STREAM_PRIORITY = number

/** TIME_FUNCTION, in HW_TIME_CONTEXT.Function. */
export const TIME_GET_STREAM_TIME = 0
export const TIME_READ_ONBOARD_CLOCK = 1
export const TIME_SET_ONBOARD_CLOCK = 2
export type TIME_FUNCTION = number

/** STREAM_BUFFER_TYPE, for StreamClassGetPhysicalAddress. */
export const PerRequestExtension = 0
export const DmaBuffer = 1
export const SRBDataBuffer = 2
export type STREAM_BUFFER_TYPE = number

/** STREAM_DEBUG_LEVEL, for StreamClassDebugPrint. */
export const DebugLevelFatal = 0
export const DebugLevelError = 1
export const DebugLevelWarning = 2
export const DebugLevelInfo = 3
export const DebugLevelTrace = 4
export const DebugLevelVerbose = 5
export const DebugLevelMaximum = 6
export const DebugLevelAlways = DebugLevelFatal
export type STREAM_DEBUG_LEVEL = number

/** HW_CLOCK_OBJECT.ClockSupportFlags */
export const CLOCK_SUPPORT_CAN_SET_ONBOARD_CLOCK = 0x1
export const CLOCK_SUPPORT_CAN_READ_ONBOARD_CLOCK = 0x2
export const CLOCK_SUPPORT_CAN_RETURN_STREAM_TIME = 0x4

/** HW_INITIALIZATION_DATA.StreamClassVersion for a version 2.0 minidriver. */
export const STREAM_CLASS_VERSION_20 = 0x0200
export const STREAM_SYSTEM_TIME_MASK = 0x00000001ffffffff

/** DEVICE_POWER_STATE */
export const PowerDeviceUnspecified = 0
export const PowerDeviceD0 = 1
export const PowerDeviceD1 = 2
export const PowerDeviceD2 = 3
export const PowerDeviceD3 = 4
export type DEVICE_POWER_STATE = number

/** KINTERRUPT_MODE */
export const LevelSensitive = 0
export const Latched = 1
export type KINTERRUPT_MODE = number

/** INTERFACE_TYPE */
export const PCIBus = 5

/** KIRQL values a minidriver may compare against KeGetCurrentIrql(). */
export const PASSIVE_LEVEL = 0
export const APC_LEVEL = 1
export const DISPATCH_LEVEL = 2
export type KIRQL = number

// ---------------------------------------------------------------------------------------------------
// Callback types

/** StrMiniReceiveDevicePacket / ReceiveDataPacket / ReceiveControlPacket: handle, then complete by notification. */
export type PHW_RECEIVE_DEVICE_SRB = (Srb: HW_STREAM_REQUEST_BLOCK) => void
export type PHW_RECEIVE_STREAM_DATA_SRB = (Srb: HW_STREAM_REQUEST_BLOCK) => void
export type PHW_RECEIVE_STREAM_CONTROL_SRB = (Srb: HW_STREAM_REQUEST_BLOCK) => void
/** StrMiniCancelPacket: find the SRB, unlink it, set STATUS_CANCELLED, complete it. */
export type PHW_CANCEL_SRB = (Srb: HW_STREAM_REQUEST_BLOCK) => void
/** StrMiniRequestTimeout: TimeoutCounter reached 0; complete it or re-arm it. */
export type PHW_REQUEST_TIMEOUT_HANDLER = (Srb: HW_STREAM_REQUEST_BLOCK) => void
/** StrMiniInterrupt: return TRUE only if this device raised the interrupt, after dismissing it. */
export type PHW_INTERRUPT = (HwDeviceExtension: any) => BOOLEAN
/** StrMiniEvent: accept (STATUS_SUCCESS) or refuse an enable; the return is ignored on disable. */
export type PHW_EVENT_ROUTINE = (EventDescriptor: HW_EVENT_DESCRIPTOR) => NTSTATUS
/** StrMiniClock: fill TimeContext.Time and SystemTime for TimeContext.Function. */
export type PHW_CLOCK_FUNCTION = (TimeContext: HW_TIME_CONTEXT) => void
export type PHW_TIMER_ROUTINE = (Context: any) => void
export type PHW_PRIORITY_ROUTINE = (Context: any) => void
/** The asynchronous master-clock query finished. The context is freed after this returns. */
export type PHW_QUERY_CLOCK_ROUTINE = (TimeContext: HW_TIME_CONTEXT) => void
/** KeSynchronizeExecution routine. */
export type PKSYNCHRONIZE_ROUTINE = (SynchronizeContext: any) => BOOLEAN

// ---------------------------------------------------------------------------------------------------
// Structures

/** HW_INITIALIZATION_DATA: what DriverEntry passes to StreamClassRegisterMinidriver. Zero/null = unused. */
export interface HW_INITIALIZATION_DATA {
  /** sizeof('HW_INITIALIZATION_DATA'), or STREAM_CLASS_VERSION_20 << 16 | size for a version 2.0 driver. */
  HwInitializationDataSize: number
  /** The ISR, or null for hardware without an interrupt. */
  HwInterrupt?: PHW_INTERRUPT | null
  /** Device SRB handler (required). */
  HwReceivePacket: PHW_RECEIVE_DEVICE_SRB
  HwCancelPacket?: PHW_CANCEL_SRB | null
  HwRequestTimeoutHandler?: PHW_REQUEST_TIMEOUT_HANDLER | null
  /** Bytes of HwDeviceExtension (declared and accounted; the extension is a plain object). */
  DeviceExtensionSize?: number
  /** Bytes of each SRB's SRBExtension. */
  PerRequestExtensionSize?: number
  /** Bytes of each stream's HwStreamExtension. */
  PerStreamExtensionSize?: number
  /** Bytes of the filter-instance extension; 0 = single instance (no OPEN_DEVICE_INSTANCE). */
  FilterInstanceExtensionSize?: number
  /** The device does bus-master DMA into SRB buffers. */
  BusMasterDMA?: BOOLEAN
  Dma24BitAddresses?: BOOLEAN
  /** Buffer alignment: a mask (3) or a byte count (4); both are accepted. */
  BufferAlignment?: number
  /** TRUE: requests arrive at PASSIVE_LEVEL, concurrently; the minidriver synchronises itself. */
  TurnOffSynchronization?: BOOLEAN
  /** Bytes of the contiguous common buffer StreamClassGetDmaBuffer returns. */
  DmaBufferSize?: number
  /** Version 2.0 only: number of filter types. */
  NumNameExtensions?: number
  /** Version 2.0 only: names of the filter types. */
  NameExtensionArray?: string[] | null
}

/** ACCESS_RANGE: one resource of the device (BAR0 first). */
export interface ACCESS_RANGE {
  /** For memory ranges: the mapped base address to use with READ_REGISTER_* / WRITE_REGISTER_*. */
  RangeStart: number
  RangeLength: number
  /** TRUE for memory, FALSE for I/O ports. */
  RangeInMemory: BOOLEAN
  Reserved: number
}

/** PORT_CONFIGURATION_INFORMATION: `CommandData.ConfigInfo` of SRB_INITIALIZE_DEVICE. */
export interface PORT_CONFIGURATION_INFORMATION {
  SizeOfThisPacket: number
  HwDeviceExtension: any
  ClassDeviceObject: object
  PhysicalDeviceObject: object
  SystemIoBusNumber: number
  AdapterInterfaceType: number
  BusInterruptLevel: number
  BusInterruptVector: number
  InterruptMode: KINTERRUPT_MODE
  DmaChannel: number
  NumberOfAccessRanges: number
  AccessRanges: ACCESS_RANGE[]
  /** Set by the minidriver: bytes of its HW_STREAM_DESCRIPTOR (header + streams × HW_STREAM_INFORMATION). */
  StreamDescriptorSize: number
  Irp: object | null
  /** For KeSynchronizeExecution; null when no interrupt is connected. */
  InterruptObject: KINTERRUPT | null
  DmaAdapterObject: object | null
  RealPhysicalDeviceObject: object
  Reserved: number[]
}

/** A connected interrupt (PKINTERRUPT), for KeSynchronizeExecution. */
export interface KINTERRUPT {
  readonly Vector: number
  readonly Irql: number
}

/** HW_CLOCK_OBJECT */
export interface HW_CLOCK_OBJECT {
  HwClockFunction: PHW_CLOCK_FUNCTION | null
  ClockSupportFlags: number
  Reserved: number[]
}

/** HW_STREAM_OBJECT: one opened stream. The class driver fills the first fields; the minidriver the rest. */
export interface HW_STREAM_OBJECT {
  readonly SizeOfThisPacket: number
  /** Index of the stream in the HW_STREAM_INFORMATION array (the pin type). */
  readonly StreamNumber: number
  /** The per-stream extension (PerStreamExtensionSize), zeroed (an empty object). */
  readonly HwStreamExtension: any
  /** Set by the minidriver at SRB_OPEN_STREAM. */
  ReceiveDataPacket: PHW_RECEIVE_STREAM_DATA_SRB | null
  /** Set by the minidriver at SRB_OPEN_STREAM. */
  ReceiveControlPacket: PHW_RECEIVE_STREAM_CONTROL_SRB | null
  HwClockObject: HW_CLOCK_OBJECT
  /** TRUE: the device DMAs directly into the data buffers. */
  Dma: BOOLEAN
  /** TRUE: the driver touches the buffers through `Data`. */
  Pio: BOOLEAN
  readonly HwDeviceExtension: any
  /** Bytes of the extension after each KSSTREAM_HEADER (sizeof('KS_FRAME_INFO') for video capture). */
  StreamHeaderMediaSpecific: number
  StreamHeaderWorkspace: number
  Allocator: BOOLEAN
  HwEventRoutine: PHW_EVENT_ROUTINE | null
  Reserved: number[]
}

/** HW_STREAM_HEADER: the start of the SRB_GET_STREAM_INFO buffer. */
export interface HW_STREAM_HEADER {
  NumberOfStreams: number
  /** Stride of the HW_STREAM_INFORMATION array: sizeof('HW_STREAM_INFORMATION'). */
  SizeOfHwStreamInformation: number
  NumDevPropArrayEntries: number
  DevicePropertiesArray: KSPROPERTY_SET[] | null
  NumDevEventArrayEntries: number
  DeviceEventsArray: KSEVENT_SET[] | null
  Topology: object | null
  DeviceEventRoutine: PHW_EVENT_ROUTINE | null
  NumDevMethodArrayEntries: number
  DeviceMethodsArray: object[] | null
}

/** HW_STREAM_INFORMATION: one pin type. */
export interface HW_STREAM_INFORMATION {
  NumberOfPossibleInstances: number
  /** KSPIN_DATAFLOW_IN or KSPIN_DATAFLOW_OUT. */
  DataFlow: number
  DataAccessible: BOOLEAN
  NumberOfFormatArrayEntries: number
  /** The data ranges this pin supports (KS_DATARANGE_VIDEO, KSDATARANGE_AUDIO, ...). */
  StreamFormatsArray: object[] | null
  ClassReserved: unknown[]
  NumStreamPropArrayEntries: number
  StreamPropertiesArray: KSPROPERTY_SET[] | null
  NumStreamEventArrayEntries: number
  StreamEventsArray: KSEVENT_SET[] | null
  /** Pin category (PINNAME_VIDEO_CAPTURE...). */
  Category: GUID | null
  Name: GUID | null
  MediumsCount: number
  Mediums: KSPIN_MEDIUM[] | null
  BridgeStream: BOOLEAN
  Reserved: number[]
}

/** HW_STREAM_DESCRIPTOR: `CommandData.StreamBuffer` of SRB_GET_STREAM_INFO. */
export interface HW_STREAM_DESCRIPTOR {
  StreamHeader: HW_STREAM_HEADER
  /** StreamInfo[0..NumberOfStreams): room for as many as StreamDescriptorSize allows, zeroed. */
  StreamInfo: HW_STREAM_INFORMATION[]
}

/** HW_TIME_CONTEXT: a clock query. Times are 100 ns units. */
export interface HW_TIME_CONTEXT {
  HwDeviceExtension: any
  HwStreamObject: HW_STREAM_OBJECT | null
  Function: TIME_FUNCTION
  Time: number
  /** KeQueryPerformanceCounter converted to 100 ns. */
  SystemTime: number
}

/** HW_EVENT_DESCRIPTOR: what StrMiniEvent receives. Only EventEntry may be kept after it returns. */
export interface HW_EVENT_DESCRIPTOR {
  Enable: BOOLEAN
  EventEntry: KSEVENT_ENTRY
  EventData: KSEVENTDATA
  StreamObject: HW_STREAM_OBJECT | null
  DeviceExtension: any
  EnableEventSetIndex: number
  HwInstanceExtension: any
  Reserved: number
}

/** STREAM_PROPERTY_DESCRIPTOR: `CommandData.PropertyInfo`. */
export interface STREAM_PROPERTY_DESCRIPTOR {
  Property: KSPROPERTY
  /** Index of the set in the minidriver's property-set array. */
  PropertySetID: number
  /**
   * The data buffer: an object with the property structure's fields (a scalar property uses `Value`).
   * On GET the minidriver fills it and sets `ActualBytesTransferred`.
   */
  PropertyInfo: Record<string, any>
  PropertyInputSize: number
  PropertyOutputSize: number
}

/** STREAM_DATA_INTERSECT_INFO: `CommandData.IntersectInfo`. */
export interface STREAM_DATA_INTERSECT_INFO {
  StreamNumber: number
  /** One of the client's data ranges. */
  DataRange: PKSDATARANGE
  /**
   * Where the result goes. When SizeOfDataFormatBuffer == sizeof('ULONG') the client only asks for the
   * size: store the size (a number) here and set ActualBytesTransferred = 4. Otherwise store the format
   * object (its FormatSize must fit SizeOfDataFormatBuffer) and set ActualBytesTransferred = FormatSize.
   */
  DataFormatBuffer: object | number | null
  SizeOfDataFormatBuffer: number
}

/** STREAM_TIME_REFERENCE */
export interface STREAM_TIME_REFERENCE {
  CurrentOnboardClockValue: number
  OnboardClockFrequency: number
  CurrentSystemTime: number
  Reserved: number[]
}

/** KSSCATTER_GATHER: one physically contiguous run of a data buffer. */
export interface KSSCATTER_GATHER {
  PhysicalAddress: number
  Length: number
}

/**
 * An IRP as far as a minidriver sees one (`srb.Irp`). While the minidriver owns the SRB it may use
 * `Tail.Overlay.DriverContext[0..3]` and `Tail.Overlay.ListEntry` (zeroed) to queue the request on its
 * own LIST_ENTRY lists; CONTAINING_RECORD(entry, 'IRP', 'Tail.Overlay.ListEntry') gives the IRP back.
 */
export interface IRP {
  MajorFunction: number
  MinorFunction: number
  Tail: {
    Overlay: {
      /** Four pointers for the driver that owns the IRP (the SRB, a stream, ...). */
      DriverContext: unknown[]
      /** A free link for the owner's own lists (InsertTailList(list, srb.Irp.Tail.Overlay.ListEntry)). */
      ListEntry: LIST_ENTRY
    }
  }
}

/** What the union `CommandData` holds; the member used depends on `Command`. */
export interface SRB_COMMAND_DATA {
  DataBufferArray?: KSSTREAM_HEADER[]
  StreamBuffer?: HW_STREAM_DESCRIPTOR
  StreamState?: KSSTATE
  TimeReference?: STREAM_TIME_REFERENCE
  PropertyInfo?: STREAM_PROPERTY_DESCRIPTOR
  OpenFormat?: PKSDATAFORMAT
  ConfigInfo?: PORT_CONFIGURATION_INFORMATION
  MasterClockHandle?: number
  DeviceState?: DEVICE_POWER_STATE
  IntersectInfo?: STREAM_DATA_INTERSECT_INFO
  MethodInfo?: unknown
  FilterTypeIndex?: number
  Idle?: BOOLEAN
}

/**
 * HW_STREAM_REQUEST_BLOCK: one request. The minidriver owns it from the moment a Receive*Packet routine
 * is entered until it completes it; after the completion notification it must not touch it again.
 */
export interface HW_STREAM_REQUEST_BLOCK {
  readonly SizeOfThisPacket: number
  readonly Command: number
  /** Set before completing. Undefined until then (STATUS_PENDING is never a final status). */
  Status: NTSTATUS
  /** The stream, for stream SRBs and for SRB_OPEN_STREAM / SRB_CLOSE_STREAM. */
  readonly StreamObject: HW_STREAM_OBJECT | null
  readonly HwDeviceExtension: any
  /** Per-request scratch (PerRequestExtensionSize), uninitialised. */
  readonly SRBExtension: any
  readonly CommandData: SRB_COMMAND_DATA
  readonly NumberOfBuffers: number
  /** Seconds left before the timeout handler runs; 0 = never time out. */
  TimeoutCounter: number
  /** The initial TimeoutCounter; copy it back to re-arm. */
  TimeoutOriginal: number
  /** Free link for the minidriver's own queues. */
  NextSRB: HW_STREAM_REQUEST_BLOCK | null
  readonly Irp: IRP | null
  /** SRB_HW_FLAGS_DATA_TRANSFER, SRB_HW_FLAGS_STREAM_REQUEST. */
  readonly Flags: number
  readonly HwInstanceExtension: any
  /** In: bytes to transfer (data SRBs; StreamDescriptorSize for GET_STREAM_INFO). */
  NumberOfBytesToTransfer: number
  /** Out: bytes returned for properties, state, intersection (same storage as NumberOfBytesToTransfer). */
  ActualBytesTransferred: number
  /** Physical runs of the data buffers, for bus-master DMA. */
  readonly ScatterGatherBuffer: KSSCATTER_GATHER[] | null
  readonly NumberOfPhysicalPages: number
  readonly NumberOfScatterGatherElements: number
}

/** A kernel spin lock. Initialise with KeInitializeSpinLock before use. */
export interface KSPIN_LOCK {
  /** Opaque. */
  readonly __spinLock?: never
}

/** Re-exported for signatures. */
export type { KSDATAFORMAT, KSDATARANGE, KSEVENT_ENTRY, KSSTREAM_HEADER, PKSDATARANGE }
