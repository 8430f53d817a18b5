import { beforeAll, describe, expect, it } from 'vitest'
import { buildPreset, presetNames } from '../../main/client/scenario/presets.js'
import type { Scenario, Step } from '../../main/client/scenario/schema.js'
import { validateScenario } from '../../main/client/scenario/validate.js'
import { compileDriver, type CompiledDriver } from '../../main/host/compile.js'
import type { RunReport } from '../../main/host/reportBuilder.js'
import { Session } from '../../main/host/session.js'
import { StampChecker } from '../../main/hw/vcap1/stamps.js'

/**
 * examples/vcap1-capture.ts, the reference bus-master driver: every preset clean, every frame of a
 * long capture intact, drops reported when the bus is too slow, and survival of the card's faults.
 */

let driver: CompiledDriver

beforeAll(async () => {
  const r = await compileDriver('examples/vcap1-capture.ts')
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  driver = r.driver
})

function runScenario(scenario: Scenario, seed?: number): { session: Session; report: RunReport } {
  const session = new Session({ driver, scenario: validateScenario(scenario, 'test'), seed, timeLimitNs: 120e9 })
  return { session, report: session.run() }
}

const VIDEO_START: Step[] = [
  { op: 'start-device' },
  { op: 'open-stream', stream: 'video', format: { subtype: 'YUY2', width: 640, height: 480, fps: 30 } },
  { op: 'indicate-master-clock', stream: 'video', clock: 'system' },
  { op: 'set-state', stream: 'video', state: 'PAUSE' },
  { op: 'read', stream: 'video', buffers: 4, continuous: true },
  { op: 'set-state', stream: 'video', state: 'RUN' },
]
const VIDEO_STOP: Step[] = [
  { op: 'set-state', stream: 'video', state: 'PAUSE' },
  { op: 'set-state', stream: 'video', state: 'STOP' },
  { op: 'close-stream', stream: 'video' },
  { op: 'stop-device' },
]

/** 2 s of 640x480 capture with faults injected 300 ms in. */
function withFaults(...faults: Step[]): Scenario {
  return { name: 'faults', device: { card: 'vcap1' }, steps: [...VIDEO_START, { op: 'wait', duration: '300ms' }, ...faults, { op: 'wait', duration: '1700ms' }, ...VIDEO_STOP] }
}

function debugText(report: RunReport): string {
  return report.debugOutput.map((d) => d.text).join('')
}

