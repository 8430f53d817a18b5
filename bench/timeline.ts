/**
 * npx tsx bench/timeline.ts: the trace timeline's speed on a 1,000,000-event trace, in Node with the
 * recording fake canvas (RecordingContext, counting only), so it measures the timeline's own work
 * (index, mipmaps, culling, merging, labels), not the browser's rasterizer.
 *
 * The trace (test/renderer/timeline/syntheticTrace.ts): nested slices on 8 CPU-like tracks (recorded
 * when they end, after their children), SRB-like async spans with marks on 3 queues, 4 counters,
 * 4 instant tracks with bursts, and flows between slices; about 10 virtual seconds.
 *
 * 1. Ingestion: the chunks into a TraceStore at once, and live (4096-row deliveries).
 * 2. Mipmap build: what the four views below build on first use, and every level of every lane.
 * 3. One 1920x1080 frame at full zoom-out and at three zooms (1/100, 1/10^4, 1/10^6 of the trace):
 *    the first frame at each zoom (which builds what it needs), and the median, 95th percentile and
 *    worst of the next 60 (each panned by a pixel). Target: under 16 ms at every zoom.
 *
 * `--json` prints the figures as JSON.
 */
import { TimelineController } from '../renderer/timeline/controller.js'
import { CounterBuffer, queryCounter, queryRuns, RunBuffer, spanMipmap } from '../renderer/timeline/mipmap.js'
import { RecordingContext } from '../renderer/timeline/recordingContext.js'
import { TraceStore, viewColumns } from '../renderer/timeline/traceStore.js'
import { joinColumns, syntheticTrace, type SyntheticTrace } from '../test/renderer/timeline/syntheticTrace.js'

const EVENTS = 1_000_000
const RUNS = 5
const FRAMES = 60
const WIDTH = 1920
const HEIGHT = 1080
/** Fractions of the trace in view. */
const ZOOMS = [1, 1e-2, 1e-4, 1e-6]

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function time(fn: () => void): number {
  const t = performance.now()
  fn()
  return performance.now() - t
}

function ingest(trace: SyntheticTrace): TraceStore {
  const s = new TraceStore(trace.schema, trace.strings)
  s.syncChunks(trace.chunks, trace.count)
  return s
}

/** The view showing `frac` of the trace around its middle. */
function zoomTo(c: TimelineController, s: TraceStore, frac: number): void {
  if (frac === 1) {
    c.fit()
    return
  }
  const mid = s.startNs + (s.endNs - s.startNs) * 0.5
  const half = ((s.endNs - s.startNs) * frac) / 2
  c.zoomToRange(mid - half, mid + half)
}

