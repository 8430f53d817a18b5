/**
 * VID_FORMAT values and the frame layout arithmetic (vcap1.md 7.7): bytes per pixel, minimum stride,
 * VID_FRAME_BYTES, the size rules checked at RUN, and the per-line payload the DMA timing model feeds
 * into the FIFO. Everything here is pure arithmetic shared by the card, the pattern generator and the
 * stamp decoder, so they cannot disagree about where a byte lives.
 */

/** VID_FORMAT[3:0]: packed Y0 U Y1 V, 16 bpp. */
export const FORMAT_YUY2 = 0
/** VID_FORMAT[3:0]: packed U Y0 V Y1, 16 bpp. */
export const FORMAT_UYVY = 1
/** VID_FORMAT[3:0]: B, G, R bytes, 24 bpp. */
export const FORMAT_RGB24 = 2
/** VID_FORMAT[3:0]: B, G, R, X bytes, 32 bpp. */
export const FORMAT_RGB32 = 3
/** VID_FORMAT[3:0]: Y plane, then an interleaved UV plane at half height, 12 bpp. */
export const FORMAT_NV12 = 4

/** VID_FORMAT[3:0]: the format id. */
export const VID_FORMAT_ID_MASK = 0xf
/** DIB order: image row 0 is the last line in memory. Only RGB formats honour it. */
export const VID_FORMAT_BOTTOM_UP = 1 << 8
/** Mirror the image horizontally. */
export const VID_FORMAT_HFLIP = 1 << 9

/** Smallest width (vcap1.md 7.7: 320×240 up to 1920×1080 in steps of 2×2). */
export const MIN_WIDTH = 320
/** Largest width. */
export const MAX_WIDTH = 1920
/** Smallest height. */
export const MIN_HEIGHT = 240
/** Largest height. */
export const MAX_HEIGHT = 1080

const NAMES = ['YUY2', 'UYVY', 'RGB24', 'RGB32', 'NV12']

/** Everything needed to place a pixel of a frame in memory (the [stopped] video format registers). */
export interface FrameLayout {
  /** VID_FORMAT[3:0]. */
  format: number
  width: number
  height: number
  /** Bytes per line of plane 0 (and of the NV12 UV plane). */
  stride: number
  /** NV12: byte offset of the UV plane; 0 means the default, stride × height. Ignored otherwise. */
  uvOffset: number
  /** DIB order (RGB formats only; YUV formats are always top-down, as in Windows). */
  bottomUp: boolean
  hflip: boolean
}

/** True for the formats 0..4. */
export function isKnownFormat(format: number): boolean {
  return Number.isInteger(format) && format >= 0 && format < NAMES.length
}

/** 'YUY2', 'UYVY', 'RGB24', 'RGB32', 'NV12', or 'FMT<n>' for an unknown value. */
export function formatName(format: number): string {
  return isKnownFormat(format) ? NAMES[format] : `FMT${format}`
}

/** True for RGB24 and RGB32, the formats where BOTTOM_UP applies. */
export function isRgb(format: number): boolean {
  return format === FORMAT_RGB24 || format === FORMAT_RGB32
}

/** Bytes per pixel of plane 0 (NV12: 1, the luma plane). Throws for an unknown format. */
export function bytesPerPixel(format: number): number {
  switch (format) {
    case FORMAT_YUY2:
    case FORMAT_UYVY:
      return 2
    case FORMAT_RGB24:
      return 3
    case FORMAT_RGB32:
      return 4
    case FORMAT_NV12:
      return 1
    default:
      throw new RangeError(`unknown VID_FORMAT ${format}`)
  }
}

/** Smallest legal stride before the multiple-of-4 rule: width × Bpp (NV12: width). */
export function minStride(format: number, width: number): number {
  return width * bytesPerPixel(format)
}

