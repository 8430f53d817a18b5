import { Work } from '../sim/work.js'
import type { CallContext, CallingDevice } from './deviceParts.js'
import type { StreamInstance } from './stream.js'
import { Dispatch, High, Low, LowToHigh, type PHW_PRIORITY_ROUTINE } from './wdk/strminiTypes.js'

const PRIORITY_NAMES = ['High', 'Dispatch', 'Low', 'LowToHigh']

/**
 * StreamClassCallAtNewPriority (docs/classdriver.md#priority): one pending routine per stream and one for the
 * device. High runs synchronized with the ISR and the packet routines; Dispatch at DISPATCH_LEVEL and
 * Low at PASSIVE_LEVEL run unsynchronized; LowToHigh returns from a Low routine to High.
 */
export class PriorityRoutines {
  private readonly slots = new Map<StreamInstance | null, { routine: PHW_PRIORITY_ROUTINE }>()
  /** Dispatch or Low routines running now (on some CPU's stack). */
  activeLower = 0

  constructor(private readonly device: Omit<CallingDevice, 'runMinidriver'>) {}

  pending(owner: StreamInstance | null): boolean {
    return this.slots.has(owner)
  }

  call(owner: StreamInstance | null, priority: number, routine: PHW_PRIORITY_ROUTINE, context: unknown): void {
    const d = this.device
    if (typeof routine !== 'function' || priority < High || priority > LowToHigh) {
      d.verifier.report('irql-violation', `StreamClassCallAtNewPriority with ${typeof routine !== 'function' ? 'no routine' : `unknown priority ${priority}`}`)
      return
    }
    const who = owner === null ? 'the device' : owner.label
    if (this.slots.has(owner)) {
      d.verifier.report('slot-busy', `StreamClassCallAtNewPriority(${PRIORITY_NAMES[priority]}) for ${who} while another priority routine is pending`)
      if (d.settings.priorityOnBusySlot === 'ignore') return
    }
    if (priority === LowToHigh) {
      const cur = d.invoker.current
      if (cur === null || cur.kind !== 'PriorityRoutine' || cur.priority !== Low) {
        d.verifier.report('irql-violation', 'LowToHigh requested outside a Low priority routine', { severity: 'warning' })
      }
    }
    const ctx: CallContext = priority === Dispatch ? 'dispatch' : priority === Low ? 'low' : 'high'
    const { irql, lock } = d.contextOf(ctx)
    // The routine lives in the slot, so a hot swap can replace it before it runs.
    const token = { routine }
    this.slots.set(owner, token)
    const lower = priority === Dispatch || priority === Low
    const work = new Work(irql, () => {
      if (this.slots.get(owner) !== token) return // replaced before it ran
      this.slots.delete(owner)
      if (owner !== null && owner.closed) {
        d.verifier.report('outstanding-at-close', `priority routine ${routine.name || ''} of ${owner.label} ran after SRB_CLOSE_STREAM`, { callback: routine.name || 'PriorityRoutine', location: null })
      }
      if (lower) this.activeLower++
      try {
        d.invoker.call('PriorityRoutine', token.routine, context, null, owner, priority)
      } finally {
        if (lower) this.activeLower--
      }
      d.checkBudget(work, token.routine)
    }, null)
    work.lock = lock
    d.kernel.submit(work)
  }

  /** Hot swap: replaces the routines still pending. */
  swap(replace: (f: Function) => Function): void {
    for (const slot of this.slots.values()) slot.routine = replace(slot.routine) as PHW_PRIORITY_ROUTINE
  }
}
