/**
 * The C layouts (x64, natural alignment unless the header packs the structure) of the ks.h / ksmedia.h structures a capture minidriver
 * builds and compares: field order, types and offsets. They give `sizeof` for these structures,
 * `FIELD_OFFSET`, and the byte order in which `RtlCompareMemory`, `RtlCopyMemory` and
 * `RtlZeroMemory` walk a structure object (so comparing the first sizeof('KSDATARANGE') bytes of a
 * KS_DATARANGE_VIDEO compares its DataRange, as memcmp would).
 */

/** Scalar C types: [size, alignment] in bytes. GUIDs are 16-byte values (strings in TypeScript). */
const SCALARS: Record<string, readonly [number, number]> = {
  UCHAR: [1, 1],
  BYTE: [1, 1],
  CHAR: [1, 1],
  BOOLEAN: [1, 1],
  USHORT: [2, 2],
  WORD: [2, 2],
  WCHAR: [2, 2],
  ULONG: [4, 4],
  LONG: [4, 4],
  DWORD: [4, 4],
  int: [4, 4],
  BOOL: [4, 4],
  LONGLONG: [8, 8],
  ULONGLONG: [8, 8],
  PVOID: [8, 8],
  HANDLE: [8, 8],
  GUID: [16, 4],
}

interface LayoutSpec {
  readonly fields: readonly (readonly [name: string, type: string])[]
  /** A union with LONGLONG Alignment (KSIDENTIFIER, KSDATAFORMAT) aligns to 8. */
  readonly align?: number
  /** Union members: another name of a field (KSALLOCATOR_FRAMING.RequirementsFlags is OptionsFlags). */
  readonly aliases?: Readonly<Record<string, string>>
  /**
   * `#pragma pack(n)` around the declaration (pshpack1.h: 1): no member is aligned beyond n bytes, and
   * neither is the structure, so it has no tail padding. mmreg.h declares WAVEFORMATEX under pack(1),
   * and ksmedia.h KSDATAFORMAT_WAVEFORMATEX between pshpack1.h and poppack.h.
   */
  readonly pack?: number
}

const IDENTIFIER: LayoutSpec = { fields: [['Set', 'GUID'], ['Id', 'ULONG'], ['Flags', 'ULONG']], align: 8 }
const DATAFORMAT: LayoutSpec = {
  fields: [['FormatSize', 'ULONG'], ['Flags', 'ULONG'], ['SampleSize', 'ULONG'], ['Reserved', 'ULONG'], ['MajorFormat', 'GUID'], ['SubFormat', 'GUID'], ['Specifier', 'GUID']],
  align: 8,
}
/** A property structure: the KSPROPERTY header, then the fields (all ULONG/LONG unless typed). */
const prop = (...fields: (string | readonly [string, string])[]): LayoutSpec => ({
  fields: [['Property', 'KSPROPERTY'], ...fields.map((f) => (typeof f === 'string' ? ([f, 'ULONG'] as const) : f))],
})
const VIDEO_RANGE_HEAD = [
  ['DataRange', 'KSDATARANGE'],
  ['bFixedSizeSamples', 'BOOL'],
  ['bTemporalCompression', 'BOOL'],
  ['StreamDescriptionFlags', 'DWORD'],
  ['MemoryAllocationFlags', 'DWORD'],
  ['ConfigCaps', 'KS_VIDEO_STREAM_CONFIG_CAPS'],
] as const

