import { describe, expect, it } from 'vitest'
import { EventKind } from '../../../main/contract/trace.js'
import { TimelineController } from '../../../renderer/timeline/controller.js'
import { RecordingContext } from '../../../renderer/timeline/recordingContext.js'
import { THEME } from '../../../renderer/timeline/theme.js'
import { parseQuery } from '../../../renderer/timeline/search.js'
import { TraceStore, viewColumns, type EventDetails } from '../../../renderer/timeline/traceStore.js'
import { vcap1Trace } from './vcap1Trace.js'

async function setup() {
  const t = await vcap1Trace()
  const store = new TraceStore(t.schema, t.strings)
  store.syncChunks(t.chunks, t.count)
  const events = { selected: [] as [number, EventDetails | null][], cursors: [] as number[], invalidations: 0 }
  const c = new TimelineController(store, {
    select: (row, d) => events.selected.push([row, d]),
    cursor: (ns) => events.cursors.push(ns),
    invalidate: () => events.invalidations++,
  })
  c.resize(1400, 2000)
  c.draw(new RecordingContext(false))
  return { t, store, c, events }
}

/** Canvas point over the middle of lane entry i of a track's row. */
function pointOn(c: TimelineController, track: number, row: number, t: number) {
  const box = c.layout.trackBox(track)!
  return { x: c.geometry.gutter + c.viewport.x(t), y: c.geometry.axisHeight - c.geometry.scrollY + c.layout.rowY(box, row) + c.layout.options.rowHeight / 2 }
}

