/**
 * ddk-patterns: what a line-by-line port of a DDK-era (Windows 2000) stream-class capture sample looks
 * like in 'strmini', with the C idioms kept (docs/writing-drivers.md#porting-from-c). No hardware
 * (`--card none`, the default); synchronization is off, so the driver serialises and locks for itself.
 *
 * - Its own SRB lists on LIST_ENTRY: adapter and control SRBs wait on lists linked through the SRB
 *   extension (CONTAINING_RECORD<SRB_EXT>(e, 'SRB_EXT', 'ListEntry')); reads wait on the IRP's
 *   Tail.Overlay.ListEntry with the SRB in DriverContext[0] (CONTAINING_RECORD<IRP>).
 * - Spin locks: KeAcquireSpinLock at PASSIVE_LEVEL, KeAcquireSpinLockAtDpcLevel in the timer and cancel
 *   routines, which already run at DISPATCH_LEVEL. The device extension arrives zeroed and its lock is
 *   initialised with KeInitializeSpinLock; the stream's control lock is only ever zeroed memory, which
 *   is a valid released lock on Windows too (KeInitializeSpinLock stores 0).
 * - An exact-match data intersection: the caller's range must be one of ours, byte for byte
 *   (RtlEqualMemory over sizeof('KS_DATARANGE_VIDEO')), as the capture stack hands a pin's own range back.
 * - A stream timer at twice the frame rate, paced by the master clock's stream time (the interrupt
 *   time when there is no master clock). It stops by not rescheduling once the state is STOP; the
 *   class driver cancels it when the stream closes, as stream.sys does.
 * - VideoProcAmp brightness and contrast on the device with KSPROPERTY_ITEM.Values: the class driver
 *   answers KSPROPERTY_TYPE_BASICSUPPORT and DEFAULTVALUES from the table; GET and SET come here.
 *
 * Streams: 0 = capture, RGB24 and UYVY at 320x240, 30 fps down to 1 fps.
 */
import {
  CONTAINING_RECORD,
  DeviceRequestComplete,
  FALSE,
  FOURCC_UYVY,
  InitializeListHead,
  InsertTailList,
  IsEqualGUID,
  IsListEmpty,
  KeAcquireSpinLock,
  KeAcquireSpinLockAtDpcLevel,
  KeInitializeSpinLock,
  KeQueryInterruptTime,
  KeReleaseSpinLock,
  KeReleaseSpinLockFromDpcLevel,
  KSDATAFORMAT_SPECIFIER_VIDEOINFO,
  KSDATAFORMAT_SUBTYPE_RGB24,
  KSDATAFORMAT_SUBTYPE_UYVY,
  KSDATAFORMAT_TYPE_VIDEO,
  KSPIN_DATAFLOW_OUT,
  KSPROPERTY_CONNECTION_ALLOCATORFRAMING,
  KSPROPERTY_DROPPEDFRAMES_CURRENT,
  KSPROPERTY_MEMBER_FLAG_DEFAULT,
  KSPROPERTY_MEMBER_STEPPEDRANGES,
  KSPROPERTY_MEMBER_VALUES,
  KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS,
  KSPROPERTY_VIDEOPROCAMP_CONTRAST,
  KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL,
  KSPROPSETID_Connection,
  KSPROPTYPESETID_General,
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
  PROPSETID_VIDCAP_VIDEOPROCAMP,
  RemoveEntryList,
  RemoveHeadList,
  RtlCopyMemory,
  RtlEqualMemory,
  RtlFillMemory,
  SRB_CHANGE_POWER_STATE,
  SRB_CLOSE_STREAM,
  SRB_GET_DATA_INTERSECTION,
  SRB_GET_DEVICE_PROPERTY,
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
  SRB_SET_DEVICE_PROPERTY,
  SRB_SET_STREAM_STATE,
  SRB_UNINITIALIZE_DEVICE,
  STATUS_BUFFER_OVERFLOW,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_INVALID_PARAMETER,
  STATUS_NO_DATA_DETECTED,
  STATUS_NO_MATCH,
  STATUS_NOT_IMPLEMENTED,
  STATUS_SUCCESS,
  STATUS_TOO_MANY_NODES,
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
  type IRP,
  type KIRQL,
  type KSPIN_LOCK,
  type KSPROPERTY_ITEM,
  type KSPROPERTY_MEMBERSLIST,
  type KSPROPERTY_SET,
  type KSPROPERTY_STEPPING_LONG,
  type KSPROPERTY_VIDEOPROCAMP_S,
  type KSSTATE,
  type KSSTREAM_HEADER,
  type KS_DATAFORMAT_VIDEOINFOHEADER,
  type KS_DATARANGE_VIDEO,
  type KS_VIDEOINFOHEADER,
  type LIST_ENTRY,
  type OUT,
  type PKSDATARANGE,
} from 'strmini'

type PHW_STREAM_REQUEST_BLOCK = HW_STREAM_REQUEST_BLOCK

