import { DISPATCH_LEVEL } from '../sim/irql.js'
import { US } from '../contract/time.js'
import { Work } from '../sim/work.js'
import type { CallingDevice, StreamLookup } from './deviceParts.js'
import type { StreamInstance } from './stream.js'
import { TIME_GET_STREAM_TIME, type HW_TIME_CONTEXT, type PHW_QUERY_CLOCK_ROUTINE } from './wdk/strminiTypes.js'

/** A clock a handle stands for: the graph's (system) clock, or a stream acting as master clock. */
export interface ClockSource {
  readonly name: string
  /** Fills Time (100 ns) for the function; SystemTime is filled by the caller. */
  read(context: HW_TIME_CONTEXT): void
}

/** What the clocks read of their device. */
export interface ClockDevice extends Omit<CallingDevice, 'runMinidriver'>, StreamLookup {
  readonly extension: Record<string, any>
}

/** Time from a query to its callback (the class driver's round trip to the clock's owner). */
const ASYNC_QUERY_LATENCY = 5 * US

/**
 * Master clock handles and the two query services (docs/classdriver.md#master-clock). The graph's clock comes from
 * the client; a stream that receives SRB_OPEN_MASTER_CLOCK becomes a clock read through its
 * StrMiniClock. Handles withdrawn (INDICATE 0, CLOSE_MASTER_CLOCK, close) stay known so later use is
 * reported as stale.
 */
export class MasterClocks {
  private readonly sources = new Map<number, { source: ClockSource; valid: boolean }>()
  /** Asynchronous queries not answered yet. */
  private readonly pending = new Set<{ callback: PHW_QUERY_CLOCK_ROUTINE }>()
  private nextHandle = 0x1000

  constructor(private readonly device: ClockDevice) {}

  register(source: ClockSource): number {
    const handle = this.nextHandle
    this.nextHandle += 4
    this.sources.set(handle, { source, valid: true })
    return handle
  }

  withdraw(handle: number): void {
    const entry = this.sources.get(handle)
    if (entry) entry.valid = false
  }

  /** A clock whose time comes from a stream's StrMiniClock (the stream got SRB_OPEN_MASTER_CLOCK). */
  streamClock(stream: StreamInstance): ClockSource {
    const d = this.device
    return {
      name: `${stream.label} clock`,
      read: (context) => {
        const fn = stream.object.HwClockObject.HwClockFunction
        if (typeof fn !== 'function') return
        context.HwStreamObject = stream.object
        d.invoker.call('StrMiniClock', fn, context, null, stream)
      },
    }
  }

  streamClosed(stream: StreamInstance): void {
    if (stream.indicatedClock) stream.withdrawnClocks.add(stream.indicatedClock)
    if (stream.ownClock) this.withdraw(stream.ownClock)
  }

  private systemTime(): number {
    return Math.floor(this.device.kernel.now() / 100)
  }

  /** Validity of a handle for a query; reports stale use. */
  private lookup(handle: number, stream: StreamInstance | null): ClockSource | null {
    const entry = this.sources.get(handle)
    const withdrawnHere = stream !== null && stream.withdrawnClocks.has(handle)
    if (entry === undefined || !entry.valid || withdrawnHere) {
      this.device.verifier.report(
        'stale-clock-handle',
        handle === 0 ? 'master clock queried with handle 0 (the stream is free-running)' : `master clock handle 0x${handle.toString(16)} used after it was withdrawn`,
      )
      return null
    }
    return entry.source
  }

  /** StreamClassQueryMasterClockSync: at or below DISPATCH_LEVEL only. */
  querySync(handle: number, context: HW_TIME_CONTEXT): void {
    const d = this.device
    const irql = d.kernel.currentIrql()
    if (irql > DISPATCH_LEVEL) {
      d.verifier.report('irql-violation', 'StreamClassQueryMasterClockSync called above DISPATCH_LEVEL; use StreamClassQueryMasterClock at raised IRQL')
    }
    const stream = context.HwStreamObject === null ? null : d.streamOfObject(context.HwStreamObject)
    const source = this.lookup(handle, stream)
    context.Time = 0
    if (source !== null) source.read(context)
    context.SystemTime = this.systemTime()
  }

  /** StreamClassQueryMasterClock: one pending query per stream; the callback runs synchronized. */
  queryAsync(stream: StreamInstance, handle: number, fn: number, callback: PHW_QUERY_CLOCK_ROUTINE): void {
    const d = this.device
    if (stream.clockQueryPending) {
      d.verifier.report('clock-query-pending', `a second StreamClassQueryMasterClock on ${stream.label} while one is pending`)
      return
    }
    const source = this.lookup(handle, stream)
    stream.clockQueryPending = true
    // The callback lives in a pending record, so a hot swap can replace it before it runs.
    const pending = { callback }
    this.pending.add(pending)
    const { irql, lock } = d.contextOf('entry')
    const work = new Work(irql, () => {
      this.pending.delete(pending)
      const callback = pending.callback
      stream.clockQueryPending = false
      const context: HW_TIME_CONTEXT = { HwDeviceExtension: d.extension, HwStreamObject: stream.object, Function: fn ?? TIME_GET_STREAM_TIME, Time: 0, SystemTime: 0 }
      if (source !== null) source.read(context)
      context.SystemTime = this.systemTime()
      if (stream.closed) {
        d.verifier.report('outstanding-at-close', `master-clock query callback of ${stream.label} ran after SRB_CLOSE_STREAM`, { callback: callback.name || 'QueryClockCallback', location: null })
      }
      d.invoker.call('QueryClockCallback', callback, context, null, stream)
      d.checkBudget(work, callback)
    }, null)
    work.lock = lock
    d.kernel.submit(work, d.kernel.now() + ASYNC_QUERY_LATENCY)
  }

  /** Hot swap: replaces the callbacks of queries still pending. */
  swap(replace: (f: Function) => Function): void {
    for (const p of this.pending) p.callback = replace(p.callback) as PHW_QUERY_CLOCK_ROUTINE
  }
}
