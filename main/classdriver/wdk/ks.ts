import type { KSPROPERTY_VALUES } from './ksProperties.js'

/**
 * Kernel-streaming definitions from ks.h and ksmedia.h that a stream minidriver uses: states, stream
 * header flags, GUIDs, data formats and ranges, frame info, property and event sets.
 *
 * C structures become plain objects with the same field names. A structure whose first member is
 * another structure (KS_DATARANGE_VIDEO starts with a KSDATARANGE) is written nested, as in C. Objects
 * the class driver hands to the minidriver are also readable through the first member's fields
 * directly (`range.MajorFormat` as well as `range.DataRange.MajorFormat`), the way a C pointer to the
 * structure is also a pointer to its first member.
 */

/** A GUID as text, e.g. "73646976-0000-0010-8000-00AA00389B71". Compare with IsEqualGUID. */
export type GUID = string

/** IsEqualGUID: case-insensitive comparison, braces ignored. */
export function IsEqualGUID(a: GUID | null | undefined, b: GUID | null | undefined): boolean {
  if (a == null || b == null) return false
  return normalizeGuid(a) === normalizeGuid(b)
}

export function normalizeGuid(g: GUID): string {
  return g.replace(/[{}]/g, '').toUpperCase()
}

export const GUID_NULL: GUID = '00000000-0000-0000-0000-000000000000'

// ---------------------------------------------------------------------------------------------------
// States and flags

/** KSSTATE: STOP 0, ACQUIRE 1, PAUSE 2, RUN 3. */
export type KSSTATE = number
export const KSSTATE_STOP = 0
export const KSSTATE_ACQUIRE = 1
export const KSSTATE_PAUSE = 2
export const KSSTATE_RUN = 3
export const KSSTATE_NAMES: Record<number, string> = { 0: 'KSSTATE_STOP', 1: 'KSSTATE_ACQUIRE', 2: 'KSSTATE_PAUSE', 3: 'KSSTATE_RUN' }

/** KSPIN_DATAFLOW */
export const KSPIN_DATAFLOW_IN = 1
export const KSPIN_DATAFLOW_OUT = 2

/** KSSTREAM_HEADER.OptionsFlags: every frame is a key frame. */
export const KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT = 0x1
export const KSSTREAM_HEADER_OPTIONSF_PREROLL = 0x2
/** At least one frame was dropped before this one. */
export const KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY = 0x4
/** The format changed with this buffer. */
export const KSSTREAM_HEADER_OPTIONSF_TYPECHANGED = 0x8
/** PresentationTime is valid. */
export const KSSTREAM_HEADER_OPTIONSF_TIMEVALID = 0x10
export const KSSTREAM_HEADER_OPTIONSF_TIMEDISCONTINUITY = 0x40
export const KSSTREAM_HEADER_OPTIONSF_FLUSHONPAUSE = 0x80
/** Duration is valid. */
export const KSSTREAM_HEADER_OPTIONSF_DURATIONVALID = 0x100
export const KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM = 0x200
export const KSSTREAM_HEADER_OPTIONSF_BUFFEREDTRANSFER = 0x400
export const KSSTREAM_HEADER_OPTIONSF_VRAM_DATA_TRANSFER = 0x800
export const KSSTREAM_HEADER_OPTIONSF_LOOPEDDATA = 0x80000000

/** KS_FRAME_INFO.dwFrameFlags */
export const KS_VIDEO_FLAG_FRAME = 0x0
export const KS_VIDEO_FLAG_FIELD1 = 0x1
export const KS_VIDEO_FLAG_FIELD2 = 0x2
export const KS_VIDEO_FLAG_I_FRAME = 0x0
export const KS_VIDEO_FLAG_P_FRAME = 0x10
export const KS_VIDEO_FLAG_B_FRAME = 0x20

/** KS_DATARANGE_VIDEO.StreamDescriptionFlags */
export const KS_VIDEOSTREAM_PREVIEW = 0x1
export const KS_VIDEOSTREAM_CAPTURE = 0x2
export const KS_VIDEOSTREAM_VBI = 0x10
export const KS_VIDEOSTREAM_STILL = 0x1000