// ---------------------------------------------------------------------------------------------------
// Formats: the two of the port, RGB24 and UYVY at 320x240.

const MIN_FRAME = 333333 // 30 fps, in 100 ns units
const MAX_FRAME = 10000000 // 1 fps

/** KS_DIBWIDTHBYTES for a width and bit count: DIB lines are padded to 4 bytes. */
function dibWidthBytes(width: number, bits: number): number {
  return Math.floor((width * bits + 31) / 32) * 4
}

function videoRange(subFormat: string, compression: number, bits: number, width: number, height: number): KS_DATARANGE_VIDEO {
  const sizeImage = dibWidthBytes(width, bits) * height
  return {
    DataRange: { FormatSize: sizeof('KS_DATARANGE_VIDEO'), Flags: 0, SampleSize: sizeImage, Reserved: 0, MajorFormat: KSDATAFORMAT_TYPE_VIDEO, SubFormat: subFormat, Specifier: KSDATAFORMAT_SPECIFIER_VIDEOINFO },
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
      MinFrameInterval: MIN_FRAME,
      MaxFrameInterval: MAX_FRAME,
      MinBitsPerSecond: sizeImage * 8,
      MaxBitsPerSecond: sizeImage * 8 * 30,
    },
    VideoInfoHeader: {
      rcSource: { left: 0, top: 0, right: 0, bottom: 0 },
      rcTarget: { left: 0, top: 0, right: 0, bottom: 0 },
      dwBitRate: sizeImage * 8 * 30,
      dwBitErrorRate: 0,
      AvgTimePerFrame: MIN_FRAME,
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

const StreamFormatRGB24_320x240 = videoRange(KSDATAFORMAT_SUBTYPE_RGB24, KS_BI_RGB, 24, 320, 240)
const StreamFormatUYVY_320x240 = videoRange(KSDATAFORMAT_SUBTYPE_UYVY, FOURCC_UYVY, 16, 320, 240)
const Stream0Formats: KS_DATARANGE_VIDEO[] = [StreamFormatRGB24_320x240, StreamFormatUYVY_320x240]

// ---------------------------------------------------------------------------------------------------
// Property tables. VideoProcAmp on the device: each item's Values gives the stepped range and the
// default, from which the class driver answers BASICSUPPORT and DEFAULTVALUES as ks.sys would.

const BrightnessDefault = 5000
const ContrastDefault = 5000

function procAmpValues(min: number, max: number, step: number, def: number): KSPROPERTY_ITEM['Values'] {
  const range: KSPROPERTY_STEPPING_LONG[] = [{ SteppingDelta: step, Reserved: 0, Bounds: { SignedMinimum: min, SignedMaximum: max } }]
  const members: KSPROPERTY_MEMBERSLIST[] = [
    { MembersHeader: { MembersFlags: KSPROPERTY_MEMBER_STEPPEDRANGES, MembersSize: sizeof('KSPROPERTY_STEPPING_LONG'), MembersCount: 1, Flags: 0 }, Members: range },
    { MembersHeader: { MembersFlags: KSPROPERTY_MEMBER_VALUES, MembersSize: sizeof('ULONG'), MembersCount: 1, Flags: KSPROPERTY_MEMBER_FLAG_DEFAULT }, Members: [def] },
  ]
  return { PropTypeSet: { Set: KSPROPTYPESETID_General, Id: 3 /* VT_I4 */, Flags: 0 }, MembersListCount: members.length, MembersList: members }
}

const VideoProcAmpProperties: KSPROPERTY_ITEM[] = [
  {
    PropertyId: KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS,
    GetPropertyHandler: TRUE,
    SetPropertyHandler: TRUE,
    MinProperty: sizeof('KSPROPERTY_VIDEOPROCAMP_S'),
    MinData: sizeof('KSPROPERTY_VIDEOPROCAMP_S'),
    Values: procAmpValues(0, 10000, 1, BrightnessDefault),
  },
  {
    PropertyId: KSPROPERTY_VIDEOPROCAMP_CONTRAST,
    GetPropertyHandler: TRUE,
    SetPropertyHandler: TRUE,
    MinProperty: sizeof('KSPROPERTY_VIDEOPROCAMP_S'),
    MinData: sizeof('KSPROPERTY_VIDEOPROCAMP_S'),
    Values: procAmpValues(0, 10000, 1, ContrastDefault),
  },
]

const AdapterPropertyTable: KSPROPERTY_SET[] = [{ Set: PROPSETID_VIDCAP_VIDEOPROCAMP, PropertiesCount: VideoProcAmpProperties.length, PropertyItem: VideoProcAmpProperties }]

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

const DRIVER_STREAM_COUNT = 1

// ---------------------------------------------------------------------------------------------------
// Extensions, as the C structures: the class driver hands each one over zeroed.

/** The per-request extension (PerRequestExtensionSize): a list link and the SRB it belongs to. */
interface SRB_EXT {
  ListEntry: LIST_ENTRY
  pSrb: PHW_STREAM_REQUEST_BLOCK
}

interface HW_DEVICE_EXTENSION {
  /** Adapter SRBs waiting while another one is processed (synchronization is off). */
  AdapterSpinLock: KSPIN_LOCK
  AdapterSRBList: LIST_ENTRY
  /** BOOLEAN, passed by address to the list routines (an out parameter object). */
  ProcessingAdapterSRB: OUT<boolean>
  pStrmEx: (STREAMEX | null)[]
  ActualInstances: number[]
  Brightness: number
  Contrast: number
}

interface STREAMEX {
  pHwDevExt: HW_DEVICE_EXTENSION
  pStreamObject: HW_STREAM_OBJECT
  /** Never passed to KeInitializeSpinLock: zeroed memory is a released lock. */
  ControlSpinLock: KSPIN_LOCK
  ControlSRBList: LIST_ENTRY
  ProcessingControlSRB: OUT<boolean>
  /** Reads, oldest first, linked through their IRPs. */
  StreamDataSpinLock: KSPIN_LOCK
  StreamDataSRBList: LIST_ENTRY
  KSState: KSSTATE
  VideoInfoHeader: KS_VIDEOINFOHEADER
  hMasterClock: number
  /** When the next frame is due, in the pacing clock's 100 ns units; 0: rebase at the next tick. */
  QST_NextFrame: number
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
    HwInterrupt: null,
    HwReceivePacket: AdapterReceivePacket,
    HwCancelPacket: AdapterCancelPacket,
    HwRequestTimeoutHandler: AdapterTimeoutPacket,
    DeviceExtensionSize: 256,
    PerRequestExtensionSize: 24, // sizeof(SRB_EXT): LIST_ENTRY (16) + a pointer (8)
    PerStreamExtensionSize: 512,
    FilterInstanceExtensionSize: 0,
    BusMasterDMA: FALSE,
    Dma24BitAddresses: FALSE,
    BufferAlignment: 3,
    TurnOffSynchronization: TRUE,
    DmaBufferSize: 0,
  }
  return StreamClassRegisterMinidriver(DriverObject, RegistryPath, HwInitData)
}

// ---------------------------------------------------------------------------------------------------
// SRB lists on LIST_ENTRY (the DDK's AddToListIfBusy / RemoveFromListIfAvailable)

/** Parks the SRB on `ListHead` when one is being processed; returns TRUE when the caller must not process it. */
function AddToListIfBusy(pSrb: PHW_STREAM_REQUEST_BLOCK, SpinLock: KSPIN_LOCK, BusyFlag: OUT<boolean>, ListHead: LIST_ENTRY): boolean {
  const Irql: OUT<KIRQL> = { value: 0 }
  KeAcquireSpinLock(SpinLock, Irql)
  if (BusyFlag.value) {
    const pSrbExt = pSrb.SRBExtension as SRB_EXT
    pSrbExt.pSrb = pSrb
    pSrbExt.ListEntry = {} as LIST_ENTRY
    InsertTailList(ListHead, pSrbExt.ListEntry)
    KeReleaseSpinLock(SpinLock, Irql.value)
    return true
  }
  BusyFlag.value = true
  KeReleaseSpinLock(SpinLock, Irql.value)
  return false
}

/** The next parked SRB, or null (and the list is idle again). */
function RemoveFromListIfAvailable(SpinLock: KSPIN_LOCK, BusyFlag: OUT<boolean>, ListHead: LIST_ENTRY): PHW_STREAM_REQUEST_BLOCK | null {
  const Irql: OUT<KIRQL> = { value: 0 }
  KeAcquireSpinLock(SpinLock, Irql)
  if (IsListEmpty(ListHead)) {
    BusyFlag.value = false
    KeReleaseSpinLock(SpinLock, Irql.value)
    return null
  }
  const pSrbExt = CONTAINING_RECORD<SRB_EXT>(RemoveHeadList(ListHead), 'SRB_EXT', 'ListEntry')
  KeReleaseSpinLock(SpinLock, Irql.value)
  return pSrbExt.pSrb
}

// ---------------------------------------------------------------------------------------------------
// Adapter SRBs

export function AdapterReceivePacket(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  const pHwDevExt = pSrb.HwDeviceExtension as HW_DEVICE_EXTENSION
  // The first SRB: the lock and list do not exist yet (the extension is still all zeroes).
  if (pSrb.Command === SRB_INITIALIZE_DEVICE) {
    HwInitialize(pSrb)
    StreamClassDeviceNotification(DeviceRequestComplete, pHwDevExt, pSrb)
    return
  }
  // AddToListIfBusy(pSrb, &pHwDevExt->AdapterSpinLock, &pHwDevExt->ProcessingAdapterSRB, &pHwDevExt->AdapterSRBList)
  if (AddToListIfBusy(pSrb, pHwDevExt.AdapterSpinLock, pHwDevExt.ProcessingAdapterSRB, pHwDevExt.AdapterSRBList)) return
  for (let srb: PHW_STREAM_REQUEST_BLOCK | null = pSrb; srb !== null; srb = RemoveFromListIfAvailable(pHwDevExt.AdapterSpinLock, pHwDevExt.ProcessingAdapterSRB, pHwDevExt.AdapterSRBList)) {
    ProcessAdapterSrb(srb)
  }
}

function HwInitialize(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  const ConfigInfo = pSrb.CommandData.ConfigInfo!
  const pHwDevExt = ConfigInfo.HwDeviceExtension as HW_DEVICE_EXTENSION
  // Embedded structures of the zeroed extension: created where C has them, then initialised.
  pHwDevExt.AdapterSpinLock = {}
  KeInitializeSpinLock(pHwDevExt.AdapterSpinLock)
  InitializeListHead((pHwDevExt.AdapterSRBList = {} as LIST_ENTRY))
  pHwDevExt.ProcessingAdapterSRB = { value: false }
  pHwDevExt.pStrmEx = [null]
  pHwDevExt.ActualInstances = [0]
  pHwDevExt.Brightness = BrightnessDefault
  pHwDevExt.Contrast = ContrastDefault
  ConfigInfo.StreamDescriptorSize = sizeof('HW_STREAM_HEADER') + DRIVER_STREAM_COUNT * sizeof('HW_STREAM_INFORMATION')
  pSrb.Status = STATUS_SUCCESS
}

function ProcessAdapterSrb(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  pSrb.Status = STATUS_SUCCESS
  switch (pSrb.Command) {
    case SRB_INITIALIZATION_COMPLETE:
    case SRB_UNINITIALIZE_DEVICE:
    case SRB_CHANGE_POWER_STATE:
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
    case SRB_GET_DEVICE_PROPERTY:
    case SRB_SET_DEVICE_PROPERTY:
      AdapterProcAmpProperty(pSrb)
      break
    default:
      pSrb.Status = STATUS_NOT_IMPLEMENTED
  }
  StreamClassDeviceNotification(DeviceRequestComplete, pSrb.HwDeviceExtension, pSrb)
}

function AdapterStreamInfo(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  const pstrhdr = pSrb.CommandData.StreamBuffer!
  if (pSrb.NumberOfBytesToTransfer < sizeof('HW_STREAM_HEADER') + DRIVER_STREAM_COUNT * sizeof('HW_STREAM_INFORMATION')) {
    pSrb.Status = STATUS_INVALID_PARAMETER
    return
  }
  pstrhdr.StreamHeader.NumberOfStreams = DRIVER_STREAM_COUNT
  pstrhdr.StreamHeader.SizeOfHwStreamInformation = sizeof('HW_STREAM_INFORMATION')
  pstrhdr.StreamHeader.NumDevPropArrayEntries = AdapterPropertyTable.length
  pstrhdr.StreamHeader.DevicePropertiesArray = AdapterPropertyTable
  const info: HW_STREAM_INFORMATION = {
    NumberOfPossibleInstances: 1,
    DataFlow: KSPIN_DATAFLOW_OUT,
    DataAccessible: TRUE,
    NumberOfFormatArrayEntries: Stream0Formats.length,
    StreamFormatsArray: Stream0Formats,
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
  pstrhdr.StreamInfo[0] = info
}

/** GET / SET of brightness and contrast; BASICSUPPORT and DEFAULTVALUES never come here (Values). */
function AdapterProcAmpProperty(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  const pHwDevExt = pSrb.HwDeviceExtension as HW_DEVICE_EXTENSION
  const pSPD = pSrb.CommandData.PropertyInfo!
  if (!IsEqualGUID(pSPD.Property.Set, PROPSETID_VIDCAP_VIDEOPROCAMP)) {
    pSrb.Status = STATUS_NOT_IMPLEMENTED
    return
  }
  const pS = pSPD.PropertyInfo as KSPROPERTY_VIDEOPROCAMP_S
  const field = pSPD.Property.Id === KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS ? 'Brightness' : pSPD.Property.Id === KSPROPERTY_VIDEOPROCAMP_CONTRAST ? 'Contrast' : null
  if (field === null) {
    pSrb.Status = STATUS_NOT_IMPLEMENTED
    return
  }
  if (pSrb.Command === SRB_SET_DEVICE_PROPERTY) {
    if (pS.Value < 0 || pS.Value > 10000) {
      pSrb.Status = STATUS_INVALID_PARAMETER
      return
    }
    pHwDevExt[field] = pS.Value
    return
  }
  if (pSPD.PropertyOutputSize < sizeof('KSPROPERTY_VIDEOPROCAMP_S')) {
    pSrb.Status = STATUS_BUFFER_TOO_SMALL
    return
  }
  pS.Value = pHwDevExt[field]
  pS.Flags = KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL
  pS.Capabilities = KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL
  pSrb.ActualBytesTransferred = sizeof('KSPROPERTY_VIDEOPROCAMP_S')
}

// ---------------------------------------------------------------------------------------------------
// Data intersection: exact match against our own ranges.

/**
 * SRB_GET_DATA_INTERSECTION. The caller's range must be one of ours byte for byte (FormatSize, flags,
 * GUIDs, ConfigCaps and the video info header): the capture stack reads the pin's ranges and hands one
 * back unchanged, so a range that differs anywhere is not one this pin offers.
 */
function AdapterFormatFromRange(pSrb: PHW_STREAM_REQUEST_BLOCK): number {
  const IntersectInfo = pSrb.CommandData.IntersectInfo!
  const DataRange: PKSDATARANGE = IntersectInfo.DataRange
  if (IntersectInfo.StreamNumber >= DRIVER_STREAM_COUNT) return STATUS_NOT_IMPLEMENTED
  if (DataRange.FormatSize !== sizeof('KS_DATARANGE_VIDEO')) return STATUS_NO_MATCH
  for (const ours of Stream0Formats) {
    if (!RtlEqualMemory(DataRange, ours, sizeof('KS_DATARANGE_VIDEO'))) continue
    const FormatSize = sizeof('KS_DATAFORMAT_VIDEOINFOHEADER')
    // The size query: the caller only wants to know how big the format is.
    if (IntersectInfo.SizeOfDataFormatBuffer === sizeof('ULONG')) {
      IntersectInfo.DataFormatBuffer = FormatSize
      pSrb.ActualBytesTransferred = sizeof('ULONG')
      return STATUS_SUCCESS
    }
    if (IntersectInfo.SizeOfDataFormatBuffer < FormatSize) return STATUS_BUFFER_TOO_SMALL
    const format = { DataFormat: {}, VideoInfoHeader: {} } as KS_DATAFORMAT_VIDEOINFOHEADER
    RtlCopyMemory(format.DataFormat, ours.DataRange, sizeof('KSDATAFORMAT'))
    format.DataFormat.FormatSize = FormatSize
    RtlCopyMemory(format.VideoInfoHeader, ours.VideoInfoHeader, sizeof('KS_VIDEOINFOHEADER'))
    IntersectInfo.DataFormatBuffer = format
    pSrb.ActualBytesTransferred = FormatSize
    return STATUS_SUCCESS
  }
  return STATUS_NO_MATCH
}

/** SRB_OPEN_STREAM's format: one of our ranges' subtype and size, a frame interval within its caps. */
function AdapterVerifyFormat(pKSDataFormat: KS_DATAFORMAT_VIDEOINFOHEADER): boolean {
  const f = pKSDataFormat.DataFormat
  const vih = pKSDataFormat.VideoInfoHeader
  if (!vih || f.FormatSize < sizeof('KS_DATAFORMAT_VIDEOINFOHEADER')) return false
  for (const range of Stream0Formats) {
    const r = range.DataRange
    if (!IsEqualGUID(r.MajorFormat, f.MajorFormat) || !IsEqualGUID(r.SubFormat, f.SubFormat) || !IsEqualGUID(r.Specifier, f.Specifier)) continue
    const bmi = vih.bmiHeader
    const rb = range.VideoInfoHeader.bmiHeader
    if (bmi.biWidth !== rb.biWidth || Math.abs(bmi.biHeight) !== Math.abs(rb.biHeight) || bmi.biCompression !== rb.biCompression) continue
    if (bmi.biSizeImage < rb.biSizeImage) continue
    if (vih.AvgTimePerFrame < range.ConfigCaps.MinFrameInterval || vih.AvgTimePerFrame > range.ConfigCaps.MaxFrameInterval) continue
    return true
  }
  return false
}

// ---------------------------------------------------------------------------------------------------
// Open and close

function AdapterOpenStream(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
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
  const format = pSrb.CommandData.OpenFormat as unknown as KS_DATAFORMAT_VIDEOINFOHEADER
  if (!AdapterVerifyFormat(format)) {
    pSrb.Status = STATUS_INVALID_PARAMETER
    return
  }
  // The stream extension arrives zeroed (its fields read undefined); C would rely on the zeroes, but a
  // number compared with === or used in arithmetic has to be set first.
  const pStrmEx = StreamObject.HwStreamExtension as STREAMEX
  pStrmEx.KSState = KSSTATE_STOP
  pStrmEx.hMasterClock = 0
  pStrmEx.QST_NextFrame = 0
  pStrmEx.PictureNumber = 0
  pStrmEx.DropCount = 0
  pStrmEx.Discontinuity = false
  pStrmEx.TimerRunning = false
  pStrmEx.pHwDevExt = pHwDevExt
  pStrmEx.pStreamObject = StreamObject
  pStrmEx.ControlSpinLock = {} // zeroed: a released lock, no KeInitializeSpinLock needed
  InitializeListHead((pStrmEx.ControlSRBList = {} as LIST_ENTRY))
  pStrmEx.ProcessingControlSRB = { value: false }
  pStrmEx.StreamDataSpinLock = {}
  KeInitializeSpinLock(pStrmEx.StreamDataSpinLock)
  InitializeListHead((pStrmEx.StreamDataSRBList = {} as LIST_ENTRY))
  pStrmEx.VideoInfoHeader = {} as KS_VIDEOINFOHEADER
  RtlCopyMemory(pStrmEx.VideoInfoHeader, format.VideoInfoHeader, sizeof('KS_VIDEOINFOHEADER'))

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
}

/**
 * SRB_CLOSE_STREAM (the class driver has already cancelled the reads through AdapterCancelPacket). The
 * frame timer may still be pending if STOP came just before: the class driver cancels it with the stream.
 */
function AdapterCloseStream(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  const pHwDevExt = pSrb.HwDeviceExtension as HW_DEVICE_EXTENSION
  const pStrmEx = pSrb.StreamObject!.HwStreamExtension as STREAMEX
  VideoSetState(pStrmEx, KSSTATE_STOP)
  pHwDevExt.pStrmEx[pSrb.StreamObject!.StreamNumber] = null
  pHwDevExt.ActualInstances[pSrb.StreamObject!.StreamNumber]--
  pStrmEx.hMasterClock = 0
}

// ---------------------------------------------------------------------------------------------------
// Stream control

export function VideoReceiveCtrlPacket(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  const pStrmEx = pSrb.StreamObject!.HwStreamExtension as STREAMEX
  if (AddToListIfBusy(pSrb, pStrmEx.ControlSpinLock, pStrmEx.ProcessingControlSRB, pStrmEx.ControlSRBList)) return
  for (let srb: PHW_STREAM_REQUEST_BLOCK | null = pSrb; srb !== null; srb = RemoveFromListIfAvailable(pStrmEx.ControlSpinLock, pStrmEx.ProcessingControlSRB, pStrmEx.ControlSRBList)) {
    ProcessControlSrb(srb)
  }
}

function ProcessControlSrb(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  const pStrmEx = pSrb.StreamObject!.HwStreamExtension as STREAMEX
  pSrb.Status = STATUS_SUCCESS
  switch (pSrb.Command) {
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
    case SRB_PROPOSE_DATA_FORMAT:
      // The format is fixed at open.
      pSrb.Status = STATUS_NO_MATCH
      break
    default:
      pSrb.Status = STATUS_NOT_IMPLEMENTED
  }
  StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
}

function VideoGetProperty(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  const pStrmEx = pSrb.StreamObject!.HwStreamExtension as STREAMEX
  const pSPD = pSrb.CommandData.PropertyInfo!
  const id = pSPD.Property.Id
  if (IsEqualGUID(pSPD.Property.Set, KSPROPSETID_Connection) && id === KSPROPERTY_CONNECTION_ALLOCATORFRAMING) {
    if (pSPD.PropertyOutputSize < sizeof('KSALLOCATOR_FRAMING')) {
      pSrb.Status = STATUS_BUFFER_OVERFLOW
      return
    }
    Object.assign(pSPD.PropertyInfo, { RequirementsFlags: 0, PoolType: 0, Frames: 2, FrameSize: pStrmEx.VideoInfoHeader.bmiHeader.biSizeImage, FileAlignment: 0, Reserved: 0 })
    pSrb.ActualBytesTransferred = sizeof('KSALLOCATOR_FRAMING')
    return
  }
  if (IsEqualGUID(pSPD.Property.Set, PROPSETID_VIDCAP_DROPPEDFRAMES) && id === KSPROPERTY_DROPPEDFRAMES_CURRENT) {
    if (pSPD.PropertyOutputSize < sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S')) {
      pSrb.Status = STATUS_BUFFER_OVERFLOW
      return
    }
    Object.assign(pSPD.PropertyInfo, { PictureNumber: pStrmEx.PictureNumber, DropCount: pStrmEx.DropCount, AverageFrameSize: pStrmEx.VideoInfoHeader.bmiHeader.biSizeImage })
    pSrb.ActualBytesTransferred = sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S')
    return
  }
  pSrb.Status = STATUS_NOT_IMPLEMENTED
}

/** The timer starts on PAUSE and stops by itself in STOP; STOP also completes every queued read. */
function VideoSetState(pStrmEx: STREAMEX, state: KSSTATE): void {
  switch (state) {
    case KSSTATE_STOP:
      pStrmEx.KSState = state
      CancelAllReads(pStrmEx)
      return
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
          StreamClassScheduleTimer(pStrmEx.pStreamObject, pStrmEx.pHwDevExt, Math.floor(pStrmEx.VideoInfoHeader.AvgTimePerFrame / 20), VideoTimerRoutine, pStrmEx)
        }
        return
      }
      break
    case KSSTATE_RUN:
      pStrmEx.QST_NextFrame = 0
      break
  }
  pStrmEx.KSState = state
}

