import type { Ctx2D } from './context2d.js'
import { buildLayout, DEFAULT_LAYOUT, hitTest, type Geometry, type Hit, type Layout } from './layout.js'
import type { FrameStats } from './frame.js'
import { renderFrame } from './render.js'
import { RenderCache } from './renderCache.js'
import { formatDuration, formatTimestamp, trimDecimals } from './timeFormat.js'
import { findNext, type SearchHit, type SearchQuery } from './search.js'
import type { EventDetails, TraceStore } from './traceStore.js'
import { navigateKey, Viewport, wheelZoomFactor } from './viewport.js'

/**
 * The timeline's state and input handling, without the DOM: Timeline.vue turns browser events into
 * calls here (coordinates in CSS pixels of the canvas) and draws with `draw` when `dirty`. Tests drive
 * it the same way.
 */

/** What the controller tells its host. */
export interface TimelineEvents {
  /** A row was selected (-1 and null: the selection was cleared). */
  select?(row: number, details: EventDetails | null): void
  /** The user placed the time cursor. */
  cursor?(ns: number): void
  /** Something changed that needs a new frame. */
  invalidate?(): void
}

/** The hover tooltip: where (canvas CSS px) and what. */
export interface TooltipInfo {
  x: number
  y: number
  title: string
  lines: string[]
}

export interface InputModifiers {
  shift?: boolean
  ctrl?: boolean
}

/** Pointer travel (px) below which a press and release is a click, not a drag. */
const CLICK_SLOP_PX = 3
const ARGS_IN_TOOLTIP = 6

export class TimelineController {
  readonly viewport = new Viewport()
  readonly cache = new RenderCache()
  readonly geometry: Geometry = { width: 0, height: 0, gutter: 200, axisHeight: 24, scrollY: 0 }
  readonly collapsed = new Set<string>()
  layout: Layout
  /** Selected row, -1 for none. */
  selection = -1
  cursorNs: number | null = null
  /** Pointer position over the canvas, null when outside. */
  hover: { x: number; y: number } | null = null
  flows: 'all' | 'selected' | 'none' = 'all'
  /** True until the user zooms or pans: meanwhile the view keeps fitting the trace as it grows. */
  follow = true
  dirty = true
  private seenVersion = -1
  private drag: { x: number; y: number; lastX: number; lastY: number; moved: boolean } | null = null

  constructor(
    public store: TraceStore,
    public events: TimelineEvents = {},
  ) {
    this.layout = buildLayout(store, DEFAULT_LAYOUT)
  }

  /** Shows another store (selection and zoom start over). */
  setStore(store: TraceStore): void {
    this.store = store
    this.cache.forget()
    this.selection = -1
    this.follow = true
    this.seenVersion = -1
    this.invalidate()
  }

  /** Picks up appended rows and schema changes (call when the store's version moved). */
  sync(): void {
    if (this.store.version === this.seenVersion) return
    this.seenVersion = this.store.version
    this.relayout()
    this.viewport.setBounds(this.store.startNs, this.store.endNs)
    if (this.follow) this.viewport.fit()
    this.invalidate()
  }

  /** Canvas size in CSS pixels. */
  resize(width: number, height: number): void {
    this.geometry.width = width
    this.geometry.height = height
    this.viewport.setWidth(Math.max(1, width - this.geometry.gutter))
    if (this.follow) this.viewport.fit()
    this.clampScroll()
    this.invalidate()
  }

  invalidate(): void {
    if (!this.dirty) {
      this.dirty = true
      this.events.invalidate?.()
    }
  }

  /** Draws a frame (after picking up store changes). */
  draw(ctx: Ctx2D): FrameStats {
    this.sync()
    this.clampScroll()
    const hoverNs = this.hover !== null && this.hover.x >= this.geometry.gutter ? this.viewport.time(this.hover.x - this.geometry.gutter) : null
    const stats = renderFrame(
      ctx,
      { store: this.store, layout: this.layout, viewport: this.viewport, geometry: this.geometry, selection: this.selection, cursorNs: this.cursorNs, hoverNs, flows: this.flows },
      this.cache,
    )
    this.dirty = false
    return stats
  }

