// One video frame in flight from SOF to its last descriptor, the configuration RUN latches for the
// frame schedule, and the source the corrupt-frame fault puts between a frame and the DMA engine.
import type { DmaSource } from './busMaster.js'
import type { FifoFrame } from './fifoModel.js'
import type { PreparedFrame } from './patterns.js'
import type { FrameLayout } from './pixelFormats.js'

/** Lines per frame including vertical blanking, for the usual heights (7.6); others get about 4%. */
export function totalLines(height: number): number {
  const known: Record<number, number> = { 1080: 1125, 720: 750, 480: 525, 240: 262 }
  return known[height] ?? height + Math.max(22, Math.round(height * 0.0417))
}

/** What a fault does to one frame (vcap1.md 7.10 #1-#4, #13). */
export type FrameFault = 'drop' | 'corrupt' | 'short' | 'overflow' | null

/** The channel configuration latched at RUN from the [stopped] registers. */
export interface VideoRunConfig {
  layout: FrameLayout
  /** VID_INTERVAL in ns. */
  intervalNs: number
  lateStart: boolean
}

/** One frame from SOF to its last descriptor (two exist: the one being written and the next one). */
export class Frame implements FifoFrame {
  active = false
  /** VID_FRAME_CNT at this frame's SOF (restarts with each RUN; in WB_STATUS). */
  sequence = 0
  /** The source's own frame number since power-up (in the stamps; never restarts with RUN). */
  sourceSequence = 0
  sof = 0
  tsLo = 0
  tsHi = 0
  ts = 0
  /** Bytes the source produces (the frame size, or less with the short-frame fault). */
  payload = 0
  /** Bytes placed in memory so far. */
  placed = 0
  /** 0: first descriptor not seen yet; 1: SOF/EOF framing; 2: mapping mode. */
  mode = 0
  /** The FIFO overflowed: the rest of the frame is discarded and its chain consumed to EOF. */
  discard = false
  /** Dropped (overflow): not delivered, counted in VID_DROP_CNT. */
  dropped = false
  truncated = false
  corrupt = false
  /** Bytes before the first descriptor arrived are lost if the FIFO overflowed meanwhile (LATE_START). */
  started = false
  prepared: PreparedFrame | null = null
}

/** A source that damages a band of the frame (the corrupt-frame fault). */
export class CorruptingSource implements DmaSource {
  inner: PreparedFrame | null = null
  from = 0
  to = 0
  copy(offset: number, length: number, dst: Uint8Array, dstOffset: number): void {
    this.inner!.copy(offset, length, dst, dstOffset)
    const a = Math.max(offset, this.from)
    const b = Math.min(offset + length, this.to)
    for (let i = a; i < b; i++) dst[dstOffset + i - offset] ^= 0x5a
  }
}