// ---------------------------------------------------------------------------------------------------
// Reads: queued on the IRP's list entry, the SRB in DriverContext[0].

export function VideoReceiveDataPacket(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  const pStrmEx = pSrb.StreamObject!.HwStreamExtension as STREAMEX
  if (pSrb.Command !== SRB_READ_DATA) {
    pSrb.Status = STATUS_NOT_IMPLEMENTED
    StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
    return
  }
  if (pStrmEx.KSState === KSSTATE_STOP) {
    pSrb.Status = STATUS_SUCCESS
    pSrb.CommandData.DataBufferArray![0].DataUsed = 0
    StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
    return
  }
  const Irql: OUT<KIRQL> = { value: 0 }
  KeAcquireSpinLock(pStrmEx.StreamDataSpinLock, Irql)
  pSrb.Irp!.Tail.Overlay.DriverContext[0] = pSrb
  InsertTailList(pStrmEx.StreamDataSRBList, pSrb.Irp!.Tail.Overlay.ListEntry)
  KeReleaseSpinLock(pStrmEx.StreamDataSpinLock, Irql.value)
  // The stream may have stopped while we queued (another thread's SET_STREAM_STATE).
  if (pStrmEx.KSState === KSSTATE_STOP) CancelAllReads(pStrmEx)
}

