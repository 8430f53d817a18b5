import { BUGCHECK } from './bugcheck.js'
import type { Irql } from './irql.js'
import type { Kernel } from './kernel.js'
import { KernelLock, Work } from './work.js'

/** LevelSensitive (0) or Latched (1), as KINTERRUPT_MODE. */
export type InterruptMode = 'level' | 'latched'

/** One connected ISR on a vector (what IoConnectInterrupt returns). */
export class InterruptObject {
  constructor(
    readonly vector: InterruptVector,
    readonly name: string,
    /** Returns TRUE when it claimed the interrupt. */
    readonly service: () => boolean,
    /** The interrupt spin lock: held while the ISR runs and by KeSynchronizeExecution. */
    readonly lock: KernelLock,
  ) {}
}

export interface StormReport {
  vector: InterruptVector
  invocations: number
  /** The ISR that last ran (the one that left the line asserted). */
  last: InterruptObject | null
}

/**
 * An interrupt vector: the line's level as the interrupt controller sees it, and the chain of ISRs
 * connected to it. On a level-triggered line the ISRs are called again and again while the line stays
 * asserted; after `stormThreshold` invocations without the line ever dropping, the machine bug-checks
 * with 0xF2 HARDWARE_INTERRUPT_STORM.
 */
export class InterruptVector {
  readonly chain: InterruptObject[] = []
  /** Current level of the line (level mode). */
  asserted = false
  /** Invocations of the chain since the line last dropped. */
  consecutive = 0
  /** Totals for the report. */
  raised = 0
  invocations = 0
  claimed = 0
  unclaimed = 0
  /** Called before the storm bug check (the class driver records its verifier finding). */
  readonly stormHooks: ((report: StormReport) => void)[] = []
  /** Called after each chain invocation with the claiming ISR (or null). */
  readonly serviceHooks: ((claimedBy: InterruptObject | null) => void)[] = []
  private deliveryPending = false
  private lastServiced: InterruptObject | null = null
  private readonly delivery: Work<InterruptVector>
  readonly lineTrack: number
  private readonly levelName: number

  constructor(
    readonly kernel: Kernel,
    readonly number: number,
    readonly irql: Irql,
    readonly mode: InterruptMode,
    public stormThreshold: number,
  ) {
    this.delivery = new Work<InterruptVector>(irql, deliver, this as InterruptVector)
    this.delivery.name = kernel.trace.strings.intern(`Interrupt vector ${number}`)
    this.lineTrack = kernel.trace.defineTrack({ name: `IRQ ${number}`, group: 'Interrupts', kind: 'counter', order: number, unit: 'level' })
    this.levelName = kernel.trace.strings.intern(`IRQ ${number}`)
  }

  connect(name: string, service: () => boolean, lock = new KernelLock(`${name} interrupt lock`)): InterruptObject {
    const obj = new InterruptObject(this, name, service, lock)
    this.chain.push(obj)
    if (this.delivery.lock === null) this.delivery.lock = lock
    return obj
  }

  disconnect(obj: InterruptObject): void {
    const i = this.chain.indexOf(obj)
    if (i >= 0) this.chain.splice(i, 1)
    this.delivery.lock = this.chain.length > 0 ? this.chain[0].lock : null
  }

  /** The wire's level changed (level-sensitive lines). */
  setLevel(asserted: boolean): void {
    if (asserted === this.asserted) return
    this.asserted = asserted
    this.kernel.trace.counter(this.lineTrack, this.kernel.now(), this.levelName, asserted ? 1 : 0)
    if (!asserted) {
      this.consecutive = 0
      return
    }
    this.raised++
    if (this.mode === 'level') this.scheduleDelivery(this.dispatchLatency())
  }

  /** One edge or message (latched lines, MSI): delivered once, never repeated. */
  signal(): void {
    this.raised++
    const now = this.kernel.now()
    this.kernel.trace.counter(this.lineTrack, now, this.levelName, 1)
    this.kernel.trace.counter(this.lineTrack, now, this.levelName, 0)
    this.scheduleDelivery(this.dispatchLatency())
  }

  private dispatchLatency(): number {
    const c = this.kernel.costs
    return this.kernel.rng.int(c.isrDispatchMin, c.isrDispatchMax)
  }

  private scheduleDelivery(latency: number): void {
    if (this.deliveryPending || this.chain.length === 0) return
    this.deliveryPending = true
    this.kernel.submit(this.delivery, this.kernel.now() + latency)
  }

  /** Runs the chain once: ISRs in connection order until one claims the interrupt. */
  runChain(): void {
    this.deliveryPending = false
    this.invocations++
    this.consecutive++
    let claimedBy: InterruptObject | null = null
    const outer = this.delivery.lock
    for (const obj of this.chain) {
      // Each ISR runs under its own interrupt spin lock (the first one is held by the delivery work).
      const own = obj.lock !== outer
      if (own) obj.lock.holder = this.delivery
      this.lastServiced = obj
      const claimed = obj.service()
      if (own) {
        obj.lock.holder = null
        obj.lock.freeAt = this.kernel.now()
      }
      if (claimed) {
        claimedBy = obj
        break
      }
    }
    if (claimedBy) this.claimed++
    else this.unclaimed++
    for (const hook of this.serviceHooks) hook(claimedBy)
    if (this.mode !== 'level') return
    // Let the hardware settle to the ISR's last write before deciding whether the line is still high.
    this.kernel.checkpoint()
    if (!this.asserted) return
    if (this.consecutive >= this.stormThreshold) {
      const report: StormReport = { vector: this, invocations: this.consecutive, last: this.lastServiced }
      for (const hook of this.stormHooks) hook(report)
      this.kernel.bugcheck(
        BUGCHECK.HARDWARE_INTERRUPT_STORM,
        `interrupt vector ${this.number} stayed asserted through ${this.consecutive} consecutive ISR invocations`,
        { callback: this.lastServiced?.name ?? null },
      )
    }
    // Still asserted: the CPU takes the interrupt again as soon as the ISR's EOI lowers the level.
    this.scheduleDelivery(this.kernel.costs.isrReentry)
  }
}

function deliver(work: Work<InterruptVector>): void {
  work.data.runChain()
}

/** The kernel's table of interrupt vectors. */
export class InterruptController {
  private readonly vectors = new Map<number, InterruptVector>()

  constructor(
    private readonly kernel: Kernel,
    public stormThreshold = 1000,
  ) {}

  vector(number: number, irql: Irql, mode: InterruptMode): InterruptVector {
    let v = this.vectors.get(number)
    if (v === undefined) {
      v = new InterruptVector(this.kernel, number, irql, mode, this.stormThreshold)
      this.vectors.set(number, v)
    }
    return v
  }

  all(): InterruptVector[] {
    return [...this.vectors.values()]
  }
}
