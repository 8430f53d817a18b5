import { EventKind } from '../../main/contract/trace.js'
import { colorOfName, NameColors } from './colors.js'
import type { Ctx2D } from './context2d.js'
import type { Geometry, LaneBox, Layout } from './layout.js'
import { CounterBuffer, queryCounter, queryRuns, RunBuffer } from './mipmap.js'
import type { SpanLane } from './spanLane.js'
import { formatTimestamp, trimDecimals } from './timeFormat.js'
import type { TraceStore, TrackIndex } from './traceStore.js'
import { timeTicks, type Ticks, type Viewport } from './viewport.js'

/**
 * Drawing one frame of the timeline on a Ctx2D. Per visible track and lane: a binary search for the
 * visible window and the level of detail of the zoom (mipmap.ts), so a frame costs in proportion to
 * the pixels, never to the events. Spans at least MIN_BOX_PX wide are boxes coloured by name with
 * their label where it fits; thinner pieces and merged runs that touch are fused into one rect
 * (Catapult's FastRectRenderer idea). Counters are step plots from per-pixel min/max; flows are arrows
 * between the slices they bind to, drawn for all flows in view when they are few (else only the
 * selection's). Label widths are measured once per string.
 */

export const THEME = {
  background: '#1e1e1e',
  gutter: '#252526',
  header: '#2d2d30',
  headerText: '#cccccc',
  trackText: '#c8c8c8',
  separator: '#333337',
  grid: '#2f2f33',
  axis: '#252526',
  axisText: '#a0a0a0',
  label: '#1b1b1b',
  tick: 'rgba(255,255,255,0.85)',
  counterLine: '#4fc1ff',
  counterArea: 'rgba(79,193,255,0.22)',
  counterText: '#8fb8d0',
  flow: 'rgba(220,220,220,0.55)',
  flowSelected: '#ffcc00',
  selection: '#ffffff',
  cursor: '#ffcc00',
  hover: 'rgba(255,255,255,0.35)',
} as const

export const FONT = '11px system-ui, sans-serif'
/** Spans narrower than this (pixel columns - 1) are fused with their neighbours instead of boxed. */
export const MIN_BOX_PX = 2
/** Horizontal padding of a label inside its box. */
const LABEL_PAD = 3
/** Narrowest space a label is tried in. */
const MIN_LABEL_PX = 12
/** Entries kept for texts without a string id (track names, axis base labels) before starting over. */
const CACHE_LIMIT = 4096
/** Above this many flow points in view, only the selection's flows are drawn. */
export const FLOW_CAP = 4000

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

/** Draws one frame. */
export function renderFrame(ctx: Ctx2D, scene: Scene, cache: RenderCache): FrameStats {
  return new Painter(ctx, scene, cache).frame()
}

/** The state of drawing one frame. */
class Painter {
  readonly stats: FrameStats = { tracks: 0, pieces: 0, flowArrows: 0 }
  private readonly store: TraceStore
  private readonly layout: Layout
  private readonly vp: Viewport
  private readonly geo: Geometry
  /** Width of the time area. */
  private readonly W: number
  private readonly gx: number
  /** Canvas y of content y 0. */
  private readonly yOff: number
  private readonly rowH: number
  private fillNow: unknown = null

