import { describe, expect, it } from 'vitest'
import { EventKind, type TraceSchema } from '../../../main/contract/trace.js'
import { buildLayout, DEFAULT_LAYOUT, GROUP_ORDER, hitTest, type Geometry, type LaneBox } from '../../../renderer/timeline/layout.js'
import { TraceStore } from '../../../renderer/timeline/traceStore.js'
import { Viewport } from '../../../renderer/timeline/viewport.js'
import { ChunkWriter } from './syntheticTrace.js'
import { vcap1Trace } from './vcap1Trace.js'

async function vcap1Store(): Promise<TraceStore> {
  const t = await vcap1Trace()
  const s = new TraceStore(t.schema, t.strings)
  s.syncChunks(t.chunks, t.count)
  return s
}

function trackNamed(s: TraceStore, name: string): number {
  const i = s.tracks.findIndex((t) => t.info.name === name)
  if (i < 0) throw new Error(`no track ${name}`)
  return i
}

describe('layout', () => {
  it('orders groups as the product spec lists the lanes, and tracks by their order field', async () => {
    const s = await vcap1Store()
    const layout = buildLayout(s)
    const headers = layout.boxes.filter((b) => b.type === 'header').map((b) => b.group)
    expect(headers).toEqual(GROUP_ORDER.filter((g) => headers.includes(g)))
    expect(headers.slice(0, 4)).toEqual(['CPUs', 'Class driver', 'Interrupts', 'Hardware'])
    const names = (group: string) => layout.boxes.filter((b) => b.type === 'track' && b.group === group).map((b) => s.tracks[b.track].info.name)
    expect(names('Class driver')).toEqual(['Debug output', 'Notifications', 'Device queue', 'Events', 'Stream 0 control', 'Stream 0 data'])
    expect(names('Hardware')[0]).toBe('MMIO VCAP-1 BAR0')
    expect(names('Hardware').slice(1, 3)).toEqual(['VCAP-1 video DMA', 'VCAP-1 video frames'])
    // Every track appears once, under its group's header.
    expect(layout.boxes.filter((b) => b.type === 'track').length).toBe(s.tracks.length)
  })

  it('sizes tracks by kind: a row per depth or placed async row, a band for counters, a row of instants', async () => {
    const s = await vcap1Store()
    const o = DEFAULT_LAYOUT
    const layout = buildLayout(s)
    const box = (name: string) => layout.trackBox(trackNamed(s, name))!
    const rowsH = (rows: number) => o.trackPadding + rows * o.rowHeight + o.trackGap
    expect(box('CPU 0').rows).toBe(2)
    expect(box('CPU 0').height).toBe(rowsH(2))
    const data = s.tracks[trackNamed(s, 'Stream 0 data')].async.rows.length
    expect(data).toBeGreaterThan(1)
    expect(box('Stream 0 data').rows).toBe(data)
    expect(box('Stream 0 data').height).toBe(rowsH(data))
    expect(box('Reads in flight').height).toBe(o.trackPadding + o.counterHeight + o.trackGap)
    expect(box('Notifications').height).toBe(rowsH(1))
    // An empty slices track still gets a row.
    expect(box('VCAP-1 audio DMA').height).toBe(rowsH(1))
    // Bands are contiguous and the total height is their sum.
    let y = 0
    for (const b of layout.boxes) {
      expect(b.y).toBe(y)
      y += b.height
    }
    expect(layout.height).toBe(y)
    for (const b of layout.boxes) expect(layout.boxAt(b.y + b.height / 2)).toBe(b)
    expect(layout.boxAt(-1)).toBeNull()
    expect(layout.boxAt(layout.height)).toBeNull()
  })

  it('collapses a group to its header', async () => {
    const s = await vcap1Store()
    const full = buildLayout(s)
    const folded = buildLayout(s, { ...DEFAULT_LAYOUT, collapsed: new Set(['Hardware']) })
    expect(folded.trackBox(trackNamed(s, 'VCAP-1 video DMA'))).toBeNull()
    expect(folded.headerBox('Hardware')!.collapsed).toBe(true)
    expect(folded.headerBox('Hardware')!.tracks).toBe(8)
    const hw = full.boxes.filter((b) => b.group === 'Hardware' && b.type === 'track').reduce((h, b) => h + b.height, 0)
    expect(folded.height).toBe(full.height - hw)
  })

  it('puts unknown groups after the known ones, in order of appearance', () => {
    const schema: TraceSchema = {
      tracks: [
        { name: 'z', group: 'Zeta', kind: 'instants', order: 0 },
        { name: 'c', group: 'CPUs', kind: 'slices', order: 0 },
        { name: 'a', group: 'Alpha', kind: 'instants', order: 0 },
        { name: 'v', group: 'Verifier', kind: 'instants', order: 0 },
      ],
      argLayouts: [{ name: 'none', fields: [] }],
      enums: {},
    }
    const layout = buildLayout(new TraceStore(schema))
    expect(layout.boxes.filter((b) => b.type === 'header').map((b) => b.group)).toEqual(['CPUs', 'Verifier', 'Zeta', 'Alpha'])
  })
})

