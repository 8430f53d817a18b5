/**
 * The trace timeline of the workbench: the public pieces. Everything but Timeline.vue is plain
 * TypeScript without the DOM (it runs, and is tested, in Node).
 *
 *   const store = markRaw(new TraceStore(schema, strings))
 *   store.ingest({ schema, strings: newStrings, columns })   // per delivery; then bump `version`
 *   <Timeline :store="store" :version="version" :cursor-ns="t" @select="..." @cursor="..." />
 */
export { default as Timeline } from './Timeline.vue'
export { TimelineController, type TimelineEvents, type TooltipInfo, type InputModifiers } from './controller.js'
export { TraceStore, TrackIndex, viewColumns, type TraceUpdate, type EventDetails, type EventPlace } from './traceStore.js'
export { SpanLane } from './spanLane.js'
export { CounterSeries } from './counterSeries.js'
export { AsyncSpans } from './asyncSpans.js'
export { FlowIndex } from './flows.js'
export { SpanMipmap, MipmapLevel, CounterMipmap, RunBuffer, CounterBuffer, queryRuns, queryCounter, levelFor, spanMipmap, counterMipmap } from './mipmap.js'
export { Viewport, navigateKey, wheelZoomFactor, timeTicks, niceStep, MIN_NS_PER_PX, type Ticks } from './viewport.js'
export { Layout, buildLayout, hitTest, pickSpan, GROUP_ORDER, DEFAULT_LAYOUT, type LayoutOptions, type LaneBox, type Geometry, type Hit } from './layout.js'
export { renderFrame } from './render.js'
export { RenderCache } from './renderCache.js'
export { type Scene, type FrameStats, type TrackRenderer } from './frame.js'
export { bindDepth, FLOW_CAP } from './flowArrows.js'
export { THEME, FONT } from './theme.js'
export { type Ctx2D } from './context2d.js'
export { RecordingContext, type RecordedRect, type RecordedText } from './recordingContext.js'
export { parseQuery, findNext, findAll, type SearchQuery, type SearchHit, type SearchFrom } from './search.js'
export { formatArg, flagNames } from './argFormat.js'
export { formatDuration, formatTimestamp, unitFor, type TimeUnit } from './timeFormat.js'
export { colorOfName, PALETTE } from './colors.js'
