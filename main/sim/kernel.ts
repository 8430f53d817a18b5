import { BUGCHECK, BugcheckSignal, bugcheckName, type BugcheckInfo } from './bugcheck.js'
import { safeInstanceOf } from './thrownValue.js'
import { DEFAULT_COSTS, type CostModel } from './costModel.js'
import { Cpu } from './cpu.js'
import { EventQueue, type EventCallback, type EventHandle } from './eventQueue.js'
import { DISPATCH_LEVEL, irqlName, type Irql } from './irql.js'
import { Rng } from './rng.js'
import { TraceRecorder } from './trace/recorder.js'
import type { Work } from './work.js'

export interface KernelOptions {
  /** Number of virtual CPUs (default 1: preemption on one CPU is exact; more CPUs overlap approximately). */
  cpus?: number
  seed?: number
  costs?: Partial<CostModel>
  trace?: TraceRecorder
}

/** Ready work of one IRQL, first in first out: items[head..tail). */
interface ReadyBucket {
  irql: Irql
  items: Work<any>[]
  head: number
  tail: number
}

/**
 * The emulated kernel: a discrete-event simulator with virtual CPUs, IRQL, DPCs and timers.
 *
 * Two rules make it work:
 * - Events (hardware and OS) never run driver code. They change state and make Work ready.
 * - Work runs on a CPU. While it runs, the CPU's clock advances by the cost of what the code does, and at
 *   every call into the system (a checkpoint) the kernel first lets hardware and OS events catch up to
 *   that clock, then runs any ready work of a higher IRQL nested on the same CPU. That is preemption at
 *   call granularity, which is exact for everything the driver can observe.
 */
export class Kernel {
  readonly rng: Rng
  readonly costs: CostModel
  readonly trace: TraceRecorder
  readonly cpus: Cpu[]

  private readonly osEvents = new EventQueue()
  private readonly hwEvents = new EventQueue()
  private eventTime = 0
  private inEvent = false
  private runningCpu: Cpu | null = null
  private readonly buckets: ReadyBucket[] = []
  private readySeq = 0
  private maxReadyIrql = -1
  private readonly irqlArgs: number

  /** Set once the machine has bug-checked; the run loop stops. */
  halted: BugcheckInfo | null = null
  /** Set to end the run loop early (the scenario finished). */
  stopped = false
  /** Called with the bug check before the run loop unwinds (to add context such as the callback). */
  readonly bugcheckHooks: ((info: BugcheckInfo) => void)[] = []

  constructor(options: KernelOptions = {}) {
    this.rng = new Rng(options.seed ?? 1)
    this.costs = { ...DEFAULT_COSTS, ...options.costs }
    this.trace = options.trace ?? new TraceRecorder()
    const n = Math.max(1, Math.min(64, options.cpus ?? 1))
    this.trace.defineEnum('IRQL', { 0: 'PASSIVE_LEVEL', 1: 'APC_LEVEL', 2: 'DISPATCH_LEVEL', 5: 'DIRQL', 15: 'HIGH_LEVEL' })
    this.irqlArgs = this.trace.defineArgs('cpu', [{ name: 'irql', format: 'enum:IRQL' }])
    this.cpus = []
    for (let i = 0; i < n; i++) {
      const track = this.trace.defineTrack({ name: `CPU ${i}`, group: 'CPUs', kind: 'slices', order: i })
      this.cpus.push(new Cpu(i, track))
    }
  }

  /** Virtual time now: the running work's clock, or the time of the event being processed. */
  now(): number {
    if (this.inEvent || this.runningCpu === null) return this.eventTime
    return this.runningCpu.clock
  }

  /** The CPU whose work is executing, or null between works. */
  get currentCpu(): Cpu | null {
    return this.inEvent ? null : this.runningCpu
  }

  /** The IRQL of the running code (PASSIVE between works). */
  currentIrql(): Irql {
    const cpu = this.currentCpu
    return cpu === null ? 0 : cpu.irql
  }

  currentWork(): Work<any> | null {
    const cpu = this.currentCpu
    return cpu === null ? null : cpu.current
  }

  scheduleOs<T>(at: number, fn: EventCallback<T>, arg: T): EventHandle {
    return this.osEvents.schedule(at, fn, arg)
  }

  cancelOs(handle: EventHandle): boolean {
    return this.osEvents.cancel(handle)
  }

  /** Hardware events run before OS events at the same instant: the device acts, then software sees it. */
  scheduleHw<T>(at: number, fn: EventCallback<T>, arg: T): EventHandle {
    return this.hwEvents.schedule(at, fn, arg)
  }

  cancelHw(handle: EventHandle): boolean {
    return this.hwEvents.cancel(handle)
  }

