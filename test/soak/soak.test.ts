import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { StreamHeader } from '../../main/classdriver/srb.js'
import { FrameTracker } from '../../main/client/frames.js'
import { buildPreset } from '../../main/client/scenario/presets.js'
import { validateScenario } from '../../main/client/scenario/validate.js'
import { compileDriver, type CompiledDriver } from '../../main/host/compile.js'
import type { RunReport } from '../../main/host/reportBuilder.js'
import { Session } from '../../main/host/session.js'

/**
 * Soak: the reference driver (examples/vcap1-capture.ts) streams for 300 s of virtual time, the
 * length at which counters, ring indices and time stamps would show drift or wrap problems. Video:
 * every frame delivered, none dropped, torn or stale, and a frame cut short by the final stop
 * reported on its own (abortedAtStop), never as a drop. Audio: every 20 ms period delivered.
 * Then stubcap through 30 s pauses. About 6 s of wall time here (video 2-3 s, audio 1 s, stubcap
 * 0.5 s, plus compiling the drivers), more while other jobs share the 2 cores.
 */

const DURATION_NS = 300e9

let driver: CompiledDriver

beforeAll(async () => {
  const r = await compileDriver('examples/vcap1-capture.ts')
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  driver = r.driver
})

/** Watches every video buffer the application receives: PictureNumber and PresentationTime. */
function watchFrames(): { frames: { picture: number; time: number }[] } {
  const seen = { frames: [] as { picture: number; time: number }[] }
  const original = FrameTracker.prototype.onBuffer
  FrameTracker.prototype.onBuffer = function (this: FrameTracker, h: StreamHeader) {
    if (this.format !== null && h._DataUsed > 0 && h._frameInfo._written) seen.frames.push({ picture: h._frameInfo._PictureNumber, time: h._PresentationTime.Time })
    original.call(this, h)
  }
  restore = () => (FrameTracker.prototype.onBuffer = original)
  return seen
}

let restore: (() => void) | null = null
afterEach(() => {
  restore?.()
  restore = null
})

function soak(preset: string): { session: Session; report: RunReport } {
  const scenario = validateScenario(buildPreset(preset, { durationNs: DURATION_NS }), preset)
  // Frames, SRBs and interrupts are counted either way; the trace of 300 s is not needed.
  const session = new Session({ driver, scenario, timeLimitNs: DURATION_NS + 60e9, trace: false })
  return { session, report: session.run() }
}

describe('soak: examples/vcap1-capture.ts for 300 s virtual', () => {
  it('capture (640x480 YUY2 at 30 fps): 9,000 frames, none dropped, torn or stale; the frame cut by the stop reported apart', () => {
    const seen = watchFrames()
    const { session, report } = soak('capture')
    expect(report.failures).toEqual([])
    expect(report.result).toBe('pass')
    expect(report.verifier).toEqual([])
    const video = session.card.vcap1!.video
    expect(report.frames).toEqual({ delivered: 9000, dropped: 0, abortedAtStop: video.abortedCount, torn: 0, stale: 0 })
    expect(video.dropCount).toBe(0)
    // At most the one frame in progress when the stream left RUN.
    expect(report.frames.abortedAtStop).toBeLessThanOrEqual(1)
    expect(report.interrupts.spurious).toBe(0)
    expect(report.srbs.outstanding).toBe(0)
    // PictureNumber consecutive from 1; PresentationTime one frame time (AvgTimePerFrame, 333,333 x
    // 100 ns, which is also the card's VID_INTERVAL) apart, with no drift over the 300 s: within 1 µs
    // of n x AvgTimePerFrame from the first frame.
    const f = seen.frames
    expect(f.length).toBe(9000)
    let worst = 0
    for (let i = 0; i < f.length; i++) {
      if (f[i].picture !== i + 1) throw new Error(`frame ${i}: PictureNumber ${f[i].picture}, expected ${i + 1}`)
      if (i > 0 && f[i].time <= f[i - 1].time) throw new Error(`frame ${i}: PresentationTime ${f[i].time} not after ${f[i - 1].time}`)
      worst = Math.max(worst, Math.abs(f[i].time - f[0].time - i * 333_333))
    }
    expect(worst).toBeLessThanOrEqual(10)
  })

  it('audio-capture (48 kHz stereo 16-bit): every 20 ms period, in order, for 300 s', () => {
    const { report } = soak('audio-capture')
    expect(report.failures).toEqual([])
    expect(report.result).toBe('pass')
    expect(report.frames.dropped).toBe(0)
    expect(report.frames.abortedAtStop).toBe(0)
    // 50 periods of 3,840 bytes a second (the last may be cut by the stop).
    expect(report.audio.buffers).toBeGreaterThanOrEqual(300 * 50 - 1)
    expect(report.audio.bytes).toBe(report.audio.buffers * 3840)
    expect(report.srbs.outstanding).toBe(0)
  })
})

describe('soak: examples/stubcap.ts for 300 s virtual', () => {
  it('pause-run: 30 s pauses, longer than a read timeout, do not fail the reads parked before the pause', async () => {
    const r = await compileDriver('examples/stubcap.ts')
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const scenario = validateScenario(buildPreset('pause-run', { durationNs: DURATION_NS }), 'pause-run')
    scenario.device = { card: 'stub' }
    const report = new Session({ driver: r.driver, scenario, timeLimitNs: DURATION_NS + 60e9, trace: false }).run()
    expect(report.failures).toEqual([])
    // Half of the 300 s in RUN at 30 fps.
    expect(report.frames).toMatchObject({ delivered: 4500, dropped: 0, abortedAtStop: 0 })
    expect(report.srbs.timedOut).toBe(0)
  })
})
