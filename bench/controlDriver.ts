/**
 * The smallest synchronized minidriver: one stream, every request completed on the spot with
 * StreamClassCompleteRequestAndMarkQueueReady. The benchmark uses it to measure the class driver's
 * own cost per SRB round trip.
 */
import {
  KSDATAFORMAT_SPECIFIER_NONE,
  KSDATAFORMAT_SUBTYPE_YUY2,
  KSDATAFORMAT_TYPE_VIDEO,
  KSPIN_DATAFLOW_OUT,
  KSSTATE_STOP,
  PINNAME_VIDEO_CAPTURE,
  SRB_GET_DATA_INTERSECTION,
  SRB_GET_STREAM_INFO,
  SRB_GET_STREAM_STATE,
  SRB_INITIALIZE_DEVICE,
  SRB_OPEN_STREAM,
  STATUS_SUCCESS,
  StreamClassCompleteRequestAndMarkQueueReady,
  StreamClassRegisterMinidriver,
  sizeof,
  type HW_STREAM_INFORMATION,
  type HW_STREAM_REQUEST_BLOCK,
} from 'strmini'

const Range = {
  DataRange: { FormatSize: sizeof('KSDATARANGE'), Flags: 0, SampleSize: 4096, Reserved: 0, MajorFormat: KSDATAFORMAT_TYPE_VIDEO, SubFormat: KSDATAFORMAT_SUBTYPE_YUY2, Specifier: KSDATAFORMAT_SPECIFIER_NONE },
}

function StreamInfo(): HW_STREAM_INFORMATION {
  return {
    NumberOfPossibleInstances: 1,
    DataFlow: KSPIN_DATAFLOW_OUT,
    DataAccessible: 1,
    NumberOfFormatArrayEntries: 1,
    StreamFormatsArray: [Range],
    ClassReserved: [],
    NumStreamPropArrayEntries: 0,
    StreamPropertiesArray: null,
    NumStreamEventArrayEntries: 0,
    StreamEventsArray: null,
    Category: PINNAME_VIDEO_CAPTURE,
    Name: null,
    MediumsCount: 0,
    Mediums: null,
    BridgeStream: 0,
    Reserved: [],
  }
}

export function DriverEntry(DriverObject: unknown, RegistryPath: unknown): number {
  return StreamClassRegisterMinidriver(DriverObject, RegistryPath, {
    HwInitializationDataSize: sizeof('HW_INITIALIZATION_DATA'),
    HwReceivePacket: ReceivePacket,
    TurnOffSynchronization: 0,
  })
}

function ReceivePacket(srb: HW_STREAM_REQUEST_BLOCK): void {
  srb.Status = STATUS_SUCCESS
  switch (srb.Command) {
    case SRB_INITIALIZE_DEVICE:
      srb.CommandData.ConfigInfo!.StreamDescriptorSize = sizeof('HW_STREAM_HEADER') + sizeof('HW_STREAM_INFORMATION')
      break
    case SRB_GET_STREAM_INFO: {
      const d = srb.CommandData.StreamBuffer!
      d.StreamHeader.NumberOfStreams = 1
      d.StreamHeader.SizeOfHwStreamInformation = sizeof('HW_STREAM_INFORMATION')
      d.StreamInfo[0] = StreamInfo()
      break
    }
    case SRB_GET_DATA_INTERSECTION: {
      const info = srb.CommandData.IntersectInfo!
      if (info.SizeOfDataFormatBuffer === sizeof('ULONG')) {
        info.DataFormatBuffer = sizeof('KSDATAFORMAT')
        srb.ActualBytesTransferred = sizeof('ULONG')
      } else {
        info.DataFormatBuffer = { DataFormat: { ...Range.DataRange, FormatSize: sizeof('KSDATAFORMAT') } }
        srb.ActualBytesTransferred = sizeof('KSDATAFORMAT')
      }
      break
    }
    case SRB_OPEN_STREAM:
      srb.StreamObject!.ReceiveControlPacket = ControlPacket
      srb.StreamObject!.ReceiveDataPacket = ControlPacket
      break
  }
  StreamClassCompleteRequestAndMarkQueueReady(srb)
}

function ControlPacket(srb: HW_STREAM_REQUEST_BLOCK): void {
  srb.Status = STATUS_SUCCESS
  if (srb.Command === SRB_GET_STREAM_STATE) {
    srb.CommandData.StreamState = KSSTATE_STOP
    srb.ActualBytesTransferred = sizeof('KSSTATE')
  }
  StreamClassCompleteRequestAndMarkQueueReady(srb)
}