/** The SRB of a list entry: the entry is the IRP's, the SRB is in its DriverContext[0]. */
function SrbOfEntry(Entry: LIST_ENTRY): PHW_STREAM_REQUEST_BLOCK {
  const pIrp = CONTAINING_RECORD<IRP>(Entry, 'IRP', 'Tail.Overlay.ListEntry')
  return pIrp.Tail.Overlay.DriverContext[0] as PHW_STREAM_REQUEST_BLOCK
}

/** The oldest read, from PASSIVE_LEVEL. */
function DequeueRead(pStrmEx: STREAMEX): PHW_STREAM_REQUEST_BLOCK | null {
  const Irql: OUT<KIRQL> = { value: 0 }
  KeAcquireSpinLock(pStrmEx.StreamDataSpinLock, Irql)
  const pSrb = IsListEmpty(pStrmEx.StreamDataSRBList) ? null : SrbOfEntry(RemoveHeadList(pStrmEx.StreamDataSRBList))
  KeReleaseSpinLock(pStrmEx.StreamDataSpinLock, Irql.value)
  return pSrb
}

/** The oldest read, from the timer routine: already at DISPATCH_LEVEL, so the lock does not raise. */
function DequeueReadAtDpcLevel(pStrmEx: STREAMEX): PHW_STREAM_REQUEST_BLOCK | null {
  KeAcquireSpinLockAtDpcLevel(pStrmEx.StreamDataSpinLock)
  const pSrb = IsListEmpty(pStrmEx.StreamDataSRBList) ? null : SrbOfEntry(RemoveHeadList(pStrmEx.StreamDataSRBList))
  KeReleaseSpinLockFromDpcLevel(pStrmEx.StreamDataSpinLock)
  return pSrb
}