export const KS_AnalogVideo_None = 0
export const KS_AnalogVideo_NTSC_M = 0x1

/** BITMAPINFOHEADER.biCompression */
export const KS_BI_RGB = 0
/** A FOURCC as biCompression: FOURCC('Y','U','Y','2'). */
export function MAKEFOURCC(a: string, b: string, c: string, d: string): number {
  return (a.charCodeAt(0) | (b.charCodeAt(0) << 8) | (c.charCodeAt(0) << 16) | (d.charCodeAt(0) << 24)) >>> 0
}
export const FOURCC_YUY2 = MAKEFOURCC('Y', 'U', 'Y', '2')
export const FOURCC_UYVY = MAKEFOURCC('U', 'Y', 'V', 'Y')
export const FOURCC_NV12 = MAKEFOURCC('N', 'V', '1', '2')

/** KSALLOCATOR_REQUIREMENTF_INPLACE_MODIFIER (KSALLOCATOR_FRAMING.RequirementsFlags): the pin modifies data in place. */
export const KSALLOCATOR_REQUIREMENTF_INPLACE_MODIFIER = 0x00000001
/** KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY (RequirementsFlags): the frames must be in system memory. */
export const KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY = 0x00000002
/** KSALLOCATOR_REQUIREMENTF_FRAME_INTEGRITY (RequirementsFlags): frames must not be split. */
export const KSALLOCATOR_REQUIREMENTF_FRAME_INTEGRITY = 0x00000004
/** KSALLOCATOR_REQUIREMENTF_MUST_ALLOCATE (RequirementsFlags): the pin must be the allocator. */
export const KSALLOCATOR_REQUIREMENTF_MUST_ALLOCATE = 0x00000008
/** KSALLOCATOR_REQUIREMENTF_PREFERENCES_ONLY (RequirementsFlags): the values are preferences only. */
export const KSALLOCATOR_REQUIREMENTF_PREFERENCES_ONLY = 0x80000000
/** KSALLOCATOR_OPTIONF_COMPATIBLE (KSALLOCATOR_FRAMING.OptionsFlags) */
export const KSALLOCATOR_OPTIONF_COMPATIBLE = 0x00000001
/** KSALLOCATOR_OPTIONF_SYSTEM_MEMORY (OptionsFlags): allocate from system memory. */
export const KSALLOCATOR_OPTIONF_SYSTEM_MEMORY = 0x00000002

/** KSDATAFORMAT.Flags */
export const KSDATAFORMAT_ATTRIBUTES = 0x2
export const KSDATAFORMAT_TEMPORAL_COMPRESSION = 0x1

/** KSPROPERTY.Flags */
export const KSPROPERTY_TYPE_GET = 0x1
export const KSPROPERTY_TYPE_SET = 0x2
export const KSPROPERTY_TYPE_BASICSUPPORT = 0x200

/** KSEVENTDATA.NotificationType */
export const KSEVENTF_EVENT_HANDLE = 0x1
export const KSEVENTF_SEMAPHORE_HANDLE = 0x2

/** WAVEFORMATEX.wFormatTag */
export const WAVE_FORMAT_PCM = 1

// ---------------------------------------------------------------------------------------------------
// GUIDs

