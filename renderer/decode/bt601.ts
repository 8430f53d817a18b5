/**
 * BT.601 limited range (Y 16..235, Cb/Cr 16..240) back to RGB, as the exact inverse of the matrix the
 * VCAP-1 card encodes with (main/hw/vcap1/pixelEncoder.ts, 16.16 fixed point). The renderer may not import
 * main/hw, so the card's constants are repeated here; test/renderer/decode checks the round trip
 * against the card's own pattern generator, so the two cannot drift apart unnoticed.
 */

/** The card's RGB -> (Y - 16, Cb - 128, Cr - 128) matrix, 16.16 fixed point (pixelEncoder.ts YR..VB). */
export const CARD_RGB_TO_YCBCR: readonly (readonly [number, number, number])[] = [
  [16829, 33039, 6416],
  [-9714, -19070, 28784],
  [28784, -24103, -4681],
]

function invert3(m: readonly (readonly number[])[]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m
  const A = e * i - f * h
  const B = -(d * i - f * g)
  const C = d * h - e * g
  const det = a * A + b * B + c * C
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ]
}

const inverse = invert3(CARD_RGB_TO_YCBCR.map((row) => row.map((v) => v / 65536)))

/**
 * (Y - 16, Cb - 128, Cr - 128) -> R, G, B, 16.16 fixed point, row-major: R = M[0]·(y, cb, cr), ...
 * About 1.164, 1.596, 0.391, 0.813, 2.018 as the textbooks say; the small cross terms are kept.
 */
export const YCBCR_TO_RGB_FIXED: Int32Array = Int32Array.from(inverse.flat().map((v) => Math.round(v * 65536)))

/**
 * Writes the RGB of one limited-range YCbCr sample into rgba[o..o+3] (alpha 255). `rgba` clamps to
 * 0..255, which is what a display does with footroom and headroom values.
 */
export function ycbcrToRgba(y: number, cb: number, cr: number, rgba: Uint8ClampedArray, o: number): void {
  const m = YCBCR_TO_RGB_FIXED
  const yy = y - 16
  const u = cb - 128
  const v = cr - 128
  rgba[o] = (m[0] * yy + m[1] * u + m[2] * v + 32768) >> 16
  rgba[o + 1] = (m[3] * yy + m[4] * u + m[5] * v + 32768) >> 16
  rgba[o + 2] = (m[6] * yy + m[7] * u + m[8] * v + 32768) >> 16
  rgba[o + 3] = 255
}
