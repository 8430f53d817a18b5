/**
 * A small, configurable stream minidriver for class-driver tests. It handles the device and stream
 * SRBs a capture pin needs in the textbook way; a test overrides only the behaviour it is about
 * (hooks), and reads what the driver saw through `log`.
 *
 * One stream: 0 = video capture, YUY2 320x240 at 30 fps, reads queued until the test's code completes
 * them (see `completeOldestRead`).
 */
import {
  DeviceRequestComplete,
  FALSE,
  FOURCC_YUY2,
  IsEqualGUID,
  KSDATAFORMAT_SPECIFIER_VIDEOINFO,
  KSDATAFORMAT_SUBTYPE_YUY2,
  KSDATAFORMAT_TYPE_VIDEO,
  KSPIN_DATAFLOW_OUT,
  KSSTATE_STOP,
  KS_VIDEOSTREAM_CAPTURE,
  KeGetCurrentIrql,
  PINNAME_VIDEO_CAPTURE,
  ReadyForNextDeviceRequest,
  ReadyForNextStreamControlRequest,
  ReadyForNextStreamDataRequest,
  SRB_CHANGE_POWER_STATE,
  SRB_CLOSE_DEVICE_INSTANCE,
  SRB_PAGING_OUT_DRIVER,
  SRB_SURPRISE_REMOVAL,
  SRB_CLOSE_STREAM,
  SRB_OPEN_DEVICE_INSTANCE,
  SRB_GET_DATA_INTERSECTION,
  SRB_GET_STREAM_INFO,
  SRB_GET_STREAM_STATE,
  SRB_CLOSE_MASTER_CLOCK,
  SRB_INDICATE_MASTER_CLOCK,
  SRB_OPEN_MASTER_CLOCK,
  SRB_INITIALIZATION_COMPLETE,
  SRB_INITIALIZE_DEVICE,
  SRB_OPEN_STREAM,
  SRB_READ_DATA,
  SRB_SET_STREAM_STATE,
  SRB_UNINITIALIZE_DEVICE,
  SRB_WRITE_DATA,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_NOT_IMPLEMENTED,
  STATUS_SUCCESS,
  StreamClassDeviceNotification,
  StreamClassRegisterMinidriver,
  StreamClassStreamNotification,
  StreamRequestComplete,
  TRUE,
  sizeof,
  srbCommandName,
  type HW_INITIALIZATION_DATA,
  type HW_STREAM_INFORMATION,
  type HW_STREAM_OBJECT,
  type HW_STREAM_REQUEST_BLOCK,
  type KS_DATARANGE_VIDEO,
  type PHW_CANCEL_SRB,
  type PHW_INTERRUPT,
  type PHW_REQUEST_TIMEOUT_HANDLER,
} from 'strmini'

type Srb = HW_STREAM_REQUEST_BLOCK

export interface Hooks {
  /** Class synchronization on (default) or off. */
  sync?: boolean
  /** Return true when the hook handled (and completed) the SRB itself. */
  device?: (srb: Srb) => boolean | void
  control?: (srb: Srb) => boolean | void
  data?: (srb: Srb) => boolean | void
  isr?: PHW_INTERRUPT | null
  cancel?: PHW_CANCEL_SRB | null
  timeout?: PHW_REQUEST_TIMEOUT_HANDLER | null
  /** Extra stream object setup at SRB_OPEN_STREAM. */
  open?: (stream: HW_STREAM_OBJECT) => void
  /** Changes to the stream information before it is returned. */
  streamInfo?: (info: HW_STREAM_INFORMATION) => void
  /** Changes to HW_INITIALIZATION_DATA. */
  initData?: Partial<HW_INITIALIZATION_DATA>
}

/** What the driver saw, in order: "routine:command@irql" entries plus whatever hooks add. */
export const log: string[] = []
/** Every SRB as it arrived: routine, command, Flags, the CommandData members set, IRQL. */
export const seen: { routine: string; command: string; flags: number; data: string[]; irql: number; stream: number | null }[] = []
/** Reads queued by the default data routine, oldest first. */
export const reads: Srb[] = []
/** The device extension and the open stream object, once they exist. */
export const handles: { ext: any; stream: HW_STREAM_OBJECT | null; state: number; clock: number } = { ext: null, stream: null, state: KSSTATE_STOP, clock: 0 }

let hooks: Hooks = {}