export const KSDATAFORMAT_TYPE_VIDEO: GUID = '73646976-0000-0010-8000-00AA00389B71'
export const KSDATAFORMAT_TYPE_AUDIO: GUID = '73647561-0000-0010-8000-00AA00389B71'
export const KSDATAFORMAT_TYPE_WILDCARD: GUID = GUID_NULL
export const KSDATAFORMAT_SUBTYPE_YUY2: GUID = '32595559-0000-0010-8000-00AA00389B71'
export const KSDATAFORMAT_SUBTYPE_UYVY: GUID = '59565955-0000-0010-8000-00AA00389B71'
export const KSDATAFORMAT_SUBTYPE_NV12: GUID = '3231564E-0000-0010-8000-00AA00389B71'
export const KSDATAFORMAT_SUBTYPE_RGB24: GUID = 'E436EB7D-524F-11CE-9F53-0020AF0BA770'
export const KSDATAFORMAT_SUBTYPE_RGB32: GUID = 'E436EB7E-524F-11CE-9F53-0020AF0BA770'
export const KSDATAFORMAT_SUBTYPE_PCM: GUID = '00000001-0000-0010-8000-00AA00389B71'
export const KSDATAFORMAT_SUBTYPE_WILDCARD: GUID = GUID_NULL
export const KSDATAFORMAT_SPECIFIER_VIDEOINFO: GUID = '05589F80-C356-11CE-BF01-00AA0055595A'
export const KSDATAFORMAT_SPECIFIER_WAVEFORMATEX: GUID = '05589F81-C356-11CE-BF01-00AA0055595A'
export const KSDATAFORMAT_SPECIFIER_NONE: GUID = '0F6417D6-C318-11D0-A43F-00A0C9223196'
export const KSDATAFORMAT_SPECIFIER_WILDCARD: GUID = GUID_NULL

/** Pin categories (HW_STREAM_INFORMATION.Category). */
export const PINNAME_VIDEO_CAPTURE: GUID = 'FB6C4281-0353-11D1-905F-0000C0CC16BA'
export const PINNAME_CAPTURE: GUID = PINNAME_VIDEO_CAPTURE
export const PINNAME_VIDEO_PREVIEW: GUID = 'FB6C4282-0353-11D1-905F-0000C0CC16BA'
export const KSCATEGORY_CAPTURE: GUID = '65E8773D-8F56-11D0-A3B9-00A0C9223196'
export const KSCATEGORY_VIDEO: GUID = '6994AD05-93EF-11D0-A3CC-00A0C9223196'
export const KSCATEGORY_AUDIO: GUID = '6994AD04-93EF-11D0-A3CC-00A0C9223196'
export const KSMEDIUMSETID_Standard: GUID = '4747B320-62CE-11CF-A5D6-28DB04C10000'

/** Property and event sets. */
export const KSPROPSETID_Connection: GUID = '1D58C920-AC9B-11CF-A5D6-28DB04C10000'
export const KSPROPSETID_Pin: GUID = '8C134960-51AD-11CF-878A-94F801C10000'
export const KSPROPSETID_General: GUID = '1464EDA5-6A8F-11D1-9AA7-00A0C9223196'
export const PROPSETID_VIDCAP_DROPPEDFRAMES: GUID = 'C6E13344-30AC-11D0-A18C-00A0C9118956'
export const PROPSETID_VIDCAP_VIDEOPROCAMP: GUID = 'C6E13360-30AC-11D0-A18C-00A0C9118956'
export const PROPSETID_VIDCAP_VIDEOCONTROL: GUID = '6A2E0670-28E4-11D0-A18C-00A0C9118956'
export const KSEVENTSETID_Connection: GUID = '7F4BCBE0-9EA5-11CF-A5D6-28DB04C10000'
export const KSEVENTSETID_VIDCAPNotify: GUID = 'DB47DE20-F628-11D1-BA41-00A0C90D2B05'

/** KSPROPSETID_Connection items. */
export const KSPROPERTY_CONNECTION_STATE = 0
export const KSPROPERTY_CONNECTION_PRIORITY = 1
export const KSPROPERTY_CONNECTION_DATAFORMAT = 2
export const KSPROPERTY_CONNECTION_ALLOCATORFRAMING = 3
/** PROPSETID_VIDCAP_DROPPEDFRAMES items. */
export const KSPROPERTY_DROPPEDFRAMES_CURRENT = 0
/** PROPSETID_VIDCAP_VIDEOPROCAMP items. */
export const KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS = 0
export const KSPROPERTY_VIDEOPROCAMP_CONTRAST = 1
/** KSEVENTSETID_Connection items. */
export const KSEVENT_CONNECTION_POSITIONUPDATE = 0
export const KSEVENT_CONNECTION_DATADISCONTINUITY = 1
export const KSEVENT_CONNECTION_TIMEDISCONTINUITY = 2
export const KSEVENT_CONNECTION_PRIORITY = 3
export const KSEVENT_CONNECTION_ENDOFSTREAM = 4

