/**
 * Faulty driver for rule interrupts-left-enabled: only D3 (DeviceState 4) is treated as leaving D0, so a request for D1 or D2 leaves the card's interrupts enabled (it even resets and re-arms the card).
 *
 * Starts from examples/vcap1-capture.ts (a correct driver) and breaks one thing: the statement marked
 * `// FAULT`.
 *
 * @card vcap1
 */
import {
  DbgPrint,
  DeviceRequestComplete,
  Dispatch,
  DmaBuffer,
  FALSE,
  FOURCC_NV12,
  FOURCC_UYVY,
  FOURCC_YUY2,
  High,
  IsEqualGUID,
  KSDATAFORMAT_SPECIFIER_VIDEOINFO,
  KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
  KSDATAFORMAT_SUBTYPE_NV12,
  KSDATAFORMAT_SUBTYPE_PCM,
  KSDATAFORMAT_SUBTYPE_RGB24,
  KSDATAFORMAT_SUBTYPE_RGB32,
  KSDATAFORMAT_SUBTYPE_UYVY,
  KSDATAFORMAT_SUBTYPE_WILDCARD,
  KSDATAFORMAT_SUBTYPE_YUY2,
  KSDATAFORMAT_TYPE_AUDIO,
  KSDATAFORMAT_TYPE_VIDEO,
  KSPIN_DATAFLOW_OUT,
  KSPROPERTY_DROPPEDFRAMES_CURRENT,
  KSSTATE_RUN,
  KSSTATE_STOP,
  KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY,
  KSSTREAM_HEADER_OPTIONSF_DURATIONVALID,
  KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT,
  KSSTREAM_HEADER_OPTIONSF_TIMEVALID,
  KS_BI_RGB,
  KS_VIDEOSTREAM_CAPTURE,
  KeMemoryBarrier,
  Latched,
  KeStallExecutionProcessor,
  PINNAME_CAPTURE,
  PINNAME_VIDEO_CAPTURE,
  PROPSETID_VIDCAP_DROPPEDFRAMES,
  READ_REGISTER_ULONG,
  ReadyForNextDeviceRequest,
  ReadyForNextStreamControlRequest,
  ReadyForNextStreamDataRequest,
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
  SRB_PROPOSE_DATA_FORMAT,
  SRB_READ_DATA,
  SRB_SET_STREAM_STATE,
  SRB_SURPRISE_REMOVAL,
  SRB_UNINITIALIZE_DEVICE,
  STATUS_BUFFER_OVERFLOW,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_IO_DEVICE_ERROR,
  STATUS_IO_TIMEOUT,
  STATUS_NO_MATCH,
  STATUS_NO_SUCH_DEVICE,
  STATUS_NOT_IMPLEMENTED,
  STATUS_SUCCESS,
  STATUS_TOO_MANY_NODES,
  StreamClassCallAtNewPriority,
  StreamClassCompleteRequestAndMarkQueueReady,
  StreamClassDeviceNotification,
  StreamClassGetDmaBuffer,
  StreamClassGetPhysicalAddress,
  StreamClassQueryMasterClockSync,
  StreamClassRegisterMinidriver,
  StreamClassScheduleTimer,
  StreamClassStreamNotification,
  StreamRequestComplete,
  TIME_GET_STREAM_TIME,
  TRUE,
  WAVE_FORMAT_PCM,
  WRITE_REGISTER_ULONG,
  sizeof,
  type HW_INITIALIZATION_DATA,
  type HW_STREAM_INFORMATION,
  type HW_STREAM_OBJECT,
  type HW_STREAM_REQUEST_BLOCK,
  type HW_TIME_CONTEXT,
  type KSDATARANGE_AUDIO,
  type KSDATAFORMAT_WAVEFORMATEX,
  type KSPROPERTY_SET,
  type KSSTATE,
  type KS_DATAFORMAT_VIDEOINFOHEADER,
  type KS_DATARANGE_VIDEO,
  type KS_VIDEOINFOHEADER,
  type PKSDATARANGE,
} from 'strmini'
import {
  AUD_CTRL,
  AUD_CTRL_RUN,
  AUD_DESC_BASE_HI,
  AUD_DESC_BASE_LO,
  AUD_DESC_COUNT,
  AUD_DESC_TAIL,
  AUD_ERROR,
  AUD_FORMAT,
  AUD_STATUS,
  AUD_STATUS_HALTED,
  AUD_CTRL_CH_RESET,
  DESC_BUF_ADDR,
  DESC_BUF_LEN,
  DESC_CTRL,
  DESC_CTRL_EOF,
  DESC_CTRL_IOC,
  DESC_CTRL_OWN,
  DESC_CTRL_SOF,
  DESC_SIZE,
  DESC_WB_ABORTED,
  DESC_WB_BYTES,
  DESC_WB_DISCONTINUITY,
  DESC_WB_DONE,
  DESC_WB_ERROR,
  DESC_WB_SEQUENCE_SHIFT,
  DESC_WB_STATUS,
  DESC_WB_TIMESTAMP,
  DESC_WB_TRUNCATED,
  DEV_ID,
  FMT_NV12,
  FMT_RGB24,
  FMT_RGB32,
  FMT_UYVY,
  FMT_YUY2,
  GCTRL,
  GCTRL_IRQ_MASTER_EN,
  GCTRL_MSI_MODE,
  GCTRL_SOFT_RESET,
  GSTATUS,
  GSTATUS_RESET_BUSY,
  INT_AUD_DMA_ERR,
  INT_AUD_HALTED,
  INT_AUD_IOC,
  INT_ENABLE,
  INT_FATAL,
  INT_PENDING,
  INT_STATUS,
  INT_VID_DMA_ERR,
  INT_VID_HALTED,
  INT_VID_IOC,
  MAX_SG_LEN,
  TS_HI,
  TS_LO,
  VCAP1_ID,
  VID_CTRL,
  VID_CTRL_CH_RESET,
  VID_CTRL_LATE_START,
  VID_CTRL_PATTERN_EN,
  VID_CTRL_RUN,
  VID_DESC_BASE_HI,
  VID_DESC_BASE_LO,
  VID_DESC_COUNT,
  VID_DESC_DONE_CNT,
  VID_DELIVERED_CNT,
  VID_DESC_TAIL,
  VID_DROP_CNT,
  VID_ERROR,
  VID_FORMAT,
  VID_FORMAT_BOTTOM_UP,
  VID_FRAME_BYTES,
  VID_FRAME_CNT,
  VID_INTERVAL,
  VID_SIZE,
  VID_STATUS,
  VID_STATUS_HALTED,
  VID_STRIDE,
  VID_UV_OFFSET,
} from 'vcap1'

type SRB = HW_STREAM_REQUEST_BLOCK

/** Descriptors per ring (the card's maximum); one slot always stays empty. */
const RING_SIZE = 256
/** How long a stop may take before the card is reset (the bounded wait of the stop handshake). */
const HALT_WAIT_US = 20_000
/** Watchdog period: polls for completions whose interrupt was lost, and for a stalled engine. */
const WATCHDOG_US = 100_000
/** A read longer than the ring is fed in parts of at least this many descriptors. */
const FEED_BATCH = 64
/** Consecutive DMA errors without a delivered frame before the stream gives up. */
const MAX_ERRORS = 3
const TWO_32 = 0x1_0000_0000

/** The card's registers for one DMA channel, so video and audio share the ring code. */
interface CHANNEL_REGS {
  CTRL: number
  RUN: number
  CH_RESET: number
  STATUS: number
  HALTED: number
  BASE_LO: number
  BASE_HI: number
  COUNT: number
  TAIL: number
  ERROR: number
  IOC: number
  INT_HALTED: number
  INT_ERR: number
}

const VIDEO_REGS: CHANNEL_REGS = {
  CTRL: VID_CTRL,
  RUN: VID_CTRL_RUN,
  CH_RESET: VID_CTRL_CH_RESET,
  STATUS: VID_STATUS,
  HALTED: VID_STATUS_HALTED,
  BASE_LO: VID_DESC_BASE_LO,
  BASE_HI: VID_DESC_BASE_HI,
  COUNT: VID_DESC_COUNT,
  TAIL: VID_DESC_TAIL,
  ERROR: VID_ERROR,
  IOC: INT_VID_IOC,
  INT_HALTED: INT_VID_HALTED,
  INT_ERR: INT_VID_DMA_ERR,
}