function CompleteCancelledRead(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  pSrb.Status = STATUS_CANCELLED
  pSrb.CommandData.DataBufferArray![0].DataUsed = 0
  StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
}

function CancelAllReads(pStrmEx: STREAMEX): void {
  for (let pSrb = DequeueRead(pStrmEx); pSrb !== null; pSrb = DequeueRead(pStrmEx)) CompleteCancelledRead(pSrb)
}

// ---------------------------------------------------------------------------------------------------
// The frame timer: twice the frame rate, a frame when the pacing clock says one is due.

/** The stream time of the master clock, or the interrupt time when the graph gave none (100 ns units). */
function PacingTime(pStrmEx: STREAMEX): number {
  if (!pStrmEx.hMasterClock) return KeQueryInterruptTime()
  const TimeContext: HW_TIME_CONTEXT = { HwDeviceExtension: pStrmEx.pHwDevExt, HwStreamObject: pStrmEx.pStreamObject, Function: TIME_GET_STREAM_TIME, Time: 0, SystemTime: 0 }
  StreamClassQueryMasterClockSync(pStrmEx.hMasterClock, TimeContext)
  return TimeContext.Time
}

export function VideoTimerRoutine(pStrmEx: STREAMEX): void {
  // STOP ends the timer: it is not rescheduled (a close right after STOP finds it pending; the class
  // driver cancels it with the stream).
  if (pStrmEx.KSState === KSSTATE_STOP) {
    pStrmEx.TimerRunning = false
    return
  }
  const AvgTimePerFrame = pStrmEx.VideoInfoHeader.AvgTimePerFrame
  if (pStrmEx.KSState === KSSTATE_RUN) {
    const now = PacingTime(pStrmEx)
    if (pStrmEx.QST_NextFrame === 0) pStrmEx.QST_NextFrame = now + AvgTimePerFrame
    if (now >= pStrmEx.QST_NextFrame) {
      VideoCaptureRoutine(pStrmEx, now)
      pStrmEx.QST_NextFrame += AvgTimePerFrame
    }
  }
  // AvgTimePerFrame is in 100 ns units, the timer in microseconds: /10 is one frame, /20 half of one.
  StreamClassScheduleTimer(pStrmEx.pStreamObject, pStrmEx.pHwDevExt, Math.floor(AvgTimePerFrame / 20), VideoTimerRoutine, pStrmEx)
}

