import type { Srb, QueueKind } from './srb.js'

/**
 * One of the class driver's three queue kinds (device; per stream: control, data). With
 * synchronization on, requests are handed to the minidriver one at a time: after each delivery the
 * queue is not ready until the minidriver signals ReadyForNext (a latch). With synchronization off,
 * every request is delivered at once and the ready signal means nothing.
 */
export class RequestQueue {
  ready = true
  private items: Srb[] = []
  private head = 0
  /** Virtual time the queue stopped being ready (for stall detection), or -1 when ready. */
  notReadySince = -1
  /** A stall was reported for the current not-ready episode. */
  stallReported = false

  constructor(
    readonly kind: QueueKind,
    /** "Device", "Stream 0 control"... */
    readonly label: string,
    /** Trace track of this queue's SRB lifetimes. */
    readonly track: number,
    readonly synchronized: boolean,
    /** Hands one request to the minidriver (schedules the callback). */
    private readonly deliver: (srb: Srb) => void,
  ) {}

  get pendingCount(): number {
    return this.items.length - this.head
  }

  /** A new request from the client side. */
  submit(srb: Srb, now: number): void {
    if (!this.synchronized) {
      this.deliver(srb)
      return
    }
    if (this.ready && this.pendingCount === 0) {
      this.take(now)
      this.deliver(srb)
      return
    }
    this.items.push(srb)
  }

  /**
   * ReadyForNext: returns false when the queue was already ready (a duplicate signal). Delivers the
   * next waiting request, if any.
   */
  markReady(now: number): boolean {
    const wasReady = this.ready
    this.ready = true
    this.notReadySince = -1
    this.stallReported = false
    this.deliverNext(now)
    return !wasReady
  }

  /** The request taken for delivery never reached the minidriver (it was cancelled first). */
  undeliver(now: number): void {
    this.ready = true
    this.notReadySince = -1
    this.deliverNext(now)
  }

  /** Removes a waiting request (cancelled before delivery); false when it was not waiting here. */
  remove(srb: Srb): boolean {
    for (let i = this.head; i < this.items.length; i++) {
      if (this.items[i] === srb) {
        this.items.splice(i, 1)
        return true
      }
    }
    return false
  }

  /** Takes every waiting request out of the queue (abort, close). */
  drain(): Srb[] {
    const out = this.items.slice(this.head)
    this.items = []
    this.head = 0
    return out
  }

  waiting(): Srb[] {
    return this.items.slice(this.head)
  }

  private deliverNext(now: number): void {
    if (!this.ready || this.pendingCount === 0) return
    const srb = this.items[this.head]
    this.items[this.head++] = undefined as unknown as Srb
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    }
    this.take(now)
    this.deliver(srb)
  }

  private take(now: number): void {
    this.ready = false
    this.notReadySince = now
  }
}
