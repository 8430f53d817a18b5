/**
 * A priority queue of timed callbacks: the heart of the discrete-event simulator.
 *
 * Events at equal times run in the order they were scheduled (a sequence number breaks ties), which is
 * what makes a run reproducible byte for byte. Slots live in parallel typed arrays and are recycled, so
 * scheduling an event allocates nothing once the queue has grown to its working size.
 */
export type EventCallback<T> = (arg: T, time: number) => void

/** Opaque handle for `cancel`; stays valid (and harmless) after the event ran. */
export type EventHandle = number

const INITIAL_CAPACITY = 256

export class EventQueue {
  private time = new Float64Array(INITIAL_CAPACITY)
  private seq = new Float64Array(INITIAL_CAPACITY)
  private generation = new Uint32Array(INITIAL_CAPACITY)
  private fns: (EventCallback<any> | null)[] = new Array(INITIAL_CAPACITY).fill(null)
  private args: unknown[] = new Array(INITIAL_CAPACITY).fill(undefined)
  /** Binary min-heap of slot indices ordered by (time, seq). */
  private heap = new Int32Array(INITIAL_CAPACITY)
  private heapSize = 0
  private freeSlots: number[] = []
  private nextSlot = 0
  private nextSeq = 0

  get size(): number {
    return this.heapSize
  }

  /** Time of the earliest pending event, or +Infinity when empty. */
  peekTime(): number {
    return this.heapSize === 0 ? Infinity : this.time[this.heap[0]]
  }

  schedule<T>(at: number, fn: EventCallback<T>, arg: T): EventHandle {
    const slot = this.allocSlot()
    this.time[slot] = at
    this.seq[slot] = this.nextSeq++
    this.fns[slot] = fn
    this.args[slot] = arg
    this.push(slot)
    return slot * 0x100000000 + this.generation[slot]
  }

  /** Removes a pending event; returns false when it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    const slot = Math.floor(handle / 0x100000000)
    const gen = handle % 0x100000000
    if (slot >= this.nextSlot || this.generation[slot] !== gen || this.fns[slot] === null) return false
    // Lazy deletion: the slot stays in the heap with no callback and is skipped when popped.
    this.fns[slot] = null
    this.args[slot] = undefined
    return true
  }

  /**
   * Runs the earliest event if its time is <= `limit`. Returns its time, or -1 when nothing was due.
   * Cancelled events are discarded on the way.
   */
  runNext(limit: number): number {
    while (this.heapSize > 0) {
      const slot = this.heap[0]
      const at = this.time[slot]
      if (at > limit) return -1
      this.pop()
      const fn = this.fns[slot]
      const arg = this.args[slot]
      this.releaseSlot(slot)
      if (fn !== null) {
        fn(arg, at)
        return at
      }
    }
    return -1
  }

  private allocSlot(): number {
    const free = this.freeSlots.pop()
    if (free !== undefined) return free
    if (this.nextSlot === this.time.length) this.grow()
    return this.nextSlot++
  }

  private releaseSlot(slot: number): void {
    this.fns[slot] = null
    this.args[slot] = undefined
    this.generation[slot] = (this.generation[slot] + 1) >>> 0
    this.freeSlots.push(slot)
  }

  private grow(): void {
    const n = this.time.length * 2
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(n)
      b.set(a)
      return b
    }
    this.time = grow64(this.time)
    this.seq = grow64(this.seq)
    const gen = new Uint32Array(n)
    gen.set(this.generation)
    this.generation = gen
    const heap = new Int32Array(n)
    heap.set(this.heap)
    this.heap = heap
    for (let i = this.fns.length; i < n; i++) {
      this.fns.push(null)
      this.args.push(undefined)
    }
  }

  private less(a: number, b: number): boolean {
    const ta = this.time[a]
    const tb = this.time[b]
    return ta < tb || (ta === tb && this.seq[a] < this.seq[b])
  }

  private push(slot: number): void {
    const heap = this.heap
    let i = this.heapSize++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(slot, heap[parent])) break
      heap[i] = heap[parent]
      i = parent
    }
    heap[i] = slot
  }

  private pop(): void {
    const heap = this.heap
    const last = heap[--this.heapSize]
    if (this.heapSize === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= this.heapSize) break
      const right = left + 1
      const child = right < this.heapSize && this.less(heap[right], heap[left]) ? right : left
      if (!this.less(heap[child], last)) break
      heap[i] = heap[child]
      i = child
    }
    heap[i] = last
  }
}
