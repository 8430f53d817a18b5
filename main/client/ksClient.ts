import type { StreamClassDevice } from '../classdriver/device.js'
import type { DataBuffer, Srb } from '../classdriver/srb.js'
import { SrbState, type StreamHeader } from '../classdriver/srb.js'
import type { StreamInstance } from '../classdriver/stream.js'
import * as ks from '../classdriver/wdk/ks.js'
import { STATUS_CANCELLED, STATUS_SUCCESS, ntStatusName } from '../classdriver/wdk/ntstatus.js'
import { STRUCT_SIZES } from '../classdriver/wdk/sizes.js'
import { SRB_READ_DATA } from '../classdriver/wdk/srbCommands.js'
import type { HW_STREAM_INFORMATION } from '../classdriver/wdk/strminiTypes.js'
import type { PhysicalMemory } from '../hw/physicalMemory.js'
import type { Kernel } from '../sim/kernel.js'
import { parseDuration } from '../contract/time.js'
import type { StreamFormatReport } from '../contract/report.js'
import { chooseRange, requestOf, type RangeChoice, type RangeRequest } from './dataRanges.js'
import { describeFormat, bufferSizeFor, streamKind } from './formats.js'
import { FrameTracker, type FrameContentChecker, type FrameCounts } from './frames.js'
import { GraphClock } from './graphClock.js'
import { statusCode } from './scenario/names.js'
import type { Scenario, Step, StepOf, StreamSelector } from './scenario/schema.js'
import { MAX_CLIENT_BUFFER_BYTES } from './scenario/limits.js'
import { STEPS, type StepHandler } from './steps.js'

/** What the hardware side offers the scenario (fault injection), per card. */
export interface HardwareControl {
  /** Applies a fault step now; returns an error message when the card has no such fault. */
  injectFault(step: StepOf<'fault'>): string | null
  faultNames(): string[]
  /** Checks delivered buffers against the card's stamps (null: the card has none). */
  frameChecker: FrameContentChecker | null
  /**
   * Video frames the card has cut short by a stop of its channel so far (begun, neither delivered nor
   * dropped when RUN went to 0). Absent: the card has no frames in progress (no card, or PIO frames).
   */
  abortedFrames?: () => number
}

/** How a scenario run ended, from the client's point of view. */
export interface ClientOutcome {
  completed: boolean
  /** The scenario needs something the driver does not offer (an audio stream, say). */
  unsupported?: boolean
  /** The format of each stream opened so far, in the order of the opens (the report's `run.formats`). */
  formats?: StreamFormatReport[]
  /** The step that failed or was running when the run stopped, as "3 (set-state)". */
  step: string | null
  reason: string | null
}

export interface ClientStream {
  number: number
  instance: StreamInstance
  kind: 'video' | 'audio' | 'other'
  bufferSize: number
  pool: DataBuffer[]
  /** Data SRBs in flight, in submission order. */
  inflight: Srb[]
  /** Keep resubmitting completed reads. */
  pumping: boolean
  tracker: FrameTracker
  state: number
  ownClock: number
}

export type Resume = (value?: unknown) => void
/** A suspension of the scenario program: starts something asynchronous and calls resume when done. */
export type Suspend = (resume: Resume) => void

/** Thrown inside the program to end the scenario with a failed step. */
class StepFailure extends Error {}

/** The scenario asks for something the driver does not have: not the driver's fault. */
class Unsupported extends StepFailure {}

/** What the step handlers (steps.ts) use of the client: its device, streams, and helpers. */
export type StepRunner = Pick<
  KsClient,
  | 'abortedFrames' | 'await' | 'checkBufferBytes' | 'checkStatus' | 'device' | 'events' | 'fail' | 'filterOpen' | 'graphClock' | 'hardware' | 'kernel'
  | 'onDataDone' | 'openStream' | 'rangeFor' | 'setGraphState' | 'stream' | 'streams' | 'submitRead'
  | 'systemClockHandle' | 'takeBuffers' | 'waitFrames'
>

/**
 * The emulated application: a KS client that drives the device through a scenario (docs/scenarios.md).
 * Steps run one after another in virtual time; each waits for its requests to
 * complete. Reads can be kept in flight continuously, as a capture application does.
 */
