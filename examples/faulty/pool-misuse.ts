/**
 * Faulty driver for rule pool-misuse: the frame routine, a stream timer routine at DISPATCH_LEVEL, allocates its per-frame scratch block from PagedPool.
 *
 * Starts from examples/testcap.ts (a correct driver) and breaks one thing: the statement marked
 * `// FAULT`. The scratch block is added code and is freed correctly; only the pool type is wrong.
 *
 * @preset capture
 */
import {
  ExAllocatePoolWithTag,
  ExFreePool,
  PagedPool,
  RtlZeroMemory,
  DebugLevelError,
  DeviceRequestComplete,
  FALSE,
  FOURCC_UYVY,
  FOURCC_YUY2,
  IsEqualGUID,
  KeAcquireSpinLock,
  KeInitializeSpinLock,
  KeReleaseSpinLock,
  KSDATAFORMAT_SPECIFIER_VIDEOINFO,
  KSDATAFORMAT_SPECIFIER_WILDCARD,
  KSDATAFORMAT_SUBTYPE_RGB24,
  KSDATAFORMAT_SUBTYPE_UYVY,
  KSDATAFORMAT_SUBTYPE_WILDCARD,
  KSDATAFORMAT_SUBTYPE_YUY2,
  KSDATAFORMAT_TYPE_VIDEO,
  KSDATAFORMAT_TYPE_WILDCARD,
  KSPIN_DATAFLOW_OUT,
  KSPROPERTY_CONNECTION_ALLOCATORFRAMING,
  KSPROPERTY_DROPPEDFRAMES_CURRENT,
  KSPROPSETID_Connection,
  KSSTATE_ACQUIRE,
  KSSTATE_PAUSE,
  KSSTATE_RUN,
  KSSTATE_STOP,
  KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY,
  KSSTREAM_HEADER_OPTIONSF_DURATIONVALID,
  KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT,
  KSSTREAM_HEADER_OPTIONSF_TIMEVALID,
  KS_AnalogVideo_None,
  KS_BI_RGB,
  KS_VIDEOSTREAM_CAPTURE,
  PINNAME_VIDEO_CAPTURE,
  PROPSETID_VIDCAP_DROPPEDFRAMES,
  RtlCopyMemory,
  RtlFillMemory,
  SRB_CHANGE_POWER_STATE,
  SRB_CLOSE_STREAM,
  SRB_GET_DATA_FORMAT,
  SRB_GET_DATA_INTERSECTION,
  SRB_GET_STREAM_INFO,
  SRB_GET_STREAM_PROPERTY,
  SRB_GET_STREAM_STATE,
  SRB_HW_FLAGS_DATA_TRANSFER,
  SRB_HW_FLAGS_STREAM_REQUEST,
  SRB_INDICATE_MASTER_CLOCK,
  SRB_INITIALIZATION_COMPLETE,
  SRB_INITIALIZE_DEVICE,
  SRB_OPEN_STREAM,
  SRB_PROPOSE_DATA_FORMAT,
  SRB_READ_DATA,
  SRB_SET_DATA_FORMAT,
  SRB_SET_STREAM_STATE,
  SRB_UNINITIALIZE_DEVICE,
  STATUS_BUFFER_OVERFLOW,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_INVALID_PARAMETER,
  STATUS_NO_DATA_DETECTED,
  STATUS_NO_MATCH,
  STATUS_NO_SUCH_DEVICE,
  STATUS_NOT_IMPLEMENTED,
  STATUS_SUCCESS,
  STATUS_TOO_MANY_NODES,
  StreamClassDebugPrint,
  StreamClassDeviceNotification,
  StreamClassQueryMasterClockSync,
  StreamClassRegisterMinidriver,
  StreamClassScheduleTimer,
  StreamClassStreamNotification,
  StreamRequestComplete,
  TIME_GET_STREAM_TIME,
  TRUE,
  sizeof,
  type HW_INITIALIZATION_DATA,
  type HW_STREAM_INFORMATION,
  type HW_STREAM_OBJECT,
  type HW_STREAM_REQUEST_BLOCK,
  type HW_TIME_CONTEXT,
  type KIRQL,
  type KSPIN_LOCK,
  type KSPROPERTY_SET,
  type KS_DATAFORMAT_VIDEOINFOHEADER,
  type KS_DATARANGE_VIDEO,
  type KS_VIDEOINFOHEADER,
  type KSSTATE,
  type KSSTREAM_HEADER,
  type OUT,
  type PKSDATARANGE,
} from 'strmini'

// ---------------------------------------------------------------------------------------------------
// Formats: YUY2, UYVY and RGB24 at 320x240 and 640x480, 30 fps down to 1 fps.

const MAX_FRAME = 10000000 // 1 fps

function dibWidthBytes(width: number, bits: number): number {
  return Math.floor((width * bits + 31) / 32) * 4
}