function errors(report: RunReport): string[] {
  return report.verifier.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.message}`)
}

describe('examples/vcap1-capture.ts: presets', () => {
  it('passes every preset with zero verifier findings', () => {
    for (const preset of presetNames()) {
      const { report } = runScenario(buildPreset(preset, { durationNs: 1e9 }))
      expect({ preset, failures: report.failures, findings: report.verifier.map((f) => f.rule) }).toEqual({ preset, failures: [], findings: [] })
    }
  })

  it('captures 640x480 YUY2 at 30 fps for 10 s: 300 frames, none dropped, torn or stale, stamps intact', () => {
    const { session, report } = runScenario(buildPreset('capture', { durationNs: 10e9 }))
    expect(report.result).toBe('pass')
    expect(report.frames).toEqual({ delivered: 300, dropped: 0, abortedAtStop: 0, torn: 0, stale: 0 })
    expect(report.interrupts.spurious).toBe(0)
    // One interrupt per frame: the driver asks for IOC only at the end of each frame.
    expect(report.interrupts.raised).toBeLessThanOrEqual(310)
    expect(session.card.vcap1!.video.deliveredCount).toBe(300)
  })

  it('delivers every audio chunk of a 48 kHz stereo capture in order, with correct lengths', () => {
    const { report } = runScenario(buildPreset('audio-capture', { durationNs: 1e9 }))
    expect(report.result).toBe('pass')
    // 20 ms periods of 3840 bytes: 50 per second.
    expect(report.audio.buffers).toBeGreaterThanOrEqual(49)
    expect(report.audio.bytes).toBe(report.audio.buffers * 3840)
  })
})

describe('examples/vcap1-capture.ts: formats', () => {
  for (const [subtype, width, height] of [
    ['RGB24', 640, 480],
    ['NV12', 640, 480],
    ['UYVY', 640, 480],
    ['RGB32', 640, 480],
    ['YUY2', 1280, 720],
  ] as const) {
    it(`captures ${subtype} ${width}x${height} with stamps where the format puts them`, () => {
      const steps = VIDEO_START.map((s): Step => (s.op === 'open-stream' ? { ...s, format: { subtype, width, height, fps: 30 } } : s))
      const { report } = runScenario({ name: subtype, device: { card: 'vcap1' }, steps: [...steps, { op: 'wait', duration: '500ms' }, ...VIDEO_STOP] })
      expect(report.failures).toEqual([])
      expect(report.frames.delivered).toBeGreaterThanOrEqual(14)
      expect(report.frames.torn).toBe(0)
      expect(report.frames.stale).toBe(0)
    })
  }
})

describe('examples/vcap1-capture.ts: resources', () => {
  it('with MSI offered, switches the card to messages and captures every frame', () => {
    const scenario = buildPreset('capture', { durationNs: 1e9 })
    scenario.device = { card: 'vcap1', msi: true }
    const { session, report } = runScenario(scenario)
    expect(report.failures).toEqual([])
    expect(report.frames.dropped).toBe(0)
    expect(session.card.vcap1!.irq.messages).toBeGreaterThan(25)
    expect(session.machine.intaVector.raised).toBe(0)
  })

  it('with client buffers above 4 GiB, the 32-bit card stops with ADDR_RANGE and the reads fail cleanly', () => {
    const scenario = buildPreset('capture', { durationNs: 3e8 })
    scenario.device = { card: 'vcap1', buffersAbove4G: true }
    delete scenario.expect
    const { report } = runScenario(scenario)
    expect(report.bugcheck).toBeNull()
    expect(errors(report)).toEqual([])
    expect(report.frames.delivered).toBe(0)
    // ADDR_RANGE is bit 3 of VID_ERROR.
    expect(debugText(report)).toMatch(/DMA error 0x8 on the video channel/)
  })
})

describe('examples/vcap1-capture.ts: 1080p60 on a slow bus', () => {
  const gen1 = (bandwidthMBps: number): Scenario => ({
    name: '1080p60',
    device: { card: 'vcap1', bandwidthMBps },
    steps: [...VIDEO_START.map((s): Step => (s.op === 'open-stream' ? { ...s, format: { subtype: 'YUY2', width: 1920, height: 1080, fps: 60 } } : s)), { op: 'wait', duration: '1s' }, ...VIDEO_STOP],
  })

  it('at 200 MB/s drops frames deterministically (same count for the same seed) and reports them', () => {
    const a = runScenario(gen1(200), 7)
    const b = runScenario(gen1(200), 7)
    expect(a.report.frames.dropped).toBeGreaterThan(50)
    expect(b.report.frames.dropped).toBe(a.report.frames.dropped)
    expect(b.report.frames.delivered).toBe(a.report.frames.delivered)
    // The card's FIFO overflowed: it counted the drops itself.
    expect(a.session.card.vcap1!.video.dropCount).toBeGreaterThan(50)
    expect(errors(a.report)).toEqual([])
  })

  it('at 400 MB/s delivers every frame', () => {
    const { report } = runScenario(gen1(400))
    expect(report.frames.dropped).toBe(0)
    expect(report.frames.delivered).toBeGreaterThanOrEqual(59)
    expect(report.frames.torn).toBe(0)
  })
})

describe('examples/vcap1-capture.ts: surviving faults', () => {
  const fault = (name: string, extra: Record<string, unknown> = {}): Step => ({ op: 'fault', fault: name, ...extra }) as Step

  it('lost interrupts: the watchdog polls and streaming carries on', () => {
    const { report } = runScenario(withFaults(fault('lost-interrupt', { count: 3 })))
    expect(errors(report)).toEqual([])
    expect(report.frames.delivered).toBeGreaterThan(50)
    expect(report.frames.torn).toBe(0)
  })

  it('late interrupts: all completions are processed per interrupt', () => {
    const { report } = runScenario(withFaults(fault('late-interrupt', { count: 5, value: 2 })))
    expect(errors(report)).toEqual([])
    expect(report.frames.delivered).toBeGreaterThan(55)
    expect(report.frames.dropped).toBe(0)
  })

  it('spurious and shared-line interrupts are not claimed', () => {
    const { report } = runScenario(withFaults(fault('spurious-interrupt'), fault('neighbour-interrupt')))
    expect(report.verifier).toEqual([])
    expect(report.frames.dropped).toBe(0)
  })

  for (const name of ['dma-write-abort', 'desc-fetch-abort']) {
    it(`${name}: the channel is reset, the reads re-queued, and streaming resumes`, () => {
      const { session, report } = runScenario(withFaults(fault(name)))
      expect(errors(report)).toEqual([])
      expect(session.card.vcap1!.faults.fired.get(name)).toBe(1)
      expect(report.frames.delivered).toBeGreaterThan(50)
      expect(report.frames.torn).toBe(0)
      expect(debugText(report)).toMatch(/DMA error 0x[0-9a-f]+ on the video channel/)
    })
  }

  it('frames the card drops, damages or truncates are counted as dropped, never delivered torn', () => {
    const { report } = runScenario(withFaults(fault('frame-drop', { count: 3 }), fault('corrupt-frame', { at: '600ms' }), fault('short-frame', { at: '900ms' }), fault('fifo-overflow', { at: '1200ms' })))
    expect(errors(report)).toEqual([])
    expect(report.frames.dropped).toBe(6)
    expect(report.frames.torn).toBe(0)
    expect(report.frames.stale).toBe(0)
  })

  it('a stop whose HALTED never comes ends in a soft reset, then the stream stops cleanly', () => {
    const scenario = withFaults(fault('halt-never-arrives'))
    const { report } = runScenario(scenario)
    expect(report.failures).toEqual([])
    expect(debugText(report)).toMatch(/did not halt; resetting the card/)
  })

  it('a silently stalled engine (DMA timeout without an error) is restarted by the watchdog', () => {
    const { report } = runScenario(withFaults(fault('dma-timeout', { value: 0 })))
    expect(errors(report)).toEqual([])
    expect(debugText(report)).toMatch(/no video progress/)
    expect(report.frames.delivered).toBeGreaterThan(40)
  })

  it('the race amplifier finds no event cleared unseen: the ISR acks only what it read', () => {
    const { session, report } = runScenario(withFaults(fault('race-amplifier')))
    expect(report.verifier).toEqual([])
    expect(session.card.vcap1!.faults.fired.get('race-amplifier')).toBeGreaterThan(20)
  })

  it('an interrupt storm and a stuck status bit do not hang the machine', () => {
    const storm = runScenario(withFaults(fault('interrupt-storm', { duration: '20ms' })))
    expect(storm.report.bugcheck).toBeNull()
    expect(storm.report.run.completed).toBe(true)
    const stuck = runScenario(withFaults(fault('stuck-status-bit', { duration: '20ms', value: 1 << 8 })))
    expect(stuck.report.bugcheck).toBeNull()
    expect(stuck.report.run.completed).toBe(true)
  })

  it('surprise removal from the card: every read is cancelled and nothing hangs', () => {
    const scenario: Scenario = { name: 'removal', device: { card: 'vcap1' }, steps: [...VIDEO_START, { op: 'wait', duration: '300ms' }, fault('surprise-removal'), { op: 'wait', duration: '100ms' }, { op: 'close-stream', stream: 'video' }, { op: 'stop-device' }] }
    const { report } = runScenario(scenario)
    expect(report.failures).toEqual([])
    expect(report.srbs.outstanding).toBe(0)
  })

  it('bus mastering disabled: the reads fail cleanly instead of looping', () => {
    const scenario: Scenario = { name: 'no-bme', device: { card: 'vcap1' }, steps: [{ op: 'start-device' }, fault('bus-master-disable'), ...VIDEO_START.slice(1), { op: 'wait', duration: '200ms' }, ...VIDEO_STOP] }
    const { report } = runScenario(scenario)
    expect(report.bugcheck).toBeNull()
    expect(errors(report)).toEqual([])
    expect(report.frames.delivered).toBe(0)
    expect(report.srbs.total).toBeLessThan(200)
  })

  it('sequence wrap: PictureNumber goes on counting across the card counter wrapping at 2^32', () => {
    const steps: Step[] = [{ op: 'start-device' }, fault('sequence-wrap', { value: 10 }), ...VIDEO_START.slice(1), { op: 'wait', duration: '1s' }, ...VIDEO_STOP]
    const { report } = runScenario({ name: 'wrap', device: { card: 'vcap1' }, steps })
    expect(report.failures).toEqual([])
    expect(report.frames.dropped).toBe(0)
    expect(report.frames.stale).toBe(0)
    expect(report.frames.delivered).toBeGreaterThanOrEqual(29)
  })

  it('the stamps in delivered buffers decode to consecutive source frames', () => {
    const { session } = runScenario(buildPreset('capture', { durationNs: 3e8 }))
    const memory = session.machine.memory
    // Client buffers are the user-buffer allocations; each holds the last frame it received.
    const checker = new StampChecker()
    const layout = { format: 0, width: 640, height: 480, stride: 1280, uvOffset: 0, bottomUp: false, hflip: false }
    const sequences: number[] = []
    for (let address = 0; sequences.length < 4 && address < 1; address++) {
      for (const alloc of (memory as unknown as { allocations: ({ kind: string; bytes: Uint8Array } | undefined)[] }).allocations) {
        if (alloc?.kind !== 'user-buffer') continue
        const r = checker.check(alloc.bytes, alloc.bytes.length, layout)
        expect(r.torn).toBe(false)
        if (r.sequence !== null) sequences.push(r.sequence)
      }
    }
    sequences.sort((a, b) => a - b)
    expect(sequences.length).toBe(4)
    expect(sequences[3] - sequences[0]).toBeLessThanOrEqual(4)
  })
})
