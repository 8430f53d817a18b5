import type { EventHandle } from '../sim/eventQueue.js'
import { SECOND } from '../contract/time.js'
import type { CallingDevice, SrbStats, StreamLookup } from './deviceParts.js'
import type { HeldSrbs } from './heldSrbs.js'
import type { RequestQueue } from './queues.js'
import { SrbState, srbRef, type Srb } from './srb.js'
import type { StreamInstance } from './stream.js'
import { KSSTATE_STOP } from './wdk/ks.js'
import { srbCommandName } from './wdk/srbCommands.js'
import type { HW_INITIALIZATION_DATA } from './wdk/strminiTypes.js'

/** What the watchdog reads of its device: the held SRBs, the queues, and the timeout handler. */
export interface WatchdogDevice extends Omit<CallingDevice, 'contextOf'>, StreamLookup {
  readonly initData: Readonly<HW_INITIALIZATION_DATA>
  readonly synchronized: boolean
  readonly held: HeldSrbs
  readonly stats: SrbStats
  readonly deviceQueue: RequestQueue
  readonly streams: readonly StreamInstance[]
}

/**
 * The class driver's once-a-second watchdog (docs/classdriver.md#timeouts): decrements TimeoutCounter of every
 * SRB the minidriver holds, calls HwRequestTimeoutHandler when one reaches 0, and notices queues that
 * stay not-ready while requests wait.
 */
export class Watchdog {
  private handle: EventHandle | null = null

  constructor(private readonly device: WatchdogDevice) {}

  start(): void {
    if (this.handle !== null) return
    const k = this.device.kernel
    this.handle = k.scheduleOs(k.now() + SECOND, this.tick, null)
  }

  stop(): void {
    if (this.handle !== null) this.device.kernel.cancelOs(this.handle)
    this.handle = null
  }

  private readonly tick = (): void => {
    const d = this.device
    const k = d.kernel
    this.handle = k.scheduleOs(k.now() + SECOND, this.tick, null)
    const expired: Srb[] = []
    for (const srb of d.held) {
      if (srb._TimeoutCounter > 0 && --srb._TimeoutCounter === 0) expired.push(srb)
    }
    for (const srb of expired) this.timeout(srb)
    this.checkStalls(false)
  }

  private timeout(srb: Srb): void {
    const d = this.device
    srb._timedOut = true
    d.stats.timedOut++
    const handler = d.initData.HwRequestTimeoutHandler
    const label = `${srbCommandName(srb._Command)} #${srb._id}`
    if (typeof handler !== 'function') {
      d.verifier.report('srb-orphaned', `${label} timed out and there is no HwRequestTimeoutHandler to finish it`, { srb: srbRef(srb), location: null, callback: null })
      return
    }
    d.runMinidriver(
      'entry',
      (work) => {
        if (srb._state !== SrbState.Delivered) return
        d.invoker.call('HwRequestTimeoutHandler', handler, srb, srb, d.streamOfObject(srb._StreamObject))
        d.checkBudget(work, handler)
        if (srb._state !== SrbState.Delivered) return
        const stream = d.streamOfObject(srb._StreamObject)
        if (srb._TimeoutCounter === 0) {
          d.verifier.report('srb-orphaned', `${label} is left uncompleted with TimeoutCounter 0 after the timeout handler: nothing will finish it`, {
            srb: srbRef(srb),
            location: null,
            callback: handler.name || 'HwRequestTimeoutHandler',
          })
        } else if (stream !== null && (stream.closed || (srb._queue === 'data' && stream.state === KSSTATE_STOP))) {
          d.verifier.report('srb-orphaned', `${label} was re-armed although ${stream.label} is ${stream.closed ? 'closed' : 'stopped'}: it can never complete`, {
            srb: srbRef(srb),
            location: null,
            callback: handler.name || 'HwRequestTimeoutHandler',
          })
        }
      },
      null,
    )
  }

  /** Synchronized queues not ready while requests wait: after the threshold, or at the end of a run (`final`). */
  checkStalls(final: boolean): void {
    const d = this.device
    if (!d.synchronized) return
    const now = d.kernel.now()
    const limit = d.settings.stallReportSeconds * SECOND
    const queues: RequestQueue[] = [d.deviceQueue]
    for (const s of d.streams) queues.push(s.control, s.data)
    for (const q of queues) {
      if (q.ready || q.pendingCount === 0 || q.stallReported) continue
      const since = Math.max(q.notReadySince, q.waiting()[0]._submittedAt)
      if (!final && now - since < limit) continue
      q.stallReported = true
      d.verifier.report(
        'queue-stalled',
        `the ${q.label.toLowerCase()} queue has ${q.pendingCount} request(s) waiting and has not been made ready for ${((now - since) / SECOND).toFixed(1)} s; signal ReadyForNext`,
        { location: null, callback: null },
      )
    }
  }
}