function videoRange(subFormat: string, compression: number, bits: number, width: number, height: number): KS_DATARANGE_VIDEO {
  const sizeImage = dibWidthBytes(width, bits) * height
  const frameInterval = 333333
  return {
    DataRange: {
      FormatSize: sizeof('KS_DATARANGE_VIDEO'),
      Flags: 0,
      SampleSize: sizeImage,
      Reserved: 0,
      MajorFormat: KSDATAFORMAT_TYPE_VIDEO,
      SubFormat: subFormat,
      Specifier: KSDATAFORMAT_SPECIFIER_VIDEOINFO,
    },
    bFixedSizeSamples: TRUE,
    bTemporalCompression: FALSE,
    StreamDescriptionFlags: KS_VIDEOSTREAM_CAPTURE,
    MemoryAllocationFlags: 0,
    ConfigCaps: {
      guid: KSDATAFORMAT_SPECIFIER_VIDEOINFO,
      VideoStandard: KS_AnalogVideo_None,
      InputSize: { cx: width, cy: height },
      MinCroppingSize: { cx: width, cy: height },
      MaxCroppingSize: { cx: width, cy: height },
      CropGranularityX: 1,
      CropGranularityY: 1,
      CropAlignX: 1,
      CropAlignY: 1,
      MinOutputSize: { cx: width, cy: height },
      MaxOutputSize: { cx: width, cy: height },
      OutputGranularityX: 0,
      OutputGranularityY: 0,
      StretchTapsX: 0,
      StretchTapsY: 0,
      ShrinkTapsX: 0,
      ShrinkTapsY: 0,
      MinFrameInterval: frameInterval,
      MaxFrameInterval: MAX_FRAME,
      MinBitsPerSecond: sizeImage * 8,
      MaxBitsPerSecond: sizeImage * 8 * 30,
    },
    VideoInfoHeader: {
      rcSource: { left: 0, top: 0, right: 0, bottom: 0 },
      rcTarget: { left: 0, top: 0, right: 0, bottom: 0 },
      dwBitRate: sizeImage * 8 * 30,
      dwBitErrorRate: 0,
      AvgTimePerFrame: frameInterval,
      bmiHeader: {
        biSize: sizeof('KS_BITMAPINFOHEADER'),
        biWidth: width,
        biHeight: height,
        biPlanes: 1,
        biBitCount: bits,
        biCompression: compression,
        biSizeImage: sizeImage,
        biXPelsPerMeter: 0,
        biYPelsPerMeter: 0,
        biClrUsed: 0,
        biClrImportant: 0,
      },
    },
  }
}

const CaptureFormats: KS_DATARANGE_VIDEO[] = [
  videoRange(KSDATAFORMAT_SUBTYPE_YUY2, FOURCC_YUY2, 16, 640, 480),
  videoRange(KSDATAFORMAT_SUBTYPE_YUY2, FOURCC_YUY2, 16, 320, 240),
  videoRange(KSDATAFORMAT_SUBTYPE_UYVY, FOURCC_UYVY, 16, 640, 480),
  videoRange(KSDATAFORMAT_SUBTYPE_UYVY, FOURCC_UYVY, 16, 320, 240),
  videoRange(KSDATAFORMAT_SUBTYPE_RGB24, KS_BI_RGB, 24, 640, 480),
  videoRange(KSDATAFORMAT_SUBTYPE_RGB24, KS_BI_RGB, 24, 320, 240),
]

// ---------------------------------------------------------------------------------------------------
// Properties: allocator framing and dropped frames, as testcap's capture pin has.

