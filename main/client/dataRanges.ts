/**
 * Which of the pin's data ranges the client hands to SRB_GET_DATA_INTERSECTION, the way the Windows
 * capture stack does it: it reads the pin's ranges (the stream information's StreamFormatsArray, what
 * KSPROPERTY_PIN_DATARANGES returns) and passes one of the driver's OWN ranges back, so a driver whose
 * intersection compares the caller's range with its own (GUIDs, FormatSize, flags, ConfigCaps by
 * RtlCompareMemory, as the DDK testcap sample does) matches. docs/scenarios.md, "Formats".
 */
import { copyFormat } from '../classdriver/device.js'
import * as ks from '../classdriver/wdk/ks.js'
import type { HW_STREAM_INFORMATION } from '../classdriver/wdk/strminiTypes.js'
import { VIDEO_SUBTYPES, clientRange, describeFormat, headerOf, imageSize } from './formats.js'
import type { ScenarioFormat, StepOf } from './scenario/schema.js'

/** How the range handed to the driver was chosen (the report's `run.formats[].chosen`). */
export type RangeChoiceKind =
  /** The driver's range number N, as the scenario asked (`range`, or `format: { range }`). */
  | 'index'
  /** The driver's range that offers the preferred format (`prefer`), adjusted to it where the range spans several. */
  | 'preferred'
  /** The driver's first range of the stream's kind: nothing was asked for, or the preferred format is not offered. */
  | 'first'
  /** The driver's range that offers the scenario's explicit `format`, adjusted to it where the range spans several. */
  | 'requested'
  /** No range of the driver's declares the explicit `format` (or it is "ANY"): the client's own range for it, and the driver's intersection decides. */
  | 'client'

/** The range to intersect with, and where it came from. */
export interface RangeChoice {
  /** A copy (the driver's own structure is never handed out), as the class driver would copy the bytes. */
  range: ks.PKSDATARANGE
  /** Its index in the stream's StreamFormatsArray; null for the client's own range. */
  index: number | null
  chosen: RangeChoiceKind
}

/** Why no range could be chosen; `notApplicable`: the driver lacks what the scenario needs (mdwb check skips). */
export interface RangeProblem {
  problem: string
  notApplicable: boolean
}

/** A scenario format other than a range index: what `prefer` takes. */
export type WantedFormat = Exclude<ScenarioFormat, { range: number }>

/** What a step asks of the stream's ranges: open-stream's `range` / `format` / `prefer` / `needsRanges`, or a format step's `format`. */
export interface RangeRequest {
  range?: number
  format?: ScenarioFormat
  prefer?: WantedFormat
  needsRanges?: number
}

/** The open-stream step's request. */
export function requestOf(step: StepOf<'open-stream'>): RangeRequest {
  return { range: step.range, format: step.format, prefer: step.prefer, needsRanges: step.needsRanges }
}

/** The ranges the stream declares: the first NumberOfFormatArrayEntries of StreamFormatsArray. */
export function declaredRanges(info: HW_STREAM_INFORMATION): Record<string, any>[] {
  const all = (info.StreamFormatsArray ?? []) as Record<string, any>[]
  const n = info.NumberOfFormatArrayEntries
  return Number.isSafeInteger(n) && n >= 0 ? all.slice(0, n) : all
}

/** "0: RGB24 320x240 @ 30 fps, 1: UYVY 320x240 @ 30 fps" for messages. */
export function listRanges(ranges: Record<string, any>[]): string {
  return ranges.map((r, i) => `${i}: ${describeRange(r)}`).join(', ')
}

/** A range as a format would read ("YUY2 640x480 @ 30 fps", "PCM up to 2 ch 16-bit 48000 Hz"). */
export function describeRange(range: Record<string, any>): string {
  // Ranges come from the driver under test: anything may be missing.
  const h = headerOf(range)
  if (range?.MaximumSampleFrequency !== undefined) {
    const rate = range.MinimumSampleFrequency === range.MaximumSampleFrequency ? `${range.MaximumSampleFrequency}` : `${range.MinimumSampleFrequency}-${range.MaximumSampleFrequency}`
    return `PCM up to ${range.MaximumChannels} ch ${range.MaximumBitsPerSample}-bit ${rate} Hz`
  }
  return describeFormat({ ...range, SubFormat: h?.SubFormat } as ks.PKSDATARANGE)
}

