/**
 * ksmedia.h macros for video formats: DIB strides and sizes, and the size of a KS_VIDEOINFOHEADER
 * with its bitmap header. Arithmetic is the C DWORD arithmetic (unsigned, modulo 2^32).
 */
import type { KS_BITMAPINFOHEADER, KS_VIDEOINFOHEADER } from './ks.js'
import { fieldOffset } from './layouts.js'

/** KS_BI_RLE8 (biCompression): 8-bit run-length encoding. */
export const KS_BI_RLE8 = 1
/** KS_BI_RLE4 (biCompression): 4-bit run-length encoding. */
export const KS_BI_RLE4 = 2
/** KS_BI_BITFIELDS (biCompression): RGB with colour masks after the header. */
export const KS_BI_BITFIELDS = 3
/** KS_iPALETTE_COLORS: entries of a full palette. */
export const KS_iPALETTE_COLORS = 256
/** KS_iEGA_COLORS: entries of an EGA palette. */
export const KS_iEGA_COLORS = 16
/** KS_iMASK_COLORS: the three colour masks of KS_BI_BITFIELDS. */
export const KS_iMASK_COLORS = 3
/** KS_SIZE_MASKS: bytes of the three DWORD colour masks. */
export const KS_SIZE_MASKS = KS_iMASK_COLORS * 4
/** KS_SIZE_EGA_PALETTE: bytes of a 16-colour palette (KS_RGBQUAD entries). */
export const KS_SIZE_EGA_PALETTE = KS_iEGA_COLORS * 4
/** KS_SIZE_PALETTE: bytes of a 256-colour palette (KS_RGBQUAD entries). */
export const KS_SIZE_PALETTE = KS_iPALETTE_COLORS * 4
/** KS_SIZE_PREHEADER: FIELD_OFFSET(KS_VIDEOINFOHEADER, bmiHeader), the bytes before the bitmap header (48). */
export const KS_SIZE_PREHEADER = fieldOffset('KS_VIDEOINFOHEADER', 'bmiHeader')

/** KS_VIDEO_ALLOC_VPE_SYSTEM (KS_DATARANGE_VIDEO.MemoryAllocationFlags) */
export const KS_VIDEO_ALLOC_VPE_SYSTEM = 0x0001
/** KS_VIDEO_ALLOC_VPE_DISPLAY (MemoryAllocationFlags) */
export const KS_VIDEO_ALLOC_VPE_DISPLAY = 0x0002
/** KS_VIDEO_ALLOC_VPE_AGP (MemoryAllocationFlags) */
export const KS_VIDEO_ALLOC_VPE_AGP = 0x0004

/** KS_WIDTHBYTES(bits): bytes of a DIB row of `bits` bits, rounded up to a DWORD: ((bits + 31) & ~31) / 8. */
export function KS_WIDTHBYTES(bits: number): number {
  return ((((bits >>> 0) + 31) & ~31) >>> 0) / 8
}

/** KS_DIBWIDTHBYTES(bi): the DWORD-aligned stride of a DIB: KS_WIDTHBYTES(biWidth × biBitCount). */
export function KS_DIBWIDTHBYTES(bi: Pick<KS_BITMAPINFOHEADER, 'biWidth' | 'biBitCount'>): number {
  return KS_WIDTHBYTES(Math.imul(bi.biWidth >>> 0, bi.biBitCount >>> 0) >>> 0)
}

/** KS_DIBSIZE(bi): bytes of a whole DIB: stride × |biHeight| (a negative height is a top-down DIB). */
export function KS_DIBSIZE(bi: Pick<KS_BITMAPINFOHEADER, 'biWidth' | 'biBitCount' | 'biHeight'>): number {
  const size = Math.imul(KS_DIBWIDTHBYTES(bi), bi.biHeight >>> 0) >>> 0
  return bi.biHeight < 0 ? (Math.imul(-1, size) >>> 0) : size
}

/**
 * KS_SIZE_VIDEOHEADER(pbmi): bytes of a KS_VIDEOINFOHEADER and its bitmap header:
 * pbmi->bmiHeader.biSize + KS_SIZE_PREHEADER (88 for a plain 40-byte BITMAPINFOHEADER).
 */
export function KS_SIZE_VIDEOHEADER(pbmi: Pick<KS_VIDEOINFOHEADER, 'bmiHeader'>): number {
  return ((pbmi.bmiHeader.biSize >>> 0) + KS_SIZE_PREHEADER) >>> 0
}