const AUDIO_REGS: CHANNEL_REGS = {
  CTRL: AUD_CTRL,
  RUN: AUD_CTRL_RUN,
  CH_RESET: AUD_CTRL_CH_RESET,
  STATUS: AUD_STATUS,
  HALTED: AUD_STATUS_HALTED,
  BASE_LO: AUD_DESC_BASE_LO,
  BASE_HI: AUD_DESC_BASE_HI,
  COUNT: AUD_DESC_COUNT,
  TAIL: AUD_DESC_TAIL,
  ERROR: AUD_ERROR,
  IOC: INT_AUD_IOC,
  INT_HALTED: INT_AUD_HALTED,
  INT_ERR: INT_AUD_DMA_ERR,
}

/** What to do once a channel has reached HALTED. */
type HALT_ACTION = { kind: 'state'; srb: SRB; state: KSSTATE } | { kind: 'close'; srb: SRB } | { kind: 'restart' }

/** The driver's side of one DMA channel. */
interface CHANNEL {
  Regs: CHANNEL_REGS
  Ring: DataView
  RingPhysical: number
  /** Producer index (the next descriptor the driver fills) and the next one to reclaim. */
  Tail: number
  Reclaim: number
  /** Descriptors handed to the card and not reclaimed yet. */
  Used: number
  /** The read each ring slot belongs to, and that read's state (read once, not per descriptor). */
  SlotSrb: (SRB | null)[]
  SlotRead: (READ_STATE | null)[]
  /** Reads not (fully) in the ring yet, oldest first. */
  Waiting: SRB[]
  /** Reads whose descriptors are (partly) in the ring, oldest first. */
  InRing: SRB[]
  /** RUN = 1 written; RUN = 0 written and HALTED not seen yet. */
  Running: boolean
  Stopping: boolean
  AfterHalt: HALT_ACTION[]
  Errors: number
  Failed: boolean
  /** Watchdog: DESC_DONE_CNT at the last check, and checks without progress. */
  LastDone: number
  Idle: number
  Stream: STREAM_EXTENSION | null
}

/** Per-read bookkeeping (SRBExtension.Read). */
interface READ_STATE {
  /** Next scatter/gather element to feed, and the offset inside it (elements above MAX_SG_LEN are split). */
  Element: number
  Offset: number
  /** Descriptors fed and not yet reclaimed. */
  Pending: number
  Fed: boolean
  Bytes: number
  Status: number
  Sequence: number
  TimestampLo: number
  TimestampHi: number
  Cancelled: boolean
}

interface DEVICE_EXTENSION {
  Base: number
  Gctrl: number
  Video: CHANNEL
  Audio: CHANNEL
  /** INT_STATUS bits the ISR acknowledged and the High routine has not handled yet. */
  Pending: number
  ServiceQueued: boolean
  WatchdogArmed: boolean
  Removed: boolean
  /** The interrupt is message-signalled (GCTRL.MSI_MODE). */
  Msi: boolean
  MaxSgLength: number
}

interface STREAM_EXTENSION {
  Device: DEVICE_EXTENSION
  StreamObject: HW_STREAM_OBJECT
  Kind: 'video' | 'audio'
  Channel: CHANNEL
  State: KSSTATE
  VideoInfo: KS_VIDEOINFOHEADER | null
  BytesPerSecond: number
  MasterClock: number
  /**
   * Frames numbered in earlier runs (PAUSE/RUN restarts the card's counters), and this run's start:
   * VID_FRAME_CNT and VID_DROP_CNT at RUN.
   */
  PictureBase: number
  RunFrameStart: number
  RunDropStart: number
  RunSequence: number
  Delivered: number
  LastPictureNumber: number
  LastTime: number
  Discontinuity: boolean
  /** The clock sample of the last Dispatch routine: stream time and card timestamp at one instant. */
  ClockTime: number
  ClockCardTs: number
  ClockValid: boolean
}

// ---------------------------------------------------------------------------------------------------
// Formats

interface VIDEO_FORMAT {
  subtype: string
  compression: number
  code: number
  bits: number
  width: number
  height: number
}

const VIDEO_FORMATS: VIDEO_FORMAT[] = [
  { subtype: KSDATAFORMAT_SUBTYPE_YUY2, compression: FOURCC_YUY2, code: FMT_YUY2, bits: 16, width: 640, height: 480 },
  { subtype: KSDATAFORMAT_SUBTYPE_RGB24, compression: KS_BI_RGB, code: FMT_RGB24, bits: 24, width: 640, height: 480 },
  { subtype: KSDATAFORMAT_SUBTYPE_NV12, compression: FOURCC_NV12, code: FMT_NV12, bits: 12, width: 640, height: 480 },
  { subtype: KSDATAFORMAT_SUBTYPE_UYVY, compression: FOURCC_UYVY, code: FMT_UYVY, bits: 16, width: 640, height: 480 },
  { subtype: KSDATAFORMAT_SUBTYPE_RGB32, compression: KS_BI_RGB, code: FMT_RGB32, bits: 32, width: 640, height: 480 },
  { subtype: KSDATAFORMAT_SUBTYPE_YUY2, compression: FOURCC_YUY2, code: FMT_YUY2, bits: 16, width: 320, height: 240 },
  { subtype: KSDATAFORMAT_SUBTYPE_YUY2, compression: FOURCC_YUY2, code: FMT_YUY2, bits: 16, width: 1280, height: 720 },
  { subtype: KSDATAFORMAT_SUBTYPE_YUY2, compression: FOURCC_YUY2, code: FMT_YUY2, bits: 16, width: 1920, height: 1080 },
  { subtype: KSDATAFORMAT_SUBTYPE_NV12, compression: FOURCC_NV12, code: FMT_NV12, bits: 12, width: 1920, height: 1080 },
]

/** 15 to 60 fps, 30 by default. */
const MIN_INTERVAL = 166_667
const MAX_INTERVAL = 666_667
const DEFAULT_INTERVAL = 333_333

/** DIB stride (KS_DIBWIDTHBYTES); NV12 counts its Y plane (8 bits per pixel). */
function strideOf(f: VIDEO_FORMAT): number {
  const bits = f.code === FMT_NV12 ? 8 : f.bits
  return Math.floor((f.width * bits + 31) / 32) * 4
}

function imageSizeOf(f: VIDEO_FORMAT): number {
  const plane = strideOf(f) * f.height
  return f.code === FMT_NV12 ? plane + plane / 2 : plane
}

function isRgb(f: VIDEO_FORMAT): boolean {
  return f.code === FMT_RGB24 || f.code === FMT_RGB32
}

function videoInfo(f: VIDEO_FORMAT, interval: number): KS_VIDEOINFOHEADER {
  const size = imageSizeOf(f)
  return {
    rcSource: { left: 0, top: 0, right: 0, bottom: 0 },
    rcTarget: { left: 0, top: 0, right: 0, bottom: 0 },
    dwBitRate: Math.round((size * 8 * 10_000_000) / interval),
    dwBitErrorRate: 0,
    AvgTimePerFrame: interval,
    // RGB is a bottom-up DIB (positive height); YUV is always top-down.
    bmiHeader: { biSize: sizeof('KS_BITMAPINFOHEADER'), biWidth: f.width, biHeight: f.height, biPlanes: 1, biBitCount: f.bits, biCompression: f.compression, biSizeImage: size, biXPelsPerMeter: 0, biYPelsPerMeter: 0, biClrUsed: 0, biClrImportant: 0 },
  }
}

function videoRange(f: VIDEO_FORMAT): KS_DATARANGE_VIDEO {
  const size = imageSizeOf(f)
  return {
    DataRange: { FormatSize: sizeof('KS_DATARANGE_VIDEO'), Flags: 0, SampleSize: size, Reserved: 0, MajorFormat: KSDATAFORMAT_TYPE_VIDEO, SubFormat: f.subtype, Specifier: KSDATAFORMAT_SPECIFIER_VIDEOINFO },
    bFixedSizeSamples: TRUE,
    bTemporalCompression: FALSE,
    StreamDescriptionFlags: KS_VIDEOSTREAM_CAPTURE,
    MemoryAllocationFlags: 0,
    ConfigCaps: {
      guid: KSDATAFORMAT_SPECIFIER_VIDEOINFO,
      VideoStandard: 0,
      InputSize: { cx: f.width, cy: f.height },
      MinCroppingSize: { cx: f.width, cy: f.height },
      MaxCroppingSize: { cx: f.width, cy: f.height },
      CropGranularityX: 1,
      CropGranularityY: 1,
      CropAlignX: 1,
      CropAlignY: 1,
      MinOutputSize: { cx: f.width, cy: f.height },
      MaxOutputSize: { cx: f.width, cy: f.height },
      OutputGranularityX: 0,
      OutputGranularityY: 0,
      StretchTapsX: 0,
      StretchTapsY: 0,
      ShrinkTapsX: 0,
      ShrinkTapsY: 0,
      MinFrameInterval: MIN_INTERVAL,
      MaxFrameInterval: MAX_INTERVAL,
      MinBitsPerSecond: Math.round((size * 8 * 10_000_000) / MAX_INTERVAL),
      MaxBitsPerSecond: Math.round((size * 8 * 10_000_000) / MIN_INTERVAL),
    },
    VideoInfoHeader: videoInfo(f, DEFAULT_INTERVAL),
  }
}

