/**
 * Faulty driver for rule open-stream-incomplete: OPEN_STREAM declares the stream a clock (ClockSupportFlags) without setting HwClockFunction.
 *
 * Starts from examples/stubcap.ts (a correct driver) and breaks one thing: the statement marked
 * `// FAULT`.
 *
 * @preset capture
 * @card stub
 */
import {
  CLOCK_SUPPORT_CAN_RETURN_STREAM_TIME,
  DeviceRequestComplete,
  Dispatch,
  FALSE,
  FOURCC_YUY2,
  High,
  IsEqualGUID,
  KSDATAFORMAT_SPECIFIER_VIDEOINFO,
  KSDATAFORMAT_SUBTYPE_YUY2,
  KSDATAFORMAT_TYPE_VIDEO,
  KSPIN_DATAFLOW_OUT,
  KSPROPERTY_DROPPEDFRAMES_CURRENT,
  KSSTATE_PAUSE,
  KSSTATE_RUN,
  KSSTATE_STOP,
  KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY,
  KSSTREAM_HEADER_OPTIONSF_DURATIONVALID,
  KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT,
  KSSTREAM_HEADER_OPTIONSF_TIMEVALID,
  KS_VIDEOSTREAM_CAPTURE,
  PINNAME_VIDEO_CAPTURE,
  PROPSETID_VIDCAP_DROPPEDFRAMES,
  READ_REGISTER_ULONG,
  ReadyForNextDeviceRequest,
  ReadyForNextStreamControlRequest,
  ReadyForNextStreamDataRequest,
  RtlCopyMemory,
  SRB_CHANGE_POWER_STATE,
  SRB_CLOSE_STREAM,
  SRB_GET_DATA_INTERSECTION,
  SRB_GET_STREAM_INFO,
  SRB_GET_STREAM_PROPERTY,
  SRB_GET_STREAM_STATE,
  SRB_HW_FLAGS_DATA_TRANSFER,
  SRB_INDICATE_MASTER_CLOCK,
  SRB_INITIALIZATION_COMPLETE,
  SRB_INITIALIZE_DEVICE,
  SRB_OPEN_STREAM,
  SRB_READ_DATA,
  SRB_SET_STREAM_STATE,
  SRB_UNINITIALIZE_DEVICE,
  STATUS_BUFFER_OVERFLOW,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_IO_TIMEOUT,
  STATUS_NO_MATCH,
  STATUS_NO_SUCH_DEVICE,
  STATUS_NOT_IMPLEMENTED,
  STATUS_SUCCESS,
  STATUS_TOO_MANY_NODES,
  StreamClassCallAtNewPriority,
  StreamClassCompleteRequestAndMarkQueueReady,
  StreamClassDeviceNotification,
  StreamClassQueryMasterClockSync,
  StreamClassRegisterMinidriver,
  StreamClassStreamNotification,
  StreamRequestComplete,
  TIME_GET_STREAM_TIME,
  TRUE,
  WRITE_REGISTER_ULONG,
  sizeof,
  type HW_INITIALIZATION_DATA,
  type HW_STREAM_INFORMATION,
  type HW_STREAM_OBJECT,
  type HW_STREAM_REQUEST_BLOCK,
  type HW_TIME_CONTEXT,
  type KSPROPERTY_SET,
  type KS_DATAFORMAT_VIDEOINFOHEADER,
  type KS_DATARANGE_VIDEO,
  type KS_VIDEOINFOHEADER,
  type KSSTATE,
} from 'strmini'

// STUB-1 registers (BAR0). Line asserted while INT_STATUS & INT_ENABLE != 0.
const STUB_ID = 0x00
const STUB_INT_STATUS = 0x04 // W1C
const STUB_INT_ENABLE = 0x08
const STUB_TIMER_US = 0x10
const STUB_ID_VALUE = 0x53540001
const STUB_INT_TIMER = 1 << 1

type SRB = HW_STREAM_REQUEST_BLOCK

interface DEVICE_EXTENSION {
  Base: number
  Stream: STREAM_EXTENSION | null
}

