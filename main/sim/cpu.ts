import { PASSIVE_LEVEL, type Irql } from './irql.js'
import type { Work } from './work.js'

/**
 * One virtual processor. While work runs on it, `clock` is that work's notion of now: it starts at the
 * work's start time and advances by the cost of everything the code does. Preempting work nests on
 * `stack`; the CPU is free again at `freeAt`.
 */
export class Cpu {
  irql: Irql = PASSIVE_LEVEL
  clock = 0
  freeAt = 0
  readonly stack: Work<any>[] = []

  constructor(
    readonly index: number,
    /** Trace track of this CPU's slices. */
    readonly track: number,
  ) {}

  get busy(): boolean {
    return this.stack.length > 0
  }

  get current(): Work<any> | null {
    return this.stack.length > 0 ? this.stack[this.stack.length - 1] : null
  }
}
