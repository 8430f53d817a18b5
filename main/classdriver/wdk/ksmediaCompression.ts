/**
 * ksmedia.h: video compression (PROPSETID_VIDCAP_VIDEOCOMPRESSION: key-frame rate, quality) and video
 * control (PROPSETID_VIDCAP_VIDEOCONTROL: flip, external trigger, frame rates) property sets.
 */
import type { GUID, KSPROPERTY, SIZE } from './ks.js'

/** PROPSETID_VIDCAP_VIDEOCOMPRESSION: the video compression property set. */
export const PROPSETID_VIDCAP_VIDEOCOMPRESSION: GUID = 'C6E13343-30AC-11D0-A18C-00A0C9118956'
/** KSPROPERTY_VIDEOCOMPRESSION_GETINFO (GET, KSPROPERTY_VIDEOCOMPRESSION_GETINFO_S) */
export const KSPROPERTY_VIDEOCOMPRESSION_GETINFO = 0
/** KSPROPERTY_VIDEOCOMPRESSION_KEYFRAME_RATE (GET/SET, KSPROPERTY_VIDEOCOMPRESSION_S) */
export const KSPROPERTY_VIDEOCOMPRESSION_KEYFRAME_RATE = 1
/** KSPROPERTY_VIDEOCOMPRESSION_PFRAMES_PER_KEYFRAME (GET/SET, KSPROPERTY_VIDEOCOMPRESSION_S) */
export const KSPROPERTY_VIDEOCOMPRESSION_PFRAMES_PER_KEYFRAME = 2
/** KSPROPERTY_VIDEOCOMPRESSION_QUALITY (GET/SET, KSPROPERTY_VIDEOCOMPRESSION_S): 0..10000. */
export const KSPROPERTY_VIDEOCOMPRESSION_QUALITY = 3
/** KSPROPERTY_VIDEOCOMPRESSION_OVERRIDE_KEYFRAME (SET, KSPROPERTY_VIDEOCOMPRESSION_S) */
export const KSPROPERTY_VIDEOCOMPRESSION_OVERRIDE_KEYFRAME = 4
/** KSPROPERTY_VIDEOCOMPRESSION_OVERRIDE_FRAME_SIZE (SET, KSPROPERTY_VIDEOCOMPRESSION_S) */
export const KSPROPERTY_VIDEOCOMPRESSION_OVERRIDE_FRAME_SIZE = 5
/** KSPROPERTY_VIDEOCOMPRESSION_WINDOWSIZE (GET/SET, KSPROPERTY_VIDEOCOMPRESSION_S) */
export const KSPROPERTY_VIDEOCOMPRESSION_WINDOWSIZE = 6

/** KS_CompressionCaps_CanQuality: the quality can be set. */
export const KS_CompressionCaps_CanQuality = 1
/** KS_CompressionCaps_CanCrunch: a target data rate can be set. */
export const KS_CompressionCaps_CanCrunch = 2
/** KS_CompressionCaps_CanKeyFrame: the key-frame rate can be set. */
export const KS_CompressionCaps_CanKeyFrame = 4
/** KS_CompressionCaps_CanBFrame: the P-frames per key frame can be set. */
export const KS_CompressionCaps_CanBFrame = 8
/** KS_CompressionCaps_CanWindow: the window size can be set. */
export const KS_CompressionCaps_CanWindow = 0x10

/** KS_StreamingHint_FrameInterval (KS_VideoStreamingHints) */
export const KS_StreamingHint_FrameInterval = 0x0100
/** KS_StreamingHint_KeyFrameRate (KS_VideoStreamingHints) */
export const KS_StreamingHint_KeyFrameRate = 0x0200
/** KS_StreamingHint_PFrameRate (KS_VideoStreamingHints) */
export const KS_StreamingHint_PFrameRate = 0x0400
/** KS_StreamingHint_CompQuality (KS_VideoStreamingHints) */
export const KS_StreamingHint_CompQuality = 0x0800
/** KS_StreamingHint_CompWindowSize (KS_VideoStreamingHints) */
export const KS_StreamingHint_CompWindowSize = 0x1000

