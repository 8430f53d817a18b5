/**
 * A stream class minidriver skeleton: it registers with the class driver, answers the device
 * requests of PnP start and stop, and has no streams yet. Add streams in SRB_GET_STREAM_INFO
 * (a HW_STREAM_INFORMATION per pin, see examples/testcap.ts) and handle SRB_OPEN_STREAM.
 *
 * Synchronization is on: the class driver calls one routine at a time, so nothing here needs a lock,
 * and every request ends with StreamClassCompleteRequestAndMarkQueueReady.
 */
import {
  SRB_CHANGE_POWER_STATE,
  SRB_GET_STREAM_INFO,
  SRB_INITIALIZATION_COMPLETE,
  SRB_INITIALIZE_DEVICE,
  SRB_UNINITIALIZE_DEVICE,
  STATUS_NOT_IMPLEMENTED,
  STATUS_SUCCESS,
  StreamClassCompleteRequestAndMarkQueueReady,
  StreamClassRegisterMinidriver,
  FALSE,
  sizeof,
  type HW_INITIALIZATION_DATA,
  type HW_STREAM_REQUEST_BLOCK,
} from 'strmini'

/** The device extension: the class driver allocates DeviceExtensionSize bytes of it per device. */
interface DEVICE_EXTENSION {
  Started: boolean
}

export function DriverEntry(DriverObject: unknown, RegistryPath: unknown): number {
  const HwInitData: HW_INITIALIZATION_DATA = {
    HwInitializationDataSize: sizeof('HW_INITIALIZATION_DATA'),
    HwInterrupt: null,
    HwReceivePacket: HwReceivePacket,
    HwCancelPacket: HwCancelPacket,
    HwRequestTimeoutHandler: HwRequestTimeoutHandler,
    DeviceExtensionSize: 16,
    PerRequestExtensionSize: 0,
    PerStreamExtensionSize: 0,
    FilterInstanceExtensionSize: 0,
    BusMasterDMA: FALSE,
    BufferAlignment: 3,
    TurnOffSynchronization: FALSE,
    DmaBufferSize: 0,
  }
  return StreamClassRegisterMinidriver(DriverObject, RegistryPath, HwInitData)
}

/** Device requests (SRB_*): PnP, power, stream information, opening streams. */
export function HwReceivePacket(srb: HW_STREAM_REQUEST_BLOCK): void {
  const ext = srb.HwDeviceExtension as DEVICE_EXTENSION
  srb.Status = STATUS_SUCCESS
  switch (srb.Command) {
    case SRB_INITIALIZE_DEVICE:
      // ConfigInfo describes the hardware (access ranges, interrupt); say how big the stream descriptor is.
      srb.CommandData.ConfigInfo!.StreamDescriptorSize = sizeof('HW_STREAM_HEADER')
      ext.Started = true
      break
    case SRB_GET_STREAM_INFO: {
      const descriptor = srb.CommandData.StreamBuffer!
      descriptor.StreamHeader.NumberOfStreams = 0
      descriptor.StreamHeader.SizeOfHwStreamInformation = sizeof('HW_STREAM_INFORMATION')
      break
    }
    case SRB_INITIALIZATION_COMPLETE:
      break
    case SRB_CHANGE_POWER_STATE:
      break
    case SRB_UNINITIALIZE_DEVICE:
      ext.Started = false
      break
    default:
      srb.Status = STATUS_NOT_IMPLEMENTED
  }
  StreamClassCompleteRequestAndMarkQueueReady(srb)
}

/** The application gave up on a request: nothing is ever left pending here, so there is nothing to cancel. */
export function HwCancelPacket(srb: HW_STREAM_REQUEST_BLOCK): void {}

/** A request outlived its TimeoutCounter: every request completes at once, so this does not happen. */
export function HwRequestTimeoutHandler(srb: HW_STREAM_REQUEST_BLOCK): void {}
