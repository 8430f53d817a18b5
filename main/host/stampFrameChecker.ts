import type { StreamHeader } from '../classdriver/srb.js'
import type * as ks from '../classdriver/wdk/ks.js'
import { headerOf, subtypeName } from '../client/formats.js'
import type { FrameContentChecker } from '../client/frames.js'
import { FORMAT_NV12, FORMAT_RGB24, FORMAT_RGB32, FORMAT_UYVY, FORMAT_YUY2, type FrameLayout } from '../hw/vcap1/pixelFormats.js'
import { StampChecker } from '../hw/vcap1/stamps.js'

const CODES: Record<string, number> = { YUY2: FORMAT_YUY2, UYVY: FORMAT_UYVY, RGB24: FORMAT_RGB24, RGB32: FORMAT_RGB32, NV12: FORMAT_NV12 }

/**
 * Where the application expects the pixels of a buffer, from the format the stream was opened with:
 * DIB strides (KS_DIBWIDTHBYTES), bottom-up RGB when biHeight > 0, YUV always top-down. Null for a
 * format the card cannot produce.
 */
export function layoutOfFormat(format: ks.PKSDATAFORMAT): FrameLayout | null {
  const f = format as Record<string, any>
  const bmi = f.VideoInfoHeader?.bmiHeader as ks.KS_BITMAPINFOHEADER | undefined
  const code = CODES[subtypeName(String(headerOf(format).SubFormat))]
  if (bmi === undefined || code === undefined) return null
  const width = bmi.biWidth
  const height = Math.abs(bmi.biHeight)
  const bits = code === FORMAT_NV12 ? 8 : bmi.biBitCount || (code === FORMAT_RGB24 ? 24 : code === FORMAT_RGB32 ? 32 : 16)
  const stride = Math.floor((width * bits + 31) / 32) * 4
  const rgb = code === FORMAT_RGB24 || code === FORMAT_RGB32
  return { format: code, width, height, stride, uvOffset: 0, bottomUp: rgb && bmi.biHeight > 0, hflip: false }
}

/**
 * Decodes the machine-readable stamps VCAP-1 draws into every frame (vcap1.md 7.9) from what the
 * driver delivered, as the application's format says they should lie: a frame whose top and bottom
 * stamps differ is torn; one that repeats the newest sequence is stale; one whose stamps cannot be
 * found where the format says (wrong stride, format or orientation) counts as torn too, because the
 * application would show it damaged. Frames are only judged while the card draws stamps.
 */
export class StampFrameChecker implements FrameContentChecker {
  private readonly checkers = new Map<number, StampChecker>()
  /** Problems seen, for the report and tests: "stream 0: undecodable frame (sequence unknown)". */
  readonly problems: string[] = []

  constructor(private readonly stampsOn: () => boolean) {}

  check(header: StreamHeader, streamNumber: number, format: ks.PKSDATAFORMAT): { torn: boolean; stale: boolean; sequence: number | null } {
    const layout = layoutOfFormat(format)
    if (layout === null || !this.stampsOn()) return { torn: false, stale: false, sequence: null }
    let checker = this.checkers.get(streamNumber)
    if (checker === undefined) {
      checker = new StampChecker()
      this.checkers.set(streamNumber, checker)
    }
    const data = header._Data
    if (!(data instanceof Uint8Array)) return { torn: false, stale: false, sequence: null }
    const r = checker.check(data, header._DataUsed, layout)
    const torn = r.torn || r.undecodable
    if ((torn || r.stale) && this.problems.length < 20) {
      const what = r.undecodable ? 'no stamp where the format puts it (wrong stride, format or orientation?)' : r.torn ? 'torn (top and bottom stamps differ)' : 'stale (sequence repeated)'
      this.problems.push(`stream ${streamNumber}: ${what}${r.sequence !== null ? `, sequence ${r.sequence}` : ''}`)
    }
    return { torn, stale: r.stale, sequence: r.sequence }
  }

}