// ---------------------------------------------------------------------------------------------------
// Structures

/** KSDATAFORMAT (and KSDATARANGE, which has the same layout). */
export interface KSDATAFORMAT {
  /** Size in bytes of the whole format structure (including what follows this header). */
  FormatSize: number
  Flags: number
  /** Bytes per sample (per frame for video). The client allocates buffers of this size. */
  SampleSize: number
  Reserved: number
  MajorFormat: GUID
  SubFormat: GUID
  Specifier: GUID
}
export type KSDATARANGE = KSDATAFORMAT

export interface RECT {
  left: number
  top: number
  right: number
  bottom: number
}

export interface SIZE {
  cx: number
  cy: number
}

/** KS_BITMAPINFOHEADER (BITMAPINFOHEADER). */
export interface KS_BITMAPINFOHEADER {
  biSize: number
  biWidth: number
  /** Positive: bottom-up DIB (RGB). Negative or YUV: top-down. */
  biHeight: number
  biPlanes: number
  biBitCount: number
  /** KS_BI_RGB, or a FOURCC such as FOURCC_YUY2. */
  biCompression: number
  /** Bytes per frame. */
  biSizeImage: number
  biXPelsPerMeter: number
  biYPelsPerMeter: number
  biClrUsed: number
  biClrImportant: number
}

/** KS_VIDEOINFOHEADER */
export interface KS_VIDEOINFOHEADER {
  rcSource: RECT
  rcTarget: RECT
  dwBitRate: number
  dwBitErrorRate: number
  /** Frame interval in 100 ns units (333333 = 30 fps). */
  AvgTimePerFrame: number
  bmiHeader: KS_BITMAPINFOHEADER
}

/** KS_VIDEO_STREAM_CONFIG_CAPS: what sizes and rates a video range supports. */
export interface KS_VIDEO_STREAM_CONFIG_CAPS {
  guid: GUID
  VideoStandard: number
  InputSize: SIZE
  MinCroppingSize: SIZE
  MaxCroppingSize: SIZE
  CropGranularityX: number
  CropGranularityY: number
  CropAlignX: number
  CropAlignY: number
  MinOutputSize: SIZE
  MaxOutputSize: SIZE
  OutputGranularityX: number
  OutputGranularityY: number
  StretchTapsX: number
  StretchTapsY: number
  ShrinkTapsX: number
  ShrinkTapsY: number
  /** 100 ns units. */
  MinFrameInterval: number
  MaxFrameInterval: number
  MinBitsPerSecond: number
  MaxBitsPerSecond: number
}

/** KS_DATARANGE_VIDEO: a video range offered in HW_STREAM_INFORMATION.StreamFormatsArray. */
export interface KS_DATARANGE_VIDEO {
  DataRange: KSDATARANGE
  bFixedSizeSamples: number
  bTemporalCompression: number
  StreamDescriptionFlags: number
  MemoryAllocationFlags: number
  ConfigCaps: KS_VIDEO_STREAM_CONFIG_CAPS
  VideoInfoHeader: KS_VIDEOINFOHEADER
}

/** KS_DATAFORMAT_VIDEOINFOHEADER: an opened video format. */
export interface KS_DATAFORMAT_VIDEOINFOHEADER {
  DataFormat: KSDATAFORMAT
  VideoInfoHeader: KS_VIDEOINFOHEADER
}

/** WAVEFORMATEX */
export interface WAVEFORMATEX {
  wFormatTag: number
  nChannels: number
  nSamplesPerSec: number
  nAvgBytesPerSec: number
  nBlockAlign: number
  wBitsPerSample: number
  cbSize: number
}

