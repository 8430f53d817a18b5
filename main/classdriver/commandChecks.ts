/**
 * What the class driver verifies when the minidriver completes particular commands. Each check runs
 * inside the completion notification, so a finding points at the line that completed the SRB (or, for
 * checks of the state after a callback, runs when that callback returns).
 */
import type { HeldSrbs } from './heldSrbs.js'
import { srbRef, type Srb, type StreamHeader } from './srb.js'
import type { StreamInstance } from './stream.js'
import type { Verifier } from './verifier/verifier.js'
import {
  KSSTREAM_HEADER_OPTIONSF_DURATIONVALID,
  KSSTREAM_HEADER_OPTIONSF_TIMEVALID,
} from './wdk/ks.js'
import { STATUS_SUCCESS } from './wdk/ntstatus.js'
import { STRUCT_SIZES } from './wdk/sizes.js'
import { SRB_GET_DEVICE_PROPERTY, SRB_GET_STREAM_PROPERTY, SRB_READ_DATA } from './wdk/srbCommands.js'
import type { HW_STREAM_DESCRIPTOR, STREAM_DATA_INTERSECT_INFO, STREAM_PROPERTY_DESCRIPTOR } from './wdk/strminiTypes.js'

/** What the checks read of the device; most need only its verifier. */
export interface CheckedDevice {
  readonly verifier: Verifier
  readonly streams: readonly StreamInstance[]
  readonly held: HeldSrbs
  readonly timers: { pending(owner: StreamInstance | null): boolean }
  readonly priority: { pending(owner: StreamInstance | null): boolean }
}
type Reporting = Pick<CheckedDevice, 'verifier'>

const HEADER = STRUCT_SIZES.HW_STREAM_HEADER
const INFO = STRUCT_SIZES.HW_STREAM_INFORMATION

/** SRB_GET_STREAM_INFO must fit in StreamDescriptorSize (docs/classdriver.md#rule-basis). */
export function checkStreamInfo(device: Reporting, srb: Srb, descriptor: HW_STREAM_DESCRIPTOR, size: number, capacity: number): void {
  if (srb._Status !== STATUS_SUCCESS) return
  const h = descriptor.StreamHeader
  const n = h.NumberOfStreams >>> 0
  const stride = h.SizeOfHwStreamInformation >>> 0
  const ref = srbRef(srb)
  if (descriptor.StreamInfo.length > capacity) {
    device.verifier.report(
      'stream-descriptor-size',
      `GET_STREAM_INFO wrote ${descriptor.StreamInfo.length} HW_STREAM_INFORMATION entries but StreamDescriptorSize (${size}) has room for ${capacity}`,
      { srb: ref },
    )
  }
  const needed = HEADER + n * Math.max(stride, INFO)
  if (needed > size) {
    device.verifier.report(
      'stream-descriptor-size',
      `NumberOfStreams ${n} × SizeOfHwStreamInformation ${stride} + header ${HEADER} = ${needed} bytes exceeds StreamDescriptorSize ${size}`,
      { srb: ref },
    )
  }
  if (n > 0 && stride !== INFO) {
    device.verifier.report('stream-descriptor-size', `SizeOfHwStreamInformation is ${stride}; it must be sizeof(HW_STREAM_INFORMATION) = ${INFO}`, { srb: ref })
  }
}

/** SRB_OPEN_STREAM: the required stream object fields, and the instance limit (docs/classdriver.md#rule-basis). */
export function checkOpenStream(device: Pick<CheckedDevice, 'verifier' | 'streams'>, srb: Srb, stream: StreamInstance): void {
  if (srb._Status !== STATUS_SUCCESS) return
  const o = stream.object
  const ref = srbRef(srb)
  const missing: string[] = []
  if (typeof o.ReceiveDataPacket !== 'function') missing.push('ReceiveDataPacket')
  if (typeof o.ReceiveControlPacket !== 'function') missing.push('ReceiveControlPacket')
  if ((o.HwClockObject?.ClockSupportFlags ?? 0) !== 0 && typeof o.HwClockObject.HwClockFunction !== 'function') missing.push('HwClockObject.HwClockFunction (ClockSupportFlags are set)')
  if ((stream.info.NumStreamEventArrayEntries ?? 0) > 0 && typeof o.HwEventRoutine !== 'function') missing.push('HwEventRoutine (the stream declares event sets)')
  if (missing.length > 0) {
    device.verifier.report('open-stream-incomplete', `SRB_OPEN_STREAM for stream ${stream.number} succeeded without ${missing.join(', ')}`, { srb: ref })
  }
  const limit = stream.info.NumberOfPossibleInstances >>> 0
  const open = device.streams.filter((s) => s.number === stream.number && !s.closed).length
  if (open > limit) {
    device.verifier.report('too-many-instances', `stream ${stream.number} now has ${open} open instances; NumberOfPossibleInstances is ${limit} (return STATUS_TOO_MANY_NODES)`, { srb: ref })
  }
}