/** KSPROPERTY_VIDEOCOMPRESSION_GETINFO_S: a compressed stream's defaults and capabilities. */
export interface KSPROPERTY_VIDEOCOMPRESSION_GETINFO_S {
  Property: KSPROPERTY
  StreamIndex: number
  DefaultKeyFrameRate: number
  DefaultPFrameRate: number
  DefaultQuality: number
  NumberOfQualitySettings: number
  /** KS_CompressionCaps_* */
  Capabilities: number
}

/** KSPROPERTY_VIDEOCOMPRESSION_S: one compression setting of a stream. */
export interface KSPROPERTY_VIDEOCOMPRESSION_S {
  Property: KSPROPERTY
  StreamIndex: number
  Value: number
}

/** KSPROPERTY_VIDEOCOMPRESSION_S1: a compression setting with flags. */
export interface KSPROPERTY_VIDEOCOMPRESSION_S1 {
  Property: KSPROPERTY
  StreamIndex: number
  Value: number
  Flags: number
}

/** KSPROPERTY_VIDEOCONTROL_CAPS (GET, KSPROPERTY_VIDEOCONTROL_CAPS_S) */
export const KSPROPERTY_VIDEOCONTROL_CAPS = 0
/** KSPROPERTY_VIDEOCONTROL_ACTUAL_FRAME_RATE (GET, KSPROPERTY_VIDEOCONTROL_ACTUAL_FRAME_RATE_S) */
export const KSPROPERTY_VIDEOCONTROL_ACTUAL_FRAME_RATE = 1
/** KSPROPERTY_VIDEOCONTROL_FRAME_RATES (GET, KSPROPERTY_VIDEOCONTROL_FRAME_RATES_S + a KSMULTIPLE_ITEM of LONGLONG intervals) */
export const KSPROPERTY_VIDEOCONTROL_FRAME_RATES = 2
/** KSPROPERTY_VIDEOCONTROL_MODE (GET/SET, KSPROPERTY_VIDEOCONTROL_MODE_S) */
export const KSPROPERTY_VIDEOCONTROL_MODE = 3

/** KS_VideoControlFlag_FlipHorizontal (VideoControlCaps, Mode) */
export const KS_VideoControlFlag_FlipHorizontal = 0x0001
/** KS_VideoControlFlag_FlipVertical (VideoControlCaps, Mode) */
export const KS_VideoControlFlag_FlipVertical = 0x0002
/** KS_Obsolete_VideoControlFlag_ExternalTriggerEnable: the value older headers used. */
export const KS_Obsolete_VideoControlFlag_ExternalTriggerEnable = 0x0010
/** KS_Obsolete_VideoControlFlag_Trigger: the value older headers used. */
export const KS_Obsolete_VideoControlFlag_Trigger = 0x0020
/** KS_VideoControlFlag_ExternalTriggerEnable (VideoControlCaps, Mode) */
export const KS_VideoControlFlag_ExternalTriggerEnable = 0x0004
/** KS_VideoControlFlag_Trigger (VideoControlCaps, Mode) */
export const KS_VideoControlFlag_Trigger = 0x0008

/** KSPROPERTY_VIDEOCONTROL_CAPS_S */
export interface KSPROPERTY_VIDEOCONTROL_CAPS_S {
  Property: KSPROPERTY
  StreamIndex: number
  /** KS_VideoControlFlag_* bits. */
  VideoControlCaps: number
}

/** KSPROPERTY_VIDEOCONTROL_MODE_S */
export interface KSPROPERTY_VIDEOCONTROL_MODE_S {
  Property: KSPROPERTY
  StreamIndex: number
  /** KS_VideoControlFlag_* bits. */
  Mode: number
}

/** KSPROPERTY_VIDEOCONTROL_ACTUAL_FRAME_RATE_S: frame intervals in 100 ns units. */
export interface KSPROPERTY_VIDEOCONTROL_ACTUAL_FRAME_RATE_S {
  Property: KSPROPERTY
  StreamIndex: number
  RangeIndex: number
  Dimensions: SIZE
  CurrentActualFrameRate: number
  CurrentMaxAvailableFrameRate: number
}

/** KSPROPERTY_VIDEOCONTROL_FRAME_RATES_S: the request for a range's frame rates. */
export interface KSPROPERTY_VIDEOCONTROL_FRAME_RATES_S {
  Property: KSPROPERTY
  StreamIndex: number
  RangeIndex: number
  Dimensions: SIZE
}