const rangeWord = (n: number) => `${n} data range${n === 1 ? '' : 's'}`

/**
 * The range for a step: by index, the one that offers the explicit or preferred format, or the
 * stream's first range of its kind. A problem when the index is past the ranges, or the stream
 * declares fewer ranges than `needsRanges` (not applicable) or none at all.
 */
export function chooseRange(request: RangeRequest, info: HW_STREAM_INFORMATION, stream: number): RangeChoice | RangeProblem {
  const ranges = declaredRanges(info)
  const listed = ranges.length === 0 ? '' : ` (${listRanges(ranges)})`
  if (request.needsRanges !== undefined && ranges.length < request.needsRanges) {
    return { problem: `not applicable: stream ${stream} declares ${rangeWord(ranges.length)}${listed}; the step needs ${request.needsRanges}`, notApplicable: true }
  }
  const index = request.range ?? (request.format !== undefined && 'range' in request.format ? request.format.range : undefined)
  if (index !== undefined) {
    const field = request.range !== undefined ? 'range' : 'format.range'
    if (index >= ranges.length) return { problem: `field '${field}' asks for data range ${index} of stream ${stream}, which declares ${rangeWord(ranges.length)}${listed}`, notApplicable: false }
    return { range: copyFormat(ranges[index]), index, chosen: 'index' }
  }
  const explicit = request.format as WantedFormat | undefined
  if (explicit !== undefined) {
    // "ANY" asks the driver to choose (a wildcard SubFormat): only the client's own range says that.
    const offered = explicit.subtype === 'ANY' ? null : offering(ranges, explicit)
    if (offered !== null) return { ...offered, chosen: 'requested' }
    return { range: clientRange(explicit, info), index: null, chosen: 'client' }
  }
  if (request.prefer !== undefined) {
    const offered = offering(ranges, request.prefer)
    if (offered !== null) return { ...offered, chosen: 'preferred' }
  }
  if (ranges.length === 0) return { problem: `stream ${stream} declares no data ranges (StreamFormatsArray)`, notApplicable: false }
  const major = request.prefer?.subtype === 'PCM' ? ks.KSDATAFORMAT_TYPE_AUDIO : ks.KSDATAFORMAT_TYPE_VIDEO
  let first = ranges.findIndex((r) => ks.IsEqualGUID(headerOf(r)?.MajorFormat ?? '', major))
  if (first < 0) first = 0
  return { range: copyFormat(ranges[first]), index: first, chosen: 'first' }
}

/** The first range that offers `want`, as it would be handed back; null when none does. */
function offering(ranges: Record<string, any>[], want: WantedFormat): { range: ks.PKSDATARANGE; index: number } | null {
  if (want.subtype === 'PCM') {
    const i = ranges.findIndex((r) => offersAudio(r, want))
    // An audio range has no slot for one format: the range goes back as declared, and the driver picks.
    return i < 0 ? null : { range: copyFormat(ranges[i]), index: i }
  }
  // A range whose own video info header is the wanted format goes back unchanged; failing that, one
  // whose ConfigCaps span it, with its header set to it (what IAMStreamConfig::SetFormat hands KS).
  for (const exact of [true, false]) {
    const i = ranges.findIndex((r) => offersVideo(r, want, exact))
    if (i >= 0) return { range: exact ? copyFormat(ranges[i]) : adjusted(ranges[i], want), index: i }
  }
  return null
}

type VideoWant = Exclude<WantedFormat, { subtype: 'PCM' }>
type AudioWant = Extract<WantedFormat, { subtype: 'PCM' }>

function intervalOf(fps: number): number {
  return Math.round(10_000_000 / fps)
}