export class KsClient {
  readonly streams = new Map<number, ClientStream>()
  /** Trackers survive closes, so a reopened stream keeps counting into the report. */
  readonly trackers = new Map<number, FrameTracker>()
  readonly graphClock: GraphClock
  outcome: ClientOutcome = { completed: false, step: null, reason: null }
  finished = false
  /** Events the client enabled, by scenario name. */
  readonly events = new Map<string, number>()
  readonly eventCounts = new Map<number, number>()
  systemClockHandle = 0
  /** Streams opened on the filter; the filter is open while this is above 0. */
  filterOpen = 0
  private program: Generator<Suspend, void, unknown> | null = null
  private currentStep: { label: string; op: string; start: number; name: number; open: boolean } | null = null
  private readonly track: number
  private readonly framesTrack: number
  private readonly inflightTrack: number
  private readonly framesName: number
  private readonly inflightName: number
  private readonly stepNames = new WeakMap<Step, number>()
  private onFinish: (() => void) | null = null
  /** Told of every buffer a read delivered, after it was counted (the workbench's frame and audio previews). */
  onDelivered: ((stream: number, kind: 'video' | 'audio' | 'other', header: StreamHeader, tracker: FrameTracker) => void) | null = null

  constructor(
    readonly kernel: Kernel,
    private readonly memory: PhysicalMemory,
    readonly device: StreamClassDevice,
    readonly hardware: HardwareControl,
  ) {
    this.graphClock = new GraphClock(kernel)
    const t = kernel.trace
    this.track = t.defineTrack({ name: 'Scenario steps', group: 'Client', kind: 'slices', order: 0 })
    this.framesTrack = t.defineTrack({ name: 'Frames delivered', group: 'Client', kind: 'counter', order: 1, unit: 'frames' })
    this.inflightTrack = t.defineTrack({ name: 'Reads in flight', group: 'Client', kind: 'counter', order: 2, unit: 'reads' })
    this.framesName = t.strings.intern('Frames delivered')
    this.inflightName = t.strings.intern('Reads in flight')
    device.events.listener = { signalled: (id) => this.eventCounts.set(id, (this.eventCounts.get(id) ?? 0) + 1) }
  }

  /** Starts the scenario now; `onFinish` runs when it completes or fails. */
  start(scenario: Scenario, onFinish: () => void): void {
    this.onFinish = onFinish
    this.program = this.run(scenario.steps, '')
    this.advance(undefined)
  }

  /** Sum of the frame counts of every video stream (the report's `frames`). */
  frameCounts(): FrameCounts {
    const total: FrameCounts = { delivered: 0, dropped: 0, abortedAtStop: 0, torn: 0, stale: 0 }
    for (const [number, t] of this.trackers) {
      if (this.kinds.get(number) !== 'video') continue
      const c = t.counts()
      total.delivered += c.delivered
      total.dropped += c.dropped
      total.abortedAtStop += c.abortedAtStop
      total.torn += c.torn
      total.stale += c.stale
    }
    return total
  }

  /** Buffers and bytes of every audio stream. */
  audioCounts(): { buffers: number; bytes: number } {
    let buffers = 0
    let bytes = 0
    for (const [number, t] of this.trackers) {
      if (this.kinds.get(number) !== 'audio') continue
      buffers += t.delivered
      bytes += t.bytes
    }
    return { buffers, bytes }
  }

  private readonly kinds = new Map<number, 'video' | 'audio' | 'other'>()

  /** Video frames the card has cut short at stops so far (0 for other streams, or without a card). */
  abortedFrames(s: ClientStream): number {
    return s.kind === 'video' && this.hardware.abortedFrames !== undefined ? this.hardware.abortedFrames() : 0
  }

  /** Where the scenario stands: for "stuck" reports when the run ends early. */
  describeProgress(): ClientOutcome {
    if (this.finished) return this.outcome
    const s = this.currentStep
    return {
      completed: false,
      step: s ? `${s.label} (${s.op})` : null,
      reason: s ? `the run ended while step ${s.label} (${s.op}) had been waiting since ${(s.start / 1e9).toFixed(3)} s` : 'the scenario did not start',
      ...(this.formats.length > 0 ? { formats: this.formats } : {}),
    }
  }

  // -------------------------------------------------------------------------------------------------
  // The program

  /** True while the program waits in a suspension; the one resume that arrives clears it. */
  private waiting = false

  /** Resumes the waiting program, in an event of its own (never inside the completion that woke it). */
  private readonly resume: Resume = (value) => {
    if (!this.waiting) return
    this.waiting = false
    this.kernel.scheduleOs(this.kernel.now() + this.kernel.costs.clientStep, this.advance, value)
  }