export const range: KS_DATARANGE_VIDEO = {
  DataRange: {
    FormatSize: sizeof('KS_DATARANGE_VIDEO'),
    Flags: 0,
    SampleSize: 320 * 240 * 2,
    Reserved: 0,
    MajorFormat: KSDATAFORMAT_TYPE_VIDEO,
    SubFormat: KSDATAFORMAT_SUBTYPE_YUY2,
    Specifier: KSDATAFORMAT_SPECIFIER_VIDEOINFO,
  },
  bFixedSizeSamples: TRUE,
  bTemporalCompression: FALSE,
  StreamDescriptionFlags: KS_VIDEOSTREAM_CAPTURE,
  MemoryAllocationFlags: 0,
  ConfigCaps: {
    guid: KSDATAFORMAT_SPECIFIER_VIDEOINFO,
    VideoStandard: 0,
    InputSize: { cx: 320, cy: 240 },
    MinCroppingSize: { cx: 320, cy: 240 },
    MaxCroppingSize: { cx: 320, cy: 240 },
    CropGranularityX: 1,
    CropGranularityY: 1,
    CropAlignX: 1,
    CropAlignY: 1,
    MinOutputSize: { cx: 320, cy: 240 },
    MaxOutputSize: { cx: 320, cy: 240 },
    OutputGranularityX: 0,
    OutputGranularityY: 0,
    StretchTapsX: 0,
    StretchTapsY: 0,
    ShrinkTapsX: 0,
    ShrinkTapsY: 0,
    MinFrameInterval: 333333,
    MaxFrameInterval: 10000000,
    MinBitsPerSecond: 0,
    MaxBitsPerSecond: 0,
  },
  VideoInfoHeader: {
    rcSource: { left: 0, top: 0, right: 0, bottom: 0 },
    rcTarget: { left: 0, top: 0, right: 0, bottom: 0 },
    dwBitRate: 0,
    dwBitErrorRate: 0,
    AvgTimePerFrame: 333333,
    bmiHeader: {
      biSize: sizeof('KS_BITMAPINFOHEADER'),
      biWidth: 320,
      biHeight: 240,
      biPlanes: 1,
      biBitCount: 16,
      biCompression: FOURCC_YUY2,
      biSizeImage: 320 * 240 * 2,
      biXPelsPerMeter: 0,
      biYPelsPerMeter: 0,
      biClrUsed: 0,
      biClrImportant: 0,
    },
  },
}

export function streamInformation(): HW_STREAM_INFORMATION {
  const info: HW_STREAM_INFORMATION = {
    NumberOfPossibleInstances: 1,
    DataFlow: KSPIN_DATAFLOW_OUT,
    DataAccessible: TRUE,
    NumberOfFormatArrayEntries: 1,
    StreamFormatsArray: [range],
    ClassReserved: [],
    NumStreamPropArrayEntries: 0,
    StreamPropertiesArray: null,
    NumStreamEventArrayEntries: 0,
    StreamEventsArray: null,
    Category: PINNAME_VIDEO_CAPTURE,
    Name: PINNAME_VIDEO_CAPTURE,
    MediumsCount: 0,
    Mediums: null,
    BridgeStream: FALSE,
    Reserved: [],
  }
  hooks.streamInfo?.(info)
  return info
}

function trace(routine: string, srb: Srb): void {
  const irql = KeGetCurrentIrql()
  log.push(`${routine}:${srbCommandName(srb.Command)}@${irql}`)
  const data = Object.keys(srb.CommandData).filter((k) => (srb.CommandData as Record<string, unknown>)[k] !== undefined)
  seen.push({ routine, command: srbCommandName(srb.Command), flags: srb.Flags, data, irql, stream: srb.StreamObject?.StreamNumber ?? null })
}

export const synchronized = (): boolean => hooks.sync !== false

/** Completes a device SRB the textbook way (and readies the queue under synchronization). */
export function completeDevice(srb: Srb): void {
  const ext = srb.HwDeviceExtension
  StreamClassDeviceNotification(DeviceRequestComplete, ext, srb)
  if (synchronized()) StreamClassDeviceNotification(ReadyForNextDeviceRequest, ext)
}

export function completeControl(srb: Srb): void {
  const stream = srb.StreamObject!
  StreamClassStreamNotification(StreamRequestComplete, stream, srb)
  if (synchronized()) StreamClassStreamNotification(ReadyForNextStreamControlRequest, stream)
}

/** Completes the oldest queued read with `DataUsed` bytes (0: an empty buffer). */
export function completeOldestRead(status = STATUS_SUCCESS, dataUsed = 0): boolean {
  const srb = reads.shift()
  if (srb === undefined) return false
  srb.Status = status
  srb.CommandData.DataBufferArray![0].DataUsed = dataUsed
  StreamClassStreamNotification(StreamRequestComplete, srb.StreamObject!, srb)
  return true
}

export function defineDriver(h: Hooks = {}): (DriverObject: unknown, RegistryPath: unknown) => number {
  hooks = h
  return function DriverEntry(DriverObject: unknown, RegistryPath: unknown): number {
    const data: HW_INITIALIZATION_DATA = {
      HwInitializationDataSize: sizeof('HW_INITIALIZATION_DATA'),
      HwInterrupt: h.isr ?? null,
      HwReceivePacket: ReceivePacket,
      HwCancelPacket: h.cancel === undefined ? CancelPacket : h.cancel,
      HwRequestTimeoutHandler: h.timeout === undefined ? TimeoutHandler : h.timeout,
      DeviceExtensionSize: 64,
      PerRequestExtensionSize: 0,
      PerStreamExtensionSize: 64,
      FilterInstanceExtensionSize: 0,
      TurnOffSynchronization: synchronized() ? FALSE : TRUE,
      ...h.initData,
    }
    return StreamClassRegisterMinidriver(DriverObject, RegistryPath, data)
  }
}