const VideoStreamProperties: KSPROPERTY_SET[] = [
  {
    Set: KSPROPSETID_Connection,
    PropertiesCount: 1,
    PropertyItem: [{ PropertyId: KSPROPERTY_CONNECTION_ALLOCATORFRAMING, GetPropertyHandler: TRUE, SetPropertyHandler: FALSE, MinProperty: sizeof('KSPROPERTY'), MinData: sizeof('KSALLOCATOR_FRAMING') }],
  },
  {
    Set: PROPSETID_VIDCAP_DROPPEDFRAMES,
    PropertiesCount: 1,
    PropertyItem: [{ PropertyId: KSPROPERTY_DROPPEDFRAMES_CURRENT, GetPropertyHandler: TRUE, SetPropertyHandler: FALSE, MinProperty: sizeof('KSPROPERTY'), MinData: sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S') }],
  },
]

const STREAM_Capture = 0
const DRIVER_STREAM_COUNT = 1

function streamInformation(): HW_STREAM_INFORMATION {
  return {
    NumberOfPossibleInstances: 1,
    DataFlow: KSPIN_DATAFLOW_OUT,
    DataAccessible: TRUE,
    NumberOfFormatArrayEntries: CaptureFormats.length,
    StreamFormatsArray: CaptureFormats,
    ClassReserved: [null, null, null, null],
    NumStreamPropArrayEntries: VideoStreamProperties.length,
    StreamPropertiesArray: VideoStreamProperties,
    NumStreamEventArrayEntries: 0,
    StreamEventsArray: null,
    Category: PINNAME_VIDEO_CAPTURE,
    Name: PINNAME_VIDEO_CAPTURE,
    MediumsCount: 0,
    Mediums: null,
    BridgeStream: FALSE,
    Reserved: [0, 0],
  }
}

// ---------------------------------------------------------------------------------------------------
// Extensions

/** SRBs handled one at a time: the thread that finds the list idle drains it, others park theirs. */
interface BUSY_LIST {
  SpinLock: KSPIN_LOCK
  Busy: boolean
  List: HW_STREAM_REQUEST_BLOCK[]
}

interface HW_DEVICE_EXTENSION {
  /** Adapter SRBs (synchronization is off, so requests can arrive together). */
  AdapterSRBs: BUSY_LIST
  /** Open streams, by stream number. */
  pStrmEx: (STREAMEX | null)[]
  ActualInstances: number[]
}

interface STREAMEX {
  pHwDevExt: HW_DEVICE_EXTENSION
  pStreamObject: HW_STREAM_OBJECT
  /** Control SRBs: the same scheme as the adapter's. */
  ControlSRBs: BUSY_LIST
  /** Queued reads, oldest first. */
  StreamDataSpinLock: KSPIN_LOCK
  StreamDataQueue: HW_STREAM_REQUEST_BLOCK[]
  KSState: KSSTATE
  pVideoInfoHeader: KS_VIDEOINFOHEADER
  hMasterClock: number
  /** Next frame due, in stream time (100 ns); 0 = rebase on the next tick. */
  QST_NextFrame: number
  /** KS_FRAME_INFO counters and the pending discontinuity. */
  PictureNumber: number
  DropCount: number
  Discontinuity: boolean
  TimerRunning: boolean
}

// ---------------------------------------------------------------------------------------------------
// DriverEntry

export function DriverEntry(DriverObject: unknown, RegistryPath: unknown): number {
  const HwInitData: HW_INITIALIZATION_DATA = {
    HwInitializationDataSize: sizeof('HW_INITIALIZATION_DATA'),
    HwInterrupt: null, // no hardware
    HwReceivePacket: AdapterReceivePacket,
    HwCancelPacket: AdapterCancelPacket,
    HwRequestTimeoutHandler: AdapterTimeoutPacket,
    DeviceExtensionSize: 256,
    PerRequestExtensionSize: 0,
    PerStreamExtensionSize: 512,
    FilterInstanceExtensionSize: 0,
    BusMasterDMA: FALSE,
    Dma24BitAddresses: FALSE,
    BufferAlignment: 3,
    // Every request arrives at PASSIVE_LEVEL in the caller's thread; this driver queues for itself.
    TurnOffSynchronization: TRUE,
    DmaBufferSize: 0,
  }
  return StreamClassRegisterMinidriver(DriverObject, RegistryPath, HwInitData)
}

// ---------------------------------------------------------------------------------------------------
// The busy-flag lists (testcap's AddToListIfBusy / RemoveFromListIfAvailable)

function InitializeBusyList(): BUSY_LIST {
  const list: BUSY_LIST = { SpinLock: {}, Busy: false, List: [] }
  KeInitializeSpinLock(list.SpinLock)
  return list
}

/** Parks the SRB when another one is being processed; returns true when the caller must not process it. */
function AddToListIfBusy(srb: HW_STREAM_REQUEST_BLOCK, q: BUSY_LIST): boolean {
  const oldIrql: OUT<KIRQL> = { value: 0 }
  KeAcquireSpinLock(q.SpinLock, oldIrql)
  const busy = q.Busy
  if (busy) q.List.push(srb)
  else q.Busy = true
  KeReleaseSpinLock(q.SpinLock, oldIrql.value)
  return busy
}

/** The next parked SRB, or null (and the list is idle again). */
function RemoveFromListIfAvailable(q: BUSY_LIST): HW_STREAM_REQUEST_BLOCK | null {
  const oldIrql: OUT<KIRQL> = { value: 0 }
  KeAcquireSpinLock(q.SpinLock, oldIrql)
  const next = q.List.shift() ?? null
  if (next === null) q.Busy = false
  KeReleaseSpinLock(q.SpinLock, oldIrql.value)
  return next
}

/** Runs `process` for the SRB and for every SRB parked meanwhile, unless another thread is already at it. */
function ProcessSerially(pSrb: HW_STREAM_REQUEST_BLOCK, q: BUSY_LIST, process: (srb: HW_STREAM_REQUEST_BLOCK) => void): void {
  if (AddToListIfBusy(pSrb, q)) return
  for (let srb: HW_STREAM_REQUEST_BLOCK | null = pSrb; srb !== null; srb = RemoveFromListIfAvailable(q)) process(srb)
}

// ---------------------------------------------------------------------------------------------------
// Adapter SRBs

export function AdapterReceivePacket(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  const pHwDevExt = pSrb.HwDeviceExtension as HW_DEVICE_EXTENSION
  // INITIALIZE comes first, before the spin lock exists.
  if (pSrb.Command === SRB_INITIALIZE_DEVICE) {
    HwInitialize(pSrb)
    StreamClassDeviceNotification(DeviceRequestComplete, pSrb.HwDeviceExtension, pSrb)
    return
  }
  ProcessSerially(pSrb, pHwDevExt.AdapterSRBs, ProcessAdapterSrb)
}

function ProcessAdapterSrb(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  pSrb.Status = STATUS_SUCCESS
  switch (pSrb.Command) {
    case SRB_INITIALIZATION_COMPLETE:
      break
    case SRB_GET_STREAM_INFO:
      AdapterStreamInfo(pSrb)
      break
    case SRB_GET_DATA_INTERSECTION:
      pSrb.Status = AdapterFormatFromRange(pSrb)
      break
    case SRB_OPEN_STREAM:
      AdapterOpenStream(pSrb)
      break
    case SRB_CLOSE_STREAM:
      AdapterCloseStream(pSrb)
      break
    case SRB_UNINITIALIZE_DEVICE:
      break
    case SRB_CHANGE_POWER_STATE:
      break
    default:
      pSrb.Status = STATUS_NOT_IMPLEMENTED
  }
  StreamClassDeviceNotification(DeviceRequestComplete, pSrb.HwDeviceExtension, pSrb)
}

function HwInitialize(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  const ConfigInfo = pSrb.CommandData.ConfigInfo!
  const pHwDevExt = ConfigInfo.HwDeviceExtension as HW_DEVICE_EXTENSION
  // testcap has no hardware: it refuses a configuration that comes with resources.
  if (ConfigInfo.NumberOfAccessRanges !== 0) {
    StreamClassDebugPrint(DebugLevelError, 'testcap: illegal config info (%d access ranges)\n', ConfigInfo.NumberOfAccessRanges)
    pSrb.Status = STATUS_NO_SUCH_DEVICE
    return
  }
  pHwDevExt.AdapterSRBs = InitializeBusyList()
  pHwDevExt.pStrmEx = new Array(DRIVER_STREAM_COUNT).fill(null)
  pHwDevExt.ActualInstances = new Array(DRIVER_STREAM_COUNT).fill(0)
  ConfigInfo.StreamDescriptorSize = sizeof('HW_STREAM_HEADER') + DRIVER_STREAM_COUNT * sizeof('HW_STREAM_INFORMATION')
  pSrb.Status = STATUS_SUCCESS
}

function AdapterStreamInfo(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  const pstrhdr = pSrb.CommandData.StreamBuffer!
  // The class driver puts the buffer size here; make sure it holds what we write.
  const needed = sizeof('HW_STREAM_HEADER') + DRIVER_STREAM_COUNT * sizeof('HW_STREAM_INFORMATION')
  if (pSrb.NumberOfBytesToTransfer < needed) {
    pSrb.Status = STATUS_INVALID_PARAMETER
    return
  }
  pstrhdr.StreamHeader.NumberOfStreams = DRIVER_STREAM_COUNT
  pstrhdr.StreamHeader.SizeOfHwStreamInformation = sizeof('HW_STREAM_INFORMATION')
  pstrhdr.StreamHeader.NumDevPropArrayEntries = 0
  pstrhdr.StreamHeader.DevicePropertiesArray = null
  pstrhdr.StreamInfo[STREAM_Capture] = streamInformation()
}

function AdapterOpenStream(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  const pHwDevExt = pSrb.HwDeviceExtension as HW_DEVICE_EXTENSION
  const StreamObject = pSrb.StreamObject!
  const StreamNumber = StreamObject.StreamNumber
  if (StreamNumber >= DRIVER_STREAM_COUNT) {
    pSrb.Status = STATUS_INVALID_PARAMETER
    return
  }
  if (pHwDevExt.ActualInstances[StreamNumber] >= 1) {
    pSrb.Status = STATUS_TOO_MANY_NODES
    return
  }
  const format = pSrb.CommandData.OpenFormat!
  if (!AdapterVerifyFormat(format as unknown as KS_DATAFORMAT_VIDEOINFOHEADER)) {
    pSrb.Status = STATUS_INVALID_PARAMETER
    return
  }
  const pStrmEx = StreamObject.HwStreamExtension as STREAMEX
  pStrmEx.pHwDevExt = pHwDevExt
  pStrmEx.pStreamObject = StreamObject
  pStrmEx.ControlSRBs = InitializeBusyList()
  pStrmEx.StreamDataSpinLock = {}
  KeInitializeSpinLock(pStrmEx.StreamDataSpinLock)
  pStrmEx.StreamDataQueue = []
  pStrmEx.KSState = KSSTATE_STOP
  pStrmEx.pVideoInfoHeader = structuredClone((format as unknown as KS_DATAFORMAT_VIDEOINFOHEADER).VideoInfoHeader)
  pStrmEx.hMasterClock = 0
  pStrmEx.QST_NextFrame = 0
  pStrmEx.PictureNumber = 0
  pStrmEx.DropCount = 0
  pStrmEx.Discontinuity = false
  pStrmEx.TimerRunning = false

  StreamObject.ReceiveDataPacket = VideoReceiveDataPacket
  StreamObject.ReceiveControlPacket = VideoReceiveCtrlPacket
  StreamObject.Dma = FALSE
  StreamObject.Pio = TRUE
  StreamObject.StreamHeaderMediaSpecific = sizeof('KS_FRAME_INFO')
  StreamObject.StreamHeaderWorkspace = 0
  StreamObject.Allocator = FALSE
  StreamObject.HwClockObject.HwClockFunction = null
  StreamObject.HwClockObject.ClockSupportFlags = 0

  pHwDevExt.pStrmEx[StreamNumber] = pStrmEx
  pHwDevExt.ActualInstances[StreamNumber]++
  pSrb.Status = STATUS_SUCCESS
}

function AdapterCloseStream(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  const pHwDevExt = pSrb.HwDeviceExtension as HW_DEVICE_EXTENSION
  const StreamNumber = pSrb.StreamObject!.StreamNumber
  const pStrmEx = pSrb.StreamObject!.HwStreamExtension as STREAMEX
  // A close can come while streaming: finish every read and stop the timer first.
  VideoSetState(pStrmEx, KSSTATE_STOP)
  pHwDevExt.pStrmEx[StreamNumber] = null
  pHwDevExt.ActualInstances[StreamNumber]--
  pStrmEx.hMasterClock = 0
  pSrb.Status = STATUS_SUCCESS
}

// ---------------------------------------------------------------------------------------------------
// Formats

function AdapterVerifyFormat(pKSDataFormat: KS_DATAFORMAT_VIDEOINFOHEADER): boolean {
  const f = pKSDataFormat.DataFormat
  const vih = pKSDataFormat.VideoInfoHeader
  if (!vih) return false
  for (const range of CaptureFormats) {
    const r = range.DataRange
    if (!IsEqualGUID(r.MajorFormat, f.MajorFormat) || !IsEqualGUID(r.SubFormat, f.SubFormat) || !IsEqualGUID(r.Specifier, f.Specifier)) continue
    const bmi = vih.bmiHeader
    const rb = range.VideoInfoHeader.bmiHeader
    if (bmi.biWidth !== rb.biWidth || Math.abs(bmi.biHeight) !== Math.abs(rb.biHeight) || bmi.biCompression !== rb.biCompression) continue
    if (bmi.biSizeImage < dibWidthBytes(bmi.biWidth, bmi.biBitCount) * Math.abs(bmi.biHeight)) continue
    if (vih.AvgTimePerFrame < range.ConfigCaps.MinFrameInterval || vih.AvgTimePerFrame > range.ConfigCaps.MaxFrameInterval) continue
    return true
  }
  return false
}

/** SRB_GET_DATA_INTERSECTION: the first of our ranges that matches the caller's range. */
function AdapterFormatFromRange(pSrb: HW_STREAM_REQUEST_BLOCK): number {
  const IntersectInfo = pSrb.CommandData.IntersectInfo!
  const DataRange: PKSDATARANGE = IntersectInfo.DataRange
  if (IntersectInfo.StreamNumber >= DRIVER_STREAM_COUNT) return STATUS_NOT_IMPLEMENTED
  const caller = DataRange as unknown as KS_DATARANGE_VIDEO
  for (const ours of CaptureFormats) {
    const r = ours.DataRange
    const matches =
      (IsEqualGUID(DataRange.MajorFormat, r.MajorFormat) || IsEqualGUID(DataRange.MajorFormat, KSDATAFORMAT_TYPE_WILDCARD)) &&
      (IsEqualGUID(DataRange.SubFormat, r.SubFormat) || IsEqualGUID(DataRange.SubFormat, KSDATAFORMAT_SUBTYPE_WILDCARD)) &&
      (IsEqualGUID(DataRange.Specifier, r.Specifier) || IsEqualGUID(DataRange.Specifier, KSDATAFORMAT_SPECIFIER_WILDCARD))
    if (!matches) continue
    // With a video info header, the caller's size must be ours and its rate within our caps.
    let interval = ours.VideoInfoHeader.AvgTimePerFrame
    const callerVih = caller.VideoInfoHeader
    if (callerVih && IsEqualGUID(DataRange.Specifier, KSDATAFORMAT_SPECIFIER_VIDEOINFO)) {
      const b = callerVih.bmiHeader
      if (b.biWidth !== ours.VideoInfoHeader.bmiHeader.biWidth || Math.abs(b.biHeight) !== Math.abs(ours.VideoInfoHeader.bmiHeader.biHeight)) continue
      // Choose the next lower supported rate: the longest interval not above what was asked.
      interval = Math.min(Math.max(callerVih.AvgTimePerFrame, ours.ConfigCaps.MinFrameInterval), ours.ConfigCaps.MaxFrameInterval)
    }
    const FormatSize = sizeof('KS_DATAFORMAT_VIDEOINFOHEADER')
    // The size query: the caller only wants to know how big the format is.
    if (IntersectInfo.SizeOfDataFormatBuffer === sizeof('ULONG')) {
      IntersectInfo.DataFormatBuffer = FormatSize
      pSrb.ActualBytesTransferred = sizeof('ULONG')
      return STATUS_SUCCESS
    }
    if (IntersectInfo.SizeOfDataFormatBuffer < FormatSize) return STATUS_BUFFER_TOO_SMALL
    const vih = structuredClone(ours.VideoInfoHeader)
    vih.AvgTimePerFrame = interval
    vih.dwBitRate = Math.floor((vih.bmiHeader.biSizeImage * 8 * 10000000) / interval)
    const format: KS_DATAFORMAT_VIDEOINFOHEADER = {
      DataFormat: { ...r, FormatSize, SampleSize: vih.bmiHeader.biSizeImage },
      VideoInfoHeader: vih,
    }
    IntersectInfo.DataFormatBuffer = format
    pSrb.ActualBytesTransferred = FormatSize
    return STATUS_SUCCESS
  }
  return STATUS_NO_MATCH
}

// ---------------------------------------------------------------------------------------------------
// Stream control

export function VideoReceiveCtrlPacket(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  const pStrmEx = pSrb.StreamObject!.HwStreamExtension as STREAMEX
  ProcessSerially(pSrb, pStrmEx.ControlSRBs, ProcessControlSrb)
}

function ProcessControlSrb(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  const pStrmEx = pSrb.StreamObject!.HwStreamExtension as STREAMEX
  pSrb.Status = STATUS_SUCCESS
  switch (pSrb.Command) {
    case SRB_PROPOSE_DATA_FORMAT:
      // Dynamic format changes are not supported: the format is fixed at open.
      pSrb.Status = STATUS_NO_MATCH
      break
    case SRB_SET_DATA_FORMAT:
    case SRB_GET_DATA_FORMAT:
      pSrb.Status = STATUS_NOT_IMPLEMENTED
      break
    case SRB_SET_STREAM_STATE:
      VideoSetState(pStrmEx, pSrb.CommandData.StreamState!)
      break
    case SRB_GET_STREAM_STATE:
      pSrb.CommandData.StreamState = pStrmEx.KSState
      pSrb.ActualBytesTransferred = sizeof('KSSTATE')
      // A capture source cannot preroll: paused, it has nothing to show.
      if (pStrmEx.KSState === KSSTATE_PAUSE) pSrb.Status = STATUS_NO_DATA_DETECTED
      break
    case SRB_GET_STREAM_PROPERTY:
      VideoGetProperty(pSrb)
      break
    case SRB_INDICATE_MASTER_CLOCK:
      pStrmEx.hMasterClock = pSrb.CommandData.MasterClockHandle ?? 0
      break
    default:
      pSrb.Status = STATUS_NOT_IMPLEMENTED
  }
  StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
}

function VideoGetProperty(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  const pStrmEx = pSrb.StreamObject!.HwStreamExtension as STREAMEX
  const pSPD = pSrb.CommandData.PropertyInfo!
  const id = pSPD.Property.Id
  if (IsEqualGUID(pSPD.Property.Set, KSPROPSETID_Connection) && id === KSPROPERTY_CONNECTION_ALLOCATORFRAMING) {
    if (pSPD.PropertyOutputSize < sizeof('KSALLOCATOR_FRAMING')) {
      pSrb.Status = STATUS_BUFFER_OVERFLOW
      return
    }
    Object.assign(pSPD.PropertyInfo, { OptionsFlags: 0, PoolType: 0, Frames: 2, FrameSize: pStrmEx.pVideoInfoHeader.bmiHeader.biSizeImage, FileAlignment: 0, Reserved: 0 })
    pSrb.ActualBytesTransferred = sizeof('KSALLOCATOR_FRAMING')
    return
  }
  if (IsEqualGUID(pSPD.Property.Set, PROPSETID_VIDCAP_DROPPEDFRAMES) && id === KSPROPERTY_DROPPEDFRAMES_CURRENT) {
    if (pSPD.PropertyOutputSize < sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S')) {
      pSrb.Status = STATUS_BUFFER_OVERFLOW
      return
    }
    Object.assign(pSPD.PropertyInfo, { PictureNumber: pStrmEx.PictureNumber, DropCount: pStrmEx.DropCount, AverageFrameSize: pStrmEx.pVideoInfoHeader.bmiHeader.biSizeImage })
    pSrb.ActualBytesTransferred = sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S')
    return
  }
  pSrb.Status = STATUS_NOT_IMPLEMENTED
}

/** testcap's VideoSetState: the timer starts on PAUSE, frames flow in RUN, STOP empties the queue. */
function VideoSetState(pStrmEx: STREAMEX, state: KSSTATE): void {
  switch (state) {
    case KSSTATE_STOP:
      CancelAllReads(pStrmEx)
      // Cancel the frame timer rather than let it fire into a stream that may be closed next.
      StreamClassScheduleTimer(pStrmEx.pStreamObject, pStrmEx.pHwDevExt, 0, null, pStrmEx)
      pStrmEx.TimerRunning = false
      break
    case KSSTATE_ACQUIRE:
      break
    case KSSTATE_PAUSE:
      if (pStrmEx.KSState === KSSTATE_STOP || pStrmEx.KSState === KSSTATE_ACQUIRE) {
        pStrmEx.PictureNumber = 0
        pStrmEx.DropCount = 0
        pStrmEx.Discontinuity = false
        pStrmEx.KSState = state
        if (!pStrmEx.TimerRunning) {
          pStrmEx.TimerRunning = true
          VideoTimerRoutine(pStrmEx)
        }
        return
      }
      break
    case KSSTATE_RUN:
      pStrmEx.Discontinuity = false
      pStrmEx.QST_NextFrame = 0
      break
  }
  pStrmEx.KSState = state
}

// ---------------------------------------------------------------------------------------------------
// Reads

export function VideoReceiveDataPacket(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  const pStrmEx = pSrb.StreamObject!.HwStreamExtension as STREAMEX
  if (pSrb.Command !== SRB_READ_DATA) {
    pSrb.Status = STATUS_NOT_IMPLEMENTED
    StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
    return
  }
  // Reads in STOP complete at once.
  if (pStrmEx.KSState === KSSTATE_STOP) {
    pSrb.Status = STATUS_SUCCESS
    pSrb.CommandData.DataBufferArray![0].DataUsed = 0
    StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
    return
  }
  const oldIrql: OUT<KIRQL> = { value: 0 }
  KeAcquireSpinLock(pStrmEx.StreamDataSpinLock, oldIrql)
  pStrmEx.StreamDataQueue.push(pSrb)
  KeReleaseSpinLock(pStrmEx.StreamDataSpinLock, oldIrql.value)
  // The race the original DDK missed: the stream may have stopped while we queued.
  if (pStrmEx.KSState === KSSTATE_STOP) CancelAllReads(pStrmEx)
}

function DequeueRead(pStrmEx: STREAMEX): HW_STREAM_REQUEST_BLOCK | null {
  const oldIrql: OUT<KIRQL> = { value: 0 }
  KeAcquireSpinLock(pStrmEx.StreamDataSpinLock, oldIrql)
  const srb = pStrmEx.StreamDataQueue.shift() ?? null
  KeReleaseSpinLock(pStrmEx.StreamDataSpinLock, oldIrql.value)
  return srb
}

function CompleteCancelledRead(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  pSrb.Status = STATUS_CANCELLED
  pSrb.CommandData.DataBufferArray![0].DataUsed = 0
  StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
}

function CancelAllReads(pStrmEx: STREAMEX): void {
  for (let srb = DequeueRead(pStrmEx); srb !== null; srb = DequeueRead(pStrmEx)) CompleteCancelledRead(srb)
}

// ---------------------------------------------------------------------------------------------------
// Frame synthesis (testcap's VideoTimerRoutine / VideoCaptureRoutine / ImageSynth)

export function VideoTimerRoutine(pStrmEx: STREAMEX): void {
  if (pStrmEx.KSState === KSSTATE_STOP) {
    pStrmEx.TimerRunning = false
    return
  }
  const AvgTimePerFrame = pStrmEx.pVideoInfoHeader.AvgTimePerFrame
  if (pStrmEx.KSState === KSSTATE_RUN) {
    let produce = true
    let streamTime = 0
    if (pStrmEx.hMasterClock) {
      const TimeContext: HW_TIME_CONTEXT = { HwDeviceExtension: pStrmEx.pHwDevExt, HwStreamObject: pStrmEx.pStreamObject, Function: TIME_GET_STREAM_TIME, Time: 0, SystemTime: 0 }
      StreamClassQueryMasterClockSync(pStrmEx.hMasterClock, TimeContext)
      streamTime = TimeContext.Time
      if (pStrmEx.QST_NextFrame === 0) pStrmEx.QST_NextFrame = streamTime + AvgTimePerFrame
      produce = streamTime >= pStrmEx.QST_NextFrame
    }
    if (produce) {
      VideoCaptureRoutine(pStrmEx, streamTime)
      pStrmEx.QST_NextFrame += AvgTimePerFrame
    }
  }
  // Twice the frame rate: AvgTimePerFrame is in 100 ns units, the timer in µs.
  StreamClassScheduleTimer(pStrmEx.pStreamObject, pStrmEx.pHwDevExt, Math.floor(AvgTimePerFrame / 20), VideoTimerRoutine, pStrmEx)
}

function VideoCaptureRoutine(pStrmEx: STREAMEX, streamTime: number): void {
  pStrmEx.PictureNumber++
  const pSrb = DequeueRead(pStrmEx)
  if (pSrb === null) {
    // No buffer at frame time: the frame is lost, and the next one carries a discontinuity.
    pStrmEx.DropCount++
    pStrmEx.Discontinuity = true
    return
  }
  const pDataPacket = pSrb.CommandData.DataBufferArray![0]
  const bmi = pStrmEx.pVideoInfoHeader.bmiHeader
  if (pDataPacket.FrameExtent < bmi.biSizeImage) {
    pSrb.Status = STATUS_INVALID_PARAMETER
    pDataPacket.DataUsed = 0
    StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
    return
  }
  const scratch = ExAllocatePoolWithTag(PagedPool, 64, 'Tcap') // FAULT
  if (scratch !== null) {
    RtlZeroMemory(scratch, 64)
    ExFreePool(scratch)
  }
  ImageSynth(pDataPacket, pStrmEx)
  pDataPacket.DataUsed = bmi.biSizeImage

  const pFrameInfo = pDataPacket.MediaSpecific
  pFrameInfo.ExtendedHeaderSize = sizeof('KS_FRAME_INFO')
  pFrameInfo.PictureNumber = pStrmEx.PictureNumber
  pFrameInfo.DropCount = pStrmEx.DropCount
  pFrameInfo.dwFrameFlags = 0

  pDataPacket.PresentationTime.Numerator = 1
  pDataPacket.PresentationTime.Denominator = 1
  pDataPacket.Duration = pStrmEx.pVideoInfoHeader.AvgTimePerFrame
  let flags = KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT
  if (pStrmEx.Discontinuity) flags |= KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY
  if (pStrmEx.hMasterClock) {
    pDataPacket.PresentationTime.Time = streamTime
    flags |= KSSTREAM_HEADER_OPTIONSF_TIMEVALID | KSSTREAM_HEADER_OPTIONSF_DURATIONVALID
  } else {
    pDataPacket.PresentationTime.Time = 0
  }
  pDataPacket.OptionsFlags = flags
  pStrmEx.Discontinuity = false
  pSrb.Status = STATUS_SUCCESS
  StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
}

// 75% colour bars: white, yellow, cyan, green, magenta, red, blue, black (R, G, B).
const BARS: [number, number, number][] = [
  [191, 191, 191],
  [191, 191, 0],
  [0, 191, 191],
  [0, 191, 0],
  [191, 0, 191],
  [191, 0, 0],
  [0, 0, 191],
  [0, 0, 0],
]

function yuv(r: number, g: number, b: number): [number, number, number] {
  const y = Math.round(0.257 * r + 0.504 * g + 0.098 * b + 16)
  const u = Math.round(-0.148 * r - 0.291 * g + 0.439 * b + 128)
  const v = Math.round(0.439 * r - 0.368 * g - 0.071 * b + 128)
  return [y, u, v]
}

/** One line of colour bars in the stream's format (testcap synthesises one line and copies it down). */
function SynthLine(width: number, compression: number, bits: number): Uint8Array {
  const line = new Uint8Array(dibWidthBytes(width, bits))
  for (let x = 0; x < width; x += 2) {
    const [r, g, b] = BARS[Math.floor((x * BARS.length) / width)]
    if (compression === KS_BI_RGB) {
      for (const px of [x, x + 1]) line.set([b, g, r], px * 3)
    } else {
      const [y, u, v] = yuv(r, g, b)
      line.set(compression === FOURCC_UYVY ? [u, y, v, y] : [y, u, y, v], x * 2)
    }
  }
  return line
}

const lineCache = new Map<string, Uint8Array>()

function ImageSynth(pDataPacket: KSSTREAM_HEADER, pStrmEx: STREAMEX): void {
  const bmi = pStrmEx.pVideoInfoHeader.bmiHeader
  const height = Math.abs(bmi.biHeight)
  const stride = dibWidthBytes(bmi.biWidth, bmi.biBitCount)
  const key = `${bmi.biWidth}/${bmi.biCompression}/${bmi.biBitCount}`
  let line = lineCache.get(key)
  if (line === undefined) {
    line = SynthLine(bmi.biWidth, bmi.biCompression, bmi.biBitCount)
    lineCache.set(key, line)
  }
  const image = pDataPacket.Data
  // Copy the line down the frame in doubling blocks: 1 row, 2, 4, 8...
  RtlCopyMemory(image, line, stride)
  for (let rows = 1; rows < height; rows *= 2) {
    const n = Math.min(rows, height - rows)
    RtlCopyMemory(image.subarray(rows * stride), image.subarray(0, n * stride), n * stride)
  }
  // A band that moves one step per frame, so motion is visible.
  const band = (pStrmEx.PictureNumber * 4) % height
  for (let y = band; y < Math.min(band + 8, height); y++) RtlFillMemory(image.subarray(y * stride), stride, bmi.biCompression === KS_BI_RGB ? 0xff : 0xeb)
}

// ---------------------------------------------------------------------------------------------------
// Cancel and timeout

/** Searches every open stream's read queue for the SRB; does nothing if it is not there. */
export function AdapterCancelPacket(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  const pHwDevExt = pSrb.HwDeviceExtension as HW_DEVICE_EXTENSION
  if ((pSrb.Flags & (SRB_HW_FLAGS_DATA_TRANSFER | SRB_HW_FLAGS_STREAM_REQUEST)) !== (SRB_HW_FLAGS_DATA_TRANSFER | SRB_HW_FLAGS_STREAM_REQUEST)) return
  for (const pStrmEx of pHwDevExt.pStrmEx) {
    if (pStrmEx === null) continue
    const oldIrql: OUT<KIRQL> = { value: 0 }
    KeAcquireSpinLock(pStrmEx.StreamDataSpinLock, oldIrql)
    const i = pStrmEx.StreamDataQueue.indexOf(pSrb)
    if (i >= 0) pStrmEx.StreamDataQueue.splice(i, 1)
    KeReleaseSpinLock(pStrmEx.StreamDataSpinLock, oldIrql.value)
    if (i >= 0) {
      CompleteCancelledRead(pSrb)
      return
    }
  }
}

/** A paused graph can hold reads indefinitely: re-arm instead of failing them. */
export function AdapterTimeoutPacket(pSrb: HW_STREAM_REQUEST_BLOCK): void {
  pSrb.TimeoutCounter = pSrb.TimeoutOriginal
}

