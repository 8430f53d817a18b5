import type { Ctx2D } from './context2d.js'

/** A fillRect as recorded, with the fill style in force. */
export interface RecordedRect {
  x: number
  y: number
  w: number
  h: number
  style: string
}

/** A fillText as recorded, with the style and font in force. */
export interface RecordedText {
  text: string
  x: number
  y: number
  style: string
  font: string
}

/** A path or stroke call as recorded, with its arguments and the style in force (stroke style for strokes). */
export interface RecordedOp {
  op: 'moveTo' | 'lineTo' | 'bezierCurveTo' | 'closePath' | 'stroke' | 'fill' | 'strokeRect'
  args: number[]
  style: string
}

/**
 * A Ctx2D that draws nothing and counts (optionally records) the calls: the fake canvas of the tests
 * and the bench. Text is measured as `charWidth` pixels per character.
 */
export class RecordingContext implements Ctx2D {
  fillStyle: unknown = '#000'
  strokeStyle: unknown = '#000'
  lineWidth = 1
  font = '10px sans-serif'
  textAlign = 'start'
  textBaseline = 'alphabetic'
  globalAlpha = 1
  /** Calls per method name. */
  readonly calls: Record<string, number> = {}
  readonly rects: RecordedRect[] = []
  readonly texts: RecordedText[] = []
  readonly ops: RecordedOp[] = []
  private depth = 0

  constructor(
    /** Record every fillRect and fillText (off for benchmarks: counting only). */
    readonly record = true,
    readonly charWidth = 6,
  ) {}

  count(name: string): number {
    return this.calls[name] ?? 0
  }

  /** Forgets all calls (between frames). */
  reset(): void {
    for (const k of Object.keys(this.calls)) delete this.calls[k]
    this.rects.length = 0
    this.texts.length = 0
    this.ops.length = 0
  }

  private tick(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1
  }


  fillRect(x: number, y: number, w: number, h: number): void {
    this.tick('fillRect')
    if (this.record) this.rects.push({ x, y, w, h, style: String(this.fillStyle) })
  }

  strokeRect(x: number, y: number, w: number, h: number): void {
    this.tick('strokeRect')
    if (this.record) this.ops.push({ op: 'strokeRect', args: [x, y, w, h], style: String(this.strokeStyle) })
  }

  fillText(text: string, x: number, y: number): void {
    this.tick('fillText')
    if (this.record) this.texts.push({ text, x, y, style: String(this.fillStyle), font: this.font })
  }

  measureText(text: string): { width: number } {
    this.tick('measureText')
    return { width: text.length * this.charWidth }
  }

  beginPath(): void {
    this.tick('beginPath')
  }

  moveTo(x: number, y: number): void {
    this.tick('moveTo')
    if (this.record) this.ops.push({ op: 'moveTo', args: [x, y], style: String(this.strokeStyle) })
  }

  lineTo(x: number, y: number): void {
    this.tick('lineTo')
    if (this.record) this.ops.push({ op: 'lineTo', args: [x, y], style: String(this.strokeStyle) })
  }

  bezierCurveTo(a: number, b: number, c: number, d: number, x: number, y: number): void {
    this.tick('bezierCurveTo')
    if (this.record) this.ops.push({ op: 'bezierCurveTo', args: [a, b, c, d, x, y], style: String(this.strokeStyle) })
  }

  closePath(): void {
    this.tick('closePath')
    if (this.record) this.ops.push({ op: 'closePath', args: [], style: String(this.strokeStyle) })
  }

  rect(): void {
    this.tick('rect')
  }

  stroke(): void {
    this.tick('stroke')
    if (this.record) this.ops.push({ op: 'stroke', args: [], style: String(this.strokeStyle) })
  }

  fill(): void {
    this.tick('fill')
    if (this.record) this.ops.push({ op: 'fill', args: [], style: String(this.fillStyle) })
  }

  clip(): void {
    this.tick('clip')
  }

  save(): void {
    this.tick('save')
    this.depth++
  }

  restore(): void {
    this.tick('restore')
    if (--this.depth < 0) throw new Error('restore() without save()')
  }

  setLineDash(): void {
    this.tick('setLineDash')
  }

  /** save() calls not yet matched by restore(). */
  get saveDepth(): number {
    return this.depth
  }
}