function VideoCaptureRoutine(pStrmEx: STREAMEX, now: number): void {
  pStrmEx.PictureNumber++
  const pSrb = DequeueReadAtDpcLevel(pStrmEx)
  if (pSrb === null) {
    // No buffer at frame time: the frame is lost, and the next one carries a discontinuity.
    pStrmEx.DropCount++
    pStrmEx.Discontinuity = true
    return
  }
  const pDataPacket = pSrb.CommandData.DataBufferArray![0]
  const bmi = pStrmEx.VideoInfoHeader.bmiHeader
  if (pDataPacket.FrameExtent < bmi.biSizeImage) {
    pSrb.Status = STATUS_INVALID_PARAMETER
    pDataPacket.DataUsed = 0
    StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
    return
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
  pDataPacket.Duration = pStrmEx.VideoInfoHeader.AvgTimePerFrame
  let flags = KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT
  if (pStrmEx.Discontinuity) flags |= KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY
  if (pStrmEx.hMasterClock) {
    pDataPacket.PresentationTime.Time = now
    flags |= KSSTREAM_HEADER_OPTIONSF_TIMEVALID | KSSTREAM_HEADER_OPTIONSF_DURATIONVALID
  } else {
    pDataPacket.PresentationTime.Time = 0
  }
  pDataPacket.OptionsFlags = flags
  pStrmEx.Discontinuity = false
  pSrb.Status = STATUS_SUCCESS
  StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)
}

