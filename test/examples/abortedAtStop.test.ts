import { beforeAll, describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../main/client/scenario/schema.js'
import { validateScenario } from '../../main/client/scenario/validate.js'
import { compileDriver, type CompiledDriver } from '../../main/host/compile.js'
import type { RunReport } from '../../main/host/reportBuilder.js'
import { Session } from '../../main/host/session.js'

/**
 * examples/vcap1-capture.ts on VCAP-1: a frame the stream's own stop cuts short is reported as
 * frames.abortedAtStop, never as dropped, wherever in the frame the stop falls; frames the card loses
 * (an injected drop, a FIFO overflow on a slow bus) still count as dropped.
 */

let driver: CompiledDriver

beforeAll(async () => {
  const r = await compileDriver('examples/vcap1-capture.ts')
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  driver = r.driver
})

function run(scenario: Scenario): { session: Session; report: RunReport } {
  const session = new Session({ driver, scenario: validateScenario(scenario, 'test'), timeLimitNs: 60e9 })
  return { session, report: session.run() }
}

function capture(wait: string, extra: Step[] = [], format = { subtype: 'YUY2', width: 640, height: 480, fps: 30 } as const, bandwidthMBps?: number): Scenario {
  return {
    name: 'stop-mid-frame',
    device: { card: 'vcap1', ...(bandwidthMBps ? { bandwidthMBps } : {}) },
    steps: [
      { op: 'start-device' },
      { op: 'open-stream', stream: 'video', format },
      { op: 'indicate-master-clock', stream: 'video', clock: 'system' },
      { op: 'set-state', stream: 'video', state: 'PAUSE' },
      { op: 'read', stream: 'video', buffers: 4, continuous: true },
      { op: 'set-state', stream: 'video', state: 'RUN' },
      ...extra,
      { op: 'wait', duration: wait },
      { op: 'set-state', stream: 'video', state: 'PAUSE' },
      { op: 'set-state', stream: 'video', state: 'STOP' },
      { op: 'close-stream', stream: 'video' },
      { op: 'stop-device' },
    ],
    expect: { maxDropped: 0 },
  }
}

describe('frames cut short by the stream stop', () => {
  it('a stop in the middle of a frame: the frame is aborted at stop, not dropped, and the run passes', () => {
    // SOF(n) = RUN + one line + n x 33.3 ms; 1,015 ms is half way through frame 30's active lines.
    const { session, report } = run(capture('1015ms'))
    expect(session.card.vcap1!.video.abortedCount).toBe(1)
    expect(report.frames).toMatchObject({ dropped: 0, abortedAtStop: 1, torn: 0, stale: 0 })
    expect(report.result).toBe('pass')
  })

  it('wherever the stop falls in the frame time, nothing is dropped', () => {
    for (let ms = 1000; ms < 1034; ms += 3) {
      const { session, report } = run(capture(`${ms}ms`))
      expect({ ms, failures: report.failures, dropped: report.frames.dropped }).toEqual({ ms, failures: [], dropped: 0 })
      // Every frame the card cut short is accounted for, as aborted.
      expect(report.frames.abortedAtStop).toBe(session.card.vcap1!.video.abortedCount)
    }
  })

  it('a PAUSE in mid-frame and RUN again: the cut frame leaves no gap in PictureNumber', () => {
    const pauseRun: Step[] = [
      { op: 'wait', duration: '515ms' },
      { op: 'set-state', stream: 'video', state: 'PAUSE' },
      { op: 'wait', duration: '100ms' },
      { op: 'set-state', stream: 'video', state: 'RUN' },
    ]
    const { report } = run(capture('1015ms', pauseRun))
    expect(report.frames).toMatchObject({ dropped: 0, abortedAtStop: 2 })
    expect(report.result).toBe('pass')
  })

  it('frames the card drops (the frame-drop fault) still count as dropped, the cut frame apart', () => {
    const { session, report } = run(capture('1015ms', [{ op: 'fault', fault: 'frame-drop', count: 3, at: '300ms' } as Step]))
    expect(session.card.vcap1!.faults.fired.get('frame-drop')).toBe(3)
    expect(report.frames).toMatchObject({ dropped: 3, abortedAtStop: 1 })
    expect(report.failures).toEqual(['expectation maxDropped 0 not met (got 3)'])
  })

  it('a drop after the last delivered frame, which only the driver knows of, still counts', () => {
    // The frame-drop fault on the last frame before the stop: no delivered frame shows the gap.
    const { report } = run(capture('1015ms', [{ op: 'fault', fault: 'frame-drop', at: '980ms' } as Step]))
    expect(report.frames.dropped).toBe(1)
  })

  it('FIFO overflow on a slow bus (1080p60 at 200 MB/s): every lost frame counts as dropped', () => {
    const { session, report } = run(capture('1s', [], { subtype: 'YUY2', width: 1920, height: 1080, fps: 60 } as never, 200))
    const video = session.card.vcap1!.video
    expect(report.frames.dropped).toBeGreaterThan(50)
    // The card counted every drop itself; the driver reports all of them.
    expect(report.frames.dropped).toBe(video.dropCount)
    expect(report.frames.abortedAtStop).toBe(video.abortedCount)
  })
})