const AUDIO_RANGE: KSDATARANGE_AUDIO = {
  DataRange: { FormatSize: sizeof('KSDATARANGE_AUDIO'), Flags: 0, SampleSize: 0, Reserved: 0, MajorFormat: KSDATAFORMAT_TYPE_AUDIO, SubFormat: KSDATAFORMAT_SUBTYPE_PCM, Specifier: KSDATAFORMAT_SPECIFIER_WAVEFORMATEX },
  MaximumChannels: 2,
  MinimumBitsPerSample: 16,
  MaximumBitsPerSample: 16,
  MinimumSampleFrequency: 48000,
  MaximumSampleFrequency: 48000,
}

const VideoRanges = VIDEO_FORMATS.map(videoRange)

const VideoProperties: KSPROPERTY_SET[] = [
  {
    Set: PROPSETID_VIDCAP_DROPPEDFRAMES,
    PropertiesCount: 1,
    PropertyItem: [{ PropertyId: KSPROPERTY_DROPPEDFRAMES_CURRENT, GetPropertyHandler: TRUE, MinProperty: sizeof('KSPROPERTY'), MinData: sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S') }],
  },
]

function streamInfo(kind: 'video' | 'audio'): HW_STREAM_INFORMATION {
  const video = kind === 'video'
  return {
    NumberOfPossibleInstances: 1,
    DataFlow: KSPIN_DATAFLOW_OUT,
    DataAccessible: TRUE,
    NumberOfFormatArrayEntries: video ? VideoRanges.length : 1,
    StreamFormatsArray: video ? VideoRanges : [AUDIO_RANGE],
    ClassReserved: [],
    NumStreamPropArrayEntries: video ? VideoProperties.length : 0,
    StreamPropertiesArray: video ? VideoProperties : null,
    NumStreamEventArrayEntries: 0,
    StreamEventsArray: null,
    Category: video ? PINNAME_VIDEO_CAPTURE : PINNAME_CAPTURE,
    Name: video ? PINNAME_VIDEO_CAPTURE : PINNAME_CAPTURE,
    MediumsCount: 0,
    Mediums: null,
    BridgeStream: FALSE,
    Reserved: [],
  }
}

// ---------------------------------------------------------------------------------------------------
// Driver entry and device requests

export function DriverEntry(DriverObject: unknown, RegistryPath: unknown): number {
  const HwInitData: HW_INITIALIZATION_DATA = {
    HwInitializationDataSize: sizeof('HW_INITIALIZATION_DATA'),
    HwInterrupt: Vcap1Interrupt,
    HwReceivePacket: Vcap1ReceivePacket,
    HwCancelPacket: Vcap1CancelPacket,
    HwRequestTimeoutHandler: Vcap1Timeout,
    DeviceExtensionSize: 256,
    PerRequestExtensionSize: 64,
    PerStreamExtensionSize: 256,
    FilterInstanceExtensionSize: 0,
    BusMasterDMA: TRUE,
    Dma24BitAddresses: FALSE,
    BufferAlignment: 3,
    TurnOffSynchronization: FALSE,
    // Two descriptor rings, one per channel.
    DmaBufferSize: 2 * RING_SIZE * DESC_SIZE,
  }
  return StreamClassRegisterMinidriver(DriverObject, RegistryPath, HwInitData)
}

export function Vcap1ReceivePacket(srb: SRB): void {
  const ext = srb.HwDeviceExtension as DEVICE_EXTENSION
  srb.Status = STATUS_SUCCESS
  switch (srb.Command) {
    case SRB_INITIALIZE_DEVICE:
      srb.Status = InitializeDevice(ext, srb)
      break
    case SRB_GET_STREAM_INFO: {
      const descriptor = srb.CommandData.StreamBuffer!
      descriptor.StreamHeader.NumberOfStreams = 2
      descriptor.StreamHeader.SizeOfHwStreamInformation = sizeof('HW_STREAM_INFORMATION')
      descriptor.StreamInfo[0] = streamInfo('video')
      descriptor.StreamInfo[1] = streamInfo('audio')
      break
    }
    case SRB_INITIALIZATION_COMPLETE:
      break
    case SRB_GET_DATA_INTERSECTION:
      srb.Status = Intersect(srb)
      break
    case SRB_OPEN_STREAM:
      OpenStream(ext, srb)
      break
    case SRB_CLOSE_STREAM: {
      const strm = srb.StreamObject!.HwStreamExtension as STREAM_EXTENSION
      // The card may still write into the stream's buffers: finish the close after HALTED.
      Quiesce(strm.Channel, { kind: 'close', srb })
      return
    }
    case SRB_CHANGE_POWER_STATE:
      ChangePower(ext, srb.CommandData.DeviceState!)
      break
    case SRB_SURPRISE_REMOVAL:
      // The card is gone: nothing will ever be written again, so every read can be cancelled now.
      ext.Removed = true
      for (const ch of [ext.Video, ext.Audio]) {
        ch.Running = false
        ch.Stopping = false
        for (const r of ch.InRing.splice(0).concat(ch.Waiting.splice(0))) CompleteRead(r, STATUS_CANCELLED)
        ch.SlotSrb.fill(null)
        ch.SlotRead.fill(null)
        ch.Used = 0
      }
      break
    case SRB_UNINITIALIZE_DEVICE:
      if (!ext.Removed) {
        WRITE_REGISTER_ULONG(ext.Base + VID_CTRL, 0)
        WRITE_REGISTER_ULONG(ext.Base + AUD_CTRL, 0)
        WRITE_REGISTER_ULONG(ext.Base + INT_ENABLE, 0)
        WRITE_REGISTER_ULONG(ext.Base + GCTRL, 0)
      }
      StreamClassScheduleTimer(null, ext, 0, null, null)
      break
    default:
      srb.Status = STATUS_NOT_IMPLEMENTED
  }
  StreamClassCompleteRequestAndMarkQueueReady(srb)
}

function InitializeDevice(ext: DEVICE_EXTENSION, srb: SRB): number {
  const config = srb.CommandData.ConfigInfo!
  if (config.NumberOfAccessRanges < 1) return STATUS_NO_SUCH_DEVICE
  const base = config.AccessRanges[0].RangeStart
  if (READ_REGISTER_ULONG(base + DEV_ID) >>> 16 !== VCAP1_ID) return STATUS_NO_SUCH_DEVICE
  ext.Base = base
  ext.Pending = 0
  ext.ServiceQueued = false
  ext.WatchdogArmed = false
  ext.Removed = false
  ext.Msi = false
  if (!ResetCard(ext)) return STATUS_IO_DEVICE_ERROR
  // A message-signalled resource (MSI enabled by the bus driver): the card must send messages.
  ext.Msi = config.InterruptMode === Latched
  if (ext.Msi) {
    ext.Gctrl |= GCTRL_MSI_MODE
    WRITE_REGISTER_ULONG(base + GCTRL, ext.Gctrl)
  }
  ext.MaxSgLength = READ_REGISTER_ULONG(base + MAX_SG_LEN)
  const dma = StreamClassGetDmaBuffer(ext)
  if (dma === null) return STATUS_IO_DEVICE_ERROR
  ext.Video = NewChannel(ext, VIDEO_REGS, dma.subarray(0, RING_SIZE * DESC_SIZE))
  ext.Audio = NewChannel(ext, AUDIO_REGS, dma.subarray(RING_SIZE * DESC_SIZE))
  ProgramRings(ext)
  config.StreamDescriptorSize = sizeof('HW_STREAM_HEADER') + 2 * sizeof('HW_STREAM_INFORMATION')
  return STATUS_SUCCESS
}

function NewChannel(ext: DEVICE_EXTENSION, regs: CHANNEL_REGS, ring: Uint8Array): CHANNEL {
  const length = { value: 0 }
  const physical = StreamClassGetPhysicalAddress(ext, null, ring, DmaBuffer, length)
  return {
    Regs: regs,
    Ring: new DataView(ring.buffer, ring.byteOffset, ring.byteLength),
    RingPhysical: physical,
    Tail: 0,
    Reclaim: 0,
    Used: 0,
    SlotSrb: new Array<SRB | null>(RING_SIZE).fill(null),
    SlotRead: new Array<READ_STATE | null>(RING_SIZE).fill(null),
    Waiting: [],
    InRing: [],
    Running: false,
    Stopping: false,
    AfterHalt: [],
    Errors: 0,
    Failed: false,
    LastDone: 0,
    Idle: 0,
    Stream: null,
  }
}

/** Soft reset, bounded wait for RESET_BUSY, then the global registers. False if the card never came back. */
function ResetCard(ext: DEVICE_EXTENSION): boolean {
  WRITE_REGISTER_ULONG(ext.Base + GCTRL, GCTRL_SOFT_RESET)
  let tries = 0
  while ((READ_REGISTER_ULONG(ext.Base + GSTATUS) & GSTATUS_RESET_BUSY) !== 0) {
    if (++tries > 50) {
      DbgPrint('vcap1: the card stays in reset\n')
      return false
    }
    KeStallExecutionProcessor(2)
  }
  ext.Gctrl = GCTRL_IRQ_MASTER_EN | (ext.Msi ? GCTRL_MSI_MODE : 0)
  WRITE_REGISTER_ULONG(ext.Base + GCTRL, ext.Gctrl)
  WRITE_REGISTER_ULONG(ext.Base + INT_ENABLE, 0)
  return true
}

function ProgramRings(ext: DEVICE_EXTENSION): void {
  for (const ch of [ext.Video, ext.Audio]) {
    WRITE_REGISTER_ULONG(ext.Base + ch.Regs.BASE_LO, ch.RingPhysical % TWO_32)
    WRITE_REGISTER_ULONG(ext.Base + ch.Regs.BASE_HI, Math.floor(ch.RingPhysical / TWO_32))
    WRITE_REGISTER_ULONG(ext.Base + ch.Regs.COUNT, RING_SIZE)
  }
}

function ChangePower(ext: DEVICE_EXTENSION, state: number): void {
  if (ext.Removed) return
  if (state === 4) { // FAULT
    // Leaving D0: the card must not interrupt any more (and may lose its registers).
    WRITE_REGISTER_ULONG(ext.Base + INT_ENABLE, 0)
    WRITE_REGISTER_ULONG(ext.Base + GCTRL, 0)
    return
  }
  // Back in D0: the register context may be gone; set everything up again.
  if (ResetCard(ext)) {
    ProgramRings(ext)
    UpdateInterruptEnable(ext)
  }
}

// ---------------------------------------------------------------------------------------------------
// Intersection and open

function Intersect(srb: SRB): number {
  const info = srb.CommandData.IntersectInfo!
  const wanted = info.DataRange as PKSDATARANGE
  if (info.StreamNumber === 1) return IntersectAudio(srb)
  for (const f of VIDEO_FORMATS) {
    if (!IsEqualGUID(wanted.SubFormat, f.subtype) && !IsEqualGUID(wanted.SubFormat, KSDATAFORMAT_SUBTYPE_WILDCARD)) continue
    const b = wanted.VideoInfoHeader?.bmiHeader
    if (b && b.biWidth !== 0 && (b.biWidth !== f.width || Math.abs(b.biHeight) !== f.height)) continue
    const asked = wanted.VideoInfoHeader?.AvgTimePerFrame ?? 0
    const interval = asked >= MIN_INTERVAL && asked <= MAX_INTERVAL ? asked : DEFAULT_INTERVAL
    const size = sizeof('KS_DATAFORMAT_VIDEOINFOHEADER')
    if (info.SizeOfDataFormatBuffer === sizeof('ULONG')) {
      info.DataFormatBuffer = size
      srb.ActualBytesTransferred = sizeof('ULONG')
      return STATUS_SUCCESS
    }
    if (info.SizeOfDataFormatBuffer < size) return STATUS_BUFFER_TOO_SMALL
    const range = videoRange(f)
    const format: KS_DATAFORMAT_VIDEOINFOHEADER = { DataFormat: { ...range.DataRange, FormatSize: size }, VideoInfoHeader: videoInfo(f, interval) }
    info.DataFormatBuffer = format
    srb.ActualBytesTransferred = size
    return STATUS_SUCCESS
  }
  return STATUS_NO_MATCH
}

function IntersectAudio(srb: SRB): number {
  const info = srb.CommandData.IntersectInfo!
  const wanted = info.DataRange as PKSDATARANGE
  if (!IsEqualGUID(wanted.MajorFormat, KSDATAFORMAT_TYPE_AUDIO) || !IsEqualGUID(wanted.SubFormat, KSDATAFORMAT_SUBTYPE_PCM)) return STATUS_NO_MATCH
  if ((wanted.MinimumSampleFrequency ?? 48000) > 48000 || (wanted.MaximumSampleFrequency ?? 48000) < 48000) return STATUS_NO_MATCH
  if ((wanted.MinimumBitsPerSample ?? 16) > 16 || (wanted.MaximumBitsPerSample ?? 16) < 16) return STATUS_NO_MATCH
  const size = sizeof('KSDATAFORMAT_WAVEFORMATEX')
  if (info.SizeOfDataFormatBuffer === sizeof('ULONG')) {
    info.DataFormatBuffer = size
    srb.ActualBytesTransferred = sizeof('ULONG')
    return STATUS_SUCCESS
  }
  if (info.SizeOfDataFormatBuffer < size) return STATUS_BUFFER_TOO_SMALL
  const channels = Math.max(1, Math.min(2, wanted.MaximumChannels ?? 2))
  const block = channels * 2
  const format: KSDATAFORMAT_WAVEFORMATEX = {
    DataFormat: { ...AUDIO_RANGE.DataRange, FormatSize: size, SampleSize: block },
    WaveFormatEx: { wFormatTag: WAVE_FORMAT_PCM, nChannels: channels, nSamplesPerSec: 48000, nAvgBytesPerSec: 48000 * block, nBlockAlign: block, wBitsPerSample: 16, cbSize: 0 },
  }
  info.DataFormatBuffer = format
  srb.ActualBytesTransferred = size
  return STATUS_SUCCESS
}

function OpenStream(ext: DEVICE_EXTENSION, srb: SRB): void {
  const stream = srb.StreamObject!
  const kind = stream.StreamNumber === 0 ? 'video' : 'audio'
  const ch = kind === 'video' ? ext.Video : ext.Audio
  if (ch.Stream !== null) {
    srb.Status = STATUS_TOO_MANY_NODES
    return
  }
  const format = srb.CommandData.OpenFormat as unknown as Record<string, any>
  const strm = stream.HwStreamExtension as STREAM_EXTENSION
  strm.Device = ext
  strm.StreamObject = stream
  strm.Kind = kind
  strm.Channel = ch
  strm.State = KSSTATE_STOP
  strm.MasterClock = 0
  strm.PictureBase = 0
  strm.RunFrameStart = 0
  strm.RunDropStart = 0
  strm.RunSequence = -1
  strm.Delivered = 0
  strm.LastPictureNumber = 0
  strm.LastTime = -1
  strm.Discontinuity = false
  strm.ClockValid = false
  if (kind === 'video') {
    const vih = structuredClone(format.VideoInfoHeader as KS_VIDEOINFOHEADER)
    const f = VIDEO_FORMATS.find((x) => IsEqualGUID(x.subtype, format.SubFormat) && x.width === vih.bmiHeader.biWidth && x.height === Math.abs(vih.bmiHeader.biHeight))
    if (f === undefined || vih.AvgTimePerFrame < MIN_INTERVAL || vih.AvgTimePerFrame > MAX_INTERVAL) {
      srb.Status = STATUS_NO_MATCH
      return
    }
    strm.VideoInfo = vih
    strm.BytesPerSecond = 0
    ProgramVideoFormat(ext, f, vih)
  } else {
    const wf = format.WaveFormatEx
    strm.VideoInfo = null
    strm.BytesPerSecond = wf.nAvgBytesPerSec
    WRITE_REGISTER_ULONG(ext.Base + AUD_FORMAT, wf.nChannels - 1)
  }
  ch.Stream = strm
  ch.Errors = 0
  ch.Failed = false
  stream.ReceiveDataPacket = Vcap1ReceiveData
  stream.ReceiveControlPacket = Vcap1ReceiveControl
  stream.Dma = TRUE
  stream.Pio = FALSE
  stream.StreamHeaderMediaSpecific = kind === 'video' ? sizeof('KS_FRAME_INFO') : 0
}

/** The [stopped] format registers: written while the channel is halted (it is, at open). */
function ProgramVideoFormat(ext: DEVICE_EXTENSION, f: VIDEO_FORMAT, vih: KS_VIDEOINFOHEADER): void {
  const base = ext.Base
  const bottomUp = isRgb(f) && vih.bmiHeader.biHeight > 0
  WRITE_REGISTER_ULONG(base + VID_FORMAT, f.code | (bottomUp ? VID_FORMAT_BOTTOM_UP : 0))
  WRITE_REGISTER_ULONG(base + VID_SIZE, (f.height << 16) | f.width)
  WRITE_REGISTER_ULONG(base + VID_STRIDE, strideOf(f))
  WRITE_REGISTER_ULONG(base + VID_UV_OFFSET, 0)
  WRITE_REGISTER_ULONG(base + VID_INTERVAL, vih.AvgTimePerFrame)
  const frameBytes = READ_REGISTER_ULONG(base + VID_FRAME_BYTES)
  if (frameBytes !== vih.bmiHeader.biSizeImage) DbgPrint('vcap1: VID_FRAME_BYTES %u differs from biSizeImage %u\n', frameBytes, vih.bmiHeader.biSizeImage)
}

// ---------------------------------------------------------------------------------------------------
// Stream requests

export function Vcap1ReceiveControl(srb: SRB): void {
  const strm = srb.StreamObject!.HwStreamExtension as STREAM_EXTENSION
  srb.Status = STATUS_SUCCESS
  switch (srb.Command) {
    case SRB_SET_STREAM_STATE:
      // Leaving RUN waits for the card to halt: the SRB completes then.
      if (!SetState(strm, srb.CommandData.StreamState!, srb)) return
      break
    case SRB_GET_STREAM_STATE:
      srb.CommandData.StreamState = strm.State
      srb.ActualBytesTransferred = sizeof('KSSTATE')
      break
    case SRB_INDICATE_MASTER_CLOCK:
      strm.MasterClock = srb.CommandData.MasterClockHandle ?? 0
      strm.ClockValid = false
      break
    case SRB_PROPOSE_DATA_FORMAT:
      // A new format takes a stop, a close and a reopen; we accept any format we could open.
      srb.Status = ProposeFormat(strm, srb)
      break
    case SRB_GET_STREAM_PROPERTY: {
      const p = srb.CommandData.PropertyInfo!
      if (strm.Kind !== 'video' || !IsEqualGUID(p.Property.Set, PROPSETID_VIDCAP_DROPPEDFRAMES) || p.Property.Id !== KSPROPERTY_DROPPEDFRAMES_CURRENT) {
        srb.Status = STATUS_NOT_IMPLEMENTED
      } else if (p.PropertyOutputSize < sizeof('KSPROPERTY_DROPPEDFRAMES_CURRENT_S')) {
        srb.Status = STATUS_BUFFER_OVERFLOW
      } else {
        // PictureNumber is frames captured plus frames dropped, DropCount the frames the card or we
        // failed to capture: frames the card has finished, delivered or dropped, including drops no
        // delivered frame reveals yet (a bus too slow for the format loses every one of them). The
        // frame the card is still filling is neither: it is not counted (the application reads this
        // just before it stops the stream, and the stop then cuts that frame short). Completions
        // already written back are taken first, so a frame done but not yet reclaimed is not a drop.
        if (strm.Channel.Running && !strm.Channel.Stopping && !strm.Device.Removed) Reclaim(strm.Device, strm.Channel)
        const picture = Math.max(strm.LastPictureNumber, FinishedFrames(strm))
        Object.assign(p.PropertyInfo, { PictureNumber: picture, DropCount: picture - strm.Delivered, AverageFrameSize: strm.VideoInfo!.bmiHeader.biSizeImage })
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
 * Frames whose fate is known since the stream started: earlier runs, plus this run's frames the card
 * finished (VID_DELIVERED_CNT, which restarts at RUN) or dropped (the VID_DROP_CNT delta). A frame the
 * card is still filling is in neither.
 */
function FinishedFrames(strm: STREAM_EXTENSION): number {
  const ch = strm.Channel
  if (!ch.Running || strm.Device.Removed) return strm.PictureBase
  return strm.PictureBase + FinishedThisRun(strm)
}

function FinishedThisRun(strm: STREAM_EXTENSION): number {
  const base = strm.Device.Base
  const dropped = Math.max(0, (READ_REGISTER_ULONG(base + VID_DROP_CNT) - strm.RunDropStart) | 0)
  return READ_REGISTER_ULONG(base + VID_DELIVERED_CNT) + dropped
}

function ProposeFormat(strm: STREAM_EXTENSION, srb: SRB): number {
  const format = srb.CommandData.OpenFormat as unknown as Record<string, any>
  if (strm.Kind === 'audio') return IsEqualGUID(format?.SubFormat, KSDATAFORMAT_SUBTYPE_PCM) ? STATUS_SUCCESS : STATUS_NO_MATCH
  const b = format?.VideoInfoHeader?.bmiHeader
  const ok = b && VIDEO_FORMATS.some((f) => IsEqualGUID(f.subtype, format.SubFormat) && f.width === b.biWidth && f.height === Math.abs(b.biHeight))
  return ok ? STATUS_SUCCESS : STATUS_NO_MATCH
}

/** Returns false when `srb` was parked until the channel halts. */
function SetState(strm: STREAM_EXTENSION, state: KSSTATE, srb: SRB): boolean {
  const ch = strm.Channel
  if (state === KSSTATE_RUN) {
    strm.State = state
    // Reads parked while paused get their timeout back now that frames flow.
    for (const r of ch.Waiting) r.TimeoutCounter = r.TimeoutOriginal
    StartChannel(strm.Device, ch)
    return true
  }
  if (ch.Running || ch.Stopping) {
    Quiesce(ch, { kind: 'state', srb, state })
    return false
  }
  FinishState(strm, state)
  return true
}

/** The state change once the card no longer touches the stream's buffers. */
function FinishState(strm: STREAM_EXTENSION, state: KSSTATE): void {
  const ch = strm.Channel
  strm.State = state
  if (state === KSSTATE_STOP) {
    for (const r of ch.Waiting.splice(0)) CompleteRead(r, STATUS_CANCELLED)
    strm.PictureBase = 0
    strm.Delivered = 0
    strm.LastPictureNumber = 0
    strm.LastTime = -1
    strm.Discontinuity = false
    ch.Errors = 0
    ch.Failed = false
  } else {
    for (const r of ch.Waiting) r.TimeoutCounter = 0
  }
}

export function Vcap1ReceiveData(srb: SRB): void {
  const stream = srb.StreamObject!
  const strm = stream.HwStreamExtension as STREAM_EXTENSION
  const ch = strm.Channel
  if (srb.Command !== SRB_READ_DATA) {
    srb.Status = STATUS_NOT_IMPLEMENTED
    StreamClassCompleteRequestAndMarkQueueReady(srb)
    return
  }
  if (strm.State === KSSTATE_STOP || ch.Failed || strm.Device.Removed) {
    CompleteRead(srb, strm.State === KSSTATE_STOP ? STATUS_SUCCESS : STATUS_IO_DEVICE_ERROR)
  } else {
    const x = NewRead()
    ;(srb.SRBExtension as { Read: READ_STATE }).Read = x
    if (strm.State !== KSSTATE_RUN) srb.TimeoutCounter = 0
    ch.Waiting.push(srb)
    if (ch.Running && !ch.Stopping) Feed(strm.Device, ch)
  }
  // Reads are collected: ready for the next one at once (`srb` may be completed already).
  StreamClassStreamNotification(ReadyForNextStreamDataRequest, stream)
}

function NewRead(): READ_STATE {
  const x = {} as READ_STATE
  ResetRead(x)
  x.Cancelled = false
  return x
}

/**
 * The read's bookkeeping: one plain object hung off the SRB extension, so the per-descriptor paths
 * do not go through the extension itself (the class driver watches it for use after completion).
 */
function ReadOf(srb: SRB): READ_STATE {
  return (srb.SRBExtension as { Read: READ_STATE }).Read
}

function ResetRead(x: READ_STATE): void {
  x.Element = 0
  x.Offset = 0
  x.Pending = 0
  x.Fed = false
  x.Bytes = 0
  x.Status = 0
  x.Sequence = -1
  x.TimestampLo = 0
  x.TimestampHi = 0
}

function CompleteRead(srb: SRB, status: number): void {
  srb.Status = status
  if (status !== STATUS_SUCCESS) srb.CommandData.DataBufferArray![0].DataUsed = 0
  StreamClassStreamNotification(StreamRequestComplete, srb.StreamObject!, srb)
}

// ---------------------------------------------------------------------------------------------------
// The ring

/** Starts the channel: descriptors first (SOF comes at once), then interrupts, then RUN. */
function StartChannel(ext: DEVICE_EXTENSION, ch: CHANNEL): void {
  if (ch.Running || ch.Stopping || ch.Failed || ext.Removed) return
  Feed(ext, ch, true)
  ch.Running = true
  ch.LastDone = READ_REGISTER_ULONG(ext.Base + VID_DESC_DONE_CNT)
  ch.Idle = 0
  UpdateInterruptEnable(ext)
  if (ch === ext.Video) {
    WRITE_REGISTER_ULONG(ext.Base + VID_CTRL, VID_CTRL_RUN | VID_CTRL_PATTERN_EN | VID_CTRL_LATE_START)
    const strm = ch.Stream!
    strm.RunFrameStart = READ_REGISTER_ULONG(ext.Base + VID_FRAME_CNT)
    strm.RunDropStart = READ_REGISTER_ULONG(ext.Base + VID_DROP_CNT)
    strm.RunSequence = -1
  } else {
    WRITE_REGISTER_ULONG(ext.Base + AUD_CTRL, AUD_CTRL_RUN)
  }
  ArmWatchdog(ext)
}

/** Which events may interrupt: completions, errors and halts of the channels in use. */
function UpdateInterruptEnable(ext: DEVICE_EXTENSION): void {
  let enable = INT_FATAL
  if (ext.Video.Stream !== null) enable |= INT_VID_IOC | INT_VID_DMA_ERR | INT_VID_HALTED
  if (ext.Audio.Stream !== null) enable |= INT_AUD_IOC | INT_AUD_DMA_ERR | INT_AUD_HALTED
  WRITE_REGISTER_ULONG(ext.Base + INT_ENABLE, enable)
}

/**
 * Hands waiting reads to the card, OWN written last for each descriptor, then one TAIL doorbell. A
 * read goes in whole when it fits (N - 1 descriptors at most in the ring); otherwise it waits for the
 * frame ahead to complete. A read longer than the whole ring is fed in parts of at least FEED_BATCH
 * descriptors, with IOC on the last one fed, so its completion brings the driver back for the rest.
 */
function Feed(ext: DEVICE_EXTENSION, ch: CHANNEL, starting = false): void {
  if (ch.Stopping || (!ch.Running && !starting) || ext.Removed) return
  let fed = false
  while (ch.Waiting.length > 0 && ch.Used < RING_SIZE - 1) {
    const srb = ch.Waiting[0]
    const x = ReadOf(srb)
    const sg = srb.ScatterGatherBuffer!
    const count = srb.NumberOfScatterGatherElements
    const free = RING_SIZE - 1 - ch.Used
    const needed = DescriptorsLeft(ext, srb, x)
    if (needed > free && (needed < RING_SIZE - 1 || x.Pending > 0 || free < FEED_BATCH)) break
    while (x.Element < count && ch.Used < RING_SIZE - 1) {
      const element = sg[x.Element]
      const length = Math.min(element.Length - x.Offset, ext.MaxSgLength)
      const address = element.PhysicalAddress + x.Offset
      const first = x.Element === 0 && x.Offset === 0
      x.Offset += length
      if (x.Offset >= element.Length) {
        x.Element++
        x.Offset = 0
      }
      const last = x.Element >= count
      let ctrl = DESC_CTRL_OWN
      if (ch === ext.Video && first) ctrl |= DESC_CTRL_SOF
      if (ch === ext.Video && last) ctrl |= DESC_CTRL_EOF
      if (last || ch.Used === RING_SIZE - 2) ctrl |= DESC_CTRL_IOC // the end of the read, or of what fits
      WriteDescriptor(ch, ch.Tail, address, length, ctrl)
      ch.SlotSrb[ch.Tail] = srb
      ch.SlotRead[ch.Tail] = x
      ch.Tail = (ch.Tail + 1) % RING_SIZE
      ch.Used++
      x.Pending++
      fed = true
    }
    if (x.Element < count) break
    x.Fed = true
    ch.Waiting.shift()
    ch.InRing.push(srb)
  }
  if (fed) {
    // The card looks only at [HEAD, TAIL): descriptors must be complete before the doorbell.
    KeMemoryBarrier()
    WRITE_REGISTER_ULONG(ext.Base + ch.Regs.TAIL, ch.Tail)
  }
}

/** Descriptors the rest of a read takes (elements above MAX_SG_LEN take several). */
function DescriptorsLeft(ext: DEVICE_EXTENSION, srb: SRB, x: READ_STATE): number {
  const sg = srb.ScatterGatherBuffer!
  const count = srb.NumberOfScatterGatherElements
  let n = 0
  for (let i = x.Element; i < count; i++) {
    const length = sg[i].Length - (i === x.Element ? x.Offset : 0)
    n += Math.ceil(length / ext.MaxSgLength)
  }
  return n
}

function WriteDescriptor(ch: CHANNEL, index: number, address: number, length: number, ctrl: number): void {
  const at = index * DESC_SIZE
  const v = ch.Ring
  v.setUint32(at + DESC_BUF_ADDR, address % TWO_32, true)
  v.setUint32(at + DESC_BUF_ADDR + 4, Math.floor(address / TWO_32), true)
  v.setUint32(at + DESC_BUF_LEN, length, true)
  v.setUint32(at + DESC_WB_STATUS, 0, true)
  v.setUint32(at + DESC_WB_BYTES, 0, true)
  v.setUint32(at + DESC_WB_TIMESTAMP, 0, true)
  v.setUint32(at + DESC_WB_TIMESTAMP + 4, 0, true)
  // OWN last (the barrier before the doorbell orders it for the card).
  v.setUint32(at + DESC_CTRL, ctrl, true)
}

/** Reclaims finished descriptors (OWN = 0 and DONE = 1) in ring order and completes finished reads. */
function Reclaim(ext: DEVICE_EXTENSION, ch: CHANNEL): void {
  const v = ch.Ring
  while (ch.Used > 0) {
    const i = ch.Reclaim
    const at = i * DESC_SIZE
    if ((v.getUint32(at + DESC_CTRL, true) & DESC_CTRL_OWN) !== 0) break
    const status = v.getUint32(at + DESC_WB_STATUS, true)
    if ((status & DESC_WB_DONE) === 0) break
    const srb = ch.SlotSrb[i]!
    const x = ch.SlotRead[i]!
    if (x.Sequence < 0) {
      x.Sequence = status >>> DESC_WB_SEQUENCE_SHIFT
      x.TimestampLo = v.getUint32(at + DESC_WB_TIMESTAMP, true)
      x.TimestampHi = v.getUint32(at + DESC_WB_TIMESTAMP + 4, true)
    }
    x.Bytes += v.getUint32(at + DESC_WB_BYTES, true)
    x.Status |= status & (DESC_WB_ERROR | DESC_WB_TRUNCATED | DESC_WB_DISCONTINUITY | DESC_WB_ABORTED)
    x.Pending--
    ch.SlotSrb[i] = null
    ch.SlotRead[i] = null
    ch.Reclaim = (i + 1) % RING_SIZE
    ch.Used--
    if (x.Pending === 0 && x.Fed) FinishRead(ext, ch, srb)
  }
}

function FinishRead(ext: DEVICE_EXTENSION, ch: CHANNEL, srb: SRB): void {
  const strm = ch.Stream!
  const x = ReadOf(srb)
  ch.InRing.splice(ch.InRing.indexOf(srb), 1)
  if ((x.Status & DESC_WB_ABORTED) !== 0) {
    // Cut short by a stop: the buffer goes back to the queue (or is cancelled) after HALTED.
    ResetRead(x)
    ch.Waiting.unshift(srb)
    return
  }
  if (x.Cancelled) {
    CompleteRead(srb, STATUS_CANCELLED)
    return
  }
  if (strm.Kind === 'video' && (x.Status & (DESC_WB_TRUNCATED | DESC_WB_ERROR)) !== 0) {
    // The card dropped or damaged this frame: reuse the buffer; the gap shows in PictureNumber.
    NoteSequence(strm, x.Sequence)
    strm.Discontinuity = true
    ResetRead(x)
    ch.Waiting.push(srb)
    return
  }
  ch.Errors = 0
  if (strm.Kind === 'video') CompleteFrame(strm, srb)
  else CompleteAudio(strm, srb)
}

/** Extends the 16-bit WB sequence to this run's frame count (wrap-safe). */
function NoteSequence(strm: STREAM_EXTENSION, seq16: number): number {
  const start = strm.RunFrameStart
  const relative = (seq16 - start) & 0xffff
  if (strm.RunSequence < 0) strm.RunSequence = relative
  else strm.RunSequence += (relative - strm.RunSequence) & 0xffff
  return strm.RunSequence
}

function CompleteFrame(strm: STREAM_EXTENSION, srb: SRB): void {
  const x = ReadOf(srb)
  const header = srb.CommandData.DataBufferArray![0]
  const picture = strm.PictureBase + NoteSequence(strm, x.Sequence) + 1
  strm.Delivered++
  const info = header.MediaSpecific
  info.ExtendedHeaderSize = sizeof('KS_FRAME_INFO')
  info.PictureNumber = picture
  info.DropCount = picture - strm.Delivered
  info.dwFrameFlags = 0
  let flags = KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT
  if (strm.Discontinuity || (x.Status & DESC_WB_DISCONTINUITY) !== 0 || picture !== strm.LastPictureNumber + 1) flags |= KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY
  strm.Discontinuity = false
  strm.LastPictureNumber = picture
  header.DataUsed = x.Bytes
  header.Duration = strm.VideoInfo!.AvgTimePerFrame
  flags |= StampTime(strm, header, x)
  header.OptionsFlags = flags
  CompleteRead(srb, STATUS_SUCCESS)
}

function CompleteAudio(strm: STREAM_EXTENSION, srb: SRB): void {
  const x = ReadOf(srb)
  const header = srb.CommandData.DataBufferArray![0]
  let flags = 0
  if ((x.Status & DESC_WB_DISCONTINUITY) !== 0) flags |= KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY
  header.DataUsed = x.Bytes
  header.Duration = Math.round((x.Bytes * 10_000_000) / strm.BytesPerSecond)
  strm.Delivered++
  flags |= StampTime(strm, header, x)
  header.OptionsFlags = flags
  CompleteRead(srb, STATUS_SUCCESS)
}

/**
 * PresentationTime from the card's timestamp: the Dispatch routine sampled the stream time and the
 * card counter at one instant, so a frame stamped Δ earlier by the card happened Δ earlier in stream
 * time. Kept strictly increasing (the card's counter may jump).
 */
function StampTime(strm: STREAM_EXTENSION, header: SRB['CommandData']['DataBufferArray'] extends (infer H)[] | undefined ? H : never, x: READ_STATE): number {
  if (strm.MasterClock === 0 || !strm.ClockValid) return 0
  const cardTs = x.TimestampHi * TWO_32 + x.TimestampLo
  let time = strm.ClockTime - (strm.ClockCardTs - cardTs)
  if (time < 0) time = 0
  if (time <= strm.LastTime) time = strm.LastTime + 1
  strm.LastTime = time
  header.PresentationTime = { Time: time, Numerator: 1, Denominator: 1 }
  return KSSTREAM_HEADER_OPTIONSF_TIMEVALID | KSSTREAM_HEADER_OPTIONSF_DURATIONVALID
}

// ---------------------------------------------------------------------------------------------------
// Stop handshake

/** Stops the channel and runs `action` once the card reports HALTED (at once if it is halted). */
function Quiesce(ch: CHANNEL, action: HALT_ACTION): void {
  const strm = ch.Stream!
  const ext = strm.Device
  if (ext.Removed || (!ch.Running && !ch.Stopping)) {
    RunHaltAction(ch, action)
    return
  }
  ch.AfterHalt.push(action)
  if (ch.Stopping) return
  ch.Stopping = true
  WRITE_REGISTER_ULONG(ext.Base + ch.Regs.CTRL, ch === ext.Video ? VID_CTRL_PATTERN_EN | VID_CTRL_LATE_START : 0)
  StreamClassScheduleTimer(strm.StreamObject, ext, HALT_WAIT_US, HaltTimeout, strm)
}

/** HALTED seen: take back every buffer the card had, reset the ring, and carry on. */
function OnHalted(ext: DEVICE_EXTENSION, ch: CHANNEL): void {
  const strm = ch.Stream
  if (strm !== null && ch.Stopping) StreamClassScheduleTimer(strm.StreamObject, ext, 0, null, null)
  Reclaim(ext, ch)
  if (strm !== null && ch === ext.Video && ch.Running) {
    // The next run numbers on from this one. After a stop the application asked for (a state change
    // or a close), a frame the stop cut short was not dropped, so only the frames the card finished
    // (delivered or dropped) count; after a restart of our own (an error, a stall, a cancel), the
    // frame cut short is lost, so every frame the card produced counts, and the gap shows the drop.
    const stopped = ch.AfterHalt.some((a) => a.kind === 'state' || a.kind === 'close')
    const produced = (READ_REGISTER_ULONG(ext.Base + VID_FRAME_CNT) - strm.RunFrameStart) >>> 0
    strm.PictureBase += stopped ? Math.min(produced, FinishedThisRun(strm)) : produced
  }
  ch.Running = false
  ch.Stopping = false
  // Reads the card did not finish go back to the front of the queue, in order (cancelled ones end).
  const unfinished = ch.InRing.splice(0)
  for (let i = unfinished.length - 1; i >= 0; i--) {
    const r = unfinished[i]
    const x = ReadOf(r)
    if (x.Cancelled) CompleteRead(r, STATUS_CANCELLED)
    else {
      ResetRead(x)
      ch.Waiting.unshift(r)
    }
  }
  for (const r of ch.Waiting) ResetRead(ReadOf(r))
  ch.SlotSrb.fill(null)
  ch.SlotRead.fill(null)
  ch.Used = 0
  ch.Tail = 0
  ch.Reclaim = 0
  const error = READ_REGISTER_ULONG(ext.Base + ch.Regs.ERROR)
  if (error !== 0) WRITE_REGISTER_ULONG(ext.Base + ch.Regs.ERROR, error)
  WRITE_REGISTER_ULONG(ext.Base + ch.Regs.CTRL, ch.Regs.CH_RESET)
  const actions = ch.AfterHalt.splice(0)
  for (const a of actions) RunHaltAction(ch, a)
  if (ch.Stream !== null && ch.Stream.State === KSSTATE_RUN) StartChannel(ext, ch)
}

function RunHaltAction(ch: CHANNEL, action: HALT_ACTION): void {
  const strm = ch.Stream!
  const ext = strm.Device
  switch (action.kind) {
    case 'state':
      FinishState(strm, action.state)
      action.srb.Status = STATUS_SUCCESS
      StreamClassCompleteRequestAndMarkQueueReady(action.srb)
      return
    case 'close':
      FinishState(strm, KSSTATE_STOP)
      for (const r of ch.InRing.splice(0)) CompleteRead(r, STATUS_CANCELLED)
      StreamClassScheduleTimer(strm.StreamObject, ext, 0, null, null)
      ch.Stream = null
      if (!ext.Removed) UpdateInterruptEnable(ext)
      action.srb.Status = STATUS_SUCCESS
      StreamClassCompleteRequestAndMarkQueueReady(action.srb)
      return
    case 'restart':
      return
  }
}

/** The stop handshake took too long: the engine is hung. Reset the whole card (bounded wait). */
export function HaltTimeout(strm: STREAM_EXTENSION): void {
  const ext = strm.Device
  const ch = strm.Channel
  if (!ch.Stopping) return
  if ((READ_REGISTER_ULONG(ext.Base + ch.Regs.STATUS) & ch.Regs.HALTED) !== 0) {
    OnHalted(ext, ch)
    return
  }
  DbgPrint('vcap1: %s channel did not halt; resetting the card\n', strm.Kind)
  RecoverCard(ext)
}

/** A soft reset stops every DMA at once; both channels then recover as if they had halted. */
function RecoverCard(ext: DEVICE_EXTENSION): void {
  const ok = ResetCard(ext)
  if (ok) ProgramRings(ext)
  for (const ch of [ext.Video, ext.Audio]) {
    if (ch.Stream === null) continue
    if (ch.Stream.Kind === 'video' && ok) {
      const vih = ch.Stream.VideoInfo!
      const f = VIDEO_FORMATS.find((x) => x.width === vih.bmiHeader.biWidth && x.height === Math.abs(vih.bmiHeader.biHeight) && x.compression === vih.bmiHeader.biCompression && x.bits === vih.bmiHeader.biBitCount)
      if (f) ProgramVideoFormat(ext, f, vih)
    } else if (ok) {
      WRITE_REGISTER_ULONG(ext.Base + AUD_FORMAT, ch.Stream.BytesPerSecond >= 192_000 ? 1 : 0)
    }
    if (!ok) ch.Failed = true
    const wasActive = ch.Running || ch.Stopping
    if (wasActive) {
      ch.Stopping = true
      OnHalted(ext, ch)
    }
  }
  if (ok) UpdateInterruptEnable(ext)
}

/** A DMA error halted the channel: note the cause, recover the ring, restart (or give up). */
function OnError(ext: DEVICE_EXTENSION, ch: CHANNEL): void {
  const error = READ_REGISTER_ULONG(ext.Base + ch.Regs.ERROR)
  if (error === 0 && (READ_REGISTER_ULONG(ext.Base + ch.Regs.STATUS) & ch.Regs.HALTED) === 0) {
    // An error interrupt with no cause latched and the channel still running: nothing to recover.
    Reclaim(ext, ch)
    Feed(ext, ch)
    return
  }
  ch.Errors++
  DbgPrint('vcap1: DMA error 0x%x on the %s channel (%u in a row)\n', error, ch === ext.Video ? 'video' : 'audio', ch.Errors)
  if (ch.Errors >= MAX_ERRORS) {
    // The card keeps failing (bus mastering off, say): fail the reads instead of looping.
    ch.Failed = true
    for (const r of ch.Waiting.splice(0).concat(ch.InRing.splice(0))) CompleteRead(r, STATUS_IO_DEVICE_ERROR)
  }
  ch.Stopping = true
  OnHalted(ext, ch)
}

// ---------------------------------------------------------------------------------------------------
// Interrupts

export function Vcap1Interrupt(HwDeviceExtension: DEVICE_EXTENSION): boolean {
  const ext = HwDeviceExtension
  // Masked while the Dispatch routine runs, and gone after a surprise removal: not ours either way.
  if (ext.Removed || ext.ServiceQueued) return false
  const pending = READ_REGISTER_ULONG(ext.Base + INT_PENDING)
  // All ones: the card is gone. Zero: the shared line was raised by someone else.
  if (pending === 0xffffffff || pending === 0) return false
  // Ack exactly what we read (W1C), never 0xFFFFFFFF: a new event may have arrived meanwhile.
  WRITE_REGISTER_ULONG(ext.Base + INT_STATUS, pending)
  ext.Pending |= pending
  ScheduleService(ext)
  return true
}

/** From a synchronized context: mask the card and run the Dispatch routine (DVDTS rule under sync). */
function ScheduleService(ext: DEVICE_EXTENSION): void {
  if (ext.ServiceQueued || ext.Removed) return
  ext.ServiceQueued = true
  // A Dispatch routine is not synchronized with the ISR: the card stays masked until High unmasks
  // it. Events keep latching in INT_STATUS meanwhile and assert the line again at unmask.
  WRITE_REGISTER_ULONG(ext.Base + GCTRL, ext.Gctrl & ~GCTRL_IRQ_MASTER_EN)
  StreamClassCallAtNewPriority(null, ext, Dispatch, ServiceDispatch, ext)
}

/** DISPATCH_LEVEL: sample the master clocks against the card's timestamp counter, then go to High. */
export function ServiceDispatch(ext: DEVICE_EXTENSION): void {
  for (const ch of [ext.Video, ext.Audio]) {
    const strm = ch.Stream
    if (strm === null || strm.MasterClock === 0 || ext.Removed) continue
    const time: HW_TIME_CONTEXT = { HwDeviceExtension: ext, HwStreamObject: strm.StreamObject, Function: TIME_GET_STREAM_TIME, Time: 0, SystemTime: 0 }
    StreamClassQueryMasterClockSync(strm.MasterClock, time)
    const lo = READ_REGISTER_ULONG(ext.Base + TS_LO)
    const hi = READ_REGISTER_ULONG(ext.Base + TS_HI)
    strm.ClockTime = time.Time
    strm.ClockCardTs = hi * TWO_32 + lo
    strm.ClockValid = true
  }
  StreamClassCallAtNewPriority(null, ext, High, ServiceHigh, ext)
}

/** High (synchronized with the ISR): handle the events, then unmask the card. */
export function ServiceHigh(ext: DEVICE_EXTENSION): void {
  ext.ServiceQueued = false
  const events = ext.Pending
  ext.Pending = 0
  if (ext.Removed) return
  for (const ch of [ext.Video, ext.Audio]) {
    if (ch.Stream === null) continue
    if ((events & ch.Regs.INT_ERR) !== 0) {
      OnError(ext, ch)
      continue
    }
    Reclaim(ext, ch)
    if (ch.Stopping && ((events & ch.Regs.INT_HALTED) !== 0 || (READ_REGISTER_ULONG(ext.Base + ch.Regs.STATUS) & ch.Regs.HALTED) !== 0)) OnHalted(ext, ch)
    else Feed(ext, ch)
  }
  WRITE_REGISTER_ULONG(ext.Base + GCTRL, ext.Gctrl)
}

// ---------------------------------------------------------------------------------------------------
// Watchdog, cancel, timeout

function ArmWatchdog(ext: DEVICE_EXTENSION): void {
  if (ext.WatchdogArmed) return
  ext.WatchdogArmed = true
  StreamClassScheduleTimer(null, ext, WATCHDOG_US, Watchdog, ext)
}

/**
 * Every 100 ms while a channel runs: service the card even without an interrupt (a lost interrupt
 * leaves completions in the ring), and restart a video channel whose DONE counter has not moved for
 * two periods although it owns descriptors (a silently stalled engine).
 */
export function Watchdog(ext: DEVICE_EXTENSION): void {
  ext.WatchdogArmed = false
  if (ext.Removed || (!ext.Video.Running && !ext.Audio.Running)) return
  const video = ext.Video
  if (video.Running && !video.Stopping && video.Used > 0) {
    const done = READ_REGISTER_ULONG(ext.Base + VID_DESC_DONE_CNT)
    video.Idle = done === video.LastDone ? video.Idle + 1 : 0
    video.LastDone = done
    if (video.Idle >= 2) {
      DbgPrint('vcap1: no video progress for %u ms; restarting the channel\n', (2 * WATCHDOG_US) / 1000)
      video.Idle = 0
      Quiesce(video, { kind: 'restart' })
    }
  }
  ScheduleService(ext)
  ArmWatchdog(ext)
}

export function Vcap1CancelPacket(srb: SRB): void {
  const ext = srb.HwDeviceExtension as DEVICE_EXTENSION
  if ((srb.Flags & SRB_HW_FLAGS_DATA_TRANSFER) === 0 || srb.StreamObject === null) return
  const strm = srb.StreamObject.HwStreamExtension as STREAM_EXTENSION
  const ch = strm.Channel
  const waiting = ch.Waiting.indexOf(srb)
  const x = ReadOf(srb)
  if (waiting >= 0 && x.Pending === 0) {
    ch.Waiting.splice(waiting, 1)
    CompleteRead(srb, STATUS_CANCELLED)
    return
  }
  if (waiting < 0 && ch.InRing.indexOf(srb) < 0) return
  // The card owns descriptors of this read: stop it, then complete the read after HALTED.
  x.Cancelled = true
  if (waiting >= 0) {
    ch.Waiting.splice(waiting, 1)
    ch.InRing.push(srb)
  }
  void ext
  Quiesce(ch, { kind: 'restart' })
}

export function Vcap1Timeout(srb: SRB): void {
  const ext = srb.HwDeviceExtension as DEVICE_EXTENSION
  if ((srb.Flags & SRB_HW_FLAGS_DATA_TRANSFER) !== 0 && srb.StreamObject !== null) {
    const strm = srb.StreamObject.HwStreamExtension as STREAM_EXTENSION
    if (strm.Channel.Running || strm.Channel.Stopping) {
      // Queued behind other frames, or being filled: the watchdog looks after a stalled card.
      srb.TimeoutCounter = srb.TimeoutOriginal
      return
    }
    const ch = strm.Channel
    const i = ch.Waiting.indexOf(srb)
    if (i >= 0) ch.Waiting.splice(i, 1)
    CompleteRead(srb, STATUS_IO_TIMEOUT)
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
