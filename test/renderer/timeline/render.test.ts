import { describe, expect, it } from 'vitest'
import { EventKind, type TraceSchema } from '../../../main/contract/trace.js'
import { BUSY_PALETTE, colorOfName, PALETTE } from '../../../renderer/timeline/colors.js'
import type { Scene } from '../../../renderer/timeline/frame.js'
import { buildLayout, type Geometry } from '../../../renderer/timeline/layout.js'
import { RecordingContext } from '../../../renderer/timeline/recordingContext.js'
import { renderFrame } from '../../../renderer/timeline/render.js'
import { RenderCache } from '../../../renderer/timeline/renderCache.js'
import { THEME } from '../../../renderer/timeline/theme.js'
import { TraceStore } from '../../../renderer/timeline/traceStore.js'
import { timeTicks, Viewport } from '../../../renderer/timeline/viewport.js'
import { ChunkWriter } from './syntheticTrace.js'
import { vcap1Trace } from './vcap1Trace.js'

const CHAR = 6
const PAD = 3

async function vcap1Store(): Promise<TraceStore> {
  const t = await vcap1Trace()
  const s = new TraceStore(t.schema, t.strings)
  s.syncChunks(t.chunks, t.count)
  return s
}

function sceneOf(store: TraceStore, t0: number, t1: number, over: Partial<Scene> = {}, geo: Partial<Geometry> = {}): Scene {
  const geometry: Geometry = { width: 1400, height: 4000, gutter: 200, axisHeight: 24, scrollY: 0, ...geo }
  const viewport = new Viewport()
  viewport.setWidth(geometry.width - geometry.gutter)
  viewport.setBounds(store.startNs, store.endNs)
  viewport.zoomToRange(t0, t1, 0)
  return { store, layout: buildLayout(store), viewport, geometry, selection: -1, cursorNs: null, hoverNs: null, flows: 'all', ...over }
}

function draw(scene: Scene, cache = new RenderCache(), record = true): RecordingContext {
  const ctx = new RecordingContext(record, CHAR)
  renderFrame(ctx, scene, cache)
  expect(ctx.saveDepth).toBe(0)
  return ctx
}

function trackNamed(s: TraceStore, name: string): number {
  return s.tracks.findIndex((t) => t.info.name === name)
}

const boxColors = new Set(PALETTE)
const busyColors = new Set(BUSY_PALETTE)