  /** Makes work runnable at `readyAt` (default now). */
  submit(work: Work<any>, readyAt = this.now()): void {
    if (readyAt > this.now()) {
      work.readyAt = readyAt
      this.osEvents.schedule(readyAt, this.makeReadyEvent, work)
      return
    }
    work.readyAt = readyAt
    this.makeReady(work)
  }

  /** Queues a DPC: DISPATCH_LEVEL work that becomes ready after the seeded DPC latency. */
  queueDpc(work: Work<any>): void {
    work.irql = DISPATCH_LEVEL
    this.submit(work, this.now() + this.rng.int(this.costs.dpcLatencyMin, this.costs.dpcLatencyMax))
  }

  /** One-shot timer: the work (usually a DPC) becomes ready at `due`. Cancel with cancelOs. */
  setTimer(due: number, work: Work<any>): EventHandle {
    work.readyAt = due
    return this.osEvents.schedule(Math.max(due, this.now()), this.makeReadyEvent, work)
  }

  /** Charges virtual CPU time to the running work. */
  charge(ns: number): void {
    const cpu = this.currentCpu
    if (cpu !== null) cpu.clock += ns
  }

  /**
   * A call into the system: let events catch up to the running work's clock, then let higher-IRQL work
   * preempt it. Services call this before touching any state.
   */
  checkpoint(): void {
    const cpu = this.currentCpu
    if (cpu === null) return
    this.processEventsUpTo(cpu.clock)
    if (this.maxReadyIrql > cpu.irql) this.preempt(cpu)
  }

  /** Raises the running CPU's IRQL (KeRaiseIrql, spin locks); returns the previous level. */
  raiseIrql(irql: Irql): Irql {
    const cpu = this.currentCpu
    if (cpu === null) return 0
    const old = cpu.irql
    if (irql > old) cpu.irql = irql
    return old
  }

  /** Lowers the running CPU's IRQL; pending work above the new level runs at once. */
  lowerIrql(irql: Irql): void {
    const cpu = this.currentCpu
    if (cpu === null) return
    cpu.irql = irql
    if (this.maxReadyIrql > irql) {
      this.processEventsUpTo(cpu.clock)
      this.preempt(cpu)
    }
  }

  /**
   * Runs until virtual time `limit`, the run is stopped, the machine bug-checks, or `pause` says so
   * (asked every 1024 events). Returns the virtual time reached.
   */
  runUntil(limit: number, pause: (() => boolean) | null = null): number {
    let turns = 0
    try {
      while (!this.halted && !this.stopped) {
        // A host that runs the machine in slices (the sandbox) asks now and then whether to yield.
        if (pause !== null && (++turns & 1023) === 0 && pause()) break
        this.dispatchIdle()
        if (this.halted || this.stopped) break
        const tHw = this.hwEvents.peekTime()
        const tOs = this.osEvents.peekTime()
        const t = tHw <= tOs ? tHw : tOs
        if (t > limit || t === Infinity) {
          if (limit !== Infinity && limit > this.eventTime) this.eventTime = limit
          break
        }
        this.runEvent(tHw <= tOs ? this.hwEvents : this.osEvents, t)
      }
    } catch (e) {
      if (!safeInstanceOf(e, BugcheckSignal)) throw e
      this.runningCpu = null
      this.inEvent = false
    }
    return this.eventTime
  }

  /**
   * Stops the machine with a bug check. Never returns: unwinds to the run loop. Hooks may fill in the
   * callback and source location first.
   */
  bugcheck(code: number, message: string, extra: Partial<BugcheckInfo> = {}): never {
    if (!this.halted) {
      const info: BugcheckInfo = {
        code,
        name: bugcheckName(code),
        message,
        callback: null,
        location: null,
        stack: null,
        timeNs: this.now(),
        ...extra,
      }
      for (const hook of this.bugcheckHooks) hook(info)
      this.halted = info
    }
    throw new BugcheckSignal(this.halted)
  }

  /** For code that must stop the run when user code swallowed a bug check with try/catch. */
  rethrowIfHalted(): void {
    if (this.halted) throw new BugcheckSignal(this.halted)
  }

  /** Human-readable context of the running code for messages. */
  describeContext(): string {
    const cpu = this.currentCpu
    if (cpu === null) return 'no code running'
    return `CPU ${cpu.index} at ${irqlName(cpu.irql)}`
  }

  private readonly makeReadyEvent = (work: Work<any>): void => {
    this.makeReady(work)
  }

