import { fieldOffset, layoutOf, type LayoutName } from './layouts.js'

/**
 * sizeof() of the structures whose sizes are part of the contract (FrameExtent, DataUsed,
 * StreamDescriptorSize, SizeOfDataFormatBuffer, PropertyOutputSize...). Values are the x64 layout
 * (docs/classdriver.md#sizes and the ks.h/ksmedia.h field lists with natural alignment).
 */
export const STRUCT_SIZES = {
  ULONG: 4,
  LONGLONG: 8,
  GUID: 16,
  KSSTATE: 4,
  HW_STREAM_REQUEST_BLOCK: 128,
  HW_STREAM_OBJECT: 104,
  HW_INITIALIZATION_DATA: 88,
  PORT_CONFIGURATION_INFORMATION: 120,
  HW_STREAM_INFORMATION: 136,
  HW_STREAM_HEADER: 72,
  HW_TIME_CONTEXT: 40,
  HW_EVENT_DESCRIPTOR: 56,
  KSSTREAM_HEADER: 56,
  KSSCATTER_GATHER: 16,
  ACCESS_RANGE: 24,
  KSPROPERTY: 24,
  KSEVENT: 24,
  KSDATAFORMAT: 64,
  KSDATARANGE: 64,
  KS_BITMAPINFOHEADER: 40,
  KS_VIDEOINFOHEADER: 88,
  KS_VIDEO_STREAM_CONFIG_CAPS: 128,
  KS_DATARANGE_VIDEO: 296,
  KS_DATAFORMAT_VIDEOINFOHEADER: 152,
  KS_FRAME_INFO: 72,
  // WAVEFORMATEX and KSDATAFORMAT_WAVEFORMATEX are declared under pack(1) (mmreg.h; ksmedia.h's
  // pshpack1.h), so no padding; KSDATARANGE_AUDIO is not, and pads 84 bytes of fields to 88.
  WAVEFORMATEX: 18,
  KSDATARANGE_AUDIO: 88,
  KSDATAFORMAT_WAVEFORMATEX: 82,
  KSALLOCATOR_FRAMING: 24,
  KSPROPERTY_DROPPEDFRAMES_CURRENT_S: 48,
  STREAM_TIME_REFERENCE: 32,
} as const

/** A structure `sizeof` and `FIELD_OFFSET` know: the contract's sizes and the layout table (wdk/layouts.ts). */
export type StructName = keyof typeof STRUCT_SIZES | LayoutName

/**
 * sizeof('KS_FRAME_INFO'): the byte size of a WDK structure, x64 layout with natural alignment, as C's
 * `sizeof(KS_FRAME_INFO)`. Knows the strmini.h structures the contract depends on and the ks.h /
 * ksmedia.h structures of wdk/layouts.ts (KS_VBIINFOHEADER, KSPROPERTY_VIDEOPROCAMP_S, ...).
 */
export function sizeof(name: StructName): number {
  const n = (STRUCT_SIZES as Record<string, number>)[name] ?? layoutOf(name)?.size
  if (n === undefined) throw new TypeError(`sizeof: unknown structure '${String(name)}'`)
  return n
}

/**
 * FIELD_OFFSET(KS_VIDEOINFOHEADER, bmiHeader) is `FIELD_OFFSET('KS_VIDEOINFOHEADER', 'bmiHeader')`: the byte
 * offset of a field (a dotted path reaches into nested structures, `[i]` into arrays) in the x64 layout.
 */
export function FIELD_OFFSET(Type: StructName, Field: string): number {
  return fieldOffset(Type, Field)
}

/** Field offsets of KS_FRAME_INFO (x64), for checking writes against StreamHeaderMediaSpecific. */
export const KS_FRAME_INFO_LAYOUT: Record<string, { offset: number; size: number }> = {
  ExtendedHeaderSize: { offset: 0, size: 4 },
  dwFrameFlags: { offset: 4, size: 4 },
  PictureNumber: { offset: 8, size: 8 },
  DropCount: { offset: 16, size: 8 },
  hDirectDraw: { offset: 24, size: 8 },
  hSurfaceHandle: { offset: 32, size: 8 },
  DirectDrawRect: { offset: 40, size: 16 },
  Reserved1: { offset: 56, size: 4 },
  Reserved2: { offset: 60, size: 4 },
  Reserved3: { offset: 64, size: 4 },
  Reserved4: { offset: 68, size: 4 },
}
