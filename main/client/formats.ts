import { copyFormat } from '../classdriver/device.js'
import * as ks from '../classdriver/wdk/ks.js'
import { STRUCT_SIZES } from '../classdriver/wdk/sizes.js'
import type { HW_STREAM_INFORMATION } from '../classdriver/wdk/strminiTypes.js'
import type { ScenarioFormat } from './scenario/schema.js'

/** Video subtypes the client knows: GUID, bits per pixel, biCompression. */
export const VIDEO_SUBTYPES: Record<string, { guid: string; bpp: number; compression: number }> = {
  YUY2: { guid: ks.KSDATAFORMAT_SUBTYPE_YUY2, bpp: 16, compression: ks.FOURCC_YUY2 },
  UYVY: { guid: ks.KSDATAFORMAT_SUBTYPE_UYVY, bpp: 16, compression: ks.FOURCC_UYVY },
  RGB24: { guid: ks.KSDATAFORMAT_SUBTYPE_RGB24, bpp: 24, compression: ks.KS_BI_RGB },
  RGB32: { guid: ks.KSDATAFORMAT_SUBTYPE_RGB32, bpp: 32, compression: ks.KS_BI_RGB },
  NV12: { guid: ks.KSDATAFORMAT_SUBTYPE_NV12, bpp: 12, compression: ks.FOURCC_NV12 },
}

export function subtypeName(guid: string): string {
  for (const [name, v] of Object.entries(VIDEO_SUBTYPES)) if (ks.IsEqualGUID(v.guid, guid)) return name
  if (ks.IsEqualGUID(guid, ks.KSDATAFORMAT_SUBTYPE_PCM)) return 'PCM'
  return guid
}

/** KS_DIBWIDTHBYTES: DIB lines are padded to 4 bytes. */
export function imageSize(width: number, height: number, bpp: number): number {
  return Math.floor((width * bpp + 31) / 32) * 4 * Math.abs(height)
}

/** The header of a range or format, nested (C style) or flat. */
export function headerOf(x: unknown): ks.KSDATAFORMAT {
  const o = x as Record<string, any>
  return (o?.DataRange ?? o?.DataFormat ?? o) as ks.KSDATAFORMAT
}

/** Is this stream's first range video or audio? (For the "video"/"audio" selectors.) */
export function streamKind(info: HW_STREAM_INFORMATION): 'video' | 'audio' | 'other' {
  const ranges = info.StreamFormatsArray ?? []
  for (const r of ranges) {
    const h = headerOf(r)
    if (ks.IsEqualGUID(h.MajorFormat, ks.KSDATAFORMAT_TYPE_VIDEO)) return 'video'
    if (ks.IsEqualGUID(h.MajorFormat, ks.KSDATAFORMAT_TYPE_AUDIO)) return 'audio'
  }
  return 'other'
}

const rect = (w: number, h: number): ks.RECT => ({ left: 0, top: 0, right: w, bottom: h })

/**
 * The client's data range for a requested format (what a DirectShow graph passes to
 * KSPROPERTY_PIN_DATAINTERSECTION). Unspecified sizes and rates come from the driver's first range of
 * that subtype, the way a capture application starts from the pin's preferred format.
 */
export function clientRange(format: ScenarioFormat | undefined, info: HW_STREAM_INFORMATION): ks.PKSDATARANGE {
  const ranges = (info.StreamFormatsArray ?? []) as Record<string, any>[]
  if (format !== undefined && 'range' in format) {
    const r = ranges[format.range]
    if (r === undefined) throw new RangeError(`the stream has ${ranges.length} data range(s); there is no range ${format.range}`)
    return copyFormat(r)
  }
  if (format !== undefined && format.subtype === 'PCM') {
    const f = format
    const bits = f.bits ?? 16
    const channels = f.channels ?? 2
    const rate = f.sampleRate ?? 48000
    return copyFormat({
      DataRange: {
        FormatSize: STRUCT_SIZES.KSDATARANGE_AUDIO,
        Flags: 0,
        SampleSize: 0,
        Reserved: 0,
        MajorFormat: ks.KSDATAFORMAT_TYPE_AUDIO,
        SubFormat: ks.KSDATAFORMAT_SUBTYPE_PCM,
        Specifier: ks.KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
      },
      MaximumChannels: channels,
      MinimumBitsPerSample: bits,
      MaximumBitsPerSample: bits,
      MinimumSampleFrequency: rate,
      MaximumSampleFrequency: rate,
    }) as ks.PKSDATARANGE
  }
  const wanted = format?.subtype && format.subtype !== 'ANY' ? VIDEO_SUBTYPES[format.subtype] : undefined
  const base =
    ranges.find((r) => wanted !== undefined && ks.IsEqualGUID(headerOf(r).SubFormat, wanted.guid)) ??
    ranges.find((r) => ks.IsEqualGUID(headerOf(r).MajorFormat, ks.KSDATAFORMAT_TYPE_VIDEO)) ??
    ranges[0]
  const baseVih = (base?.VideoInfoHeader ?? {}) as Partial<ks.KS_VIDEOINFOHEADER>
  const width = format?.width ?? baseVih.bmiHeader?.biWidth ?? 640
  const height = format?.height ?? Math.abs(baseVih.bmiHeader?.biHeight ?? 480)
  const interval = format?.fps !== undefined ? Math.round(10_000_000 / format.fps) : (baseVih.AvgTimePerFrame ?? 333333)
  const sub = wanted ?? VIDEO_SUBTYPES[subtypeName(headerOf(base ?? {}).SubFormat ?? '')] ?? VIDEO_SUBTYPES.YUY2
  const size = imageSize(width, height, sub.bpp)
  const subFormat = format?.subtype === 'ANY' ? ks.KSDATAFORMAT_SUBTYPE_WILDCARD : sub.guid
  const vih: ks.KS_VIDEOINFOHEADER = {
    rcSource: rect(0, 0),
    rcTarget: rect(0, 0),
    dwBitRate: Math.round(size * 8 * (10_000_000 / interval)),
    dwBitErrorRate: 0,
    AvgTimePerFrame: interval,
    bmiHeader: {
      biSize: STRUCT_SIZES.KS_BITMAPINFOHEADER,
      biWidth: width,
      biHeight: height,
      biPlanes: 1,
      biBitCount: sub.bpp,
      biCompression: sub.compression,
      biSizeImage: size,
      biXPelsPerMeter: 0,
      biYPelsPerMeter: 0,
      biClrUsed: 0,
      biClrImportant: 0,
    },
  }
  const caps = (base?.ConfigCaps ?? {}) as Partial<ks.KS_VIDEO_STREAM_CONFIG_CAPS>
  return copyFormat({
    DataRange: {
      FormatSize: STRUCT_SIZES.KS_DATARANGE_VIDEO,
      Flags: 0,
      SampleSize: size,
      Reserved: 0,
      MajorFormat: ks.KSDATAFORMAT_TYPE_VIDEO,
      SubFormat: subFormat,
      Specifier: ks.KSDATAFORMAT_SPECIFIER_VIDEOINFO,
    },
    bFixedSizeSamples: 1,
    bTemporalCompression: 0,
    StreamDescriptionFlags: base?.StreamDescriptionFlags ?? ks.KS_VIDEOSTREAM_CAPTURE,
    MemoryAllocationFlags: 0,
    ConfigCaps: {
      ...caps,
      guid: ks.KSDATAFORMAT_SPECIFIER_VIDEOINFO,
      InputSize: { cx: width, cy: height },
      MinOutputSize: { cx: width, cy: height },
      MaxOutputSize: { cx: width, cy: height },
      MinFrameInterval: interval,
      MaxFrameInterval: interval,
    },
    VideoInfoHeader: vih,
  }) as ks.PKSDATARANGE
}