interface STREAM_EXTENSION {
  Device: DEVICE_EXTENSION
  StreamObject: HW_STREAM_OBJECT
  State: KSSTATE
  VideoInfo: KS_VIDEOINFOHEADER
  MasterClock: number
  /** Reads waiting for a frame, oldest first (touched only at High or in the ISR). */
  Reads: SRB[]
  PictureNumber: number
  DropCount: number
  Discontinuity: boolean
  /** The read the Dispatch routine is filling, handed over by the ISR, and its stream time. */
  Filling: SRB | null
  FillingTime: number
  /** A STOP or CLOSE that must wait for the frame in flight (the stop handshake). */
  Stopping: SRB | null
}

function range(width: number, height: number): KS_DATARANGE_VIDEO {
  const size = width * height * 2
  return {
    DataRange: { FormatSize: sizeof('KS_DATARANGE_VIDEO'), Flags: 0, SampleSize: size, Reserved: 0, MajorFormat: KSDATAFORMAT_TYPE_VIDEO, SubFormat: KSDATAFORMAT_SUBTYPE_YUY2, Specifier: KSDATAFORMAT_SPECIFIER_VIDEOINFO },
    bFixedSizeSamples: TRUE,
    bTemporalCompression: FALSE,
    StreamDescriptionFlags: KS_VIDEOSTREAM_CAPTURE,
    MemoryAllocationFlags: 0,
    ConfigCaps: {
      guid: KSDATAFORMAT_SPECIFIER_VIDEOINFO,
      VideoStandard: 0,
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
      MinFrameInterval: 333333,
      MaxFrameInterval: 333333,
      MinBitsPerSecond: size * 8 * 30,
      MaxBitsPerSecond: size * 8 * 30,
    },
    VideoInfoHeader: {
      rcSource: { left: 0, top: 0, right: 0, bottom: 0 },
      rcTarget: { left: 0, top: 0, right: 0, bottom: 0 },
      dwBitRate: size * 8 * 30,
      dwBitErrorRate: 0,
      AvgTimePerFrame: 333333,
      bmiHeader: { biSize: sizeof('KS_BITMAPINFOHEADER'), biWidth: width, biHeight: height, biPlanes: 1, biBitCount: 16, biCompression: FOURCC_YUY2, biSizeImage: size, biXPelsPerMeter: 0, biYPelsPerMeter: 0, biClrUsed: 0, biClrImportant: 0 },
    },
  }
}

const Formats = [range(640, 480), range(320, 240)]