describe('renderFrame', () => {
  it('draws labels only inside boxes they fit in, and a full label in every box wide enough for it', async () => {
    const s = await vcap1Store()
    let labels = 0
    let elided = 0
    let expected = 0
    for (const frac of [1, 0.05, 0.004, 0.0004]) {
      const t0 = s.startNs + (s.endNs - s.startNs) * 0.3
      const scene = sceneOf(s, t0, t0 + (s.endNs - s.startNs) * frac)
      const ctx = draw(scene)
      const boxes = ctx.rects.filter((r) => boxColors.has(r.style))
      for (const text of ctx.texts.filter((t) => t.style === THEME.label)) {
        labels++
        if (text.text.endsWith('…')) elided++
        const box = boxes.find((b) => Math.abs(b.x + PAD - text.x) < 1e-9 && b.y <= text.y && text.y <= b.y + b.h)
        expect(box, `box of label ${text.text}`).toBeDefined()
        expect(text.text.length * CHAR).toBeLessThanOrEqual(box!.w - 2 * PAD)
      }
      // Every slice of these tracks whose visible box has room for its name shows it in full.
      const { viewport: vp, layout, geometry: g } = scene
      for (const name of ['CPU 0', 'VCAP-1 video DMA', 'VCAP-1 video frames']) {
        const tr = s.tracks[trackNamed(s, name)]
        tr.slices.forEach((lane, depth) => {
          const y = g.axisHeight + layout.rowY(layout.trackBox(tr.index)!, depth)
          for (let i = 0; i < lane.n; i++) {
            const a = Math.max(0, vp.x(lane.start[i]))
            const b = Math.min(vp.widthPx, vp.x(lane.end[i]))
            const text = s.strings[lane.name[i]]
            if (b - a - 2 * PAD < text.length * CHAR) continue
            expected++
            expect(
              ctx.texts.some((t) => t.text === text && Math.abs(t.x - (g.gutter + a + PAD)) < 1e-9 && t.y > y && t.y < y + layout.options.rowHeight),
              `${name} slice ${i} "${text}"`,
            ).toBe(true)
          }
        })
      }
    }
    expect(labels).toBeGreaterThan(50)
    expect(expected).toBeGreaterThan(20)
    expect(elided).toBeGreaterThan(0)
  })

  it('measures each label once: a second frame measures nothing', async () => {
    const s = await vcap1Store()
    const scene = sceneOf(s, s.startNs, s.startNs + (s.endNs - s.startNs) * 0.004)
    const cache = new RenderCache()
    const first = draw(scene, cache)
    expect(first.count('measureText')).toBeGreaterThan(3)
    const again = draw(scene, cache)
    expect(again.count('fillText')).toBe(first.count('fillText'))
    expect(again.count('measureText')).toBe(0)
  })

  it('draws a million one-nanosecond slices in view with at most a few thousand rects', () => {
    const schema: TraceSchema = { tracks: [{ name: 'CPU 0', group: 'CPUs', kind: 'slices', order: 0 }], argLayouts: [{ name: 'none', fields: [] }], enums: {} }
    const w = new ChunkWriter()
    let t = 0
    for (let i = 0; i < 1_000_000; i++) {
      w.row(EventKind.Slice, 0, t, 1, 1 + (i % 4), i % 3 === 0 ? 1 : 0)
      t += 2 + (i % 5)
    }
    const s = new TraceStore(schema, ['', 'ReadRegister', 'WriteRegister', 'ISR', 'DPC'])
    s.syncChunks(w.chunks, w.count)
    for (const [a, b] of [
      [s.startNs, s.endNs],
      [s.endNs * 0.25, s.endNs * 0.75],
      [s.endNs * 0.5, s.endNs * 0.55],
    ]) {
      const scene = sceneOf(s, a, b)
      const ctx = new RecordingContext(true, CHAR)
      const stats = renderFrame(ctx, scene, new RenderCache())
      const inView = s.tracks[0].slices.reduce((n, lane) => n + lane.countStartingBy(b) - lane.firstEndingAtOrAfter(a), 0)
      expect(inView).toBeGreaterThanOrEqual(50_000)
      expect(ctx.count('fillRect')).toBeLessThan(3000)
      expect(stats.pieces).toBeLessThan(2 * 4 * 1200)
      // The lanes are solid: their rects cover the view from the first slice to the last.
      const lane0 = ctx.rects.filter((r) => (boxColors.has(r.style) || busyColors.has(r.style)) && r.y === scene.geometry.axisHeight + scene.layout.rowY(scene.layout.trackBox(0)!, 0))
      // Merged runs are drawn muted, as busy, not as one long slice, and carry no label.
      expect(lane0.length).toBeGreaterThan(0)
      expect(lane0.every((r) => busyColors.has(r.style))).toBe(true)
      expect(ctx.texts.filter((t) => t.style === THEME.label)).toEqual([])
      const covered = new Uint8Array(1200)
      for (const r of lane0) for (let x = Math.floor(r.x - 200); x < r.x - 200 + r.w; x++) covered[x] = 1
      expect(covered.every((c, x) => c === 1 || x > scene.viewport.x(s.endNs))).toBe(true)
    }
  })

  it('draws counters as step plots through their samples', () => {
    const schema: TraceSchema = { tracks: [{ name: 'FIFO', group: 'Hardware', kind: 'counter', order: 0, unit: 'bytes' }], argLayouts: [{ name: 'none', fields: [] }], enums: {} }
    const w = new ChunkWriter()
    w.row(EventKind.Counter, 0, 0, 0, 0, 0, 0, 0)
    w.row(EventKind.Counter, 0, 100, 0, 0, 0, 0, 10)
    w.row(EventKind.Counter, 0, 200, 0, 0, 0, 0, 5)
    w.row(EventKind.Counter, 0, 300, 0, 0, 0, 0, 5)
    const s = new TraceStore(schema, [''])
    s.syncChunks(w.chunks, w.count)
    const scene = sceneOf(s, 0, 300, {}, { width: 500 })
    const ctx = draw(scene)
    const line = ctx.ops.filter((o) => o.style === THEME.counterLine && (o.op === 'moveTo' || o.op === 'lineTo'))
    expect(line[0].op).toBe('moveTo')
    const pts = line.map((o) => o.args)
    // Every segment is horizontal or vertical.
    for (let i = 1; i < pts.length; i++) if (line[i].op === 'lineTo') expect(pts[i][0] === pts[i - 1][0] || pts[i][1] === pts[i - 1][1]).toBe(true)
    const o = scene.layout.options
    const top = scene.geometry.axisHeight + scene.layout.trackBox(0)!.y + o.trackPadding
    const base = top + o.counterHeight - 1
    const y = (v: number) => base - (v * (o.counterHeight - 3)) / 10
    expect([...new Set(pts.map((p) => p[1]))].sort((a, b) => a - b)).toEqual([y(10), y(5), y(0)])
    // The value 10 holds from t = 100; the column of t = 200 holds 10 and 5 (a band from 5 to 10),
    // so the top edge steps down where the next column starts.
    const x = (t: number) => 200 + scene.viewport.x(t)
    expect(scene.viewport.nsPerPx).toBe(1)
    expect(pts).toContainEqual([x(100), y(10)])
    expect(pts).toContainEqual([x(201), y(10)])
    expect(pts).toContainEqual([x(201), y(5)])
    // The band of that column, from 5 to 10, is part of a filled polygon.
    expect(pts).toContainEqual([x(200), y(5)])
    expect(ctx.ops.some((o) => o.op === 'fill' && o.style === THEME.counterLine)).toBe(true)
    expect(ctx.texts.some((t) => t.text === '10 bytes')).toBe(true)
  })

  it('draws instants as ticks, flows as arrows between their points, and the selected flow highlighted', async () => {
    const s = await vcap1Store()
    const f = s.flows
    // A four-point flow: delivery, DMA, ISR, completion.
    let chain = -1
    for (let c = 0; c < f.chains && chain < 0; c++) if (f.length[c] === 4) chain = c
    const points: number[] = []
    for (let p = f.head[chain]; p >= 0; p = f.next[p]) points.push(p)
    const a = f.ts[points[0]]
    const b = f.ts[points[3]]
    const scene = sceneOf(s, a - (b - a) * 0.1, b + (b - a) * 0.1)
    const ctx = draw(scene)
    const curves = ctx.ops.filter((o) => o.op === 'bezierCurveTo' && o.style === THEME.flow)
    const ends = curves.map((o) => Math.round(o.args[4] - 200))
    for (const p of points.slice(1)) expect(ends).toContain(Math.round(scene.viewport.x(f.ts[p])))
    // Selecting the slice the flow starts at draws its three arrows in the highlight colour.
    const cpu = s.tracks[f.track[points[0]]]
    const lane = cpu.slices.find((l) => l.start[l.countStartingBy(a) - 1] === a)!
    const row = lane.row[lane.countStartingBy(a) - 1]
    const sel = draw({ ...scene, selection: row, flows: 'selected' })
    expect(sel.ops.filter((o) => o.op === 'bezierCurveTo' && o.style === THEME.flowSelected).length).toBe(3)
    expect(sel.ops.filter((o) => o.op === 'bezierCurveTo' && o.style === THEME.flow).length).toBe(0)

    const mmio = s.tracks[trackNamed(s, 'MMIO VCAP-1 BAR0')]
    const m = mmio.instants.n >> 1
    const around = sceneOf(s, mmio.instants.start[m] - 20_000, mmio.instants.start[m] + 20_000)
    const ictx = draw(around)
    const y = around.geometry.axisHeight + around.layout.rowY(around.layout.trackBox(mmio.index)!, 0)
    const ticks = ictx.rects.filter((r) => r.y === y && boxColors.has(r.style))
    const inView = mmio.instants.countStartingBy(mmio.instants.start[m] + 20_000) - mmio.instants.firstEndingAtOrAfter(mmio.instants.start[m] - 20_000)
    expect(ticks.length).toBeGreaterThan(0)
    expect(ticks.length).toBeLessThanOrEqual(inView)
    for (const r of ticks) expect(r.w).toBeLessThanOrEqual(3)
    expect(ticks.some((r) => Math.abs(r.x - (200 + around.viewport.x(mmio.instants.start[m]))) <= 1)).toBe(true)
  })

  it('draws the time axis, the cursor line, and a highlight around the selection', async () => {
    const s = await vcap1Store()
    const dma = s.tracks[trackNamed(s, 'VCAP-1 video DMA')].slices[0]
    const i = dma.n >> 1
    const [a, b] = [dma.start[i], dma.end[i]]
    const cursor = (a + b) / 2
    const scene = sceneOf(s, a - 3 * (b - a), b + 3 * (b - a), { selection: dma.row[i], cursorNs: cursor })
    const ctx = draw(scene)
    const vp = scene.viewport
    const ticks = timeTicks(vp.startNs, vp.endNs, vp.widthPx)
    for (const label of ticks.labels) expect(ctx.texts.some((t) => t.text === label && t.y < scene.geometry.axisHeight)).toBe(true)
    const line = ctx.rects.find((r) => r.style === THEME.cursor && r.w === 1 && r.h === scene.geometry.height)
    expect(line).toBeDefined()
    expect(line!.x).toBe(Math.round(200 + vp.x(cursor)))
    const hl = ctx.ops.find((o) => o.op === 'strokeRect' && o.style === THEME.selection)
    expect(hl).toBeDefined()
    expect(hl!.args[0]).toBeCloseTo(200 + vp.x(a) - 1, 6)
    expect(hl!.args[2]).toBeCloseTo(vp.x(b) - vp.x(a) + 2, 6)
    const box = scene.layout.trackBox(trackNamed(s, 'VCAP-1 video DMA'))!
    expect(hl!.args[1]).toBe(scene.geometry.axisHeight + scene.layout.rowY(box, 0) - 1)
    // Out of view: no outline at all (rather than one clamped to the edge).
    const away = draw(sceneOf(s, b + 10 * (b - a), b + 20 * (b - a), { selection: dma.row[i] }))
    expect(away.ops.some((o) => o.op === 'strokeRect')).toBe(false)
  })

  it('colours and labels a slice by its name once the name arrives, even when drawn before', () => {
    const schema: TraceSchema = { tracks: [{ name: 'CPU 0', group: 'CPUs', kind: 'slices', order: 0 }], argLayouts: [{ name: 'none', fields: [] }], enums: {} }
    const w = new ChunkWriter()
    w.row(EventKind.Slice, 0, 0, 1000, 1)
    const s = new TraceStore(schema, [''])
    s.syncChunks(w.chunks, w.count)
    const cache = new RenderCache()
    const before = draw(sceneOf(s, 0, 1000), cache)
    expect(before.texts.some((t) => t.style === THEME.label)).toBe(false)
    s.addStrings(['HwReceivePacket'])
    const after = draw(sceneOf(s, 0, 1000), cache)
    expect(after.texts.filter((t) => t.style === THEME.label).map((t) => t.text)).toEqual(['HwReceivePacket'])
    expect(after.rects.some((r) => r.style === colorOfName('HwReceivePacket') && r.w > 1000)).toBe(true)
  })

  it('draws only the tracks in view, and async spans with their marks', async () => {
    const s = await vcap1Store()
    const all = draw(sceneOf(s, s.startNs, s.endNs))
    const short = new RecordingContext(true, CHAR)
    const stats = renderFrame(short, sceneOf(s, s.startNs, s.endNs, {}, { height: 200 }), new RenderCache())
    expect(stats.tracks).toBeLessThan(6)
    expect(short.count('fillRect')).toBeLessThan(all.count('fillRect') / 2)

    const data = s.tracks[trackNamed(s, 'Stream 0 data')]
    const lane = data.async.rows[0]
    const k = lane.n >> 1
    const scene = sceneOf(s, lane.start[k], lane.end[k])
    const ctx = draw(scene)
    let marks = 0
    for (let j = data.async.instHead[lane.ref[k]]; j >= 0; j = data.async.instNext[j]) {
      const x = 200 + scene.viewport.x(data.async.instTs[j])
      expect(ctx.rects.some((r) => r.style === THEME.tick && r.x === x && r.w === 1)).toBe(true)
      marks++
    }
    expect(marks).toBeGreaterThan(0)
  })
})
