/**
 * ksmedia.h: vertical blanking interval capture: the raw VBI format (KS_VBIINFOHEADER,
 * KS_DATARANGE_VIDEO_VBI, KSDATAFORMAT_SPECIFIER_VBI with subtype RAW8), the sliced formats (NABTS,
 * closed captions, teletext) and the frame info that follows each VBI stream header.
 */
import type { GUID, KSDATAFORMAT, KSDATARANGE, KS_VIDEO_STREAM_CONFIG_CAPS } from './ks.js'
import type { KS_TVTUNER_CHANGE_INFO } from './ksmediaTuner.js'

/** KSDATAFORMAT_TYPE_VBI: the major format of raw VBI pins. */
export const KSDATAFORMAT_TYPE_VBI: GUID = 'F72A76E1-EB0A-11D0-ACE4-0000C0CC16BA'
/** KSDATAFORMAT_SPECIFIER_VBI: the format block is a KS_VBIINFOHEADER. */
export const KSDATAFORMAT_SPECIFIER_VBI: GUID = 'F72A76E0-EB0A-11D0-ACE4-0000C0CC16BA'
/** KSDATAFORMAT_SUBTYPE_RAW8: raw VBI samples, 8 bits each. */
export const KSDATAFORMAT_SUBTYPE_RAW8: GUID = 'CA20D9A0-3E3E-11D1-9BF9-00C04FBBDEBF'
/** KSDATAFORMAT_SUBTYPE_CC: closed-caption byte pairs (line 21). */
export const KSDATAFORMAT_SUBTYPE_CC: GUID = '33214CC1-011F-11D2-B4B1-00A0D102CFBE'
/** KSDATAFORMAT_SUBTYPE_NABTS: sliced NABTS lines. */
export const KSDATAFORMAT_SUBTYPE_NABTS: GUID = 'F72A76E2-EB0A-11D0-ACE4-0000C0CC16BA'
/** KSDATAFORMAT_SUBTYPE_TELETEXT: sliced WST teletext lines. */
export const KSDATAFORMAT_SUBTYPE_TELETEXT: GUID = 'F72A76E3-EB0A-11D0-ACE4-0000C0CC16BA'
/** KSDATAFORMAT_TYPE_NABTS: the major format of NABTS data after FEC. */
export const KSDATAFORMAT_TYPE_NABTS: GUID = 'E757BCA0-39AC-11D1-A9F5-00C04FBBDE8F'
/** KSDATAFORMAT_SUBTYPE_NABTS_FEC: NABTS bundles after forward error correction. */
export const KSDATAFORMAT_SUBTYPE_NABTS_FEC: GUID = 'E757BCA1-39AC-11D1-A9F5-00C04FBBDE8F'

/** KS_VIDEOSTREAM_NABTS (KS_DATARANGE_VIDEO_VBI.StreamDescriptionFlags): a NABTS stream. */
export const KS_VIDEOSTREAM_NABTS = 0x0020
/** KS_VIDEOSTREAM_CC (StreamDescriptionFlags): a closed-caption stream. */
export const KS_VIDEOSTREAM_CC = 0x0100
/** KS_VIDEOSTREAM_EDS (StreamDescriptionFlags): an extended data services stream. */
export const KS_VIDEOSTREAM_EDS = 0x0200
/** KS_VIDEOSTREAM_TELETEXT (StreamDescriptionFlags): a teletext stream. */
export const KS_VIDEOSTREAM_TELETEXT = 0x0400
/** KS_VIDEOSTREAM_IS_VPE (StreamDescriptionFlags): the stream goes through a video port. */
export const KS_VIDEOSTREAM_IS_VPE = 0x8000

/** KS_VBIDATARATE_NABTS: the NABTS bit rate, bits per second. */
export const KS_VBIDATARATE_NABTS = 5727272
/** KS_VBIDATARATE_CC: the closed-caption bit rate, bits per second. */
export const KS_VBIDATARATE_CC = 503493
/** KS_VBISAMPLINGRATE_4X_NABTS: sampling at 4 × the NABTS rate, Hz. */
export const KS_VBISAMPLINGRATE_4X_NABTS = 4 * KS_VBIDATARATE_NABTS
/** KS_VBISAMPLINGRATE_47X_NABTS: sampling at 27 MHz (4.7 × the NABTS rate). */
export const KS_VBISAMPLINGRATE_47X_NABTS = 27000000
/** KS_VBISAMPLINGRATE_5X_NABTS: sampling at 5 × the NABTS rate, Hz. */
export const KS_VBISAMPLINGRATE_5X_NABTS = 5 * KS_VBIDATARATE_NABTS

/**
 * KS_VBIINFOHEADER: how the raw VBI lines are sampled (sizeof 44). Line start times are in 100 ns
 * units from the leading edge of horizontal sync.
 */
export interface KS_VBIINFOHEADER {
  /** The first VBI line captured (10 for NTSC NABTS). */
  StartLine: number
  /** The last VBI line captured (21 for NTSC with closed captions). */
  EndLine: number
  /** Hz: KS_VBISAMPLINGRATE_4X_NABTS, 47X or 5X. */
  SamplingFrequency: number
  MinLineStartTime: number
  MaxLineStartTime: number
  ActualLineStartTime: number
  ActualLineEndTime: number
  /** A KS_AnalogVideo_* value. */
  VideoStandard: number
  /** Samples per line (bytes for RAW8). */
  SamplesPerLine: number
  /** Bytes from one line to the next (SamplesPerLine rounded up). */
  StrideInBytes: number
  /** Bytes of a whole VBI field: StrideInBytes × (EndLine − StartLine + 1). */
  BufferSize: number
}