/** KSDATARANGE_AUDIO */
export interface KSDATARANGE_AUDIO {
  DataRange: KSDATARANGE
  MaximumChannels: number
  MinimumBitsPerSample: number
  MaximumBitsPerSample: number
  MinimumSampleFrequency: number
  MaximumSampleFrequency: number
}

/** KSDATAFORMAT_WAVEFORMATEX: an opened audio format. */
export interface KSDATAFORMAT_WAVEFORMATEX {
  DataFormat: KSDATAFORMAT
  WaveFormatEx: WAVEFORMATEX
}

/**
 * A data range or format as the class driver hands it to the minidriver: the KSDATAFORMAT fields at
 * the top, the same object as `DataRange` / `DataFormat`, and the extension that follows (video info,
 * wave format...) for ranges and formats that have one.
 */
export type PKSDATARANGE = KSDATARANGE & {
  DataRange: KSDATARANGE
  DataFormat: KSDATAFORMAT
} & Partial<Omit<KS_DATARANGE_VIDEO, 'DataRange'>> &
  Partial<Omit<KSDATARANGE_AUDIO, 'DataRange'>> &
  Partial<Omit<KSDATAFORMAT_WAVEFORMATEX, 'DataFormat'>>
export type PKSDATAFORMAT = PKSDATARANGE

/** KSTIME: a time as Time × Numerator / Denominator, in 100 ns units. */
export interface KSTIME {
  Time: number
  Numerator: number
  Denominator: number
}

/**
 * KS_FRAME_INFO: the media-specific extension that follows each video KSSTREAM_HEADER when the stream
 * object sets StreamHeaderMediaSpecific = sizeof('KS_FRAME_INFO').
 */
export interface KS_FRAME_INFO {
  ExtendedHeaderSize: number
  dwFrameFlags: number
  /** Count of frames produced since the stream left STOP (every VSYNC, delivered or not). */
  PictureNumber: number
  /** Frames dropped since the stream left STOP. */
  DropCount: number
  hDirectDraw: number
  hSurfaceHandle: number
  DirectDrawRect: RECT
  Reserved1: number
  Reserved2: number
  Reserved3: number
  Reserved4: number
}

/** KSSTREAM_HEADER: one buffer of a data SRB (`CommandData.DataBufferArray[i]`). */
export interface KSSTREAM_HEADER {
  /** Bytes from this header to the next: the header plus the media-specific extension. */
  Size: number
  TypeSpecificFlags: number
  PresentationTime: KSTIME
  /** 100 ns units. */
  Duration: number
  /** Size of the buffer in bytes. */
  FrameExtent: number
  /** Bytes of valid data (set by the minidriver on capture, by the client on render). */
  DataUsed: number
  /** The buffer, for PIO. The same bytes as the SRB's scatter/gather list. */
  Data: Uint8Array
  OptionsFlags: number
  /**
   * The media-specific extension that follows the header in memory (KS_FRAME_INFO for video capture),
   * StreamHeaderMediaSpecific bytes of it. Writing fields past that size is a buffer overrun.
   */
  readonly MediaSpecific: KS_FRAME_INFO
}

/** KSPROPERTY (KSIDENTIFIER): which property of which set, and GET or SET. */
export interface KSPROPERTY {
  Set: GUID
  Id: number
  Flags: number
}

/** KSEVENT (KSIDENTIFIER) */
export type KSEVENT = KSPROPERTY

/**
 * KSPROPERTY_ITEM: one property of a set (DEFINE_KSPROPERTY_ITEM's fields, in the same order). Handlers
 * are flags under stream class: GET and SET requests reach the minidriver as SRB_GET/SET_*_PROPERTY.
 */