  private makeReady(work: Work<any>): void {
    work.seq = this.readySeq++
    let bucket: ReadyBucket | undefined
    for (const b of this.buckets) if (b.irql === work.irql) bucket = b
    if (bucket === undefined) {
      bucket = { irql: work.irql, items: [], head: 0, tail: 0 }
      this.buckets.push(bucket)
      this.buckets.sort((a, b) => b.irql - a.irql)
    }
    bucket.items[bucket.tail++] = work
    if (work.irql > this.maxReadyIrql) this.maxReadyIrql = work.irql
    // A CPU that is not running but busy until later must wake up then; running CPUs wake at their end.
    let idleNow = false
    let nextFree = Infinity
    for (const cpu of this.cpus) {
      if (cpu.busy) continue
      if (cpu.freeAt <= this.eventTime) idleNow = true
      else if (cpu.freeAt < nextFree) nextFree = cpu.freeAt
    }
    if (!idleNow && nextFree !== Infinity) this.osEvents.schedule(nextFree, noop, null)
  }

  /** The first ready work above `minIrql` that may start at `time`; removed from its bucket. */
  private takeReady(minIrql: Irql, time: number): Work<any> | null {
    for (const bucket of this.buckets) {
      if (bucket.irql <= minIrql) break
      const items = bucket.items
      for (let i = bucket.head; i < bucket.tail; i++) {
        const work = items[i]
        const lock = work.lock
        if (work.readyAt > time) continue
        if (lock !== null && (lock.holder !== null || lock.freeAt > time)) continue
        if (i === bucket.head) {
          items[i] = undefined as unknown as Work<any>
          bucket.head++
        } else {
          items.copyWithin(i, i + 1, bucket.tail)
          items[--bucket.tail] = undefined as unknown as Work<any>
        }
        if (bucket.head === bucket.tail) bucket.head = bucket.tail = 0
        this.recomputeMaxReady()
        return work
      }
    }
    return null
  }

  private recomputeMaxReady(): void {
    let max = -1
    for (const b of this.buckets) {
      if (b.tail > b.head) {
        max = b.irql
        break
      }
    }
    this.maxReadyIrql = max
  }

  private runEvent(queue: EventQueue, t: number): void {
    if (t > this.eventTime) this.eventTime = t
    this.inEvent = true
    try {
      queue.runNext(t)
    } finally {
      this.inEvent = false
    }
  }

  /** Catch-up inside a checkpoint: events up to `time`, hardware first at equal times. */
  private processEventsUpTo(time: number): void {
    for (;;) {
      const tHw = this.hwEvents.peekTime()
      const tOs = this.osEvents.peekTime()
      const t = tHw <= tOs ? tHw : tOs
      if (t > time) return
      const savedTime = this.eventTime
      this.eventTime = t
      this.inEvent = true
      try {
        ;(tHw <= tOs ? this.hwEvents : this.osEvents).runNext(t)
      } finally {
        this.inEvent = false
        this.eventTime = Math.max(savedTime, t)
      }
    }
  }

  private dispatchIdle(): void {
    if (this.maxReadyIrql < 0) return
    for (const cpu of this.cpus) {
      if (cpu.busy || cpu.freeAt > this.eventTime) continue
      const work = this.takeReady(-1, this.eventTime)
      if (work === null) return
      const lockFree = work.lock === null ? 0 : work.lock.freeAt
      this.execute(cpu, work, Math.max(cpu.freeAt, work.readyAt, lockFree))
      if (this.halted || this.stopped || this.maxReadyIrql < 0) return
    }
  }

  private preempt(cpu: Cpu): void {
    for (;;) {
      const work = this.takeReady(cpu.irql, cpu.clock)
      if (work === null) return
      this.execute(cpu, work, cpu.clock)
    }
  }

  private execute(cpu: Cpu, work: Work<any>, start: number): void {
    const nested = cpu.busy
    const outerIrql = cpu.irql
    cpu.stack.push(work)
    cpu.irql = work.irql
    cpu.clock = start
    work.cpu = cpu.index
    work.startedAt = start
    work.nestedTime = 0
    const lock = work.lock
    if (lock !== null) lock.holder = work
    this.runningCpu = cpu
    work.run(work)
    // Anything that became due while the work ran, and outranks it, runs before it ends.
    this.checkpoint()
    const end = cpu.clock
    this.trace.slice(cpu.track, start, end - start, work.name, cpu.stack.length - 1, work.args || this.irqlArgs, work.args ? work.a0 : work.irql, work.a1, work.a2)
    if (lock !== null) {
      lock.holder = null
      lock.freeAt = end
    }
    cpu.stack.pop()
    cpu.irql = outerIrql
    if (nested) {
      cpu.stack[cpu.stack.length - 1].nestedTime += end - start
      // Back in the preempted work at its own IRQL: anything between the two levels runs now.
      if (this.maxReadyIrql > outerIrql) this.preempt(cpu)
      return
    }
    cpu.freeAt = end
    this.runningCpu = null
    // Work waiting for a CPU starts when this one is free; with nothing waiting, no wake-up is needed.
    if (this.maxReadyIrql >= 0) this.osEvents.schedule(end, noop, null)
  }
}

/** Wakes the run loop at a CPU's free time so idle dispatch runs then. */
const noop = (): void => {}

export { BUGCHECK }
