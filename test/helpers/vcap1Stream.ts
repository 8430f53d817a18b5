import type { Allocation } from '../../main/hw/physicalMemory.js'
import { DESC_CTRL } from '../../main/hw/vcap1/registers.js'
import { decodeStamps } from '../../main/hw/vcap1/stamps.js'
import type { Vcap1Rig } from './vcap1Rig.js'

/** One frame the stream got back: the EOF writeback, the chain's byte total, and the buffer's stamp. */
export interface StreamedFrame {
  /** WB_STATUS of the EOF descriptor ([31:16] is the sequence). */
  status: number
  bytes: number
  timestamp: number
  /** Sequence decoded from the buffer's top stamp (undefined: undecodable). */
  stamp: number | undefined
  /** A copy of the buffer's bytes when it was reclaimed. */
  data: Uint8Array
}

/**
 * A minimal streaming driver on a Vcap1Rig for tests that need frames flowing: 320x240 YUY2 at 60 fps
 * by default, `buffers` contiguous one-descriptor frame buffers kept queued, reclaimed in ring order when
 * their EOF descriptor is released (OWN=0) and queued again. Frames the card drops never come back.
 */
export class Vcap1Stream {
  readonly frames: StreamedFrame[] = []
  readonly width: number
  readonly height: number
  readonly interval: number
  private readonly chains: { buffer: Allocation; indices: number[] }[] = []

  constructor(
    readonly rig: Vcap1Rig,
    options: { width?: number; height?: number; interval?: number; buffers?: number } = {},
  ) {
    this.width = options.width ?? 320
    this.height = options.height ?? 240
    this.interval = options.interval ?? 166_667
    if (rig.rings.video === null) rig.ring('video', 64)
    rig.videoFormat(this.width, this.height, this.interval)
    for (let i = 0; i < (options.buffers ?? 3); i++) this.queue(rig.buffer(this.frameBytes, { contiguous: true }))
  }

  get frameBytes(): number {
    return this.width * 2 * this.height
  }

  /** The frame period in ns. */
  get period(): number {
    return this.interval * 100
  }

  /** RUN; returns the time of the first SOF (frame n starts at that time + n × period). */
  start(ctrl = 0x101): number {
    return this.rig.startVideo(ctrl)
  }

  /** Runs `frames` frame periods, reclaiming and re-queueing completed buffers along the way. */
  run(frames = 1): void {
    for (let i = 0; i < frames; i++) {
      this.rig.run(this.period)
      this.reclaim()
    }
  }

  /** Sequences (WB_STATUS[31:16]) of the frames delivered so far. */
  sequences(): number[] {
    return this.frames.map((f) => f.status >>> 16)
  }

  reclaim(): void {
    while (this.chains.length > 0) {
      const { buffer, indices } = this.chains[0]
      const eof = this.rig.writtenBack('video', indices[indices.length - 1])
      if ((eof.ctrl & DESC_CTRL.OWN) !== 0) return
      this.chains.shift()
      const layout = { format: 0, width: this.width, height: this.height, stride: this.width * 2, uvOffset: 0, bottomUp: false, hflip: false }
      this.frames.push({
        status: eof.status,
        bytes: indices.reduce((sum, i) => sum + this.rig.writtenBack('video', i).bytes, 0),
        timestamp: eof.timestamp,
        stamp: decodeStamps(buffer.bytes, layout).top?.sequence,
        data: buffer.bytes.slice(),
      })
      // Cleared before it is queued again, so what the card writes next is all that is in it.
      buffer.bytes.fill(0)
      this.queue(buffer)
    }
  }

  private queue(buffer: Allocation): void {
    this.chains.push({ buffer, indices: this.rig.queue('video', buffer) })
  }
}
