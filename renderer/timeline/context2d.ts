/**
 * The part of CanvasRenderingContext2D the timeline draws with. A real canvas context satisfies it;
 * so does RecordingContext, which lets the renderer run (and be tested and benched) in Node. Styles
 * are typed loosely so that the DOM's own types (gradients, literal unions) remain assignable.
 */
export interface Ctx2D {
  fillStyle: unknown
  strokeStyle: unknown
  lineWidth: number
  font: string
  textAlign: string
  textBaseline: string
  globalAlpha: number
  fillRect(x: number, y: number, w: number, h: number): void
  strokeRect(x: number, y: number, w: number, h: number): void
  fillText(text: string, x: number, y: number): void
  measureText(text: string): { width: number }
  beginPath(): void
  moveTo(x: number, y: number): void
  lineTo(x: number, y: number): void
  bezierCurveTo(cp1x: number, cp1y: number, cp2x: number, cp2y: number, x: number, y: number): void
  closePath(): void
  rect(x: number, y: number, w: number, h: number): void
  stroke(): void
  fill(): void
  clip(): void
  save(): void
  restore(): void
  setLineDash(segments: number[]): void
}