  // ---------------------------------------------------------------------------------------------
  // Commands

  fit(): void {
    this.follow = true
    this.viewport.fit()
    this.invalidate()
  }

  zoomToRange(a: number, b: number): void {
    this.follow = false
    this.viewport.zoomToRange(a, b)
    this.invalidate()
  }

  /** Centres time `ns` (zoom unchanged). */
  jumpToTime(ns: number): void {
    this.follow = false
    this.viewport.centerOn(ns)
    this.invalidate()
  }

  /** Selects row `row` and brings it into view: its group opened, its track scrolled to, its time shown. */
  jumpToRow(row: number): void {
    this.sync()
    const place = this.store.place(row)
    this.select(row)
    if (place === null) return
    const group = this.store.tracks[place.track].info.group
    if (this.collapsed.delete(group)) this.relayout()
    this.follow = false
    const vp = this.viewport
    const dur = place.end - place.start
    if (dur > 0 && (dur / vp.nsPerPx < 2 || dur > 0.8 * vp.spanNs)) vp.zoomToRange(place.start, place.end, 1)
    else if (place.start < vp.startNs || place.end > vp.endNs) vp.centerOn((place.start + place.end) / 2)
    const box = this.layout.trackBox(place.track)
    if (box !== null) {
      const top = this.layout.rowY(box, place.lane)
      const view = this.geometry.height - this.geometry.axisHeight
      if (top < this.geometry.scrollY || top + this.layout.options.rowHeight > this.geometry.scrollY + view) this.geometry.scrollY = top - view / 3
      this.clampScroll()
    }
    this.invalidate()
  }

  /**
   * Finds the next (dir 1) or previous (dir -1) match after the selection (or the cursor, or the
   * start), selects it and brings it into view. Returns it, or null when there is none.
   */
  /**
   * The next (previous) match after the selection, or the cursor; past the last (first) match it
   * wraps to the first (last), as an editor's find does, and says so in `wrapped`.
   */
  find(query: SearchQuery, dir: 1 | -1 = 1): (SearchHit & { wrapped: boolean }) | null {
    this.sync()
    const edge = { ts: dir > 0 ? -Infinity : Infinity, row: -1 }
    const from = this.selection >= 0 ? { ts: this.store.rowTs(this.selection), row: this.selection } : this.cursorNs !== null ? { ts: this.cursorNs, row: -1 } : edge
    let hit = findNext(this.store, query, from, dir)
    let wrapped = false
    if (hit === null && from !== edge) {
      hit = findNext(this.store, query, edge, dir)
      wrapped = hit !== null
    }
    if (hit === null) return null
    this.jumpToRow(hit.row)
    return { ...hit, wrapped }
  }

  /** Selects a row (-1 clears) and tells the host. */
  select(row: number): void {
    const r = row >= 0 && row < this.store.rowCount ? row : -1
    this.selection = r
    this.events.select?.(r, r >= 0 ? this.store.describe(r) : null)
    this.invalidate()
  }

  /** Places the time cursor; `emit` tells the host (not done for a cursor set by the host itself). */
  setCursor(ns: number | null, emit = false): void {
    this.cursorNs = ns
    if (emit && ns !== null) this.events.cursor?.(ns)
    this.invalidate()
  }

  toggleGroup(group: string): void {
    if (!this.collapsed.delete(group)) this.collapsed.add(group)
    this.relayout()
    this.invalidate()
  }