const StreamProperties: KSPROPERTY_SET[] = [
  {
    Set: PROPSETID_VIDCAP_DROPPEDFRAMES,
    PropertiesCount: 1,
    PropertyItem: [{ PropertyId: KSPROPERTY_DROPPEDFRAMES_CURRENT, GetPropertyHandler: TRUE, MinProperty: sizeof('KSPROPERTY'), MinData: sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S') }],
  },
]

function StreamInfo(): HW_STREAM_INFORMATION {
  return {
    NumberOfPossibleInstances: 1,
    DataFlow: KSPIN_DATAFLOW_OUT,
    DataAccessible: TRUE,
    NumberOfFormatArrayEntries: Formats.length,
    StreamFormatsArray: Formats,
    ClassReserved: [],
    NumStreamPropArrayEntries: StreamProperties.length,
    StreamPropertiesArray: StreamProperties,
    NumStreamEventArrayEntries: 0,
    StreamEventsArray: null,
    Category: PINNAME_VIDEO_CAPTURE,
    Name: PINNAME_VIDEO_CAPTURE,
    MediumsCount: 0,
    Mediums: null,
    BridgeStream: FALSE,
    Reserved: [],
  }
}

export function DriverEntry(DriverObject: unknown, RegistryPath: unknown): number {
  const HwInitData: HW_INITIALIZATION_DATA = {
    HwInitializationDataSize: sizeof('HW_INITIALIZATION_DATA'),
    HwInterrupt: StubInterrupt,
    HwReceivePacket: StubReceivePacket,
    HwCancelPacket: StubCancelPacket,
    HwRequestTimeoutHandler: StubTimeout,
    DeviceExtensionSize: 64,
    PerRequestExtensionSize: 0,
    PerStreamExtensionSize: 128,
    FilterInstanceExtensionSize: 0,
    BusMasterDMA: FALSE,
    BufferAlignment: 3,
    // The class driver serialises everything, the ISR included: no locks needed for shared state.
    TurnOffSynchronization: FALSE,
    DmaBufferSize: 0,
  }
  return StreamClassRegisterMinidriver(DriverObject, RegistryPath, HwInitData)
}

// ---------------------------------------------------------------------------------------------------
// Device requests

export function StubReceivePacket(srb: SRB): void {
  const ext = srb.HwDeviceExtension as DEVICE_EXTENSION
  srb.Status = STATUS_SUCCESS
  switch (srb.Command) {
    case SRB_INITIALIZE_DEVICE: {
      const config = srb.CommandData.ConfigInfo!
      if (config.NumberOfAccessRanges < 1 || READ_REGISTER_ULONG(config.AccessRanges[0].RangeStart + STUB_ID) !== STUB_ID_VALUE) {
        srb.Status = STATUS_NO_SUCH_DEVICE
        break
      }
      ext.Base = config.AccessRanges[0].RangeStart
      ext.Stream = null
      WRITE_REGISTER_ULONG(ext.Base + STUB_INT_ENABLE, 0)
      config.StreamDescriptorSize = sizeof('HW_STREAM_HEADER') + sizeof('HW_STREAM_INFORMATION')
      break
    }
    case SRB_GET_STREAM_INFO: {
      const descriptor = srb.CommandData.StreamBuffer!
      descriptor.StreamHeader.NumberOfStreams = 1
      descriptor.StreamHeader.SizeOfHwStreamInformation = sizeof('HW_STREAM_INFORMATION')
      descriptor.StreamInfo[0] = StreamInfo()
      break
    }
    case SRB_INITIALIZATION_COMPLETE:
      break
    case SRB_GET_DATA_INTERSECTION:
      srb.Status = Intersect(srb)
      break
    case SRB_OPEN_STREAM:
      OpenStream(srb)
      break
    case SRB_CLOSE_STREAM: {
      const strm = srb.StreamObject!.HwStreamExtension as STREAM_EXTENSION
      // A frame is still being filled: finish the close when it is done (no ReadyForNext until then).
      if (!SetState(strm, KSSTATE_STOP, srb)) return
      ext.Stream = null
      break
    }
    case SRB_CHANGE_POWER_STATE:
      // Leaving D0 loses the card's registers: quiet it first. Coming back, RUN re-arms it.
      if (srb.CommandData.DeviceState !== 1) WRITE_REGISTER_ULONG(ext.Base + STUB_INT_ENABLE, 0)
      break
    case SRB_UNINITIALIZE_DEVICE:
      WRITE_REGISTER_ULONG(ext.Base + STUB_TIMER_US, 0)
      WRITE_REGISTER_ULONG(ext.Base + STUB_INT_ENABLE, 0)
      break
    default:
      srb.Status = STATUS_NOT_IMPLEMENTED
  }
  StreamClassCompleteRequestAndMarkQueueReady(srb)
}

function Intersect(srb: SRB): number {
  const info = srb.CommandData.IntersectInfo!
  const wanted = info.DataRange
  const size = sizeof('KS_DATAFORMAT_VIDEOINFOHEADER')
  for (const ours of Formats) {
    if (!IsEqualGUID(wanted.SubFormat, ours.DataRange.SubFormat)) continue
    const b = wanted.VideoInfoHeader?.bmiHeader
    if (b && (b.biWidth !== ours.VideoInfoHeader.bmiHeader.biWidth || Math.abs(b.biHeight) !== ours.VideoInfoHeader.bmiHeader.biHeight)) continue
    if (info.SizeOfDataFormatBuffer === sizeof('ULONG')) {
      info.DataFormatBuffer = size
      srb.ActualBytesTransferred = sizeof('ULONG')
      return STATUS_SUCCESS
    }
    if (info.SizeOfDataFormatBuffer < size) return STATUS_BUFFER_TOO_SMALL
    const format: KS_DATAFORMAT_VIDEOINFOHEADER = { DataFormat: { ...ours.DataRange, FormatSize: size }, VideoInfoHeader: structuredClone(ours.VideoInfoHeader) }
    info.DataFormatBuffer = format
    srb.ActualBytesTransferred = size
    return STATUS_SUCCESS
  }
  return STATUS_NO_MATCH
}

function OpenStream(srb: SRB): void {
  const ext = srb.HwDeviceExtension as DEVICE_EXTENSION
  if (ext.Stream !== null) {
    srb.Status = STATUS_TOO_MANY_NODES
    return
  }
  const stream = srb.StreamObject!
  const strm = stream.HwStreamExtension as STREAM_EXTENSION
  strm.Device = ext
  strm.StreamObject = stream
  strm.State = KSSTATE_STOP
  strm.VideoInfo = structuredClone((srb.CommandData.OpenFormat as unknown as KS_DATAFORMAT_VIDEOINFOHEADER).VideoInfoHeader)
  strm.MasterClock = 0
  strm.Reads = []
  strm.PictureNumber = 0
  strm.DropCount = 0
  strm.Discontinuity = false
  strm.Filling = null
  strm.FillingTime = 0
  strm.Stopping = null
  stream.ReceiveDataPacket = StubReceiveData
  stream.ReceiveControlPacket = StubReceiveControl
  stream.Dma = FALSE
  stream.Pio = TRUE
  stream.StreamHeaderMediaSpecific = sizeof('KS_FRAME_INFO')
  stream.HwClockObject.ClockSupportFlags = CLOCK_SUPPORT_CAN_RETURN_STREAM_TIME // FAULT
  ext.Stream = strm
}

// ---------------------------------------------------------------------------------------------------
// Stream requests

export function StubReceiveControl(srb: SRB): void {
  const strm = srb.StreamObject!.HwStreamExtension as STREAM_EXTENSION
  srb.Status = STATUS_SUCCESS
  switch (srb.Command) {
    case SRB_SET_STREAM_STATE:
      if (!SetState(strm, srb.CommandData.StreamState!, srb)) return
      break
    case SRB_GET_STREAM_STATE:
      srb.CommandData.StreamState = strm.State
      srb.ActualBytesTransferred = sizeof('KSSTATE')
      break
    case SRB_INDICATE_MASTER_CLOCK:
      strm.MasterClock = srb.CommandData.MasterClockHandle ?? 0
      break
    case SRB_GET_STREAM_PROPERTY: {
      const p = srb.CommandData.PropertyInfo!
      if (!IsEqualGUID(p.Property.Set, PROPSETID_VIDCAP_DROPPEDFRAMES) || p.Property.Id !== KSPROPERTY_DROPPEDFRAMES_CURRENT) {
        srb.Status = STATUS_NOT_IMPLEMENTED
      } else if (p.PropertyOutputSize < sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S')) {
        srb.Status = STATUS_BUFFER_OVERFLOW
      } else {
        Object.assign(p.PropertyInfo, { PictureNumber: strm.PictureNumber, DropCount: strm.DropCount, AverageFrameSize: strm.VideoInfo.bmiHeader.biSizeImage })
        srb.ActualBytesTransferred = sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S')
      }
      break
    }
    default:
      srb.Status = STATUS_NOT_IMPLEMENTED
  }
  StreamClassCompleteRequestAndMarkQueueReady(srb)
}

/**
 * Returns false when a STOP has to wait for the frame being filled: `srb` is then parked and
 * completed by CompleteFrame, so its queue stays busy until the card and buffers are quiet.
 */
function SetState(strm: STREAM_EXTENSION, state: KSSTATE, srb: SRB): boolean {
  const base = strm.Device.Base
  const frameUs = Math.round(strm.VideoInfo.AvgTimePerFrame / 10)
  if (state === KSSTATE_RUN) {
    // Reads parked in PAUSE get their timeout back now that frames flow.
    for (const r of strm.Reads) r.TimeoutCounter = r.TimeoutOriginal
    WRITE_REGISTER_ULONG(base + STUB_TIMER_US, frameUs)
    WRITE_REGISTER_ULONG(base + STUB_INT_ENABLE, STUB_INT_TIMER)
  } else {
    WRITE_REGISTER_ULONG(base + STUB_TIMER_US, 0)
    WRITE_REGISTER_ULONG(base + STUB_INT_ENABLE, 0)
    // No frames come until RUN: reads already queued are parked without a timeout too, or a pause
    // longer than their timeout would fail them as if the card had stalled.
    for (const r of strm.Reads) r.TimeoutCounter = 0
  }
  if (state === KSSTATE_STOP) {
    for (const r of strm.Reads.splice(0)) CompleteRead(r, STATUS_CANCELLED)
    if (strm.Filling !== null) {
      strm.Stopping = srb
      return false
    }
    strm.PictureNumber = 0
    strm.DropCount = 0
  }
  strm.State = state
  return true
}

export function StubReceiveData(srb: SRB): void {
  const strm = srb.StreamObject!.HwStreamExtension as STREAM_EXTENSION
  if (srb.Command !== SRB_READ_DATA) {
    srb.Status = STATUS_NOT_IMPLEMENTED
    StreamClassCompleteRequestAndMarkQueueReady(srb)
    return
  }
  if (strm.State === KSSTATE_STOP) {
    srb.CommandData.DataBufferArray![0].DataUsed = 0
    CompleteRead(srb, STATUS_SUCCESS)
  } else {
    // Paused: park the read without a timeout; RUN restores it.
    if (strm.State === KSSTATE_PAUSE) srb.TimeoutCounter = 0
    strm.Reads.push(srb)
  }
  // Reads are collected: ready for the next one at once.
  StreamClassStreamNotification(ReadyForNextStreamDataRequest, srb.StreamObject!)
}

function CompleteRead(srb: SRB, status: number): void {
  srb.Status = status
  if (status !== STATUS_SUCCESS) srb.CommandData.DataBufferArray![0].DataUsed = 0
  StreamClassStreamNotification(StreamRequestComplete, srb.StreamObject!, srb)
}

// ---------------------------------------------------------------------------------------------------
// Interrupt and frame completion

export function StubInterrupt(HwDeviceExtension: DEVICE_EXTENSION): boolean {
  const ext = HwDeviceExtension
  const pending = READ_REGISTER_ULONG(ext.Base + STUB_INT_STATUS) & READ_REGISTER_ULONG(ext.Base + STUB_INT_ENABLE)
  // The line is shared: nothing pending here means the interrupt is someone else's.
  if (pending === 0 || pending === 0xffffffff) return false
  // Ack exactly what we saw (W1C), never 0xFFFFFFFF: a new event may have arrived meanwhile.
  WRITE_REGISTER_ULONG(ext.Base + STUB_INT_STATUS, pending)
  const strm = ext.Stream
  if ((pending & STUB_INT_TIMER) !== 0 && strm !== null && strm.State === KSSTATE_RUN) {
    strm.PictureNumber++
    const srb = strm.Filling === null ? (strm.Reads.shift() ?? null) : null
    if (srb === null) {
      strm.DropCount++
      strm.Discontinuity = true
    } else {
      strm.Filling = srb
      // The copy takes too long for DIRQL: do it at DISPATCH_LEVEL.
      StreamClassCallAtNewPriority(strm.StreamObject, ext, Dispatch, FillFrame, strm)
    }
  }
  return true
}

const Line = new Uint8Array(640 * 2)

/** DISPATCH_LEVEL, not synchronized with the ISR: touch only the buffer the ISR handed over. */
export function FillFrame(strm: STREAM_EXTENSION): void {
  const srb = strm.Filling!
  const header = srb.CommandData.DataBufferArray![0]
  const bmi = strm.VideoInfo.bmiHeader
  const stride = bmi.biWidth * 2
  // A grey level that changes every frame, one line copied down the frame.
  Line.fill(16 + ((strm.PictureNumber * 7) % 220), 0, stride)
  for (let y = 0; y < bmi.biHeight; y++) RtlCopyMemory(header.Data.subarray(y * stride), Line, stride)
  header.DataUsed = bmi.biSizeImage
  // The synchronous clock query is allowed up to DISPATCH_LEVEL, not at the synchronized level.
  if (strm.MasterClock !== 0) {
    const time: HW_TIME_CONTEXT = { HwDeviceExtension: strm.Device, HwStreamObject: strm.StreamObject, Function: TIME_GET_STREAM_TIME, Time: 0, SystemTime: 0 }
    StreamClassQueryMasterClockSync(strm.MasterClock, time)
    strm.FillingTime = time.Time
  }
  // Completion and the shared counters belong to the synchronized level.
  StreamClassCallAtNewPriority(strm.StreamObject, strm.Device, High, CompleteFrame, strm)
}

/** High: synchronized with the ISR again; finish the header and complete. */
export function CompleteFrame(strm: STREAM_EXTENSION): void {
  const srb = strm.Filling
  strm.Filling = null
  if (srb === null) return
  const header = srb.CommandData.DataBufferArray![0]
  const info = header.MediaSpecific
  info.ExtendedHeaderSize = sizeof('KS_FRAME_INFO')
  info.PictureNumber = strm.PictureNumber
  info.DropCount = strm.DropCount
  info.dwFrameFlags = 0
  let flags = KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT
  if (strm.Discontinuity) flags |= KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY
  strm.Discontinuity = false
  header.Duration = strm.VideoInfo.AvgTimePerFrame
  // A frame finished during the stop handshake has no meaningful stream time any more.
  if (strm.MasterClock !== 0 && strm.Stopping === null) {
    header.PresentationTime = { Time: strm.FillingTime, Numerator: 1, Denominator: 1 }
    flags |= KSSTREAM_HEADER_OPTIONSF_TIMEVALID | KSSTREAM_HEADER_OPTIONSF_DURATIONVALID
  }
  header.OptionsFlags = flags
  CompleteRead(srb, STATUS_SUCCESS)
  // A STOP or CLOSE waited for this frame: finish it now.
  const stopping = strm.Stopping
  if (stopping !== null) {
    strm.Stopping = null
    SetState(strm, KSSTATE_STOP, stopping)
    if (stopping.Command === SRB_CLOSE_STREAM) strm.Device.Stream = null
    stopping.Status = STATUS_SUCCESS
    StreamClassCompleteRequestAndMarkQueueReady(stopping)
  }
}

// ---------------------------------------------------------------------------------------------------
// Cancel and timeout

export function StubCancelPacket(srb: SRB): void {
  const ext = srb.HwDeviceExtension as DEVICE_EXTENSION
  const strm = ext.Stream
  if ((srb.Flags & SRB_HW_FLAGS_DATA_TRANSFER) === 0 || strm === null) return
  // A read being filled at DISPATCH will complete on its own; only queued ones can be pulled back.
  const i = strm.Reads.indexOf(srb)
  if (i < 0) return
  strm.Reads.splice(i, 1)
  CompleteRead(srb, STATUS_CANCELLED)
}

export function StubTimeout(srb: SRB): void {
  const ext = srb.HwDeviceExtension as DEVICE_EXTENSION
  const strm = ext.Stream
  if ((srb.Flags & SRB_HW_FLAGS_DATA_TRANSFER) !== 0 && strm !== null) {
    const i = strm.Reads.indexOf(srb)
    if (i >= 0) {
      // Running and still no frame for this read: the card has stalled.
      strm.Reads.splice(i, 1)
      CompleteRead(srb, STATUS_IO_TIMEOUT)
      return
    }
    // Being filled: give it more time.
    srb.TimeoutCounter = srb.TimeoutOriginal
    return
  }
  // A control or device request we never finished: fail it and take the next one.
  srb.Status = STATUS_IO_TIMEOUT
  if (srb.StreamObject === null) {
    StreamClassDeviceNotification(DeviceRequestComplete, ext, srb)
    StreamClassDeviceNotification(ReadyForNextDeviceRequest, ext)
  } else {
    StreamClassStreamNotification(StreamRequestComplete, srb.StreamObject, srb)
    StreamClassStreamNotification(ReadyForNextStreamControlRequest, srb.StreamObject)
  }
}