const SPECS = {
  RECT: { fields: [['left', 'LONG'], ['top', 'LONG'], ['right', 'LONG'], ['bottom', 'LONG']] },
  SIZE: { fields: [['cx', 'LONG'], ['cy', 'LONG']] },
  LIST_ENTRY: { fields: [['Flink', 'PVOID'], ['Blink', 'PVOID']] },
  KSIDENTIFIER: IDENTIFIER,
  KSPROPERTY: IDENTIFIER,
  KSEVENT: IDENTIFIER,
  KSMETHOD: IDENTIFIER,
  KSPIN_MEDIUM: IDENTIFIER,
  KSDATAFORMAT: DATAFORMAT,
  KSDATARANGE: DATAFORMAT,
  KSTIME: { fields: [['Time', 'LONGLONG'], ['Numerator', 'ULONG'], ['Denominator', 'ULONG']] },
  KSMULTIPLE_ITEM: { fields: [['Size', 'ULONG'], ['Count', 'ULONG']] },
  KSSTREAM_HEADER: {
    fields: [['Size', 'ULONG'], ['TypeSpecificFlags', 'ULONG'], ['PresentationTime', 'KSTIME'], ['Duration', 'LONGLONG'], ['FrameExtent', 'ULONG'], ['DataUsed', 'ULONG'], ['Data', 'PVOID'], ['OptionsFlags', 'ULONG'], ['Reserved', 'ULONG']],
  },
  KSALLOCATOR_FRAMING: {
    fields: [['OptionsFlags', 'ULONG'], ['PoolType', 'ULONG'], ['Frames', 'ULONG'], ['FrameSize', 'ULONG'], ['FileAlignment', 'ULONG'], ['Reserved', 'ULONG']],
    aliases: { RequirementsFlags: 'OptionsFlags' },
  },
  KSPROPERTY_DESCRIPTION: { fields: [['AccessFlags', 'ULONG'], ['DescriptionSize', 'ULONG'], ['PropTypeSet', 'KSIDENTIFIER'], ['MembersListCount', 'ULONG'], ['Reserved', 'ULONG']] },
  KSPROPERTY_MEMBERSHEADER: { fields: [['MembersFlags', 'ULONG'], ['MembersSize', 'ULONG'], ['MembersCount', 'ULONG'], ['Flags', 'ULONG']] },
  KSPROPERTY_BOUNDS_LONG: { fields: [['SignedMinimum', 'LONG'], ['SignedMaximum', 'LONG']], aliases: { UnsignedMinimum: 'SignedMinimum', UnsignedMaximum: 'SignedMaximum' } },
  KSPROPERTY_STEPPING_LONG: { fields: [['SteppingDelta', 'ULONG'], ['Reserved', 'ULONG'], ['Bounds', 'KSPROPERTY_BOUNDS_LONG']] },
  KS_BITMAPINFOHEADER: {
    fields: [
      ['biSize', 'DWORD'], ['biWidth', 'LONG'], ['biHeight', 'LONG'], ['biPlanes', 'WORD'], ['biBitCount', 'WORD'], ['biCompression', 'DWORD'],
      ['biSizeImage', 'DWORD'], ['biXPelsPerMeter', 'LONG'], ['biYPelsPerMeter', 'LONG'], ['biClrUsed', 'DWORD'], ['biClrImportant', 'DWORD'],
    ],
  },
  KS_VIDEOINFOHEADER: {
    fields: [['rcSource', 'RECT'], ['rcTarget', 'RECT'], ['dwBitRate', 'DWORD'], ['dwBitErrorRate', 'DWORD'], ['AvgTimePerFrame', 'LONGLONG'], ['bmiHeader', 'KS_BITMAPINFOHEADER']],
  },
  KS_VIDEO_STREAM_CONFIG_CAPS: {
    fields: [
      ['guid', 'GUID'], ['VideoStandard', 'ULONG'], ['InputSize', 'SIZE'], ['MinCroppingSize', 'SIZE'], ['MaxCroppingSize', 'SIZE'],
      ['CropGranularityX', 'int'], ['CropGranularityY', 'int'], ['CropAlignX', 'int'], ['CropAlignY', 'int'], ['MinOutputSize', 'SIZE'], ['MaxOutputSize', 'SIZE'],
      ['OutputGranularityX', 'int'], ['OutputGranularityY', 'int'], ['StretchTapsX', 'int'], ['StretchTapsY', 'int'], ['ShrinkTapsX', 'int'], ['ShrinkTapsY', 'int'],
      ['MinFrameInterval', 'LONGLONG'], ['MaxFrameInterval', 'LONGLONG'], ['MinBitsPerSecond', 'LONG'], ['MaxBitsPerSecond', 'LONG'],
    ],
  },
  KS_DATARANGE_VIDEO: { fields: [...VIDEO_RANGE_HEAD, ['VideoInfoHeader', 'KS_VIDEOINFOHEADER']] },
  KS_DATAFORMAT_VIDEOINFOHEADER: { fields: [['DataFormat', 'KSDATAFORMAT'], ['VideoInfoHeader', 'KS_VIDEOINFOHEADER']] },
  KS_FRAME_INFO: {
    fields: [
      ['ExtendedHeaderSize', 'ULONG'], ['dwFrameFlags', 'DWORD'], ['PictureNumber', 'LONGLONG'], ['DropCount', 'LONGLONG'], ['hDirectDraw', 'HANDLE'],
      ['hSurfaceHandle', 'HANDLE'], ['DirectDrawRect', 'RECT'], ['Reserved1', 'DWORD'], ['Reserved2', 'DWORD'], ['Reserved3', 'DWORD'], ['Reserved4', 'DWORD'],
    ],
  },
  KS_VBIINFOHEADER: {
    fields: [
      ['StartLine', 'ULONG'], ['EndLine', 'ULONG'], ['SamplingFrequency', 'ULONG'], ['MinLineStartTime', 'ULONG'], ['MaxLineStartTime', 'ULONG'], ['ActualLineStartTime', 'ULONG'],
      ['ActualLineEndTime', 'ULONG'], ['VideoStandard', 'ULONG'], ['SamplesPerLine', 'ULONG'], ['StrideInBytes', 'ULONG'], ['BufferSize', 'ULONG'],
    ],
  },
  KS_DATARANGE_VIDEO_VBI: { fields: [...VIDEO_RANGE_HEAD, ['VBIInfoHeader', 'KS_VBIINFOHEADER']] },
  KS_DATAFORMAT_VBIINFOHEADER: { fields: [['DataFormat', 'KSDATAFORMAT'], ['VBIInfoHeader', 'KS_VBIINFOHEADER']] },
  KS_TVTUNER_CHANGE_INFO: { fields: [['dwFlags', 'DWORD'], ['dwCountryCode', 'DWORD'], ['dwAnalogVideoStandard', 'DWORD'], ['dwChannel', 'DWORD']] },
  KS_VBI_FRAME_INFO: {
    fields: [
      ['ExtendedHeaderSize', 'ULONG'], ['dwFrameFlags', 'DWORD'], ['PictureNumber', 'LONGLONG'], ['DropCount', 'LONGLONG'], ['dwSamplingFrequency', 'DWORD'],
      ['TvTunerChangeInfo', 'KS_TVTUNER_CHANGE_INFO'], ['VBIInfoHeader', 'KS_VBIINFOHEADER'],
    ],
  },
  KS_ANALOGVIDEOINFO: { fields: [['rcSource', 'RECT'], ['rcTarget', 'RECT'], ['dwActiveWidth', 'DWORD'], ['dwActiveHeight', 'DWORD'], ['AvgTimePerFrame', 'LONGLONG']] },
  KS_DATARANGE_ANALOGVIDEO: { fields: [['DataRange', 'KSDATARANGE'], ['AnalogVideoInfo', 'KS_ANALOGVIDEOINFO']] },
  // Audio: KSDATARANGE_AUDIO has natural alignment (8, from KSDATARANGE), so 64 + 5 ULONGs = 84 pads to 88.
  WAVEFORMATEX: {
    fields: [['wFormatTag', 'WORD'], ['nChannels', 'WORD'], ['nSamplesPerSec', 'DWORD'], ['nAvgBytesPerSec', 'DWORD'], ['nBlockAlign', 'WORD'], ['wBitsPerSample', 'WORD'], ['cbSize', 'WORD']],
    pack: 1,
  },
  KSDATARANGE_AUDIO: {
    fields: [['DataRange', 'KSDATARANGE'], ['MaximumChannels', 'ULONG'], ['MinimumBitsPerSample', 'ULONG'], ['MaximumBitsPerSample', 'ULONG'], ['MinimumSampleFrequency', 'ULONG'], ['MaximumSampleFrequency', 'ULONG']],
  },
  KSDATAFORMAT_WAVEFORMATEX: { fields: [['DataFormat', 'KSDATAFORMAT'], ['WaveFormatEx', 'WAVEFORMATEX']], pack: 1 },
  KSPROPERTY_DROPPEDFRAMES_CURRENT_S: prop(['PictureNumber', 'LONGLONG'], ['DropCount', 'LONGLONG'], 'AverageFrameSize'),
  KSPROPERTY_VIDEOPROCAMP_S: prop(['Value', 'LONG'], 'Flags', 'Capabilities'),
  KSPROPERTY_CAMERACONTROL_S: prop(['Value', 'LONG'], 'Flags', 'Capabilities'),
  KSPROPERTY_CROSSBAR_CAPS_S: prop('NumberOfInputs', 'NumberOfOutputs'),
  KSPROPERTY_CROSSBAR_PININFO_S: prop('Direction', 'Index', 'PinType', 'RelatedPinIndex', ['Medium', 'KSPIN_MEDIUM']),
  KSPROPERTY_CROSSBAR_ROUTE_S: prop('IndexInputPin', 'IndexOutputPin', 'CanRoute'),
  KSPROPERTY_CROSSBAR_ACTIVE_S: prop('IndexInputPin', 'Active'),
  KSPROPERTY_TUNER_CAPS_S: prop('ModesSupported', ['VideoMedium', 'KSPIN_MEDIUM'], ['TVAudioMedium', 'KSPIN_MEDIUM'], ['RadioAudioMedium', 'KSPIN_MEDIUM']),
  KSPROPERTY_TUNER_IF_MEDIUM_S: prop(['IFMedium', 'KSPIN_MEDIUM']),
  KSPROPERTY_TUNER_MODE_CAPS_S: prop('Mode', 'StandardsSupported', 'MinFrequency', 'MaxFrequency', 'TuningGranularity', 'NumberOfInputs', 'SettlingTime', 'Strategy'),
  KSPROPERTY_TUNER_MODE_S: prop('Mode'),
  KSPROPERTY_TUNER_FREQUENCY_S: prop('Frequency', 'LastFrequency', 'TuningFlags', 'VideoSubChannel', 'AudioSubChannel', 'Channel', 'Country'),
  KSPROPERTY_TUNER_STANDARD_S: prop('Standard'),
  KSPROPERTY_TUNER_INPUT_S: prop('InputIndex'),
  KSPROPERTY_TUNER_STATUS_S: prop('CurrentFrequency', 'PLLOffset', 'SignalStrength', 'Busy'),
  KSPROPERTY_TVAUDIO_CAPS_S: prop('Capabilities', ['InputMedium', 'KSPIN_MEDIUM'], ['OutputMedium', 'KSPIN_MEDIUM']),
  KSPROPERTY_TVAUDIO_S: prop('Mode'),
  KSPROPERTY_VIDEODECODER_CAPS_S: prop('StandardsSupported', 'Capabilities', 'SettlingTime', 'HSyncPerVSync'),
  KSPROPERTY_VIDEODECODER_STATUS_S: prop('NumberOfLines', 'SignalLocked'),
  KSPROPERTY_VIDEODECODER_S: prop('Value'),
  KSPROPERTY_VIDEOCOMPRESSION_GETINFO_S: prop('StreamIndex', ['DefaultKeyFrameRate', 'LONG'], ['DefaultPFrameRate', 'LONG'], ['DefaultQuality', 'LONG'], ['NumberOfQualitySettings', 'LONG'], ['Capabilities', 'LONG']),
  KSPROPERTY_VIDEOCOMPRESSION_S: prop('StreamIndex', ['Value', 'LONG']),
  KSPROPERTY_VIDEOCOMPRESSION_S1: prop('StreamIndex', ['Value', 'LONG'], 'Flags'),
  KSPROPERTY_VIDEOCONTROL_CAPS_S: prop('StreamIndex', 'VideoControlCaps'),
  KSPROPERTY_VIDEOCONTROL_MODE_S: prop('StreamIndex', ['Mode', 'LONG']),
  KSPROPERTY_VIDEOCONTROL_ACTUAL_FRAME_RATE_S: prop('StreamIndex', 'RangeIndex', ['Dimensions', 'SIZE'], ['CurrentActualFrameRate', 'LONGLONG'], ['CurrentMaxAvailableFrameRate', 'LONGLONG']),
  KSPROPERTY_VIDEOCONTROL_FRAME_RATES_S: prop('StreamIndex', 'RangeIndex', ['Dimensions', 'SIZE']),
} satisfies Record<string, LayoutSpec>

