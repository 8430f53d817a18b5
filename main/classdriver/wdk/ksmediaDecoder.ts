/**
 * ksmedia.h: the analog video decoder (PROPSETID_VIDCAP_VIDEODECODER), analog video standards
 * (KS_AnalogVideo_*) and the analog video format (KS_DATARANGE_ANALOGVIDEO, the pin that connects a
 * crossbar output to the capture filter).
 */
import type { GUID, KSDATARANGE, KSPROPERTY, RECT } from './ks.js'

/** PROPSETID_VIDCAP_VIDEODECODER: the video decoder property set. */
export const PROPSETID_VIDCAP_VIDEODECODER: GUID = 'C6E13350-30AC-11D0-A18C-00A0C9118956'
/** KSPROPERTY_VIDEODECODER_CAPS (GET, KSPROPERTY_VIDEODECODER_CAPS_S) */
export const KSPROPERTY_VIDEODECODER_CAPS = 0
/** KSPROPERTY_VIDEODECODER_STANDARD (GET/SET, KSPROPERTY_VIDEODECODER_S): a KS_AnalogVideo_* value. */
export const KSPROPERTY_VIDEODECODER_STANDARD = 1
/** KSPROPERTY_VIDEODECODER_STATUS (GET, KSPROPERTY_VIDEODECODER_STATUS_S): lines per frame, signal locked. */
export const KSPROPERTY_VIDEODECODER_STATUS = 2
/** KSPROPERTY_VIDEODECODER_OUTPUT_ENABLE (GET/SET, KSPROPERTY_VIDEODECODER_S) */
export const KSPROPERTY_VIDEODECODER_OUTPUT_ENABLE = 3
/** KSPROPERTY_VIDEODECODER_VCR_TIMING (GET/SET, KSPROPERTY_VIDEODECODER_S) */
export const KSPROPERTY_VIDEODECODER_VCR_TIMING = 4

/** KS_VIDEODECODER_FLAGS_CAN_DISABLE_OUTPUT (KSPROPERTY_VIDEODECODER_CAPS_S.Capabilities) */
export const KS_VIDEODECODER_FLAGS_CAN_DISABLE_OUTPUT = 0x0001
/** KS_VIDEODECODER_FLAGS_CAN_USE_VCR_LOCKING (KSPROPERTY_VIDEODECODER_CAPS_S.Capabilities) */
export const KS_VIDEODECODER_FLAGS_CAN_USE_VCR_LOCKING = 0x0002
/** KS_VIDEODECODER_FLAGS_CAN_INDICATE_LOCKED (KSPROPERTY_VIDEODECODER_CAPS_S.Capabilities) */
export const KS_VIDEODECODER_FLAGS_CAN_INDICATE_LOCKED = 0x0004

/** KSPROPERTY_VIDEODECODER_CAPS_S */
export interface KSPROPERTY_VIDEODECODER_CAPS_S {
  Property: KSPROPERTY
  /** KS_AnalogVideo_* bits. */
  StandardsSupported: number
  /** KS_VIDEODECODER_FLAGS_* */
  Capabilities: number
  /** Milliseconds to lock after a change. */
  SettlingTime: number
  HSyncPerVSync: number
}

/** KSPROPERTY_VIDEODECODER_STATUS_S */
export interface KSPROPERTY_VIDEODECODER_STATUS_S {
  Property: KSPROPERTY
  /** 525 or 625. */
  NumberOfLines: number
  /** TRUE when the decoder is locked to a signal. */
  SignalLocked: number
}

/** KSPROPERTY_VIDEODECODER_S: a single-value decoder property. */
export interface KSPROPERTY_VIDEODECODER_S {
  Property: KSPROPERTY
  Value: number
}

/** EVENTSETID_VIDEODECODER: the video decoder event set. */
export const EVENTSETID_VIDEODECODER: GUID = '6A2E0621-28E4-11D0-A18C-00A0C9118956'
/** KSEVENT_VIDEODECODER_CHANGED: the decoder's status changed. */
export const KSEVENT_VIDEODECODER_CHANGED = 0