/** KS_DATARANGE_VIDEO_VBI: a raw VBI range (MajorFormat KSDATAFORMAT_TYPE_VBI, SubFormat RAW8, Specifier VBI). */
export interface KS_DATARANGE_VIDEO_VBI {
  DataRange: KSDATARANGE
  bFixedSizeSamples: number
  bTemporalCompression: number
  /** KS_VIDEOSTREAM_VBI */
  StreamDescriptionFlags: number
  MemoryAllocationFlags: number
  ConfigCaps: KS_VIDEO_STREAM_CONFIG_CAPS
  VBIInfoHeader: KS_VBIINFOHEADER
}

/** KS_DATAFORMAT_VBIINFOHEADER: an opened raw VBI format. */
export interface KS_DATAFORMAT_VBIINFOHEADER {
  DataFormat: KSDATAFORMAT
  VBIInfoHeader: KS_VBIINFOHEADER
}

/** KS_VBI_FLAG_FIELD1 (KS_VBI_FRAME_INFO.dwFrameFlags): the sample is field 1. */
export const KS_VBI_FLAG_FIELD1 = 0x0001
/** KS_VBI_FLAG_FIELD2 (dwFrameFlags): the sample is field 2. */
export const KS_VBI_FLAG_FIELD2 = 0x0002
/** KS_VBI_FLAG_TVTUNER_CHANGE (dwFrameFlags): TvTunerChangeInfo is valid (a tune happened). */
export const KS_VBI_FLAG_TVTUNER_CHANGE = 0x0010
/** KS_VBI_FLAG_VBIINFOHEADER_CHANGE (dwFrameFlags): VBIInfoHeader is valid (the sampling changed). */
export const KS_VBI_FLAG_VBIINFOHEADER_CHANGE = 0x0020
/** KS_VBI_FLAG_MV_PRESENT (dwFrameFlags): Macrovision is present. */
export const KS_VBI_FLAG_MV_PRESENT = 0x0100
/** KS_VBI_FLAG_MV_HARDWARE (dwFrameFlags): Macrovision was detected by the hardware. */
export const KS_VBI_FLAG_MV_HARDWARE = 0x0200
/** KS_VBI_FLAG_MV_DETECTED (dwFrameFlags): Macrovision was detected. */
export const KS_VBI_FLAG_MV_DETECTED = 0x0400

/**
 * KS_VBI_FRAME_INFO: the extension after each VBI KSSTREAM_HEADER (StreamHeaderMediaSpecific =
 * sizeof('KS_VBI_FRAME_INFO'), 88).
 */
export interface KS_VBI_FRAME_INFO {
  ExtendedHeaderSize: number
  /** KS_VBI_FLAG_* */
  dwFrameFlags: number
  PictureNumber: number
  DropCount: number
  dwSamplingFrequency: number
  TvTunerChangeInfo: KS_TVTUNER_CHANGE_INFO
  VBIInfoHeader: KS_VBIINFOHEADER
}

/** KSPROPSETID_VBICodecFiltering: the VBI codec's scan-line and substream filters. */
export const KSPROPSETID_VBICodecFiltering: GUID = 'CAFEB0CA-8715-11D0-BD6A-0035C0EDBABE'
/** KSPROPERTY_VBICODECFILTERING_SCANLINES_REQUESTED_BIT_ARRAY (KSPROPSETID_VBICodecFiltering) */
export const KSPROPERTY_VBICODECFILTERING_SCANLINES_REQUESTED_BIT_ARRAY = 0x01
/** KSPROPERTY_VBICODECFILTERING_SCANLINES_DISCOVERED_BIT_ARRAY (KSPROPSETID_VBICodecFiltering) */
export const KSPROPERTY_VBICODECFILTERING_SCANLINES_DISCOVERED_BIT_ARRAY = 0x02
/** KSPROPERTY_VBICODECFILTERING_SUBSTREAMS_REQUESTED_BIT_ARRAY (KSPROPSETID_VBICodecFiltering) */
export const KSPROPERTY_VBICODECFILTERING_SUBSTREAMS_REQUESTED_BIT_ARRAY = 0x03
/** KSPROPERTY_VBICODECFILTERING_SUBSTREAMS_DISCOVERED_BIT_ARRAY (KSPROPSETID_VBICodecFiltering) */
export const KSPROPERTY_VBICODECFILTERING_SUBSTREAMS_DISCOVERED_BIT_ARRAY = 0x04
/** KSPROPERTY_VBICODECFILTERING_STATISTICS (KSPROPSETID_VBICodecFiltering) */
export const KSPROPERTY_VBICODECFILTERING_STATISTICS = 0x05
/** KS_CC_SUBSTREAM_ODD: closed captions of the odd field. */
export const KS_CC_SUBSTREAM_ODD = 0x0001
/** KS_CC_SUBSTREAM_EVEN: closed captions of the even field. */
export const KS_CC_SUBSTREAM_EVEN = 0x0002
