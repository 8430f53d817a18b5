/**
 * ksmedia.h: the TV tuner (PROPSETID_TUNER) and TV audio (PROPSETID_VIDCAP_TVAUDIO) property sets,
 * their structures and constants. Frequencies are in Hz.
 */
import type { GUID, KSPIN_MEDIUM, KSPROPERTY } from './ks.js'

/** PROPSETID_TUNER: the TV tuner property set. */
export const PROPSETID_TUNER: GUID = '6A2E0605-28E4-11D0-A18C-00A0C9118956'
/** KSPROPERTY_TUNER_CAPS (GET, KSPROPERTY_TUNER_CAPS_S): supported modes and the tuner's mediums. */
export const KSPROPERTY_TUNER_CAPS = 0
/** KSPROPERTY_TUNER_MODE_CAPS (GET, KSPROPERTY_TUNER_MODE_CAPS_S): standards and frequency range of one mode. */
export const KSPROPERTY_TUNER_MODE_CAPS = 1
/** KSPROPERTY_TUNER_MODE (GET/SET, KSPROPERTY_TUNER_MODE_S): TV, FM, AM, DSS or ATSC. */
export const KSPROPERTY_TUNER_MODE = 2
/** KSPROPERTY_TUNER_STANDARD (GET/SET, KSPROPERTY_TUNER_STANDARD_S): a KS_AnalogVideo_* standard. */
export const KSPROPERTY_TUNER_STANDARD = 3
/** KSPROPERTY_TUNER_FREQUENCY (GET/SET, KSPROPERTY_TUNER_FREQUENCY_S): the tuned frequency and channel. */
export const KSPROPERTY_TUNER_FREQUENCY = 4
/** KSPROPERTY_TUNER_INPUT (GET/SET, KSPROPERTY_TUNER_INPUT_S): antenna or cable input. */
export const KSPROPERTY_TUNER_INPUT = 5
/** KSPROPERTY_TUNER_STATUS (GET, KSPROPERTY_TUNER_STATUS_S): PLL offset, signal strength, busy. */
export const KSPROPERTY_TUNER_STATUS = 6
/** KSPROPERTY_TUNER_IF_MEDIUM (GET, KSPROPERTY_TUNER_IF_MEDIUM_S): the IF output medium. */
export const KSPROPERTY_TUNER_IF_MEDIUM = 7

/** KSPROPERTY_TUNER_MODES: the tuner's modes (bits of ModesSupported). */
export const KSPROPERTY_TUNER_MODE_TV = 0x0001
/** KSPROPERTY_TUNER_MODES: KSPROPERTY_TUNER_MODE_FM_RADIO. */
export const KSPROPERTY_TUNER_MODE_FM_RADIO = 0x0002
/** KSPROPERTY_TUNER_MODES: KSPROPERTY_TUNER_MODE_AM_RADIO. */
export const KSPROPERTY_TUNER_MODE_AM_RADIO = 0x0004
/** KSPROPERTY_TUNER_MODES: KSPROPERTY_TUNER_MODE_DSS. */
export const KSPROPERTY_TUNER_MODE_DSS = 0x0008
/** KSPROPERTY_TUNER_MODES: KSPROPERTY_TUNER_MODE_ATSC. */
export const KSPROPERTY_TUNER_MODE_ATSC = 0x0010

/** KS_TUNER_TUNING_FLAGS (TuningFlags): tune exactly, fine or coarse. */
export const KS_TUNER_TUNING_EXACT = 1
/** KS_TUNER_TUNING_FLAGS (TuningFlags): KS_TUNER_TUNING_FINE. */
export const KS_TUNER_TUNING_FINE = 2
/** KS_TUNER_TUNING_FLAGS (TuningFlags): KS_TUNER_TUNING_COARSE. */
export const KS_TUNER_TUNING_COARSE = 3

/** KS_TUNER_STRATEGY (Strategy): how the tuner finds the exact frequency. */
export const KS_TUNER_STRATEGY_PLL = 0x01
/** KS_TUNER_STRATEGY (Strategy): KS_TUNER_STRATEGY_SIGNAL_STRENGTH. */
export const KS_TUNER_STRATEGY_SIGNAL_STRENGTH = 0x02
/** KS_TUNER_STRATEGY (Strategy): KS_TUNER_STRATEGY_DRIVER_TUNES. */
export const KS_TUNER_STRATEGY_DRIVER_TUNES = 0x04

/** KSPROPERTY_TUNER_CAPS_S */
export interface KSPROPERTY_TUNER_CAPS_S {
  Property: KSPROPERTY
  /** KSPROPERTY_TUNER_MODE_* bits. */
  ModesSupported: number
  VideoMedium: KSPIN_MEDIUM
  TVAudioMedium: KSPIN_MEDIUM
  RadioAudioMedium: KSPIN_MEDIUM
}

/** KSPROPERTY_TUNER_IF_MEDIUM_S */
export interface KSPROPERTY_TUNER_IF_MEDIUM_S {
  Property: KSPROPERTY
  IFMedium: KSPIN_MEDIUM
}

/** KSPROPERTY_TUNER_MODE_CAPS_S: the caller sets Mode; the driver fills the rest. */
export interface KSPROPERTY_TUNER_MODE_CAPS_S {
  Property: KSPROPERTY
  Mode: number
  /** KS_AnalogVideo_* bits. */
  StandardsSupported: number
  /** Hz. */
  MinFrequency: number
  /** Hz. */
  MaxFrequency: number
  /** Hz. */
  TuningGranularity: number
  NumberOfInputs: number
  /** Milliseconds to settle after a tune. */
  SettlingTime: number
  /** KS_TUNER_STRATEGY_* */
  Strategy: number
}