function main(): void {
  const json = process.argv.includes('--json')
  const t0 = performance.now()
  const trace = syntheticTrace({ events: EVENTS, seed: 1 })
  const generated = performance.now() - t0
  const all = joinColumns(trace)

  // 1. Ingestion
  const once: number[] = []
  const live: number[] = []
  let store: TraceStore | null = null
  for (let r = 0; r < RUNS; r++) {
    once.push(time(() => (store = ingest(trace))))
    live.push(
      time(() => {
        const s = new TraceStore(trace.schema, trace.strings)
        for (let at = 0; at < trace.count; at += 4096) s.append(viewColumns(all, at, Math.min(trace.count, at + 4096)))
      }),
    )
  }
  const s = store as unknown as TraceStore
  const lanes = s.tracks.flatMap((tr) => [...tr.lanes, tr.instants]).filter((l) => l.n > 0)
  const counters = s.tracks.filter((tr) => tr.counter.n > 0).map((tr) => tr.counter)
  const spans = lanes.reduce((n, l) => n + l.n, 0)

  // 2. Mipmap build: what the four views make on first use (each lane's level for the zoom, unless
  // so few of its spans are in view that they are drawn as they are; the counter pyramids), on fresh
  // stores; then every level of every lane, as an upper bound.
  const needed: number[] = []
  const everything: number[] = []
  let levelsBuilt = 0
  const runs = new RunBuffer()
  const cbuf = new CounterBuffer()
  const timeWidth = WIDTH - new TimelineController(new TraceStore()).geometry.gutter
  for (let r = 0; r < RUNS; r++) {
    const fresh = ingest(trace)
    const fl = fresh.tracks.flatMap((tr) => [...tr.lanes, tr.instants]).filter((l) => l.n > 0)
    const span = fresh.endNs - fresh.startNs
    needed.push(
      time(() => {
        for (const z of ZOOMS) {
          const npp = (span * z) / timeWidth
          const t0 = fresh.startNs + span * 0.5 * (1 - z)
          for (const lane of fl) queryRuns(lane, t0, npp, timeWidth, fresh.endNs, runs)
          for (const tr of fresh.tracks) if (tr.counter.n > 0) queryCounter(tr.counter, t0, npp, timeWidth, fresh.endNs, cbuf)
        }
      }),
    )
    levelsBuilt = fl.reduce((n, lane) => n + spanMipmap(lane).builtLevels.length, 0)
    everything.push(
      time(() => {
        for (const lane of fl) for (let k = 1; k <= 36; k++) spanMipmap(lane).level(k)
      }),
    )
  }

  // 3. Frames. A warm-up pass over the views on another store first, so the numbers are of compiled
  // code (an app has drawn frames before); then a fresh store, whose first frame at each view builds
  // what that view needs. The stages above left a lot of garbage: collect it when the runtime lets us
  // (node --expose-gc), so that a collection of theirs is not counted against a frame.
  const ctx = new RecordingContext(false)
  const warmup = new TimelineController(ingest(trace))
  warmup.resize(WIDTH, HEIGHT)
  for (let i = 0; i < 40; i++) {
    zoomTo(warmup, warmup.store, ZOOMS[i % ZOOMS.length])
    warmup.draw(ctx)
    ctx.reset()
  }
  const frameStore = ingest(trace)
  ;(globalThis as { gc?: () => void }).gc?.()
  const c = new TimelineController(frameStore)
  c.resize(WIDTH, HEIGHT)
  const frames = ZOOMS.map((z) => {
    zoomTo(c, frameStore, z)
    ctx.reset()
    const first = time(() => c.draw(ctx))
    const calls = { fillRect: ctx.count('fillRect'), fillText: ctx.count('fillText'), lineTo: ctx.count('lineTo'), bezierCurveTo: ctx.count('bezierCurveTo') }
    const warm: number[] = []
    let pieces = 0
    for (let i = 0; i < FRAMES; i++) {
      // Alternate a one-pixel pan so no frame is a copy of the last.
      c.viewport.panPx(i % 2 === 0 ? 1 : -1)
      c.invalidate()
      ctx.reset()
      warm.push(time(() => (pieces = c.draw(ctx).pieces)))
    }
    const sorted = [...warm].sort((a, b) => a - b)
    return { view: z, nsPerPx: c.viewport.nsPerPx, firstMs: first, medianMs: median(warm), p95Ms: sorted[Math.floor(sorted.length * 0.95)], worstMs: sorted[sorted.length - 1], pieces, ...calls }
  })

  const figures = {
    events: trace.count,
    generatedMs: Math.round(generated),
    trace: { spans, counterSamples: counters.reduce((n, x) => n + x.n, 0), flows: s.flows.chains, virtualSeconds: (s.endNs - s.startNs) / 1e9 },
    ingestMs: { once: { best: Math.min(...once), median: median(once) }, live4096: { best: Math.min(...live), median: median(live) } },
    mipmapMs: { levelsBuiltForViews: levelsBuilt, views: { best: Math.min(...needed), median: median(needed) }, allLevels: { best: Math.min(...everything), median: median(everything) } },
    frames,
  }
  if (json) {
    console.log(JSON.stringify(figures, null, 2))
    return
  }
  const ms = (v: number) => `${v.toFixed(1)} ms`
  console.log(`Timeline bench: ${trace.count.toLocaleString('en')} events (${spans.toLocaleString('en')} spans in ${lanes.length} lanes, ${figures.trace.counterSamples.toLocaleString('en')} counter samples, ${figures.trace.flows.toLocaleString('en')} flows), ${figures.trace.virtualSeconds.toFixed(1)} virtual s; ${RUNS} runs`)
  console.log(`  ingest at once        best ${ms(figures.ingestMs.once.best)}, median ${ms(figures.ingestMs.once.median)}`)
  console.log(`  ingest live (4096/row batch) best ${ms(figures.ingestMs.live4096.best)}, median ${ms(figures.ingestMs.live4096.median)}`)
  console.log(`  mipmaps the 4 views build (${levelsBuilt} lane levels, the counter pyramids) and query  best ${ms(figures.mipmapMs.views.best)}, median ${ms(figures.mipmapMs.views.median)}`)
  console.log(`  mipmaps, all 36 levels of every lane  best ${ms(figures.mipmapMs.allLevels.best)}, median ${ms(figures.mipmapMs.allLevels.median)}`)
  console.log(`  frames ${WIDTH}x${HEIGHT} (target < 16 ms):`)
  for (const f of frames) {
    const label = f.view === 1 ? 'full zoom-out' : `1/${Math.round(1 / f.view).toLocaleString('en')} of the trace`
    console.log(
      `    ${label.padEnd(24)} ${f.nsPerPx.toPrecision(3).padStart(9)} ns/px  first ${ms(f.firstMs).padStart(8)}  median ${ms(f.medianMs).padStart(7)}  p95 ${ms(f.p95Ms).padStart(7)}  worst ${ms(f.worstMs).padStart(7)}  ` +
        `(${f.pieces} pieces, ${f.fillRect} fillRect, ${f.fillText} fillText, ${f.bezierCurveTo} flow arrows)`,
    )
  }
  const worst = Math.max(...frames.map((f) => Math.max(f.firstMs, f.worstMs)))
  console.log(`  slowest frame ${ms(worst)} (first frames included): ${worst < 16 ? 'meets' : 'MISSES'} the 16 ms target`)
}

main()