/** Does the video range offer `want`: its subtype, and its own size and rate (exact) or within its ConfigCaps? */
function offersVideo(range: Record<string, any>, want: VideoWant, exact: boolean): boolean {
  const h = headerOf(range)
  if (!h || !ks.IsEqualGUID(h.MajorFormat ?? '', ks.KSDATAFORMAT_TYPE_VIDEO)) return false
  if (!ks.IsEqualGUID(h.Specifier ?? '', ks.KSDATAFORMAT_SPECIFIER_VIDEOINFO)) return false
  const sub = want.subtype === 'ANY' ? undefined : VIDEO_SUBTYPES[want.subtype]
  if (sub !== undefined && !ks.IsEqualGUID(h.SubFormat ?? '', sub.guid)) return false
  const bmi = range.VideoInfoHeader?.bmiHeader as Partial<ks.KS_BITMAPINFOHEADER> | undefined
  const caps = range.ConfigCaps as Partial<ks.KS_VIDEO_STREAM_CONFIG_CAPS> | undefined
  const interval = want.fps === undefined ? undefined : intervalOf(want.fps)
  if (exact) {
    if (bmi === undefined) return want.width === undefined && want.height === undefined && interval === undefined
    if (want.width !== undefined && bmi.biWidth !== want.width) return false
    if (want.height !== undefined && Math.abs(bmi.biHeight ?? 0) !== want.height) return false
    // A rate within a unit of 100 ns is the same rate (333333 and 333334 are both 30 fps).
    return interval === undefined || Math.abs((range.VideoInfoHeader.AvgTimePerFrame ?? 0) - interval) <= 1
  }
  if (bmi === undefined || caps === undefined) return false
  const within = (v: number | undefined, lo: number | undefined, hi: number | undefined) => v === undefined || (lo !== undefined && hi !== undefined && v >= lo && v <= hi)
  return (
    within(want.width, caps.MinOutputSize?.cx, caps.MaxOutputSize?.cx) &&
    within(want.height, caps.MinOutputSize?.cy, caps.MaxOutputSize?.cy) &&
    within(interval, caps.MinFrameInterval, caps.MaxFrameInterval)
  )
}

/** Does the audio range cover the wanted channels, sample rate and bits? */
function offersAudio(range: Record<string, any>, want: AudioWant): boolean {
  const h = headerOf(range)
  if (!h || !ks.IsEqualGUID(h.MajorFormat ?? '', ks.KSDATAFORMAT_TYPE_AUDIO) || !ks.IsEqualGUID(h.SubFormat ?? '', ks.KSDATAFORMAT_SUBTYPE_PCM)) return false
  const r = range as Partial<ks.KSDATARANGE_AUDIO>
  const within = (v: number | undefined, lo: number | undefined, hi: number | undefined) => v === undefined || ((lo ?? v) <= v && v <= (hi ?? v))
  return (
    (want.channels === undefined || (r.MaximumChannels ?? want.channels) >= want.channels) &&
    within(want.sampleRate, r.MinimumSampleFrequency, r.MaximumSampleFrequency) &&
    within(want.bits, r.MinimumBitsPerSample, r.MaximumBitsPerSample)
  )
}

/**
 * A copy of the driver's range with only its video info header set to the wanted size and rate:
 * GUIDs, FormatSize, flags and ConfigCaps stay the driver's, so an exact-match intersection still matches.
 */
function adjusted(range: Record<string, any>, want: VideoWant): ks.PKSDATARANGE {
  const copy = copyFormat(range) as Record<string, any>
  const vih = copy.VideoInfoHeader as ks.KS_VIDEOINFOHEADER
  const bmi = vih.bmiHeader
  const width = want.width ?? bmi.biWidth
  const height = want.height ?? Math.abs(bmi.biHeight)
  if (width !== bmi.biWidth || height !== Math.abs(bmi.biHeight)) {
    // NV12 is a 12-bit planar format: a full Y plane and half as much chroma, no DIB line padding.
    bmi.biSizeImage = ks.IsEqualGUID(copy.SubFormat, ks.KSDATAFORMAT_SUBTYPE_NV12) ? (width * height * 3) / 2 : imageSize(width, height, bmi.biBitCount)
    bmi.biWidth = width
    // Keep the driver's orientation (a negative height is a top-down DIB).
    bmi.biHeight = bmi.biHeight < 0 ? -height : height
  }
  if (want.fps !== undefined) vih.AvgTimePerFrame = intervalOf(want.fps)
  if (vih.AvgTimePerFrame > 0) vih.dwBitRate = Math.round((bmi.biSizeImage * 8 * 10_000_000) / vih.AvgTimePerFrame)
  return copy as ks.PKSDATARANGE
}