/** A grey ramp whose level follows the brightness, with a band that moves one step per frame. */
function ImageSynth(pDataPacket: KSSTREAM_HEADER, pStrmEx: STREAMEX): void {
  const bmi = pStrmEx.VideoInfoHeader.bmiHeader
  const height = Math.abs(bmi.biHeight)
  const stride = dibWidthBytes(bmi.biWidth, bmi.biBitCount)
  const image = pDataPacket.Data
  const level = 16 + Math.floor((pStrmEx.pHwDevExt.Brightness * 200) / 10000)
  // UYVY's chroma bytes stay at 128 (grey); RGB24 is the level on all three bytes.
  const uyvy = bmi.biCompression === FOURCC_UYVY
  if (uyvy) {
    for (let x = 0; x < stride; x += 2) {
      image[x] = 128
      image[x + 1] = level
    }
  } else {
    RtlFillMemory(image, stride, level)
  }
  for (let rows = 1; rows < height; rows *= 2) {
    const n = Math.min(rows, height - rows)
    RtlCopyMemory(image.subarray(rows * stride), image.subarray(0, n * stride), n * stride)
  }
  const band = (pStrmEx.PictureNumber * 4) % height
  for (let y = band; y < Math.min(band + 8, height); y++) RtlFillMemory(image.subarray(y * stride), stride, 0xeb)
}

