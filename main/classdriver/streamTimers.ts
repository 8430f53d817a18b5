import type { EventHandle } from '../sim/eventQueue.js'
import { US } from '../contract/time.js'
import { Work } from '../sim/work.js'
import type { CallingDevice } from './deviceParts.js'
import type { StreamInstance } from './stream.js'
import type { PHW_TIMER_ROUTINE } from './wdk/strminiTypes.js'

interface Slot {
  handle: EventHandle
  routine: PHW_TIMER_ROUTINE
}

/**
 * StreamClassScheduleTimer: one timer per stream and one for the device (docs/classdriver.md#timers).
 * `(0, null)` cancels; scheduling on a busy slot is a slot-busy warning and replaces (or is ignored,
 * per the timerOnBusySlot setting). A timer routine may reschedule itself: its slot is free once it runs.
 * When SRB_CLOSE_STREAM succeeds the stream's slot is cancelled, as stream.sys cancels the timer it keeps
 * in the stream object it is about to free (docs/classdriver.md#timers).
 */
export class StreamTimers {
  private readonly slots = new Map<StreamInstance | null, Slot>()

  constructor(private readonly device: Omit<CallingDevice, 'runMinidriver'>) {}

  pending(owner: StreamInstance | null): boolean {
    return this.slots.has(owner)
  }

  schedule(owner: StreamInstance | null, microseconds: number, routine: PHW_TIMER_ROUTINE | null, context: unknown): void {
    const d = this.device
    const k = d.kernel
    const existing = this.slots.get(owner)
    if (microseconds === 0 || typeof routine !== 'function') {
      if (existing !== undefined) {
        k.cancelOs(existing.handle)
        this.slots.delete(owner)
      }
      return
    }
    const who = owner === null ? 'the device' : owner.label
    if (existing !== undefined) {
      d.verifier.report('slot-busy', `StreamClassScheduleTimer for ${who} while its timer (${existing.routine.name || 'routine'}) is still pending`)
      if (d.settings.timerOnBusySlot === 'ignore') return
      k.cancelOs(existing.handle)
    }
    const { irql, lock } = d.contextOf('entry')
    const slot = { handle: 0, routine }
    const work = new Work(irql, () => {
      if (this.slots.get(owner) !== slot) return // cancelled or replaced after it became due
      this.slots.delete(owner)
      if (owner !== null && owner.closed) {
        d.verifier.report('outstanding-at-close', `timer routine ${slot.routine.name || ''} of ${owner.label} fired after SRB_CLOSE_STREAM`, { callback: slot.routine.name || 'TimerRoutine', location: null })
      }
      d.invoker.call('TimerRoutine', slot.routine, context, null, owner)
      d.checkBudget(work, slot.routine)
    }, null)
    work.lock = lock
    slot.handle = k.setTimer(k.now() + Math.round(microseconds * US), work)
    this.slots.set(owner, slot)
  }

  /**
   * SRB_CLOSE_STREAM succeeded: the stream's pending timer is cancelled without a finding. The timer
   * lives in the class driver's per-stream object, which the close frees, so stream.sys has to cancel it
   * (testcap's timer, which stops only by not rescheduling once the state is STOP, relies on that).
   */
  cancelAtClose(owner: StreamInstance): void {
    const slot = this.slots.get(owner)
    if (slot === undefined) return
    this.device.kernel.cancelOs(slot.handle)
    this.slots.delete(owner)
  }

  /** Hot swap: replaces the routines of pending timers. */
  swap(replace: (f: Function) => Function): void {
    for (const slot of this.slots.values()) slot.routine = replace(slot.routine) as PHW_TIMER_ROUTINE
  }
}