/** Builds a layout from the register values (VID_FORMAT, VID_SIZE, VID_STRIDE, VID_UV_OFFSET). */
export function layoutFromRegisters(vidFormat: number, vidSize: number, stride: number, uvOffset: number): FrameLayout {
  return {
    format: vidFormat & VID_FORMAT_ID_MASK,
    width: vidSize & 0xffff,
    height: vidSize >>> 16,
    stride: stride >>> 0,
    uvOffset: uvOffset >>> 0,
    bottomUp: (vidFormat & VID_FORMAT_BOTTOM_UP) !== 0,
    hflip: (vidFormat & VID_FORMAT_HFLIP) !== 0,
  }
}

/** Byte offset of the NV12 UV plane, with 0 meaning stride × height. */
export function uvPlaneOffset(layout: FrameLayout): number {
  return layout.uvOffset === 0 ? layout.stride * layout.height : layout.uvOffset
}

/** Whether image row 0 is the last line in memory (BOTTOM_UP with an RGB format). */
export function isBottomUp(layout: FrameLayout): boolean {
  return layout.bottomUp && isRgb(layout.format)
}

/** The memory line (plane 0) that holds image row y. */
export function memoryLine(layout: FrameLayout, y: number): number {
  return isBottomUp(layout) ? layout.height - 1 - y : y
}

/** VID_FRAME_BYTES: stride × H for packed formats; UV offset + stride × H/2 for NV12. */
export function frameBytes(layout: FrameLayout): number {
  if (layout.format === FORMAT_NV12) return uvPlaneOffset(layout) + layout.stride * (layout.height >> 1)
  return layout.stride * layout.height
}

/** null if the card accepts the layout at RUN, otherwise why not (the BAD_CONFIG cause, for the trace). */
export function validateLayout(layout: FrameLayout): string | null {
  const { format, width, height, stride } = layout
  if (!isKnownFormat(format)) return `unknown format ${format} (0 YUY2, 1 UYVY, 2 RGB24, 3 RGB32, 4 NV12)`
  for (const [name, v] of [['width', width], ['height', height], ['stride', stride], ['uvOffset', layout.uvOffset]] as const) {
    if (!Number.isInteger(v) || v < 0) return `${name} ${v} is not a non-negative integer`
  }
  if (width % 2 !== 0) return `width ${width} must be even`
  if (format === FORMAT_NV12 && height % 2 !== 0) return `height ${height} must be even for NV12`
  // 7.7 allows sizes "in steps of 2×2", so odd heights are rejected for every format, not only NV12.
  if (height % 2 !== 0) return `height ${height} must be even (sizes go in steps of 2×2)`
  if (width < MIN_WIDTH || width > MAX_WIDTH || height < MIN_HEIGHT || height > MAX_HEIGHT) {
    return `size ${width}×${height} outside ${MIN_WIDTH}×${MIN_HEIGHT}..${MAX_WIDTH}×${MAX_HEIGHT}`
  }
  const min = minStride(format, width)
  if (stride < min) return `stride ${stride} is below width × Bpp = ${min}`
  if (stride % 4 !== 0) return `stride ${stride} is not a multiple of 4`
  if (format === FORMAT_NV12 && layout.uvOffset !== 0 && layout.uvOffset < stride * height) {
    return `uvOffset ${layout.uvOffset} overlaps the Y plane (must be 0 or >= stride × height = ${stride * height})`
  }
  return null
}

/**
 * Payload bytes active line y adds to the FIFO (vcap1.md 7.6): width × Bpp for packed formats; for NV12
 * the Y line, plus one UV line on every odd line (the chroma of a 2×2 block is known once both rows are).
 * Stride padding is not payload. The sum over all lines is `activeBytes(layout)`.
 */
export function lineBytes(layout: FrameLayout, y: number): number {
  if (layout.format === FORMAT_NV12) return y % 2 === 1 ? 2 * layout.width : layout.width
  return layout.width * bytesPerPixel(layout.format)
}

/** Sum of `lineBytes` over the frame: the pixel payload without stride padding or the NV12 gap. */
export function activeBytes(layout: FrameLayout): number {
  if (layout.format === FORMAT_NV12) return layout.width * layout.height + layout.width * (layout.height >> 1)
  return layout.width * bytesPerPixel(layout.format) * layout.height
}