describe('TimelineController', () => {
  it('starts fitted to the trace, and draws only when something changed', async () => {
    const { store, c, events } = await setup()
    expect(c.viewport.startNs).toBeLessThanOrEqual(store.startNs)
    expect(c.viewport.endNs).toBeGreaterThanOrEqual(store.endNs)
    expect(c.dirty).toBe(false)
    const before = events.invalidations
    c.pointerMove(500, 300)
    expect(c.dirty).toBe(true)
    c.pointerMove(510, 300)
    expect(events.invalidations).toBe(before + 1)
    c.draw(new RecordingContext(false))
    expect(c.dirty).toBe(false)
  })

  it('selects the clicked slice, emits its decoded fields and the cursor time, and highlights it', async () => {
    const { store, c, events } = await setup()
    const tr = store.tracks.find((x) => x.info.name === 'VCAP-1 video DMA')!
    const lane = tr.slices[0]
    const i = lane.n >> 1
    c.zoomToRange(lane.start[i] - 20_000, lane.end[i] + 20_000)
    const mid = (lane.start[i] + lane.end[i]) / 2
    const p = pointOn(c, tr.index, 0, mid)
    c.pointerDown(p.x, p.y)
    c.pointerUp(p.x, p.y)
    expect(c.selection).toBe(lane.row[i])
    expect(events.selected.at(-1)![0]).toBe(lane.row[i])
    const d = events.selected.at(-1)![1]!
    expect(d.kind).toBe(EventKind.Slice)
    expect(d.trackName).toBe('VCAP-1 video DMA')
    expect(d.dur).toBe(lane.end[i] - lane.start[i])
    expect(d.args.map((a) => a.name)).toEqual(['descriptor', 'bytes', 'address'])
    expect(events.cursors.at(-1)).toBeCloseTo(mid, -1)
    const ctx = new RecordingContext()
    c.draw(ctx)
    expect(ctx.ops.some((o) => o.op === 'strokeRect' && o.style === THEME.selection)).toBe(true)
    // Escape clears it.
    expect(c.key('Escape')).toBe(true)
    expect(c.selection).toBe(-1)
    expect(events.selected.at(-1)).toEqual([-1, null])
  })

  it('pans by dragging (without selecting) and zooms with the wheel around the pointer', async () => {
    const { store, c, events } = await setup()
    c.zoomToRange(store.endNs * 0.4, store.endNs * 0.5)
    const start = c.viewport.startNs
    const npp = c.viewport.nsPerPx
    c.pointerDown(800, 400)
    c.pointerMove(760, 400)
    c.pointerMove(700, 400)
    c.pointerUp(700, 400)
    expect(c.viewport.startNs).toBeCloseTo(start + 100 * npp, 0)
    expect(events.selected).toEqual([])
    const t = c.viewport.time(600 - c.geometry.gutter)
    c.wheel(600, 400, 0, -120)
    expect(c.viewport.nsPerPx).toBeLessThan(npp)
    expect(c.viewport.time(600 - c.geometry.gutter)).toBeCloseTo(t, 0)
    // Shift+wheel scrolls the tracks when they are taller than the canvas.
    c.wheel(600, 400, 0, 300, { shift: true })
    expect(c.geometry.scrollY).toBe(0)
    c.resize(1400, 400)
    c.wheel(600, 300, 0, 100, { shift: true })
    expect(c.geometry.scrollY).toBe(100)
    c.wheel(600, 300, 0, 1e6, { shift: true })
    expect(c.geometry.scrollY).toBe(c.layout.height - (400 - c.geometry.axisHeight))
  })

  it('navigates with W/S/A/D, fits with F (to the selection when there is one)', async () => {
    const { store, c } = await setup()
    const npp = c.viewport.nsPerPx
    expect(c.key('w')).toBe(true)
    expect(c.viewport.nsPerPx).toBeLessThan(npp)
    const start = c.viewport.startNs
    expect(c.key('d')).toBe(true)
    expect(c.viewport.startNs).toBeGreaterThan(start)
    expect(c.key('q')).toBe(false)
    expect(c.key('F')).toBe(true)
    expect(c.viewport.nsPerPx).toBeCloseTo(npp, 6)
    const frames = store.tracks.find((x) => x.info.name === 'VCAP-1 video frames')!.slices[0]
    c.select(frames.row[3])
    c.key('f')
    expect(c.viewport.startNs).toBeLessThan(frames.start[3])
    expect(c.viewport.endNs).toBeGreaterThan(frames.end[3])
    expect(c.viewport.spanNs).toBeLessThan((frames.end[3] - frames.start[3]) * 1.2)
  })

  it('collapses a group when its header is clicked, and jumps to a row inside it (opening it, scrolling to it)', async () => {
    const { store, c } = await setup()
    c.resize(1400, 300)
    const header = c.layout.headerBox('Client')!
    const height = c.layout.height
    c.geometry.scrollY = header.y
    c.click(600, c.geometry.axisHeight + 5)
    expect(c.collapsed.has('Client')).toBe(true)
    expect(c.layout.height).toBeLessThan(height)
    expect(c.layout.trackBox(store.tracks.findIndex((x) => x.info.name === 'Scenario steps'))).toBeNull()
    const steps = store.tracks.find((x) => x.info.name === 'Scenario steps')!
    c.geometry.scrollY = 0
    c.jumpToRow(steps.slices[0].row[1])
    expect(c.collapsed.has('Client')).toBe(false)
    expect(c.selection).toBe(steps.slices[0].row[1])
    const box = c.layout.trackBox(steps.index)!
    expect(box.y).toBeGreaterThanOrEqual(c.geometry.scrollY)
    expect(box.y + 20).toBeLessThanOrEqual(c.geometry.scrollY + c.geometry.height - c.geometry.axisHeight)
    expect(c.viewport.startNs).toBeLessThanOrEqual(steps.slices[0].start[1])
    expect(c.viewport.endNs).toBeGreaterThanOrEqual(Math.min(steps.slices[0].end[1], store.endNs))
  })

  it('finds the next match of a search after the selection and brings it into view', async () => {
    const { c, events } = await setup()
    const q = parseQuery('SRB_READ_DATA')!
    const first = c.find(q)!
    expect(first).not.toBeNull()
    expect(c.selection).toBe(first.row)
    const second = c.find(q)!
    expect(second.ts > first.ts || (second.ts === first.ts && second.row > first.row)).toBe(true)
    expect(c.viewport.startNs).toBeLessThanOrEqual(second.ts)
    expect(c.viewport.endNs).toBeGreaterThanOrEqual(second.ts)
    expect(c.find(q, -1)).toEqual(first)
    expect(events.selected.map((e) => e[0])).toEqual([first.row, second.row, first.row])
  })

  it('wraps a search past the last match to the first, and says so', async () => {
    const { c } = await setup()
    const q = parseQuery('SRB_READ_DATA')!
    const first = c.find(q)!
    expect(first.wrapped).toBe(false)
    const last = c.find(q, -1)!
    expect(last.wrapped).toBe(true)
    expect(last.ts).toBeGreaterThan(first.ts)
    expect(c.selection).toBe(last.row)
    const again = c.find(q)!
    expect(again).toMatchObject({ row: first.row, wrapped: true })
    expect(c.find(parseQuery('no such event anywhere')!)).toBeNull()
    expect(c.selection).toBe(first.row)
  })

  it('describes the hovered event in a tooltip', async () => {
    const { store, c } = await setup()
    const tr = store.tracks.find((x) => x.info.name === 'CPU 0')!
    const lane = tr.slices[0]
    const i = lane.n >> 1
    c.zoomToRange(lane.start[i], lane.end[i])
    const p = pointOn(c, tr.index, 0, (lane.start[i] + lane.end[i]) / 2)
    c.pointerMove(p.x, p.y)
    const tip = c.tooltip()!
    expect(tip.title).toBe(store.rowName(lane.row[i]))
    expect(tip.lines[0]).toBe('slice · CPU 0')
    expect(tip.lines.some((l) => l.startsWith('duration '))).toBe(true)
    expect(tip.lines.some((l) => l.startsWith('irql: '))).toBe(true)
    c.pointerLeave()
    expect(c.tooltip()).toBeNull()
  })

  it('follows a live trace until the user zooms, then keeps the view while rows keep arriving', async () => {
    const t = await vcap1Trace()
    const store = new TraceStore(t.schema, t.strings)
    const c = new TimelineController(store)
    c.resize(1400, 900)
    const half = t.count >> 1
    store.append(viewColumns(t.columns, 0, half))
    c.draw(new RecordingContext(false))
    expect(c.viewport.endNs).toBeGreaterThanOrEqual(store.endNs)
    const firstEnd = store.endNs
    store.append(viewColumns(t.columns, half, half + 500))
    c.draw(new RecordingContext(false))
    expect(store.endNs).toBeGreaterThan(firstEnd)
    expect(c.viewport.endNs).toBeGreaterThanOrEqual(store.endNs)
    c.key('w')
    const view = [c.viewport.startNs, c.viewport.nsPerPx]
    store.append(viewColumns(t.columns, half + 500, t.count))
    c.draw(new RecordingContext(false))
    expect([c.viewport.startNs, c.viewport.nsPerPx]).toEqual(view)
    expect(c.layout.trackBox(store.tracks.findIndex((x) => x.info.name === 'Stream 0 data'))!.rows).toBe(store.tracks.find((x) => x.info.name === 'Stream 0 data')!.async.rows.length)
  })
})