export interface KSPROPERTY_ITEM {
  PropertyId: number
  /** TRUE when GET is supported (stream class drivers put TRUE where ks.h has a handler). */
  GetPropertyHandler?: boolean | number
  /** TRUE when SET is supported. */
  SetPropertyHandler?: boolean | number
  /** Minimum bytes of the property identifier (sizeof(KSPROPERTY) or more). */
  MinProperty: number
  /** Minimum bytes of the data buffer; smaller requests fail in the class driver. */
  MinData: number
  /**
   * The property's type, ranges and default values. With Values and no SupportHandler the class driver
   * answers KSPROPERTY_TYPE_BASICSUPPORT and KSPROPERTY_TYPE_DEFAULTVALUES from it, without an SRB.
   */
  Values?: KSPROPERTY_VALUES | null
  /** Entries of Relations. */
  RelationsCount?: number
  /** The properties whose values change with this one (the KSPROPERTY_TYPE_RELATIONS answer). */
  Relations?: readonly KSPROPERTY[] | null
  /**
   * TRUE: BASICSUPPORT and DEFAULTVALUES requests go to the minidriver as SRB_GET_*_PROPERTY with
   * Property.Flags = KSPROPERTY_TYPE_BASICSUPPORT (or _DEFAULTVALUES) instead of being answered from Values.
   */
  SupportHandler?: boolean | number | null
  /** Bytes of the property's serialized data (KSPROPERTY_TYPE_SERIALIZESIZE); 0: not serialized. Declared only: the emulated client never serializes. */
  SerializedSize?: number
}

/** KSPROPERTY_SET: a property set the device or a stream supports. */
export interface KSPROPERTY_SET {
  Set: GUID
  PropertiesCount: number
  PropertyItem: KSPROPERTY_ITEM[]
}

/** KSEVENT_ITEM: one event of a set. */
export interface KSEVENT_ITEM {
  EventId: number
  /** Bytes of KSEVENTDATA the client passes. */
  DataInput: number
  /** Bytes of minidriver data following each KSEVENT_ENTRY. */
  ExtraEntryData: number
}

/** KSEVENT_SET: an event set the device or a stream supports. */
export interface KSEVENT_SET {
  Set: GUID
  EventsCount: number
  EventItem: KSEVENT_ITEM[]
}

/** KSEVENTDATA: what the client passed when it enabled the event. */
export interface KSEVENTDATA {
  NotificationType: number
  /** Extra data (e.g. an interval for clock events). */
  [key: string]: unknown
}

/**
 * KSEVENT_ENTRY: a queued event. The minidriver keeps this pointer (and only this one) after
 * StrMiniEvent returns; `ExtraEntryData` is its own per-event space.
 */
export interface KSEVENT_ENTRY {
  readonly EventSet: GUID
  readonly EventItem: KSEVENT_ITEM
  readonly EventData: KSEVENTDATA
  /** Minidriver-owned data following the entry (KSEVENT_ITEM.ExtraEntryData bytes). */
  ExtraEntryData: Record<string, unknown>
}

/** KSPIN_MEDIUM */
export interface KSPIN_MEDIUM {
  Set: GUID
  Id: number
  Flags: number
}

/**
 * KSALLOCATOR_FRAMING (KSPROPERTY_CONNECTION_ALLOCATORFRAMING). In ks.h the first field is a union:
 * `OptionsFlags` (allocator creation) and `RequirementsFlags` (what a pin requires: the name a
 * minidriver answering ALLOCATORFRAMING uses) are the same ULONG; set either.
 */
export interface KSALLOCATOR_FRAMING {
  /** KSALLOCATOR_OPTIONF_* (the same storage as RequirementsFlags). */
  OptionsFlags?: number
  /** KSALLOCATOR_REQUIREMENTF_* (the same storage as OptionsFlags). */
  RequirementsFlags?: number
  PoolType: number
  Frames: number
  FrameSize: number
  FileAlignment: number
  Reserved: number
}

/** KSPROPERTY_DROPPEDFRAMES_CURRENT_S (sizeof 48, with its KSPROPERTY header). */
export interface KSPROPERTY_DROPPEDFRAMES_CURRENT_S {
  /** The request's KSPROPERTY header (the class driver puts a copy in the data). */
  Property?: KSPROPERTY
  PictureNumber: number
  DropCount: number
  AverageFrameSize: number
}