/** A structure the layout table knows. */
export type LayoutName = keyof typeof SPECS

/** One field of a laid-out structure. */
export interface LayoutField {
  readonly name: string
  readonly type: string
  readonly offset: number
  /** Bytes of one element. */
  readonly size: number
  /** Array length for `T[n]` fields, else 1. */
  readonly count: number
  /** The field's structure layout when it is a structure. */
  readonly struct: Layout | null
}

export interface Layout {
  readonly name: string
  readonly size: number
  readonly align: number
  readonly fields: readonly LayoutField[]
  readonly aliases: Readonly<Record<string, string>>
}

const built = new Map<string, Layout>()

function build(name: string): Layout {
  const done = built.get(name)
  if (done !== undefined) return done
  const spec = (SPECS as Record<string, LayoutSpec>)[name]
  if (spec === undefined) throw new TypeError(`no layout for structure '${name}'`)
  let offset = 0
  const pack = spec.pack ?? Infinity
  let align = Math.min(spec.align ?? 1, pack)
  const fields: LayoutField[] = []
  for (const [fieldName, rawType] of spec.fields) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(rawType)!
    const type = m[1]
    const count = m[2] === undefined ? 1 : Number(m[2])
    const scalar = SCALARS[type]
    const struct = scalar === undefined ? build(type) : null
    const [size, natural] = scalar ?? [struct!.size, struct!.align]
    const a = Math.min(natural, pack)
    offset = Math.ceil(offset / a) * a
    fields.push({ name: fieldName, type, offset, size, count, struct })
    offset += size * count
    align = Math.max(align, a)
  }
  const layout: Layout = { name, size: Math.ceil(offset / align) * align, align, fields, aliases: spec.aliases ?? {} }
  built.set(name, layout)
  return layout
}

