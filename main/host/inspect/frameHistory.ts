import type { FramePreview } from '../../contract/api.js'

/** A delivered frame's preview as the sandbox produces it (the backend adds the run id). */
export type FrameTap = Omit<FramePreview, 'runId'>

/** Preview bytes a run keeps by default: about 430 frames of 320x240 YUY2. */
export const DEFAULT_FRAME_BUDGET_BYTES = 64 * 1024 * 1024

/**
 * The previews of a run's delivered frames, in delivery order, within a memory budget (the oldest go
 * first), so the preview can follow the timeline's cursor back in time: `at(t)` is the newest kept frame
 * delivered at or before t.
 */
export class FrameHistory {
  private frames: FrameTap[] = []
  /** Index of the oldest kept frame (dropped ones are compacted away now and then). */
  private first = 0
  private bytes = 0
  /** Frames dropped to stay within the budget. */
  evicted = 0

  constructor(readonly budgetBytes = DEFAULT_FRAME_BUDGET_BYTES) {}

  get size(): number {
    return this.frames.length - this.first
  }

  /** Bytes of preview data kept. */
  get bytesKept(): number {
    return this.bytes
  }

  add(frame: FrameTap): void {
    const last = this.frames[this.frames.length - 1]
    // Deliveries come in time order; a frame out of order would break the binary search, so it is refused.
    if (last !== undefined && this.size > 0 && frame.timeNs < last.timeNs) return
    this.frames.push(frame)
    this.bytes += frame.data.byteLength
    while (this.bytes > this.budgetBytes && this.size > 1) {
      this.bytes -= this.frames[this.first].data.byteLength
      this.frames[this.first++] = undefined as unknown as FrameTap
      this.evicted++
    }
    if (this.first > 1024 && this.first * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.first)
      this.first = 0
    }
  }

  /** The newest kept frame delivered at or before `timeNs`; null before the first kept one. */
  at(timeNs: number): FrameTap | null {
    let lo = this.first
    let hi = this.frames.length - 1
    if (hi < lo || this.frames[lo].timeNs > timeNs) return null
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.frames[mid].timeNs <= timeNs) lo = mid
      else hi = mid - 1
    }
    return this.frames[lo]
  }

  /** The newest frame, or null. */
  latest(): FrameTap | null {
    return this.size > 0 ? this.frames[this.frames.length - 1] : null
  }
}
