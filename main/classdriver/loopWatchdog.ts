import { BUGCHECK, type SourceLocation } from '../sim/bugcheck.js'
import { DISPATCH_LEVEL } from '../sim/irql.js'
import type { Kernel } from '../sim/kernel.js'
import type { Invoker } from './invocation.js'

/** Iterations between two looks at the wall clock. */
const CHECK_EVERY = 4096

/**
 * The other half of loop instrumentation (main/host/loopInstrumentation.ts): user loops call `check`
 * with their site id. When one top-level callback has spent more than `budgetMs` of wall time in
 * loops, the machine bug-checks at that loop's line, naming the callback: DPC_WATCHDOG_VIOLATION at
 * raised IRQL, THREAD_STUCK_IN_DEVICE_DRIVER at PASSIVE_LEVEL. Once the machine has stopped, every
 * guarded loop throws at once, so code that swallows the bug check cannot keep looping.
 */
export class LoopWatchdog {
  private count = 0
  private epoch = -1
  private since = 0
  /** Where the sandbox keeps the last loop site outside the JavaScript heap (read after a crash). */
  private record: Int32Array | null = null
  private recordSlot = 0

  private readonly sites: SourceLocation[]

  constructor(
    private readonly kernel: Kernel,
    private readonly invoker: Invoker,
    sites: readonly SourceLocation[],
    public budgetMs: number,
    private readonly now: () => number,
  ) {
    this.sites = [...sites]
  }

  /**
   * The guard for another module instance (a hot swap's new code): its sites are appended, and its
   * loop ids shifted past the ones already known.
   */
  guardFor(sites: readonly SourceLocation[]): (site: number) => void {
    const offset = this.sites.length
    this.sites.push(...sites)
    return (site) => this.check(site + offset)
  }

  /**
   * The sandbox's heap gauge (used / limit, 0..1), asked every 32 iterations: a loop that is eating
   * the heap stops with MEMORY_MANAGEMENT at its line while there is still room to write the report,
   * instead of taking the worker down with it.
   */
  heapGauge: (() => number) | null = null
  heapLimitRatio = 0.75

  /** Records every loop iteration's site in `record[slot]` (a store per iteration: cheap). */
  recordSitesIn(record: Int32Array, slot: number): void {
    this.record = record
    this.recordSlot = slot
  }

  readonly check = (site: number): void => {
    const k = this.kernel
    if (this.record !== null) this.record[this.recordSlot] = site
    if (k.halted !== null) k.rethrowIfHalted()
    const count = ++this.count
    if (this.heapGauge !== null && (count & 31) === 0 && this.heapGauge() > this.heapLimitRatio) this.outOfMemory(site)
    if ((count & (CHECK_EVERY - 1)) !== 0) return
    const now = this.now()
    const epoch = this.invoker.topLevelCalls
    if (epoch !== this.epoch) {
      this.epoch = epoch
      this.since = now
      return
    }
    if (now - this.since <= this.budgetMs) return
    const location = this.sites[site] ?? null
    const name = this.invoker.currentName()
    const where = location ? ` in the loop at ${location.file}:${location.line}` : ''
    const code = k.currentIrql() >= DISPATCH_LEVEL ? BUGCHECK.DPC_WATCHDOG_VIOLATION : BUGCHECK.THREAD_STUCK_IN_DEVICE_DRIVER
    k.bugcheck(code, `${name ?? 'the driver image'} did not return within ${this.budgetMs} ms of wall time${where}: an infinite loop?`, {
      callback: name,
      location,
    })
  }

  private outOfMemory(site: number): never {
    const location = this.sites[site] ?? null
    const name = this.invoker.currentName()
    const where = location ? ` in the loop at ${location.file}:${location.line}` : ''
    return this.kernel.bugcheck(BUGCHECK.MEMORY_MANAGEMENT, `${name ?? 'the driver image'} is exhausting the sandbox's memory${where} (over ${Math.round(this.heapLimitRatio * 100)}% of the heap limit)`, {
      callback: name,
      location,
    })
  }
}