/** KSPROPERTY_TUNER_MODE_S */
export interface KSPROPERTY_TUNER_MODE_S {
  Property: KSPROPERTY
  Mode: number
}

/** KSPROPERTY_TUNER_FREQUENCY_S */
export interface KSPROPERTY_TUNER_FREQUENCY_S {
  Property: KSPROPERTY
  /** Hz. */
  Frequency: number
  /** Hz: the frequency before this tune. */
  LastFrequency: number
  /** KS_TUNER_TUNING_* */
  TuningFlags: number
  VideoSubChannel: number
  AudioSubChannel: number
  Channel: number
  Country: number
}

/** KSPROPERTY_TUNER_STANDARD_S */
export interface KSPROPERTY_TUNER_STANDARD_S {
  Property: KSPROPERTY
  /** A KS_AnalogVideo_* value. */
  Standard: number
}

/** KSPROPERTY_TUNER_INPUT_S */
export interface KSPROPERTY_TUNER_INPUT_S {
  Property: KSPROPERTY
  InputIndex: number
}

/** KSPROPERTY_TUNER_STATUS_S */
export interface KSPROPERTY_TUNER_STATUS_S {
  Property: KSPROPERTY
  CurrentFrequency: number
  PLLOffset: number
  SignalStrength: number
  /** TRUE while the tuner is still settling. */
  Busy: number
}

/** EVENTSETID_TUNER: the tuner event set. */
export const EVENTSETID_TUNER: GUID = '6A2E0606-28E4-11D0-A18C-00A0C9118956'
/** KSEVENT_TUNER_CHANGED: a tune started or ended. */
export const KSEVENT_TUNER_CHANGED = 0

/** KS_TVTUNER_CHANGE_INFO.dwFlags: a tune begins / ends (in KS_VBI_FRAME_INFO.TvTunerChangeInfo). */
export const KS_TVTUNER_CHANGE_BEGIN_TUNE = 0x0001
/** KS_TVTUNER_CHANGE_INFO.dwFlags: KS_TVTUNER_CHANGE_END_TUNE. */
export const KS_TVTUNER_CHANGE_END_TUNE = 0x0002

/** KS_TVTUNER_CHANGE_INFO: what a tune changed, reported to VBI consumers. */
export interface KS_TVTUNER_CHANGE_INFO {
  dwFlags: number
  dwCountryCode: number
  dwAnalogVideoStandard: number
  dwChannel: number
}

/** PROPSETID_VIDCAP_TVAUDIO: the TV audio (stereo/SAP decoder) property set. */
export const PROPSETID_VIDCAP_TVAUDIO: GUID = '6A2E0650-28E4-11D0-A18C-00A0C9118956'
/** KSPROPERTY_TVAUDIO_CAPS (GET, KSPROPERTY_TVAUDIO_CAPS_S) */
export const KSPROPERTY_TVAUDIO_CAPS = 0
/** KSPROPERTY_TVAUDIO_MODE (GET/SET, KSPROPERTY_TVAUDIO_S) */
export const KSPROPERTY_TVAUDIO_MODE = 1
/** KSPROPERTY_TVAUDIO_CURRENTLY_AVAILABLE_MODES (GET, KSPROPERTY_TVAUDIO_S) */
export const KSPROPERTY_TVAUDIO_CURRENTLY_AVAILABLE_MODES = 2

/** KS_TVAUDIO_MODE_*: TV audio modes (bits of Capabilities and Mode). */
export const KS_TVAUDIO_MODE_MONO = 0x0001
/** KS_TVAUDIO_MODE_*: KS_TVAUDIO_MODE_STEREO. */
export const KS_TVAUDIO_MODE_STEREO = 0x0002
/** KS_TVAUDIO_MODE_*: KS_TVAUDIO_MODE_LANG_A. */
export const KS_TVAUDIO_MODE_LANG_A = 0x0010
/** KS_TVAUDIO_MODE_*: KS_TVAUDIO_MODE_LANG_B. */
export const KS_TVAUDIO_MODE_LANG_B = 0x0020
/** KS_TVAUDIO_MODE_*: KS_TVAUDIO_MODE_LANG_C. */
export const KS_TVAUDIO_MODE_LANG_C = 0x0040

/** KSPROPERTY_TVAUDIO_CAPS_S */
export interface KSPROPERTY_TVAUDIO_CAPS_S {
  Property: KSPROPERTY
  /** KS_TVAUDIO_MODE_* bits. */
  Capabilities: number
  InputMedium: KSPIN_MEDIUM
  OutputMedium: KSPIN_MEDIUM
}

/** KSPROPERTY_TVAUDIO_S */
export interface KSPROPERTY_TVAUDIO_S {
  Property: KSPROPERTY
  /** KS_TVAUDIO_MODE_* bits. */
  Mode: number
}

/** KSEVENTSETID_VIDCAP_TVAUDIO: the TV audio event set. */
export const KSEVENTSETID_VIDCAP_TVAUDIO: GUID = '6A2E0651-28E4-11D0-A18C-00A0C9118956'
/** KSEVENT_TVAUDIO_CHANGED: the available audio modes changed. */
export const KSEVENT_TVAUDIO_CHANGED = 0