describe('hit testing', () => {
  const geo: Geometry = { width: 1400, height: 3000, gutter: 200, axisHeight: 24, scrollY: 0 }

  /** Canvas point at time t on row `row` of a track's band. */
  function at(vp: Viewport, layout: ReturnType<typeof buildLayout>, box: LaneBox, row: number, t: number, g = geo) {
    return { x: g.gutter + vp.x(t), y: g.axisHeight - g.scrollY + layout.rowY(box, row) + layout.options.rowHeight / 2 }
  }

  function view(s: TraceStore, a: number, b: number): Viewport {
    const vp = new Viewport()
    vp.setWidth(geo.width - geo.gutter)
    vp.setBounds(s.startNs, s.endNs)
    vp.zoomToRange(a, b)
    return vp
  }

  it('returns the row of the slice whose middle is clicked, at each depth', async () => {
    const s = await vcap1Store()
    const layout = buildLayout(s)
    for (const name of ['CPU 0', 'VCAP-1 video DMA', 'VCAP-1 video frames', 'Scenario steps']) {
      const tr = s.tracks[trackNamed(s, name)]
      const box = layout.trackBox(tr.index)!
      tr.slices.forEach((lane, depth) => {
        for (const i of [0, lane.n >> 1, lane.n - 1]) {
          const a = lane.start[i]
          const b = lane.end[i]
          const vp = view(s, a - (b - a), b + (b - a))
          const p = at(vp, layout, box, depth, (a + b) / 2)
          const hit = hitTest(s, layout, vp, geo, p.x, p.y)
          expect(hit, `${name} depth ${depth} #${i}`).toEqual({ type: 'track', track: tr.index, lane: depth, row: lane.row[i], ns: expect.closeTo((a + b) / 2, 0) })
          expect(s.rowKind(lane.row[i])).toBe(EventKind.Slice)
        }
      })
    }
  })

  it('finds async spans on their placed row, counter samples, and instants within a few pixels', async () => {
    const s = await vcap1Store()
    const layout = buildLayout(s)
    const data = s.tracks[trackNamed(s, 'Stream 0 data')]
    const dbox = layout.trackBox(data.index)!
    for (const [r, lane] of data.async.rows.entries()) {
      const i = lane.n >> 1
      const a = lane.start[i]
      const b = lane.end[i]
      const vp = view(s, a, b)
      // Off the async instants inside the span (they are picked on their own).
      let t = a + (b - a) * 0.05
      for (let j = data.async.instHead[lane.ref[i]]; j >= 0; j = data.async.instNext[j]) if (Math.abs(data.async.instTs[j] - t) < (b - a) * 0.02) t = a + (b - a) * 0.9
      const p = at(vp, layout, dbox, r, t)
      const hit = hitTest(s, layout, vp, geo, p.x, p.y)
      expect(hit.type === 'track' && hit.row).toBe(lane.row[i])
      expect(s.rowKind(lane.row[i])).toBe(EventKind.AsyncBegin)
    }

    const reads = s.tracks[trackNamed(s, 'Reads in flight')]
    const rbox = layout.trackBox(reads.index)!
    let k = reads.counter.n >> 1
    // A sample that is not followed by another at the same time.
    while (reads.counter.ts[k + 1] === reads.counter.ts[k]) k++
    const mid = (reads.counter.ts[k] + reads.counter.ts[k + 1]) / 2
    const vp = view(s, reads.counter.ts[k] - 1000, reads.counter.ts[k + 1] + 1000)
    const p = at(vp, layout, rbox, 0, mid)
    const hit = hitTest(s, layout, vp, geo, p.x, p.y + 10)
    expect(hit.type === 'track' && hit.row).toBe(reads.counter.row[k])

    const mmio = s.tracks[trackNamed(s, 'MMIO VCAP-1 BAR0')]
    const mbox = layout.trackBox(mmio.index)!
    const m = mmio.instants.n >> 1
    const vp2 = view(s, mmio.instants.start[m] - 5000, mmio.instants.start[m] + 5000)
    const near = at(vp2, layout, mbox, 0, mmio.instants.start[m])
    expect(hitTest(s, layout, vp2, geo, near.x + 2, near.y)).toMatchObject({ type: 'track', row: mmio.instants.row[m] })
    const far = hitTest(s, layout, vp2, geo, near.x + 300, near.y)
    expect(far.type === 'track' && far.row !== mmio.instants.row[m]).toBe(true)
  })

  it('tells headers, labels, the axis and empty space apart, and follows the vertical scroll', async () => {
    const s = await vcap1Store()
    const layout = buildLayout(s)
    const vp = view(s, s.startNs, s.endNs)
    const hw = layout.headerBox('Hardware')!
    expect(hitTest(s, layout, vp, geo, 600, geo.axisHeight + hw.y + 5)).toEqual({ type: 'header', group: 'Hardware' })
    const cpu = layout.trackBox(trackNamed(s, 'CPU 0'))!
    expect(hitTest(s, layout, vp, geo, 50, geo.axisHeight + cpu.y + 8)).toEqual({ type: 'label', track: cpu.track })
    expect(hitTest(s, layout, vp, geo, 700, 10)).toEqual({ type: 'axis', ns: expect.closeTo(vp.time(500), 0) })
    expect(hitTest(s, layout, vp, geo, 700, geo.axisHeight + layout.height + 50)).toEqual({ type: 'none' })
    // A track with nothing at that time: no row.
    const faults = layout.trackBox(trackNamed(s, 'VCAP-1 faults'))!
    const empty = hitTest(s, layout, vp, geo, 700, geo.axisHeight + faults.y + 8)
    expect(empty).toMatchObject({ type: 'track', track: faults.track, row: -1 })
    // Scrolled: the same content point moves up on the canvas.
    const scrolled = { ...geo, scrollY: hw.y }
    expect(hitTest(s, layout, vp, scrolled, 600, scrolled.axisHeight + 5)).toEqual({ type: 'header', group: 'Hardware' })
  })

  it('picks a slice narrower than a pixel when the pointer is within 3 pixels of it', () => {
    const schema: TraceSchema = { tracks: [{ name: 'CPU 0', group: 'CPUs', kind: 'slices', order: 0 }], argLayouts: [{ name: 'none', fields: [] }], enums: {} }
    const w = new ChunkWriter()
    w.row(EventKind.Slice, 0, 0, 10, 1)
    w.row(EventKind.Slice, 0, 500_000, 10, 1)
    w.row(EventKind.Slice, 0, 1_000_000, 10, 1)
    const s = new TraceStore(schema, ['', 'x'])
    s.syncChunks(w.chunks, w.count)
    const layout = buildLayout(s)
    const vp = view(s, 0, 1_000_010)
    const box = layout.trackBox(0)!
    const p = at(vp, layout, box, 0, 500_005)
    expect(hitTest(s, layout, vp, geo, p.x + 2.5, p.y)).toMatchObject({ row: 1 })
    expect(hitTest(s, layout, vp, geo, p.x - 2.5, p.y)).toMatchObject({ row: 1 })
    expect(hitTest(s, layout, vp, geo, p.x + 6, p.y)).toMatchObject({ row: -1 })
  })
})
