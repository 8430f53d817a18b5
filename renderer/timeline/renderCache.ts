// What the timeline keeps from frame to frame: the mipmap query buffers, colours by name, and label
// widths measured once per string, so that a frame's labels cost lookups rather than measureText calls.
import { NameColors } from './colors.js'
import type { Ctx2D } from './context2d.js'
import { CounterBuffer, RunBuffer } from './mipmap.js'

/** Narrowest space a label is tried in. */
export const MIN_LABEL_PX = 12
/** Entries kept for texts without a string id (track names, axis base labels) before starting over. */
const CACHE_LIMIT = 4096

/** What survives between frames: buffers, colours, measured label widths. */
export class RenderCache {
  readonly runs = new RunBuffer()
  readonly counter = new CounterBuffer()
  readonly colors = new NameColors()
  private font = ''
  private widths = new Float64Array(0)
  private ellipsis = 0
  private readonly elided = new Map<number, string>()
  private readonly elidedWidth = new Map<number, number>()
  private readonly textWidths = new Map<string, number>()
  private readonly fitted = new Map<string, string | null>()
  /** measureText calls made (the cache's hit rate shows in tests). */
  measured = 0

  /** Drops measurements when the font changes. */
  setFont(ctx: Ctx2D, font: string): void {
    ctx.font = font
    if (font === this.font) return
    this.font = font
    this.forget()
    this.ellipsis = this.measure(ctx, '…')
  }

  /** Forgets everything kept per string id or text (for another store, whose ids mean other strings). */
  forget(): void {
    this.widths = new Float64Array(0)
    this.elided.clear()
    this.elidedWidth.clear()
    this.textWidths.clear()
    this.fitted.clear()
    this.colors.clear()
  }

  /** Width of string id `id` (text `text`, not empty), measured once. */
  stringWidth(ctx: Ctx2D, id: number, text: string): number {
    if (id >= this.widths.length) {
      const next = new Float64Array(Math.max(256, id * 2 + 1)).fill(NaN)
      next.set(this.widths)
      this.widths = next
    }
    let w = this.widths[id]
    if (w !== w) w = this.widths[id] = this.measure(ctx, text)
    return w
  }

  /** The label of string id `id` for a space `avail` px wide: the text, a prefix with '…', or null. */
  fitLabel(ctx: Ctx2D, id: number, text: string, avail: number): string | null {
    if (avail < MIN_LABEL_PX || text.length === 0) return null
    const w = this.stringWidth(ctx, id, text)
    if (w <= avail) return text
    let n = Math.min(text.length - 1, 1023, Math.floor((text.length * (avail - this.ellipsis)) / w))
    for (; n >= 1; n--) {
      const key = id * 1024 + n
      let s = this.elided.get(key)
      let sw: number
      if (s === undefined) {
        s = `${text.slice(0, n)}…`
        sw = this.measure(ctx, s)
        this.elided.set(key, s)
        this.elidedWidth.set(key, sw)
      } else {
        sw = this.elidedWidth.get(key) ?? Infinity
      }
      if (sw <= avail) return s
    }
    return null
  }

  /** Like fitLabel for text that has no string id (track names); cached per text and width. */
  fitText(ctx: Ctx2D, text: string, avail: number): string | null {
    const key = `${Math.floor(avail)}\u0000${text}`
    let s = this.fitted.get(key)
    if (s !== undefined) return s
    s = null
    if (avail >= MIN_LABEL_PX) {
      const w = this.textWidth(ctx, text)
      if (w <= avail) s = text
      else
        for (let n = Math.min(text.length - 1, Math.floor((text.length * (avail - this.ellipsis)) / w)); n >= 1; n--) {
          const e = `${text.slice(0, n)}…`
          if (this.measure(ctx, e) <= avail) {
            s = e
            break
          }
        }
    }
    if (this.fitted.size > CACHE_LIMIT) this.fitted.clear()
    this.fitted.set(key, s)
    return s
  }

  textWidth(ctx: Ctx2D, text: string): number {
    let w = this.textWidths.get(text)
    if (w === undefined) {
      if (this.textWidths.size > CACHE_LIMIT) this.textWidths.clear()
      this.textWidths.set(text, (w = this.measure(ctx, text)))
    }
    return w
  }

  private measure(ctx: Ctx2D, text: string): number {
    this.measured++
    return ctx.measureText(text).width
  }
}