/** SRB_GET_DATA_INTERSECTION conventions (docs/classdriver.md#rule-basis). */
export function checkIntersection(device: Reporting, srb: Srb, info: STREAM_DATA_INTERSECT_INFO): void {
  if (srb._Status !== STATUS_SUCCESS) return
  const ref = srbRef(srb)
  const bytes = srb._NumberOfBytesToTransfer
  const buf = info.DataFormatBuffer
  if (info.SizeOfDataFormatBuffer === STRUCT_SIZES.ULONG) {
    if (typeof buf !== 'number' || bytes !== STRUCT_SIZES.ULONG) {
      device.verifier.report(
        'intersection-misuse',
        'size query (SizeOfDataFormatBuffer == sizeof(ULONG)) must store the needed size in DataFormatBuffer and set ActualBytesTransferred = 4',
        { srb: ref },
      )
    }
    return
  }
  if (buf === null || typeof buf !== 'object') {
    device.verifier.report('intersection-misuse', 'GET_DATA_INTERSECTION succeeded without a format in DataFormatBuffer', { srb: ref })
    return
  }
  const header = ((buf as any).DataFormat ?? (buf as any).DataRange ?? buf) as { FormatSize?: number }
  const size = header.FormatSize ?? 0
  if (size > info.SizeOfDataFormatBuffer) {
    device.verifier.report('intersection-misuse', `format of ${size} bytes written into a ${info.SizeOfDataFormatBuffer}-byte buffer; return STATUS_BUFFER_TOO_SMALL instead`, { srb: ref })
  }
  if (bytes === 0) {
    device.verifier.report('intersection-misuse', 'GET_DATA_INTERSECTION succeeded without setting ActualBytesTransferred', { srb: ref })
  } else if (size > 0 && bytes !== size) {
    device.verifier.report('intersection-misuse', `ActualBytesTransferred is ${bytes} but the format's FormatSize is ${size}`, { srb: ref })
  }
}

/** Property GET: within PropertyOutputSize and with the size set (docs/classdriver.md#rule-basis). */
export function checkProperty(device: Reporting, srb: Srb, descriptor: STREAM_PROPERTY_DESCRIPTOR): void {
  if (srb._Status !== STATUS_SUCCESS) return
  if (srb._Command !== SRB_GET_STREAM_PROPERTY && srb._Command !== SRB_GET_DEVICE_PROPERTY) return
  const bytes = srb._NumberOfBytesToTransfer
  const ref = srbRef(srb)
  if (bytes > descriptor.PropertyOutputSize) {
    device.verifier.report('property-overrun', `property GET returned ${bytes} bytes into a ${descriptor.PropertyOutputSize}-byte buffer; return STATUS_BUFFER_OVERFLOW`, { srb: ref })
  } else if (bytes === 0) {
    device.verifier.report('property-overrun', 'property GET succeeded without setting ActualBytesTransferred', { srb: ref })
  }
}

/** A completed read or write: sizes, time stamps, frame counters (docs/classdriver.md#rule-basis). */
export function checkDataCompletion(device: Reporting, srb: Srb, stream: StreamInstance): void {
  const headers = srb._CommandData.DataBufferArray as StreamHeader[]
  const ref = srbRef(srb)
  for (const h of headers) {
    if (h._DataUsed > h._FrameExtent) {
      device.verifier.report('buffer-overrun', `DataUsed ${h._DataUsed} exceeds FrameExtent ${h._FrameExtent}`, { srb: ref })
    }
    if (srb._Status !== STATUS_SUCCESS || srb._Command !== SRB_READ_DATA || h._DataUsed === 0) continue
    const flags = h._OptionsFlags
    const pt = h._PresentationTime
    if (flags & KSSTREAM_HEADER_OPTIONSF_TIMEVALID) {
      if (!pt || pt.Denominator === 0) {
        device.verifier.report('timestamp-invalid', 'TIMEVALID set with PresentationTime.Denominator = 0', { srb: ref })
      } else {
        const t = (pt.Time * pt.Numerator) / pt.Denominator
        if (t < stream.lastPresentationTime) {
          device.verifier.report('timestamp-invalid', `PresentationTime went backwards on ${stream.label}: ${t} after ${stream.lastPresentationTime} (100 ns)`, { srb: ref })
        }
        stream.lastPresentationTime = t
      }
    }
    if (flags & KSSTREAM_HEADER_OPTIONSF_DURATIONVALID && !(h._Duration > 0)) {
      device.verifier.report('timestamp-invalid', 'DURATIONVALID set without a Duration', { srb: ref })
    }
    const fi = h._frameInfo
    if (fi._written) {
      if (!stream.countersMayReset && (fi._PictureNumber < stream.lastPictureNumber || fi._DropCount < stream.lastDropCount)) {
        device.verifier.report(
          'counter-reset',
          `KS_FRAME_INFO counters went back (PictureNumber ${stream.lastPictureNumber} -> ${fi._PictureNumber}, DropCount ${stream.lastDropCount} -> ${fi._DropCount}) without a pass through STOP`,
          { srb: ref },
        )
      }
      stream.lastPictureNumber = fi._PictureNumber
      stream.lastDropCount = fi._DropCount
      stream.countersMayReset = false
    }
  }
}

/** After CLOSE_STREAM: nothing of the stream may be alive (docs/classdriver.md#rule-basis). */
export function checkCloseStream(device: Pick<CheckedDevice, 'verifier' | 'held' | 'timers' | 'priority'>, stream: StreamInstance): void {
  const v = device.verifier
  const at = { location: null, callback: null }
  for (const srb of device.held) {
    if (srb._StreamObject === stream.object) {
      v.report('outstanding-at-close', `${srb._Command === SRB_READ_DATA ? 'SRB_READ_DATA' : `SRB ${srb._Command}`} #${srb._id} of ${stream.label} is still outstanding after SRB_CLOSE_STREAM`, {
        ...at,
        srb: srbRef(srb),
      })
    }
  }
  if (device.timers.pending(stream)) v.report('outstanding-at-close', `a timer of ${stream.label} is still scheduled after SRB_CLOSE_STREAM`, at)
  if (device.priority.pending(stream)) v.report('outstanding-at-close', `a priority routine of ${stream.label} is still pending after SRB_CLOSE_STREAM`, at)
  if (stream.clockQueryPending) v.report('outstanding-at-close', `a master-clock query of ${stream.label} is still pending after SRB_CLOSE_STREAM`, at)
}
