// The call context: at which IRQL and under which lock minidriver code of each context runs
// (docs/classdriver.md#contexts), scheduling it as Work, and the raised-IRQL budget it must keep.
import type { InterruptObject } from '../sim/interrupts.js'
import { DEVICE_IRQL, DISPATCH_LEVEL, PASSIVE_LEVEL, type Irql } from '../sim/irql.js'
import { Work, type KernelLock } from '../sim/work.js'
import type { CallContext, DeviceServices, MinidriverCalls } from './deviceParts.js'

/** What the call context reads of its device; synchronization and the interrupt change with PnP start. */
export interface CallSiteDevice extends Pick<DeviceServices, 'kernel' | 'settings' | 'verifier'> {
  readonly synchronized: boolean
  readonly syncIrql: Irql
  readonly syncLock: KernelLock
  readonly interrupt: InterruptObject | null
  readonly interruptLock: KernelLock
}

export class CallSite implements MinidriverCalls {
  constructor(private readonly device: CallSiteDevice) {}

  /** IRQL and lock for minidriver code of a given context (docs/classdriver.md#contexts). */
  contextOf(ctx: CallContext): { irql: Irql; lock: KernelLock | null } {
    const d = this.device
    const sync = d.synchronized
    switch (ctx) {
      case 'request':
        return sync ? { irql: d.syncIrql, lock: d.syncLock } : { irql: PASSIVE_LEVEL, lock: null }
      case 'entry':
        return sync ? { irql: d.syncIrql, lock: d.syncLock } : { irql: DISPATCH_LEVEL, lock: null }
      case 'high':
        if (sync) return { irql: d.syncIrql, lock: d.syncLock }
        return d.interrupt !== null ? { irql: DEVICE_IRQL, lock: d.interruptLock } : { irql: DISPATCH_LEVEL, lock: null }
      case 'dispatch':
        return { irql: DISPATCH_LEVEL, lock: null }
      case 'low':
        return { irql: PASSIVE_LEVEL, lock: null }
      case 'event':
        return sync && d.settings.eventAndClockSynchronized ? { irql: d.syncIrql, lock: d.syncLock } : { irql: DISPATCH_LEVEL, lock: null }
    }
  }

  /** Schedules minidriver code as Work in the given context, ready at `at` (default now). */
  runMinidriver<T>(ctx: CallContext, run: (work: Work<T>) => void, data: T, at?: number): Work<T> {
    const { irql, lock } = this.contextOf(ctx)
    const work = new Work(irql, run, data)
    work.lock = lock
    this.device.kernel.submit(work, at)
    return work
  }

  /** Checks the raised-IRQL budget of the Work that just ran minidriver code `fn`. */
  checkBudget(work: Work<any>, fn: { name: string } | string): void {
    const d = this.device
    const cpu = d.kernel.currentCpu
    if (cpu === null) return
    const own = cpu.clock - work.startedAt - work.nestedTime
    const s = d.settings
    const limit = work.irql > DISPATCH_LEVEL ? s.dirqlBudgetNs : work.irql === DISPATCH_LEVEL ? s.dispatchBudgetNs : Infinity
    if (own <= limit) return
    const name = typeof fn === 'string' ? fn : fn.name || 'callback'
    if (work.irql > DISPATCH_LEVEL) {
      d.verifier.report('raised-irql-budget', `${name} ran ${(own / 1000).toFixed(1)} µs at DIRQL (budget ${s.dirqlBudgetNs / 1000} µs)`, { callback: name, location: null })
    } else if (work.irql === DISPATCH_LEVEL && own > s.dispatchBudgetNs) {
      d.verifier.report('raised-irql-budget', `${name} ran ${(own / 1e6).toFixed(3)} ms at DISPATCH_LEVEL (budget ${s.dispatchBudgetNs / 1e6} ms)`, { callback: name, location: null })
    }
  }
}