// ---------------------------------------------------------------------------------------------------
// Cancel and timeout

/** Walks every open stream's read list for the SRB (at DISPATCH_LEVEL), and completes it when found. */
export function AdapterCancelPacket(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  const pHwDevExt = pSrb.HwDeviceExtension as HW_DEVICE_EXTENSION
  if ((pSrb.Flags & (SRB_HW_FLAGS_DATA_TRANSFER | SRB_HW_FLAGS_STREAM_REQUEST)) !== (SRB_HW_FLAGS_DATA_TRANSFER | SRB_HW_FLAGS_STREAM_REQUEST)) return
  for (const pStrmEx of pHwDevExt.pStrmEx) {
    if (!pStrmEx) continue
    let found = false
    KeAcquireSpinLockAtDpcLevel(pStrmEx.StreamDataSpinLock)
    for (let Entry = pStrmEx.StreamDataSRBList.Flink; Entry !== pStrmEx.StreamDataSRBList; Entry = Entry.Flink) {
      if (SrbOfEntry(Entry) === pSrb) {
        RemoveEntryList(Entry)
        found = true
        break
      }
    }
    KeReleaseSpinLockFromDpcLevel(pStrmEx.StreamDataSpinLock)
    if (found) {
      CompleteCancelledRead(pSrb)
      return
    }
  }
}

/** A paused graph can hold reads indefinitely: re-arm instead of failing them. */
export function AdapterTimeoutPacket(pSrb: PHW_STREAM_REQUEST_BLOCK): void {
  pSrb.TimeoutCounter = pSrb.TimeoutOriginal
}
