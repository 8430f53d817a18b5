/**
 * ksmedia.h: the analog video crossbar (PROPSETID_VIDCAP_CROSSBAR): which physical input (tuner,
 * composite, S-Video...) is routed to the video decoder. A capture driver of the DDK era exposes it
 * as a filter with no KS pins (StreamClassRegisterFilterWithNoKSPins with KSCATEGORY_CROSSBAR).
 */
import type { GUID, KSPIN_MEDIUM, KSPROPERTY } from './ks.js'

/** PROPSETID_VIDCAP_CROSSBAR: the crossbar property set. */
export const PROPSETID_VIDCAP_CROSSBAR: GUID = '6A2E0640-28E4-11D0-A18C-00A0C9118956'
/** KSPROPERTY_CROSSBAR_CAPS (GET, KSPROPERTY_CROSSBAR_CAPS_S): the number of inputs and outputs. */
export const KSPROPERTY_CROSSBAR_CAPS = 0
/** KSPROPERTY_CROSSBAR_PININFO (GET, KSPROPERTY_CROSSBAR_PININFO_S): one pin's type, related pin and medium. */
export const KSPROPERTY_CROSSBAR_PININFO = 1
/** KSPROPERTY_CROSSBAR_CAN_ROUTE (GET, KSPROPERTY_CROSSBAR_ROUTE_S): whether an input can be routed to an output. */
export const KSPROPERTY_CROSSBAR_CAN_ROUTE = 2
/** KSPROPERTY_CROSSBAR_ROUTE (GET/SET, KSPROPERTY_CROSSBAR_ROUTE_S): the input routed to an output. */
export const KSPROPERTY_CROSSBAR_ROUTE = 3
/** KSPROPERTY_CROSSBAR_INPUT_ACTIVE (GET, KSPROPERTY_CROSSBAR_ACTIVE_S): whether an input has a signal. */
export const KSPROPERTY_CROSSBAR_INPUT_ACTIVE = 4

/** KSPROPERTY_CROSSBAR_CAPS_S: the crossbar's pin counts. */
export interface KSPROPERTY_CROSSBAR_CAPS_S {
  /** The request's KSPROPERTY header (a copy of the request). */
  Property: KSPROPERTY
  NumberOfInputs: number
  NumberOfOutputs: number
}

/** KSPROPERTY_CROSSBAR_PININFO_S: the caller sets Direction and Index; the driver fills the rest. */
export interface KSPROPERTY_CROSSBAR_PININFO_S {
  Property: KSPROPERTY
  /** KSPIN_DATAFLOW_IN for an input, KSPIN_DATAFLOW_OUT for an output. */
  Direction: number
  /** The pin's index among the inputs or the outputs. */
  Index: number
  /** A KS_PhysConn_* value. */
  PinType: number
  /** The index of the audio pin that goes with a video pin (or the reverse), 0xFFFFFFFF for none. */
  RelatedPinIndex: number
  /** The pin's medium, for the graph builder to connect filters without KS pins. */
  Medium: KSPIN_MEDIUM
}

/** KSPROPERTY_CROSSBAR_ROUTE_S: a route from an input to an output. */
export interface KSPROPERTY_CROSSBAR_ROUTE_S {
  Property: KSPROPERTY
  IndexInputPin: number
  IndexOutputPin: number
  /** CAN_ROUTE: TRUE when the route is possible. ROUTE GET: TRUE when it is the current route. */
  CanRoute: number
}

/** KSPROPERTY_CROSSBAR_ACTIVE_S: whether an input is active. */
export interface KSPROPERTY_CROSSBAR_ACTIVE_S {
  Property: KSPROPERTY
  IndexInputPin: number
  /** TRUE when the input carries a signal. */
  Active: number
}

/** EVENTSETID_CROSSBAR: the crossbar event set. */
export const EVENTSETID_CROSSBAR: GUID = '6A2E0641-28E4-11D0-A18C-00A0C9118956'
/** KSEVENT_CROSSBAR_CHANGED: the routing changed. */
export const KSEVENT_CROSSBAR_CHANGED = 0

/** KS_PhysicalConnectorType: video connectors (PinType of a crossbar pin). */
export const KS_PhysConn_Video_Tuner = 1
/** KS_PhysicalConnectorType: KS_PhysConn_Video_Composite. */
export const KS_PhysConn_Video_Composite = 2
/** KS_PhysicalConnectorType: KS_PhysConn_Video_SVideo. */
export const KS_PhysConn_Video_SVideo = 3
/** KS_PhysicalConnectorType: KS_PhysConn_Video_RGB. */
export const KS_PhysConn_Video_RGB = 4
/** KS_PhysicalConnectorType: KS_PhysConn_Video_YRYBY. */
export const KS_PhysConn_Video_YRYBY = 5
/** KS_PhysicalConnectorType: KS_PhysConn_Video_SerialDigital. */
export const KS_PhysConn_Video_SerialDigital = 6
/** KS_PhysicalConnectorType: KS_PhysConn_Video_ParallelDigital. */
export const KS_PhysConn_Video_ParallelDigital = 7
/** KS_PhysicalConnectorType: KS_PhysConn_Video_SCSI. */
export const KS_PhysConn_Video_SCSI = 8
/** KS_PhysicalConnectorType: KS_PhysConn_Video_AUX. */
export const KS_PhysConn_Video_AUX = 9
/** KS_PhysicalConnectorType: KS_PhysConn_Video_1394. */
export const KS_PhysConn_Video_1394 = 10
/** KS_PhysicalConnectorType: KS_PhysConn_Video_USB. */
export const KS_PhysConn_Video_USB = 11
/** The crossbar output that feeds the video decoder. */
export const KS_PhysConn_Video_VideoDecoder = 12
/** The crossbar output that feeds the video decoder.: KS_PhysConn_Video_VideoEncoder. */
export const KS_PhysConn_Video_VideoEncoder = 13
/** The crossbar output that feeds the video decoder.: KS_PhysConn_Video_SCART. */
export const KS_PhysConn_Video_SCART = 14
/** KS_PhysicalConnectorType: audio connectors (4096 and up). */
export const KS_PhysConn_Audio_Tuner = 4096
/** KS_PhysicalConnectorType: KS_PhysConn_Audio_Line. */
export const KS_PhysConn_Audio_Line = 4097
/** KS_PhysicalConnectorType: KS_PhysConn_Audio_Mic. */
export const KS_PhysConn_Audio_Mic = 4098
/** KS_PhysicalConnectorType: KS_PhysConn_Audio_AESDigital. */
export const KS_PhysConn_Audio_AESDigital = 4099
/** KS_PhysicalConnectorType: KS_PhysConn_Audio_SPDIFDigital. */
export const KS_PhysConn_Audio_SPDIFDigital = 4100
/** KS_PhysicalConnectorType: KS_PhysConn_Audio_SCSI. */
export const KS_PhysConn_Audio_SCSI = 4101
/** KS_PhysicalConnectorType: KS_PhysConn_Audio_AUX. */
export const KS_PhysConn_Audio_AUX = 4102
/** KS_PhysicalConnectorType: KS_PhysConn_Audio_1394. */
export const KS_PhysConn_Audio_1394 = 4103
/** KS_PhysicalConnectorType: KS_PhysConn_Audio_USB. */
export const KS_PhysConn_Audio_USB = 4104
/** The crossbar output that feeds the audio decoder. */
export const KS_PhysConn_Audio_AudioDecoder = 4105