  hitAt(x: number, y: number): Hit {
    this.sync()
    return hitTest(this.store, this.layout, this.viewport, this.geometry, x, y)
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  /** A wheel turn at (x, y): zooms around x; with Shift scrolls the tracks; sideways pans. */
  wheel(x: number, y: number, deltaX: number, deltaY: number, mods: InputModifiers = {}): void {
    if (mods.shift && !mods.ctrl) {
      this.geometry.scrollY += deltaY !== 0 ? deltaY : deltaX
      this.clampScroll()
    } else if (Math.abs(deltaX) > Math.abs(deltaY) && !mods.ctrl) {
      this.follow = false
      this.viewport.panPx(deltaX)
    } else {
      this.follow = false
      this.viewport.zoomAt(this.timeX(x), wheelZoomFactor(deltaY))
    }
    this.hover = { x, y }
    this.invalidate()
  }

  pointerDown(x: number, y: number): void {
    this.drag = { x, y, lastX: x, lastY: y, moved: false }
  }

  pointerMove(x: number, y: number): void {
    const d = this.drag
    if (d !== null) {
      if (!d.moved && Math.hypot(x - d.x, y - d.y) > CLICK_SLOP_PX) d.moved = true
      if (d.moved) {
        this.follow = false
        this.viewport.panPx(d.lastX - x)
        this.geometry.scrollY += d.lastY - y
        this.clampScroll()
        d.lastX = x
        d.lastY = y
      }
    }
    this.hover = { x, y }
    this.invalidate()
  }

  pointerUp(x: number, y: number): void {
    const d = this.drag
    this.drag = null
    if (d !== null && !d.moved) this.click(x, y)
  }

  pointerLeave(): void {
    this.hover = null
    this.invalidate()
  }

  get dragging(): boolean {
    return this.drag !== null && this.drag.moved
  }

  /** A click: a header toggles its group; on the axis or a track it places the cursor, and selects what is under it. */
  click(x: number, y: number): void {
    const hit = this.hitAt(x, y)
    if (hit.type === 'header') this.toggleGroup(hit.group)
    else if (hit.type === 'axis') this.setCursor(hit.ns, true)
    else if (hit.type === 'track') {
      this.setCursor(hit.ns, true)
      this.select(hit.row)
    }
  }

  /** A key press: W/S/A/D and arrows navigate, F fits (the selection, if any), Escape clears the selection. */
  key(key: string): boolean {
    const anchor = this.hover !== null && this.hover.x >= this.geometry.gutter ? this.hover.x - this.geometry.gutter : undefined
    if (navigateKey(this.viewport, key, anchor)) {
      this.follow = false
      this.invalidate()
      return true
    }
    switch (key) {
      case 'f':
      case 'F': {
        const place = this.selection >= 0 ? this.store.place(this.selection) : null
        if (place !== null) this.zoomToRange(place.start, place.end === place.start ? place.start + 1000 : place.end)
        else this.fit()
        return true
      }
      case 'Escape':
        if (this.selection >= 0) this.select(-1)
        return true
      case 'ArrowUp':
      case 'ArrowDown':
        this.geometry.scrollY += (key === 'ArrowUp' ? -3 : 3) * this.layout.options.rowHeight
        this.clampScroll()
        this.invalidate()
        return true
      default:
        return false
    }
  }

  /** The tooltip for the hovered event, or null. */
  tooltip(): TooltipInfo | null {
    if (this.hover === null || this.dragging) return null
    const hit = this.hitAt(this.hover.x, this.hover.y)
    if (hit.type !== 'track' || hit.row < 0) return null
    const d = this.store.describe(hit.row)
    const lines = [`${d.kindName} · ${d.trackName}`, `at ${formatTimestamp(d.ts)}`]
    if (d.dur !== null) lines.push(`duration ${formatDuration(d.dur)}`)
    if (d.value !== null) lines.push(`value ${trimDecimals(d.value, 6)}${this.store.tracks[d.track]?.info.unit ? ` ${this.store.tracks[d.track].info.unit}` : ''}`)
    if (d.id !== null) lines.push(`id ${d.id}`)
    for (const a of d.args.slice(0, ARGS_IN_TOOLTIP)) lines.push(`${a.name}: ${a.text}`)
    return { x: this.hover.x, y: this.hover.y, title: d.name, lines }
  }

  private timeX(x: number): number {
    return Math.max(0, x - this.geometry.gutter)
  }

  private relayout(): void {
    this.layout = buildLayout(this.store, { ...DEFAULT_LAYOUT, collapsed: this.collapsed })
  }

  private clampScroll(): void {
    const view = this.geometry.height - this.geometry.axisHeight
    const max = Math.max(0, this.layout.height - view)
    if (!(this.geometry.scrollY <= max)) this.geometry.scrollY = max
    if (this.geometry.scrollY < 0) this.geometry.scrollY = 0
  }
}