  private readonly advance = (value: unknown): void => {
    if (this.program === null || this.finished) return
    let r: IteratorResult<Suspend, void>
    try {
      r = this.program.next(value)
    } catch (e) {
      if (!(e instanceof StepFailure)) throw e
      this.finish(false, e.message, e instanceof Unsupported)
      return
    }
    if (r.done) {
      this.finish(true, null)
      return
    }
    this.waiting = true
    r.value(this.resume)
  }

  private finish(completed: boolean, reason: string | null, unsupported = false): void {
    if (this.finished) return
    this.endStepSlice()
    const s = this.currentStep
    this.finished = true
    this.outcome = { completed, step: completed || s === null ? null : `${s.label} (${s.op})`, reason }
    if (unsupported) this.outcome.unsupported = true
    if (this.formats.length > 0) this.outcome.formats = this.formats
    this.onFinish?.()
  }

  private *run(steps: Step[], prefix: string): Generator<Suspend, void, unknown> {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]
      const label = `${prefix}${i + 1}`
      if (step.op === 'repeat') {
        for (let n = 0; n < step.times; n++) yield* this.run(step.steps as Step[], `${label}.`)
        continue
      }
      this.beginStepSlice(label, step)
      yield* this.execute(step)
      this.endStepSlice()
    }
  }

  private beginStepSlice(label: string, step: Step): void {
    let name = this.stepNames.get(step)
    if (name === undefined) {
      name = this.kernel.trace.strings.intern(stepText(step))
      this.stepNames.set(step, name)
    }
    const cur = this.currentStep
    if (cur === null) this.currentStep = { label, op: step.op, start: this.kernel.now(), name, open: true }
    else {
      cur.label = label
      cur.op = step.op
      cur.start = this.kernel.now()
      cur.name = name
      cur.open = true
    }
  }

  private endStepSlice(): void {
    const s = this.currentStep
    // finish() ends the step too: a step that already ended must not be recorded twice.
    if (s === null || !s.open) return
    s.open = false
    const now = this.kernel.now()
    this.kernel.trace.slice(this.track, s.start, now - s.start, s.name, 0)
  }

  fail(message: string): never {
    throw new StepFailure(message)
  }

  checkStatus(status: number, expect: string | undefined, what: string, ok: (s: number) => boolean = (s) => s === STATUS_SUCCESS): void {
    if (expect !== undefined) {
      const want = statusCode(expect)!
      if (status !== want) this.fail(`${what} returned ${ntStatusName(status)}, expected ${expect}`)
      return
    }
    if (!ok(status)) this.fail(`${what} failed with ${ntStatusName(status)}`)
  }

  /** Waits for one callback-style operation. */
  *await<T>(start: (done: (value: T) => void) => void): Generator<Suspend, T, unknown> {
    return (yield start as Suspend) as T
  }

  private *execute(step: Exclude<Step, StepOf<'repeat'>>): Generator<Suspend, void, unknown> {
    yield* (STEPS[step.op] as StepHandler<typeof step.op>)(this, step)
  }

  *openStream(step: StepOf<'open-stream'>): Generator<Suspend, void, unknown> {
    const d = this.device
    if (d.state !== 'started') this.fail('open-stream before start-device')
    const number = this.selectStream(step.stream)
    // Pins live on a filter: the first open opens the filter (a device instance) first.
    if (this.filterOpen === 0) {
      const status = yield* this.await<number>((done) => d.openFilter(done))
      this.checkStatus(status, undefined, 'opening the filter (SRB_OPEN_DEVICE_INSTANCE)')
    }
    const opened = yield* this.openPin(step, number)
    if (opened) this.filterOpen++
    else if (this.filterOpen === 0) yield* this.await<void>((done) => d.closeFilter(() => done()))
    if (this.pendingFailure !== null) {
      const message = this.pendingFailure
      this.pendingFailure = null
      this.fail(message)
    }
  }

  /** A failure found while a clean-up step still had to run. */
  private pendingFailure: string | null = null

  /** The format each stream opened with, in the order of the opens. */
  private readonly formats: StreamFormatReport[] = []

  /** Intersection with one of the driver's ranges (dataRanges.ts), then SRB_OPEN_STREAM; false when the pin did not open (failure noted). */
  private *openPin(step: StepOf<'open-stream'>, number: number): Generator<Suspend, boolean, unknown> {
    const d = this.device
    const info = d.streamInfos[number]
    const choice = this.choose(requestOf(step), info, number)
    const range = choice.range
    // Intersection the way KS does it: ask for the size, then for the format.
    let size = 1024
    const probe = yield* this.await<Srb>((done) => d.intersect(number, range, STRUCT_SIZES.ULONG, done))
    const needed = probe._CommandData.IntersectInfo!.DataFormatBuffer
    if (probe._Status === STATUS_SUCCESS && typeof needed === 'number' && needed > 0) size = needed
    const srb = yield* this.await<Srb>((done) => d.intersect(number, range, size, done))
    const result = srb._CommandData.IntersectInfo!.DataFormatBuffer
    if (srb._Status !== STATUS_SUCCESS || result === null || typeof result !== 'object') {
      if (step.expectStatus !== undefined && statusCode(step.expectStatus) === srb._Status) return false
      const which = choice.index === null ? 'the client\'s own range' : `the driver's own range ${choice.index}`
      this.pendingFailure = `no format of stream ${number} matches ${describeFormat(range)} (${which}; SRB_GET_DATA_INTERSECTION: ${ntStatusName(srb._Status)})`
      return false
    }
    const [status, instance] = yield* this.await<[number, StreamInstance | null]>((done) => d.openStream(number, result as ks.PKSDATAFORMAT, (st, inst) => done([st, inst])))
    const what = `open-stream ${number} (${describeFormat(result as ks.PKSDATAFORMAT)})`
    if (step.expectStatus !== undefined ? status !== statusCode(step.expectStatus) : status !== STATUS_SUCCESS) {
      this.pendingFailure = `${what} returned ${ntStatusName(status)}${step.expectStatus ? `, expected ${step.expectStatus}` : ''}`
    }
    if (instance === null) return false
    const kind = streamKind(info)
    this.kinds.set(number, kind)
    this.formats.push({ stream: number, kind, format: describeFormat(instance.format ?? (result as ks.PKSDATAFORMAT)), range: choice.index, chosen: choice.chosen })
    let tracker = this.trackers.get(number)
    if (tracker === undefined) {
      tracker = new FrameTracker(number, kind === 'video' ? this.hardware.frameChecker : null)
      this.trackers.set(number, tracker)
    }
    tracker.format = instance.format ?? null
    this.streams.set(number, {
      number,
      instance: instance!,
      kind,
      bufferSize: bufferSizeFor(instance!.format!),
      pool: [],
      inflight: [],
      pumping: false,
      tracker,
      state: ks.KSSTATE_STOP,
      ownClock: 0,
    })
    return true
  }

  *waitFrames(step: StepOf<'wait-frames'>): Generator<Suspend, void, unknown> {
    const numbers = step.stream === undefined ? [...this.trackers.keys()] : [this.stream(step.stream).number]
    const count = () => numbers.reduce((n, k) => n + (this.trackers.get(k)?.delivered ?? 0), 0)
    const target = count() + step.count
    const timeout = step.timeout === undefined ? Infinity : parseDuration(step.timeout)
    const deadline = this.kernel.now() + timeout
    while (count() < target) {
      if (this.kernel.now() >= deadline) this.fail(`only ${step.count - (target - count())} of ${step.count} frames arrived within ${step.timeout}`)
      yield (resume) => this.kernel.scheduleOs(this.kernel.now() + 1_000_000, resume, undefined)
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Streams and buffers

  /** The range to hand the driver for a step's request (dataRanges.ts); a stream without what the step needs is not applicable. */
  rangeFor(request: RangeRequest, info: HW_STREAM_INFORMATION, stream: number): ks.PKSDATARANGE {
    return this.choose(request, info, stream).range
  }

  private choose(request: RangeRequest, info: HW_STREAM_INFORMATION, stream: number): RangeChoice {
    const choice = chooseRange(request, info, stream)
    if ('problem' in choice) {
      const s = this.currentStep
      const message = s === null ? choice.problem : `step ${s.label} (${s.op}): ${choice.problem}`
      throw choice.notApplicable ? new Unsupported(message) : new StepFailure(message)
    }
    return choice
  }

  private selectStream(selector: StreamSelector): number {
    const infos = this.device.streamInfos
    if (typeof selector === 'number') {
      if (selector >= infos.length) this.fail(`stream ${selector} does not exist (the driver reports ${infos.length} stream(s))`)
      return selector
    }
    const i = infos.findIndex((info) => streamKind(info) === selector)
    if (i < 0) throw new Unsupported(`the driver has no ${selector} stream`)
    return i
  }

  stream(selector: StreamSelector): ClientStream {
    const number = typeof selector === 'number' ? selector : [...this.streams.values()].find((s) => s.kind === selector)?.number
    const s = number === undefined ? undefined : this.streams.get(number)
    if (s === undefined) this.fail(`stream ${String(selector)} is not open`)
    return s
  }

  /** `n` of the stream's buffers in flight at once must fit MAX_CLIENT_BUFFER_BYTES (the stream's buffer size is the driver's). */
  checkBufferBytes(op: string, n: number, s: ClientStream): void {
    const bytes = n * s.bufferSize
    if (bytes > MAX_CLIENT_BUFFER_BYTES) this.fail(`${op}: ${n} buffers of ${s.bufferSize} bytes are ${(bytes / 2 ** 20).toFixed(0)} MiB, more than the ${MAX_CLIENT_BUFFER_BYTES / 2 ** 20} MiB a stream may have in flight (docs/scenarios.md, Limits)`)
  }

  takeBuffers(s: ClientStream, n: number): DataBuffer[] {
    const out: DataBuffer[] = []
    for (let i = 0; i < n; i++) {
      const free = s.pool.pop()
      if (free !== undefined) out.push(free)
      else {
        const alloc = this.memory.allocate(s.bufferSize, { kind: 'user-buffer', owner: `client stream ${s.number}` })
        out.push({ alloc, sg: alloc.scatterGather() })
      }
    }
    return out
  }

  submitRead(s: ClientStream, buffers: DataBuffer[]): void {
    const srb = this.device.readWrite(s.instance, SRB_READ_DATA, buffers, (done) => this.onDataDone(s, done))
    s.inflight.push(srb)
    this.kernel.trace.counter(this.inflightTrack, this.kernel.now(), this.inflightName, s.inflight.length)
  }

  onDataDone(s: ClientStream, srb: Srb): void {
    const i = s.inflight.indexOf(srb)
    if (i >= 0) s.inflight.splice(i, 1)
    const buffers = srb._buffers!
    if (srb._Command === SRB_READ_DATA && srb._Status === STATUS_SUCCESS && srb._state === SrbState.Completed) {
      for (const h of srb._CommandData.DataBufferArray as StreamHeader[]) {
        s.tracker.onBuffer(h)
        if (this.onDelivered !== null) this.onDelivered(s.number, s.kind, h, s.tracker)
      }
      this.kernel.trace.counter(this.framesTrack, this.kernel.now(), this.framesName, s.tracker.delivered)
    }
    this.kernel.trace.counter(this.inflightTrack, this.kernel.now(), this.inflightName, s.inflight.length)
    // A read that failed (not success, not cancelled) ends the streaming, as a capture graph stops on
    // a device error; resubmitting at once would spin forever against a failed device.
    if (srb._Command === SRB_READ_DATA && srb._Status !== STATUS_SUCCESS && srb._Status !== STATUS_CANCELLED) s.pumping = false
    const again = srb._Command === SRB_READ_DATA && s.pumping && srb._Status !== STATUS_CANCELLED && this.streams.get(s.number) === s && !this.finished
    if (again) this.submitRead(s, buffers)
    else s.pool.push(...buffers)
  }

  setGraphState(s: ClientStream, state: number): void {
    const others = [...this.streams.values()].filter((x) => x !== s).map((x) => x.state)
    const states = [...others, state]
    if (states.includes(ks.KSSTATE_RUN)) this.graphClock.run()
    else if (states.every((x) => x === ks.KSSTATE_STOP)) this.graphClock.stop()
    else this.graphClock.pause()
  }
}

/** "set-state RUN", "open-stream video YUY2 640x480"... for the step slices. */
function stepText(step: Step): string {
  const s = step as Record<string, any>
  const parts: string[] = [step.op]
  if (s.stream !== undefined) parts.push(String(s.stream))
  if (s.state !== undefined) parts.push(s.state)
  // A preferred format reads like an explicit one: the step's name says what it asks for.
  const format = s.format ?? s.prefer
  if (format?.subtype) parts.push(`${format.subtype}${format.width ? ` ${format.width}x${format.height}` : ''}`)
  if (format?.range !== undefined) parts.push(`range ${format.range}`)
  if (s.range !== undefined) parts.push(`range ${s.range}`)
  if (s.duration !== undefined) parts.push(String(s.duration))
  if (s.buffers !== undefined) parts.push(`${s.buffers} buffers`)
  if (s.command !== undefined) parts.push(s.command)
  if (s.fault !== undefined) parts.push(s.fault)
  return parts.join(' ')
}