  constructor(
    private readonly ctx: Ctx2D,
    private readonly scene: Scene,
    private readonly cache: RenderCache,
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

  frame(): FrameStats {
    const { ctx, geo, vp } = this
    this.cache.setFont(ctx, FONT)
    ctx.textBaseline = 'middle'
    ctx.textAlign = 'left'
    ctx.lineWidth = 1
    ctx.globalAlpha = 1
    this.fill(THEME.background)
    ctx.fillRect(0, 0, geo.width, geo.height)
    const ticks = timeTicks(vp.startNs, vp.endNs, this.W)

    ctx.save()
    ctx.beginPath()
    ctx.rect(0, geo.axisHeight, geo.width, Math.max(0, geo.height - geo.axisHeight))
    ctx.clip()
    this.grid(ticks)
    const boxes = this.layout.boxes
    const top = geo.scrollY
    const bottom = geo.scrollY + geo.height - geo.axisHeight
    for (let b = this.layout.indexAt(top); b < boxes.length && boxes[b].y < bottom; b++) {
      const box = boxes[b]
      if (box.type === 'header') this.header(box)
      else this.track(box, top, bottom)
    }
    this.fill(THEME.separator)
    ctx.fillRect(this.gx - 1, geo.axisHeight, 1, geo.height - geo.axisHeight)
    // Arrows and the outline may reach beyond the view: keep them off the track names.
    ctx.save()
    ctx.beginPath()
    ctx.rect(this.gx, geo.axisHeight, this.W, Math.max(0, geo.height - geo.axisHeight))
    ctx.clip()
    if (this.scene.flows !== 'none') this.flows()
    this.selection()
    ctx.restore()
    ctx.restore()

    this.axis(ticks)
    this.cursors()
    return this.stats
  }

  private fill(style: string): void {
    if (this.fillNow !== style) {
      this.ctx.fillStyle = style
      this.fillNow = style
    }
  }

  private grid(ticks: Ticks): void {
    const { ctx, geo } = this
    ctx.strokeStyle = THEME.grid
    ctx.beginPath()
    for (const t of ticks.ns) {
      const x = Math.round(this.gx + this.vp.x(t)) + 0.5
      ctx.moveTo(x, geo.axisHeight)
      ctx.lineTo(x, geo.height)
    }
    ctx.stroke()
  }

  private header(box: LaneBox): void {
    const { ctx, geo } = this
    const y = box.y + this.yOff
    this.fill(THEME.header)
    ctx.fillRect(0, y, geo.width, box.height - 1)
    this.fill(THEME.headerText)
    ctx.fillText(`${box.collapsed ? '▸' : '▾'} ${box.group || '(no group)'}${box.collapsed ? `  (${box.tracks})` : ''}`, 6, y + box.height / 2)
  }

  private track(box: LaneBox, top: number, bottom: number): void {
    const { ctx, geo, store } = this
    const tr = store.tracks[box.track]
    const y = box.y + this.yOff
    this.stats.tracks++
    this.fill(THEME.gutter)
    ctx.fillRect(0, y, this.gx - 1, box.height)
    this.fill(THEME.separator)
    ctx.fillRect(0, y + box.height - 1, geo.width, 1)
    const name = this.cache.fitText(ctx, tr.info.name, this.gx - 20)
    if (name !== null) {
      this.fill(THEME.trackText)
      ctx.fillText(name, 14, y + this.layout.options.trackPadding + Math.min(this.rowH, box.height) / 2)
    }
    if (this.W <= 0) return
    if (tr.info.kind === 'counter') {
      this.counter(tr, y + this.layout.options.trackPadding, this.layout.options.counterHeight)
      return
    }
    const lanes = tr.lanes
    const isAsync = tr.info.kind === 'async'
    for (let r = 0; r < lanes.length; r++) {
      const ly = this.layout.rowY(box, r)
      if (ly + this.rowH < top || ly > bottom) continue
      this.spans(lanes[r], ly + this.yOff, tr, isAsync, false)
    }
    if (tr.instants.n > 0) this.spans(tr.instants, this.layout.rowY(box, 0) + this.yOff, tr, false, true)
  }

  /** Colour of an event name (unnamed events take their track's name); muted for busy runs. */
  private color(nameId: number, tr: TrackIndex, busy = false): string {
    return nameId === 0 ? colorOfName(tr.info.name, busy) : this.cache.colors.color(nameId, this.store.strings[nameId] ?? '', busy)
  }

  private spans(lane: SpanLane, y: number, tr: TrackIndex, isAsync: boolean, isInstants: boolean): void {
    const { ctx, vp, W, gx } = this
    const runs = this.cache.runs
    const h = this.rowH - 1
    const n = queryRuns(lane, vp.startNs, vp.nsPerPx, W, this.store.endNs, runs)
    this.stats.pieces += n
    const { px0, px1, x0, x1, rep, count } = runs
    const minW = isInstants ? 2 : 1
    // Boxes, with thin pieces fused while they touch. A fused rect of more than one span is "busy":
    // drawn muted (not for instants, which are ticks either way).
    let pStart = -1
    let pEnd = -1
    let pRep = 0
    let pDur = -1
    let pBusy = false
    let boxes = 0
    for (let k = 0; k < n; k++) {
      const p0 = px0[k]
      const p1 = px1[k]
      const r = rep[k]
      if (count[k] === 1 && p1 - p0 >= MIN_BOX_PX) {
        if (pStart >= 0) {
          this.fill(this.color(lane.name[pRep], tr, pBusy))
          ctx.fillRect(gx + pStart, y, Math.max(minW, pEnd - pStart + 1), h)
          pStart = -1
        }
        const a = x0[k] < 0 ? 0 : x0[k]
        const b = x1[k] > W ? W : x1[k]
        this.fill(this.color(lane.name[r], tr))
        ctx.fillRect(gx + a, y, Math.max(1, b - a), h)
        boxes++
      } else {
        const dur = lane.end[r] - lane.start[r]
        if (pStart >= 0 && p0 <= pEnd + 1) {
          if (p1 > pEnd) pEnd = p1
          if (dur > pDur) {
            pDur = dur
            pRep = r
          }
          pBusy = !isInstants
        } else {
          if (pStart >= 0) {
            this.fill(this.color(lane.name[pRep], tr, pBusy))
            ctx.fillRect(gx + pStart, y, Math.max(minW, pEnd - pStart + 1), h)
          }
          pStart = p0
          pEnd = p1
          pRep = r
          pDur = dur
          pBusy = !isInstants && count[k] > 1
        }
      }
    }
    if (pStart >= 0) {
      this.fill(this.color(lane.name[pRep], tr, pBusy))
      ctx.fillRect(gx + pStart, y, Math.max(minW, pEnd - pStart + 1), h)
    }
    if (boxes === 0) return
    // Marks of async instants inside the spans drawn as boxes.
    if (isAsync) {
      const a = tr.async
      this.fill(THEME.tick)
      for (let k = 0; k < n; k++) {
        if (count[k] !== 1 || px1[k] - px0[k] < MIN_BOX_PX) continue
        for (let j = a.instHead[lane.ref[rep[k]]]; j >= 0; j = a.instNext[j]) {
          const x = vp.x(a.instTs[j])
          if (x >= 0 && x <= W) ctx.fillRect(gx + x, y + 2, 1, h - 4)
        }
      }
    }
    // Labels where they fit.
    this.fill(THEME.label)
    const cy = y + h / 2
    for (let k = 0; k < n; k++) {
      if (count[k] !== 1 || px1[k] - px0[k] < MIN_BOX_PX) continue
      const a = x0[k] < 0 ? 0 : x0[k]
      const b = x1[k] > W ? W : x1[k]
      const avail = b - a - 2 * LABEL_PAD
      if (avail < MIN_LABEL_PX) continue
      const id = lane.name[rep[k]]
      const text = id === 0 ? this.cache.fitText(ctx, tr.info.name, avail) : this.cache.fitLabel(ctx, id, this.store.strings[id] ?? '', avail)
      if (text !== null) ctx.fillText(text, gx + a + LABEL_PAD, cy)
    }
  }

  private counter(tr: TrackIndex, top: number, height: number): void {
    const { ctx, vp, W, gx } = this
    const s = tr.counter
    const buf = this.cache.counter
    const filled = queryCounter(s, vp.startNs, vp.nsPerPx, W, this.store.endNs, buf)
    this.stats.pieces += filled
    const lo = Math.min(0, s.min)
    const hi = s.max > lo ? s.max : lo + 1
    const scale = (height - 3) / (hi - lo)
    const base = top + height - 1
    if (filled > 0) {
      const { has, min, max } = buf
      // The area under the step plot, then its top edge, as one path each.
      ctx.strokeStyle = THEME.counterLine
      for (let pass = 0; pass < 2; pass++) {
        ctx.beginPath()
        let c = 0
        while (c < W) {
          if (has[c] === 0) {
            c++
            continue
          }
          let prevY = base - (max[c] - lo) * scale
          if (pass === 0) {
            ctx.moveTo(gx + c, base)
            ctx.lineTo(gx + c, prevY)
          } else ctx.moveTo(gx + c, prevY)
          c++
          while (c < W && has[c] !== 0) {
            const yy = base - (max[c] - lo) * scale
            if (yy !== prevY) {
              ctx.lineTo(gx + c, prevY)
              ctx.lineTo(gx + c, yy)
              prevY = yy
            }
            c++
          }
          ctx.lineTo(gx + c, prevY)
          if (pass === 0) {
            ctx.lineTo(gx + c, base)
            ctx.closePath()
          }
        }
        if (pass === 0) {
          this.fill(THEME.counterArea)
          ctx.fill()
        } else ctx.stroke()
      }
      // Where the value moves within a pixel column: the band from min to max, one polygon per run of
      // columns (along the maxima forward, back along the minima), so a busy counter costs one fill.
      let moving = false
      for (let c = 0; c < W && !moving; c++) moving = has[c] !== 0 && min[c] !== max[c]
      if (moving) {
        ctx.beginPath()
        let c = 0
        while (c < W) {
          if (has[c] === 0) {
            c++
            continue
          }
          const first = c
          let prevY = base - (max[c] - lo) * scale
          ctx.moveTo(gx + c, prevY)
          for (c++; c < W && has[c] !== 0; c++) {
            const yy = base - (max[c] - lo) * scale
            if (yy !== prevY) {
              ctx.lineTo(gx + c, prevY)
              ctx.lineTo(gx + c, yy)
              prevY = yy
            }
          }
          ctx.lineTo(gx + c, prevY)
          prevY = base - (min[c - 1] - lo) * scale
          ctx.lineTo(gx + c, prevY)
          for (let k = c - 2; k >= first; k--) {
            const yy = base - (min[k] - lo) * scale
            if (yy !== prevY) {
              ctx.lineTo(gx + k + 1, prevY)
              ctx.lineTo(gx + k + 1, yy)
              prevY = yy
            }
          }
          ctx.lineTo(gx + first, prevY)
          ctx.closePath()
        }
        this.fill(THEME.counterLine)
        ctx.fill()
      }
    }
    if (s.n > 0) {
      this.fill(THEME.counterText)
      const unit = tr.info.unit ?? ''
      ctx.fillText(`${trimDecimals(s.max, 3)}${unit ? ` ${unit}` : ''}`, gx + 4, top + 6)
    }
  }

  /** Canvas point of a flow point: its time, and the middle of the slice row it binds to. */
  private flowY(track: number, ts: number): number {
    const box = this.layout.trackBox(track)
    if (box === null) {
      const header = this.layout.headerBox(this.store.tracks[track]?.info.group ?? '')
      return header === null ? NaN : header.y + header.height / 2 + this.yOff
    }
    return this.layout.rowY(box, bindDepth(this.store.tracks[track], ts)) + this.rowH / 2 + this.yOff
  }

  private flows(): void {
    const { ctx, vp, store } = this
    const f = store.flows
    if (f.n === 0) return
    const t0 = vp.startNs
    const t1 = vp.endNs
    if (this.scene.flows === 'all') {
      const lo = f.byTime.lowerBound(t0 - f.maxSegment)
      const hi = f.byTime.upperBound(t1)
      if (hi - lo <= FLOW_CAP) {
        ctx.strokeStyle = THEME.flow
        ctx.lineWidth = 1
        for (let pass = 0; pass < 2; pass++) {
          ctx.beginPath()
          for (let i = lo; i < hi; i++) {
            const p = f.byTime.ref[i]
            const q = f.next[p]
            if (q >= 0 && f.ts[q] >= t0) this.arrow(p, q, pass === 1)
          }
          if (pass === 0) ctx.stroke()
          else {
            this.fill(THEME.flow)
            ctx.fill()
          }
        }
      }
    }
    const chains = this.selectedChains()
    if (chains.length > 0) {
      ctx.strokeStyle = THEME.flowSelected
      ctx.lineWidth = 2
      for (let pass = 0; pass < 2; pass++) {
        ctx.beginPath()
        for (const c of chains) for (let p = f.head[c]; p >= 0 && f.next[p] >= 0; p = f.next[p]) this.arrow(p, f.next[p], pass === 1)
        if (pass === 0) ctx.stroke()
        else {
          this.fill(THEME.flowSelected)
          ctx.fill()
        }
      }
      ctx.lineWidth = 1
    }
  }

  /** Adds the curve (or, with `head`, the arrow head) from flow point p to q to the current path. */
  private arrow(p: number, q: number, head: boolean): void {
    const { ctx, vp, gx, W } = this
    const f = this.store.flows
    let xa = gx + vp.x(f.ts[p])
    let xb = gx + vp.x(f.ts[q])
    const ya = this.flowY(f.track[p], f.ts[p])
    const yb = this.flowY(f.track[q], f.ts[q])
    if (ya !== ya || yb !== yb) return
    // Keep far-off ends within reach of the canvas (coordinates of 1e12 px upset rasterizers).
    const lim = 4 * (W + gx)
    if (xa < -lim) xa = -lim
    if (xb > lim) xb = lim
    if (head) {
      ctx.moveTo(xb, yb)
      ctx.lineTo(xb - 6, yb - 3)
      ctx.lineTo(xb - 6, yb + 3)
      ctx.closePath()
      return
    }
    const dx = Math.max(10, Math.abs(xb - xa) / 2)
    ctx.moveTo(xa, ya)
    ctx.bezierCurveTo(xa + dx, ya, xb - dx, yb, xb, yb)
    this.stats.flowArrows++
  }

  /** Flow chains of the selected row: the flows bound to a selected slice, or an SRB's flow. */
  private selectedChains(): number[] {
    const sel = this.scene.selection
    const store = this.store
    if (sel < 0 || sel >= store.rowCount) return []
    const kind = store.rowKind(sel)
    const out: number[] = []
    if (kind === EventKind.Slice) store.flows.chainsAt(store.rowTrack(sel), store.rowTs(sel), (c) => out.includes(c) || out.push(c))
    else if (kind >= EventKind.AsyncBegin && kind <= EventKind.FlowEnd) {
      const c = store.flows.chainOf(store.rowValue(sel, 'x'))
      if (c >= 0) out.push(c)
    }
    return out
  }

  private selection(): void {
    const { ctx, vp, store, gx, W } = this
    if (this.scene.selection < 0) return
    const place = store.place(this.scene.selection)
    if (place === null) return
    const box = this.layout.trackBox(place.track)
    if (box === null) return
    ctx.strokeStyle = THEME.selection
    ctx.lineWidth = 2
    const xa = vp.x(place.start)
    const xb = vp.x(place.end)
    // Nothing to outline when the event is out of view (an outline clamped to the edge would mislead).
    if (xb < 0 || xa > W) return
    const a = xa < -4 ? -4 : xa
    const b = xb > W + 4 ? W + 4 : xb
    if (store.tracks[place.track].info.kind === 'counter') {
      ctx.strokeRect(gx + a - 1, box.y + this.yOff + 1, 2, box.height - 3)
    } else {
      const y = this.layout.rowY(box, place.lane) + this.yOff
      ctx.strokeRect(gx + a - 1, y - 1, Math.max(1, b - a) + 2, this.rowH + 1)
    }
    ctx.lineWidth = 1
  }

  private axis(ticks: Ticks): void {
    const { ctx, geo, gx } = this
    const h = geo.axisHeight
    this.fill(THEME.axis)
    ctx.fillRect(0, 0, geo.width, h)
    this.fill(THEME.separator)
    ctx.fillRect(0, h - 1, geo.width, 1)
    ctx.strokeStyle = THEME.axisText
    ctx.beginPath()
    for (const t of ticks.ns) {
      const x = Math.round(gx + this.vp.x(t)) + 0.5
      ctx.moveTo(x, h - 6)
      ctx.lineTo(x, h - 1)
    }
    ctx.stroke()
    this.fill(THEME.axisText)
    for (let i = 0; i < ticks.ns.length; i++) {
      const x = gx + this.vp.x(ticks.ns[i])
      if (x + 3 < geo.width) ctx.fillText(ticks.labels[i], x + 3, h / 2 - 2)
    }
    // The gutter's corner shows the base of offset labels.
    this.fill(THEME.axis)
    ctx.fillRect(0, 0, gx - 1, h - 1)
    this.fill(THEME.axisText)
    const corner = this.cache.fitText(ctx, ticks.baseLabel ?? 'time', gx - 12)
    if (corner !== null) ctx.fillText(corner, 6, h / 2 - 2)
  }

  private cursors(): void {
    const { ctx, geo, vp, gx, W } = this
    const hover = this.scene.hoverNs
    if (hover !== null) {
      const x = vp.x(hover)
      if (x >= 0 && x <= W) {
        ctx.strokeStyle = THEME.hover
        ctx.setLineDash([3, 3])
        ctx.beginPath()
        ctx.moveTo(Math.round(gx + x) + 0.5, geo.axisHeight)
        ctx.lineTo(Math.round(gx + x) + 0.5, geo.height)
        ctx.stroke()
        ctx.setLineDash([])
      }
    }
    const cursor = this.scene.cursorNs
    if (cursor !== null) {
      const x = vp.x(cursor)
      if (x >= 0 && x <= W) {
        this.fill(THEME.cursor)
        ctx.fillRect(Math.round(gx + x), 0, 1, geo.height)
        const label = formatTimestamp(cursor)
        const w = ctx.measureText(label).width + 8
        const lx = Math.min(gx + x + 1, geo.width - w)
        ctx.fillRect(lx, geo.axisHeight - 14, w, 13)
        this.fill(THEME.background)
        ctx.fillText(label, lx + 4, geo.axisHeight - 7.5)
      }
    }
  }
}

/**
 * The depth of the slice a flow point at (track, ts) binds to: the deepest slice starting exactly
 * at ts, else the deepest containing ts, else 0.
 */
export function bindDepth(tr: TrackIndex, ts: number): number {
  const lanes = tr.slices
  for (let d = lanes.length - 1; d >= 0; d--) {
    const lane = lanes[d]
    const i = lane.countStartingBy(ts) - 1
    if (i >= 0 && lane.start[i] === ts) return d
  }
  for (let d = lanes.length - 1; d >= 0; d--) {
    const lane = lanes[d]
    const i = lane.countStartingBy(ts) - 1
    if (i >= 0 && lane.end[i] >= ts) return d
  }
  return 0
}
