import type { Irql } from './irql.js'

/**
 * A lock that serialises work across CPUs in virtual time: the stream class synchronisation lock, or an
 * interrupt object's spin lock. `holder` is set while the holding work runs; `freeAt` is the virtual
 * time it was last released, so work on another CPU cannot start inside the holder's slice.
 */
export class KernelLock {
  holder: Work<any> | null = null
  freeAt = 0
  constructor(readonly name: string) {}
}

/**
 * A piece of code that runs on a virtual CPU at one IRQL: a minidriver callback, an ISR, a DPC, a timer
 * routine. Events never run driver code; they make Work ready, and the kernel runs Work on CPUs, which
 * is what gives preemption and synchronisation their meaning.
 */
export class Work<T = unknown> {
  /** Virtual time from which the work may start. */
  readyAt = 0
  /** Kernel-assigned order among ready work of equal IRQL. */
  seq = 0
  /** Must be free for the work to start, and is held while it runs. */
  lock: KernelLock | null = null
  /** Name of the slice on the CPU track (interned string id), set by the submitter or by `run`. */
  name = 0
  /** Arg layout and values shown on the slice. */
  args = 0
  a0 = 0
  a1 = 0
  a2 = 0
  /** Set by the kernel when the work starts: where and when it ran. */
  cpu = -1
  startedAt = -1
  /** Virtual time spent in work that preempted this one (its own time is the rest of its slice). */
  nestedTime = 0

  constructor(
    public irql: Irql,
    public readonly run: (work: Work<T>) => void,
    public data: T,
  ) {}
}
