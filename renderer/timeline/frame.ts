// One frame being drawn: what it shows (Scene), what it counts (FrameStats), the state every part of
// the frame shares (Frame), and the interface each kind of track draws through (TrackRenderer).
import type { Ctx2D } from './context2d.js'
import type { Geometry, LaneBox, Layout } from './layout.js'
import type { RenderCache } from './renderCache.js'
import type { TraceStore, TrackIndex } from './traceStore.js'
import type { Viewport } from './viewport.js'

/** What a frame shows. */
export interface Scene {
  store: TraceStore
  layout: Layout
  viewport: Viewport
  geometry: Geometry
  /** Selected trace row, -1 for none. */
  selection: number
  cursorNs: number | null
  hoverNs: number | null
  /** Which flows to draw: all in view (when few enough), only the selection's, or none. */
  flows: 'all' | 'selected' | 'none'
}

/** Counts of one frame (for the bench and tests). */
export interface FrameStats {
  tracks: number
  /** Lane pieces (spans or merged runs) the mipmap returned. */
  pieces: number
  flowArrows: number
}

/**
 * How one kind of track draws its time area (Perfetto's split: one interface, one renderer per track
 * kind). Renderers are made once and hold nothing between calls, so a frame allocates none.
 */
export interface TrackRenderer {
  /** Draws track `tr` in its band `box`; `top` and `bottom` (content y) bound the rows in view. */
  draw(f: Frame, tr: TrackIndex, box: LaneBox, top: number, bottom: number): void
}

/** The state of drawing one frame, shared by the track renderers and the overlays. */
export class Frame {
  readonly stats: FrameStats = { tracks: 0, pieces: 0, flowArrows: 0 }
  readonly store: TraceStore
  readonly layout: Layout
  readonly vp: Viewport
  readonly geo: Geometry
  /** Width of the time area. */
  readonly W: number
  /** Canvas x of the time area's left edge (the gutter's width). */
  readonly gx: number
  /** Canvas y of content y 0. */
  readonly yOff: number
  readonly rowH: number
  /** The fill style last set, so that runs of one colour set it once (a canvas parses every style it is given). */
  private fillNow: unknown = null

  constructor(
    readonly ctx: Ctx2D,
    readonly scene: Scene,
    readonly cache: RenderCache,
  ) {
    this.store = scene.store
    this.layout = scene.layout
    this.vp = scene.viewport
    this.geo = scene.geometry
    this.W = Math.max(0, Math.floor(this.geo.width - this.geo.gutter))
    this.gx = this.geo.gutter
    this.yOff = this.geo.axisHeight - this.geo.scrollY
    this.rowH = this.layout.options.rowHeight
  }

  fill(style: string): void {
    if (this.fillNow !== style) {
      this.ctx.fillStyle = style
      this.fillNow = style
    }
  }
}