/** The layout of a structure the table knows, or null. */
export function layoutOf(name: string): Layout | null {
  return Object.hasOwn(SPECS, name) ? build(name) : null
}

/** Every structure of the layout table. */
export function layoutNames(): LayoutName[] {
  return Object.keys(SPECS) as LayoutName[]
}

/** The byte offset of `field` ('bmiHeader', 'VideoInfoHeader.bmiHeader.biSizeImage', 'Items[2]') in `type`. */
export function fieldOffset(type: string, field: string): number {
  const top = layoutOf(type)
  if (top === null) throw new TypeError(`FIELD_OFFSET: no layout for structure '${type}'`)
  let layout: Layout = top
  let offset = 0
  const parts = String(field).split('.')
  for (let i = 0; i < parts.length; i++) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(parts[i])
    const name = m === null ? parts[i] : (layout.aliases[m[1]] ?? m[1])
    const f: LayoutField | undefined = layout.fields.find((x) => x.name === name)
    if (f === undefined || m === null) throw new TypeError(`FIELD_OFFSET: ${layout.name} has no field '${parts[i]}'`)
    offset += f.offset + (m[2] === undefined ? 0 : Number(m[2]) * f.size)
    if (i < parts.length - 1) {
      if (f.struct === null) throw new TypeError(`FIELD_OFFSET: ${layout.name}.${f.name} is not a structure`)
      layout = f.struct
    }
  }
  return offset
}
