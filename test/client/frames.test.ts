import { describe, expect, it } from 'vitest'
import type { StreamHeader } from '../../main/classdriver/srb.js'
import { FrameTracker } from '../../main/client/frames.js'

/**
 * FrameTracker's accounting of frames cut short by the stream's own stop (abortedAtStop) against
 * frames lost while the stream ran (dropped).
 */

/** A completed buffer carrying KS_FRAME_INFO with `picture` and `dropCount`. */
function frame(picture: number, dropCount: number): StreamHeader {
  return { _DataUsed: 614400, _frameInfo: { _written: true, _PictureNumber: picture, _DropCount: dropCount } } as unknown as StreamHeader
}

/** Frames 1..n delivered, none missing. */
function deliver(t: FrameTracker, from: number, to: number, dropsBefore = 0): void {
  for (let p = from; p <= to; p++) t.onBuffer(frame(p, dropsBefore))
}

describe('FrameTracker: frames aborted at stop are not drops', () => {
  it('a frame the card was filling when the stream stopped counts in abortedAtStop, not dropped', () => {
    const t = new FrameTracker(0, null)
    deliver(t, 1, 30)
    // Leaving RUN: a correct driver reports no drops (the frame in progress is not one)...
    t.noteReportedDrops(0)
    // ...and the stop then cuts the frame in progress short.
    t.noteStopped(1)
    t.restart()
    expect(t.counts()).toEqual({ delivered: 30, dropped: 0, abortedAtStop: 1, torn: 0, stale: 0 })
  })

  it('a driver that counted the frame in progress as dropped is not failed for it', () => {
    const t = new FrameTracker(0, null)
    deliver(t, 1, 30)
    // Frames begun (31) minus frames delivered (30): the frame still being captured at the read.
    t.noteReportedDrops(1)
    t.noteStopped(1)
    t.restart()
    expect(t.counts()).toMatchObject({ dropped: 0, abortedAtStop: 1 })
  })

  it('with no frame cut short by the stop, the reported DropCount stands', () => {
    const t = new FrameTracker(0, null)
    deliver(t, 1, 30)
    t.noteReportedDrops(1)
    t.noteStopped(0)
    expect(t.counts()).toMatchObject({ dropped: 1, abortedAtStop: 0 })
  })

  it('a DropCount read with no stop after it counts as is', () => {
    const t = new FrameTracker(0, null)
    deliver(t, 1, 10)
    t.noteReportedDrops(2)
    expect(t.dropped).toBe(2)
  })

  it('real drops shown by PictureNumber gaps still count, whatever the stop cut short', () => {
    const t = new FrameTracker(0, null)
    deliver(t, 1, 10)
    // Frames 11 and 12 lost (starvation, a fault): PictureNumber jumps, DropCount says 2.
    deliver(t, 13, 20, 2)
    t.noteReportedDrops(3) // the two drops and the frame in progress
    t.noteStopped(1)
    t.restart()
    expect(t.counts()).toMatchObject({ delivered: 18, dropped: 2, abortedAtStop: 1 })
  })

  it('the aborted frame is never taken off drops the delivered frames show', () => {
    const t = new FrameTracker(0, null)
    deliver(t, 1, 10)
    deliver(t, 14, 20, 3)
    // A driver that under-reports: the delivered frames show 3 drops.
    t.noteReportedDrops(1)
    t.noteStopped(1)
    expect(t.counts()).toMatchObject({ dropped: 3, abortedAtStop: 1 })
  })

  it('counts across runs: each STOP restarts the driver counters, abortedAtStop accumulates', () => {
    const t = new FrameTracker(0, null)
    for (let run = 0; run < 3; run++) {
      deliver(t, 1, 5)
      t.noteReportedDrops(1)
      t.noteStopped(1)
      t.restart()
    }
    expect(t.counts()).toMatchObject({ delivered: 15, dropped: 0, abortedAtStop: 3 })
  })
})