/** A full format (for PROPOSE/SET_DATA_FORMAT): the range's header with its video info or wave format. */
export function formatFromRange(range: ks.PKSDATARANGE): ks.PKSDATAFORMAT {
  const r = range as Record<string, any>
  if (ks.IsEqualGUID(r.MajorFormat, ks.KSDATAFORMAT_TYPE_AUDIO)) {
    const channels = r.MaximumChannels ?? 2
    const bits = r.MaximumBitsPerSample ?? 16
    const rate = r.MaximumSampleFrequency ?? 48000
    const block = (channels * bits) / 8
    return copyFormat({
      DataFormat: { ...headerOf(r), FormatSize: STRUCT_SIZES.KSDATAFORMAT_WAVEFORMATEX, SampleSize: block },
      WaveFormatEx: { wFormatTag: ks.WAVE_FORMAT_PCM, nChannels: channels, nSamplesPerSec: rate, nAvgBytesPerSec: rate * block, nBlockAlign: block, wBitsPerSample: bits, cbSize: 0 },
    })
  }
  return copyFormat({
    DataFormat: { ...headerOf(r), FormatSize: STRUCT_SIZES.KS_DATAFORMAT_VIDEOINFOHEADER },
    VideoInfoHeader: structuredClone(r.VideoInfoHeader),
  })
}

/** Bytes per buffer the client allocates for an opened format. */
export function bufferSizeFor(format: ks.PKSDATAFORMAT): number {
  const f = format as Record<string, any>
  // Audio: 20 ms periods. (An audio format's SampleSize is one sample frame, not a buffer.)
  const wf = f.WaveFormatEx as ks.WAVEFORMATEX | undefined
  if (wf?.nAvgBytesPerSec) return Math.max(wf.nBlockAlign || 4, Math.floor(wf.nAvgBytesPerSec / 50 / (wf.nBlockAlign || 1)) * (wf.nBlockAlign || 1))
  if (f.SampleSize > 0 && f.SampleSize < 1 << 30) return f.SampleSize
  const bmi = f.VideoInfoHeader?.bmiHeader as ks.KS_BITMAPINFOHEADER | undefined
  const image = bmi?.biSizeImage ?? 0
  if (image > 0 && image < 1 << 30) return image
  return 4096
}

/** "YUY2 640x480 @ 30 fps" for messages. */
export function describeFormat(format: ks.PKSDATAFORMAT | ks.PKSDATARANGE): string {
  // Formats come from the driver under test: anything may be missing.
  const f = format as Record<string, any>
  const bmi = f?.VideoInfoHeader?.bmiHeader as Partial<ks.KS_BITMAPINFOHEADER> | undefined
  if (bmi) {
    const interval = f.VideoInfoHeader.AvgTimePerFrame
    const fps = interval > 0 ? +(10_000_000 / interval).toFixed(2) : 0
    return `${subtypeName(String(f.SubFormat))} ${bmi.biWidth}x${Math.abs(Number(bmi.biHeight))} @ ${fps} fps`
  }
  const wf = f?.WaveFormatEx as Partial<ks.WAVEFORMATEX> | undefined
  if (wf) return `PCM ${wf.nChannels} ch ${wf.wBitsPerSample}-bit ${wf.nSamplesPerSec} Hz`
  return subtypeName(String(f?.SubFormat ?? 'unknown format'))
}