/** KS_AnalogVideoStandard: NTSC-M Japan. */
export const KS_AnalogVideo_NTSC_M_J = 0x00000002
/** KS_AnalogVideoStandard: NTSC 4.43. */
export const KS_AnalogVideo_NTSC_433 = 0x00000004
/** KS_AnalogVideoStandard: PAL-B. */
export const KS_AnalogVideo_PAL_B = 0x00000010
/** KS_AnalogVideoStandard: PAL-D. */
export const KS_AnalogVideo_PAL_D = 0x00000020
/** KS_AnalogVideoStandard: PAL-G. */
export const KS_AnalogVideo_PAL_G = 0x00000040
/** KS_AnalogVideoStandard: PAL-H. */
export const KS_AnalogVideo_PAL_H = 0x00000080
/** KS_AnalogVideoStandard: PAL-I. */
export const KS_AnalogVideo_PAL_I = 0x00000100
/** KS_AnalogVideoStandard: PAL-M. */
export const KS_AnalogVideo_PAL_M = 0x00000200
/** KS_AnalogVideoStandard: PAL-N. */
export const KS_AnalogVideo_PAL_N = 0x00000400
/** KS_AnalogVideoStandard: PAL-60. */
export const KS_AnalogVideo_PAL_60 = 0x00000800
/** KS_AnalogVideoStandard: SECAM-B. */
export const KS_AnalogVideo_SECAM_B = 0x00001000
/** KS_AnalogVideoStandard: SECAM-D. */
export const KS_AnalogVideo_SECAM_D = 0x00002000
/** KS_AnalogVideoStandard: SECAM-G. */
export const KS_AnalogVideo_SECAM_G = 0x00004000
/** KS_AnalogVideoStandard: SECAM-H. */
export const KS_AnalogVideo_SECAM_H = 0x00008000
/** KS_AnalogVideoStandard: SECAM-K. */
export const KS_AnalogVideo_SECAM_K = 0x00010000
/** KS_AnalogVideoStandard: SECAM-K1. */
export const KS_AnalogVideo_SECAM_K1 = 0x00020000
/** KS_AnalogVideoStandard: SECAM-L. */
export const KS_AnalogVideo_SECAM_L = 0x00040000
/** KS_AnalogVideoStandard: SECAM-L1. */
export const KS_AnalogVideo_SECAM_L1 = 0x00080000
/** KS_AnalogVideoStandard: PAL-N combination (Argentina). */
export const KS_AnalogVideo_PAL_N_COMBO = 0x00100000
/** Every NTSC standard. */
export const KS_AnalogVideo_NTSC_Mask = 0x00000007
/** Every PAL standard. */
export const KS_AnalogVideo_PAL_Mask = 0x00100ff0
/** Every SECAM standard. */
export const KS_AnalogVideo_SECAM_Mask = 0x000ff000

/** KSDATAFORMAT_TYPE_ANALOGVIDEO: the major format of analog video pins. */
export const KSDATAFORMAT_TYPE_ANALOGVIDEO: GUID = '0482DDE1-7817-11CF-8A03-00AA006ECB65'
/** KSDATAFORMAT_SPECIFIER_ANALOGVIDEO: the format block is a KS_ANALOGVIDEOINFO. */
export const KSDATAFORMAT_SPECIFIER_ANALOGVIDEO: GUID = '0482DDE0-7817-11CF-8A03-00AA006ECB65'

/** KS_ANALOGVIDEOINFO: the active area and frame rate of an analog signal. */
export interface KS_ANALOGVIDEOINFO {
  rcSource: RECT
  rcTarget: RECT
  dwActiveWidth: number
  dwActiveHeight: number
  /** 100 ns units. */
  AvgTimePerFrame: number
}

/** KS_DATARANGE_ANALOGVIDEO: the range of an analog video pin (SubFormat KSDATAFORMAT_SUBTYPE_NONE). */
export interface KS_DATARANGE_ANALOGVIDEO {
  DataRange: KSDATARANGE
  AnalogVideoInfo: KS_ANALOGVIDEOINFO
}