function ReceivePacket(srb: Srb): void {
  trace('device', srb)
  handles.ext = srb.HwDeviceExtension
  if (hooks.device?.(srb)) return
  srb.Status = STATUS_SUCCESS
  switch (srb.Command) {
    case SRB_INITIALIZE_DEVICE:
      srb.CommandData.ConfigInfo!.StreamDescriptorSize = sizeof('HW_STREAM_HEADER') + sizeof('HW_STREAM_INFORMATION')
      break
    case SRB_GET_STREAM_INFO: {
      const d = srb.CommandData.StreamBuffer!
      d.StreamHeader.NumberOfStreams = 1
      d.StreamHeader.SizeOfHwStreamInformation = sizeof('HW_STREAM_INFORMATION')
      d.StreamInfo[0] = streamInformation()
      break
    }
    case SRB_GET_DATA_INTERSECTION: {
      const info = srb.CommandData.IntersectInfo!
      const size = sizeof('KS_DATAFORMAT_VIDEOINFOHEADER')
      if (!IsEqualGUID(info.DataRange.MajorFormat, KSDATAFORMAT_TYPE_VIDEO)) {
        srb.Status = 0xc0000272
      } else if (info.SizeOfDataFormatBuffer === sizeof('ULONG')) {
        info.DataFormatBuffer = size
        srb.ActualBytesTransferred = sizeof('ULONG')
      } else if (info.SizeOfDataFormatBuffer < size) {
        srb.Status = STATUS_BUFFER_TOO_SMALL
      } else {
        info.DataFormatBuffer = { DataFormat: { ...range.DataRange, FormatSize: size }, VideoInfoHeader: structuredClone(range.VideoInfoHeader) }
        srb.ActualBytesTransferred = size
      }
      break
    }
    case SRB_OPEN_STREAM: {
      const stream = srb.StreamObject!
      stream.ReceiveDataPacket = DataPacket
      stream.ReceiveControlPacket = ControlPacket
      stream.Pio = TRUE
      stream.Dma = FALSE
      stream.StreamHeaderMediaSpecific = sizeof('KS_FRAME_INFO')
      handles.stream = stream
      hooks.open?.(stream)
      break
    }
    case SRB_CLOSE_STREAM:
      handles.stream = null
      break
    case SRB_INITIALIZATION_COMPLETE:
    case SRB_UNINITIALIZE_DEVICE:
    case SRB_OPEN_DEVICE_INSTANCE:
    case SRB_CLOSE_DEVICE_INSTANCE:
    case SRB_CHANGE_POWER_STATE:
    case SRB_PAGING_OUT_DRIVER:
    case SRB_SURPRISE_REMOVAL:
      break
    default:
      srb.Status = STATUS_NOT_IMPLEMENTED
  }
  completeDevice(srb)
}

function ControlPacket(srb: Srb): void {
  trace('control', srb)
  if (hooks.control?.(srb)) return
  srb.Status = STATUS_SUCCESS
  switch (srb.Command) {
    case SRB_SET_STREAM_STATE:
      handles.state = srb.CommandData.StreamState!
      if (handles.state === KSSTATE_STOP) while (completeOldestRead(STATUS_CANCELLED, 0));
      break
    case SRB_GET_STREAM_STATE:
      srb.CommandData.StreamState = handles.state
      srb.ActualBytesTransferred = sizeof('KSSTATE')
      break
    case SRB_INDICATE_MASTER_CLOCK:
      handles.clock = srb.CommandData.MasterClockHandle ?? 0
      break
    case SRB_OPEN_MASTER_CLOCK:
    case SRB_CLOSE_MASTER_CLOCK:
      break
    default:
      srb.Status = STATUS_NOT_IMPLEMENTED
  }
  completeControl(srb)
}

function DataPacket(srb: Srb): void {
  trace('data', srb)
  if (hooks.data?.(srb)) return
  if (srb.Command === SRB_READ_DATA && handles.state !== KSSTATE_STOP) {
    reads.push(srb)
  } else {
    srb.Status = srb.Command === SRB_READ_DATA || srb.Command === SRB_WRITE_DATA ? STATUS_SUCCESS : STATUS_NOT_IMPLEMENTED
    if (srb.Command === SRB_READ_DATA) srb.CommandData.DataBufferArray![0].DataUsed = 0
    StreamClassStreamNotification(StreamRequestComplete, srb.StreamObject!, srb)
  }
  if (synchronized()) StreamClassStreamNotification(ReadyForNextStreamDataRequest, srb.StreamObject!)
}

function CancelPacket(srb: Srb): void {
  trace('cancel', srb)
  const i = reads.indexOf(srb)
  if (i < 0) return
  reads.splice(i, 1)
  srb.Status = STATUS_CANCELLED
  srb.CommandData.DataBufferArray![0].DataUsed = 0
  StreamClassStreamNotification(StreamRequestComplete, srb.StreamObject!, srb)
}

function TimeoutHandler(srb: Srb): void {
  trace('timeout', srb)
  srb.TimeoutCounter = srb.TimeoutOriginal
}
