/**
 * A capture driver for the format tests, made from test/drivers/base.ts: the video ranges it declares
 * are the test's, its SRB_GET_DATA_INTERSECTION matches the caller's range against its own exactly
 * (GUIDs, FormatSize, flags, ConfigCaps: what DDK testcap does with RtlCompareMemory) and answers
 * STATUS_NO_MATCH otherwise, and in RUN a stream timer completes one read per frame with KS_FRAME_INFO.
 * It records the index of the range each intersection matched and the format each open got.
 */
import { probe } from '../helpers/run.js'

/** One declared video range: subtype name (a `S.KSDATAFORMAT_SUBTYPE_*` / FOURCC pair is derived), size, fps. */
export interface DriverRange {
  subtype: 'YUY2' | 'UYVY' | 'RGB24'
  width: number
  height: number
  fps: number
}

const SUBTYPES: Record<DriverRange['subtype'], { guid: string; compression: string; bits: number }> = {
  YUY2: { guid: 'S.KSDATAFORMAT_SUBTYPE_YUY2', compression: 'S.FOURCC_YUY2', bits: 16 },
  UYVY: { guid: 'S.KSDATAFORMAT_SUBTYPE_UYVY', compression: 'S.FOURCC_UYVY', bits: 16 },
  RGB24: { guid: 'S.KSDATAFORMAT_SUBTYPE_RGB24', compression: 'S.KS_BI_RGB', bits: 24 },
}

function rangeSource(r: DriverRange): string {
  const s = SUBTYPES[r.subtype]
  const interval = Math.round(10_000_000 / r.fps)
  const size = Math.floor((r.width * s.bits + 31) / 32) * 4 * r.height
  return `{
    ...structuredClone(range),
    DataRange: { ...range.DataRange, SubFormat: ${s.guid}, SampleSize: ${size} },
    ConfigCaps: { ...range.ConfigCaps, InputSize: { cx: ${r.width}, cy: ${r.height} }, MinOutputSize: { cx: ${r.width}, cy: ${r.height} }, MaxOutputSize: { cx: ${r.width}, cy: ${r.height} },
      MinCroppingSize: { cx: ${r.width}, cy: ${r.height} }, MaxCroppingSize: { cx: ${r.width}, cy: ${r.height} }, MinFrameInterval: ${interval}, MaxFrameInterval: ${interval} },
    VideoInfoHeader: { ...range.VideoInfoHeader, AvgTimePerFrame: ${interval},
      bmiHeader: { ...range.VideoInfoHeader.bmiHeader, biWidth: ${r.width}, biHeight: ${r.height}, biBitCount: ${s.bits}, biCompression: ${s.compression}, biSizeImage: ${size} } },
  }`
}

/**
 * The driver's source, declaring `ranges` on its one video stream. `doubleCompleteInit`: it completes
 * SRB_INITIALIZATION_COMPLETE twice, a verifier error during start-device.
 */
export function exactMatchDriver(ranges: DriverRange[], options: { doubleCompleteInit?: boolean } = {}): string {
  const prelude = `import { range } from './base'
export const intersections: number[] = []
export const opened: any[] = []
const RANGES: S.KS_DATARANGE_VIDEO[] = [${ranges.map(rangeSource).join(',\n')}]
let picture = 0
let running = false

// Exact match, as testcap's AdapterFormatFromRange: every field of the range but the video info header.
function sameRange(a: any, b: any): boolean {
  const h = (x: any) => x.DataRange ?? x
  return S.IsEqualGUID(h(a).MajorFormat, h(b).MajorFormat) && S.IsEqualGUID(h(a).SubFormat, h(b).SubFormat) && S.IsEqualGUID(h(a).Specifier, h(b).Specifier) &&
    h(a).FormatSize === h(b).FormatSize && h(a).Flags === h(b).Flags && a.bFixedSizeSamples === b.bFixedSizeSamples && a.bTemporalCompression === b.bTemporalCompression &&
    a.StreamDescriptionFlags === b.StreamDescriptionFlags && a.MemoryAllocationFlags === b.MemoryAllocationFlags && JSON.stringify(a.ConfigCaps) === JSON.stringify(b.ConfigCaps)
}

function intersect(srb: S.HW_STREAM_REQUEST_BLOCK): void {
  const info = srb.CommandData.IntersectInfo!
  const caller = info.DataRange as any
  const i = RANGES.findIndex((r) => sameRange(caller, r))
  const size = S.sizeof('KS_DATAFORMAT_VIDEOINFOHEADER')
  srb.Status = S.STATUS_SUCCESS
  if (i < 0) srb.Status = S.STATUS_NO_MATCH
  else if (info.SizeOfDataFormatBuffer === S.sizeof('ULONG')) {
    info.DataFormatBuffer = size
    srb.ActualBytesTransferred = S.sizeof('ULONG')
  } else if (info.SizeOfDataFormatBuffer < size) srb.Status = S.STATUS_BUFFER_TOO_SMALL
  else {
    intersections.push(i)
    info.DataFormatBuffer = { DataFormat: { ...RANGES[i].DataRange, FormatSize: size }, VideoInfoHeader: structuredClone(caller.VideoInfoHeader) }
    srb.ActualBytesTransferred = size
  }
  completeDevice(srb)
}

function frame(context: unknown): void {
  if (!running) return
  const srb = reads.shift()
  if (srb !== undefined) {
    const header = srb.CommandData.DataBufferArray![0]
    header.DataUsed = vih().bmiHeader.biSizeImage
    header.MediaSpecific.ExtendedHeaderSize = S.sizeof('KS_FRAME_INFO')
    header.MediaSpecific.PictureNumber = ++picture
    header.OptionsFlags = S.KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT
    srb.Status = S.STATUS_SUCCESS
    S.StreamClassStreamNotification(S.StreamRequestComplete, srb.StreamObject!, srb)
  } else picture++
  S.StreamClassScheduleTimer(handles.stream, handles.ext, Math.floor(vih().AvgTimePerFrame / 10), frame, context)
}
const vih = () => opened[opened.length - 1].VideoInfoHeader
`
  const hooks = `
  streamInfo: (info) => { info.StreamFormatsArray = RANGES; info.NumberOfFormatArrayEntries = RANGES.length },
  device: (srb) => {
    if (srb.Command === S.SRB_GET_DATA_INTERSECTION) { intersect(srb); return true }
    if (srb.Command === S.SRB_INITIALIZATION_COMPLETE && ${options.doubleCompleteInit === true}) { srb.Status = S.STATUS_SUCCESS; completeDevice(srb); completeDevice(srb); return true }
    if (srb.Command === S.SRB_OPEN_STREAM) opened.push(structuredClone(srb.CommandData.OpenFormat))
  },
  control: (srb) => {
    if (srb.Command !== S.SRB_SET_STREAM_STATE) return
    const state = srb.CommandData.StreamState
    if (state === S.KSSTATE_RUN && !running) { running = true; S.StreamClassScheduleTimer(srb.StreamObject, srb.HwDeviceExtension, Math.floor(vih().AvgTimePerFrame / 10), frame, null) }
    if (state !== S.KSSTATE_RUN && running) { running = false; S.StreamClassScheduleTimer(srb.StreamObject, srb.HwDeviceExtension, 0, null, null) }
  },`
  return probe(hooks, prelude)
}
