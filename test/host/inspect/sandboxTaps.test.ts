import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FaultResult, InspectResult, RegisterView, RingView } from '../../../main/contract/api.js'
import { EventKind } from '../../../main/contract/trace.js'
import { buildPreset } from '../../../main/client/scenario/presets.js'
import type { Scenario, ScenarioFormat, StepOf } from '../../../main/client/scenario/schema.js'
import { BARS_75 } from '../../../main/hw/vcap1/patterns.js'
import { compileDriverSource, type CompiledDriver } from '../../../main/host/compile.js'
import { FrameHistory, type FrameTap } from '../../../main/host/inspect/frameHistory.js'
import type { RunReport } from '../../../main/host/reportBuilder.js'
import { Sandbox, type SandboxRun, type SandboxRunEvents, type SandboxRunRequest } from '../../../main/host/sandbox/sandbox.js'
import type { TraceRecorder } from '../../../main/sim/trace/recorder.js'

/**
 * The sandbox's live taps, as the workbench uses them: faults injected into a running or paused run,
 * the register, ring and memory inspectors (which must never change what the run does), and the
 * frame and audio previews of what the client received.
 */

const VCAP1 = readFileSync('examples/vcap1-capture.ts', 'utf8')
const sandbox = new Sandbox()
let vcap1: CompiledDriver
let testcap: CompiledDriver

async function compiled(source: string, file: string): Promise<CompiledDriver> {
  const r = await compileDriverSource(source, file)
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.driver
}

beforeAll(async () => {
  ;[vcap1, testcap] = await Promise.all([compiled(VCAP1, 'examples/vcap1-capture.ts'), compiled(readFileSync('examples/testcap.ts', 'utf8'), 'examples/testcap.ts')])
})
afterAll(() => sandbox.close())

function capture(ms: number, format?: ScenarioFormat): Scenario {
  const scenario = buildPreset('capture', { durationNs: ms * 1e6 })
  delete scenario.expect
  if (format !== undefined) for (const step of scenario.steps) if (step.op === 'open-stream') step.format = format
  return scenario
}

/** A run plus the virtual time its last status reported (the test waits on it between steps). */
interface Live {
  run: SandboxRun
  /** Resolves once the run has reached `ns` (paused runs: after `step`). */
  reach(ns: number): Promise<void>
}

function start(request: Omit<SandboxRunRequest, 'timeLimitNs'>, events: SandboxRunEvents = {}): Live {
  let virtual = 0
  const run = sandbox.run(
    { timeLimitNs: 60e9, ...request },
    {
      ...events,
      onStatus: (r) => {
        virtual = r.virtualTimeNs
        events.onStatus?.(r)
      },
    },
  )
  return {
    run,
    reach: (ns) =>
      new Promise((resolve) => {
        const poll = setInterval(() => {
          if (virtual >= ns) {
            clearInterval(poll)
            resolve()
          }
        }, 5)
      }),
  }
}

/** Pauses at `ns` (the run must have started paused and be at or before it). */
async function stepTo(live: Live, from: number, ns: number): Promise<void> {
  live.run.step(ns - from)
  await live.reach(ns)
}

function registers(result: InspectResult): Map<string, RegisterView> {
  if (result.what !== 'registers') throw new Error(`expected registers, got ${JSON.stringify(result)}`)
  return new Map(result.registers.map((r) => [r.name, r]))
}

function field(r: RegisterView, name: string): number {
  const f = r.fields.find((x) => x.name === name)
  if (f === undefined) throw new Error(`${r.name} has no field ${name}`)
  return f.value
}

function rings(result: InspectResult): RingView[] {
  if (result.what !== 'rings') throw new Error(`expected rings, got ${JSON.stringify(result)}`)
  return result.rings
}

/** The instants of one track as [time, name, detail]. */
function instants(trace: TraceRecorder, trackName: string): [number, string, unknown][] {
  const track = trace.tracks.findIndex((t) => t.name === trackName)
  const c = trace.columns()
  const out: [number, string, unknown][] = []
  for (let i = 0; i < trace.count; i++) if (c.track[i] === track && c.kind[i] === EventKind.Instant) out.push([c.ts[i], trace.strings.get(c.name[i]), trace.detailOf(i)])
  return out
}

/** Every row of a trace, for comparing two runs. */
function rows(trace: TraceRecorder): string[] {
  const c = trace.columns()
  const out: string[] = []
  for (let i = 0; i < trace.count; i++) out.push(`${c.kind[i]} ${c.track[i]} ${c.ts[i]} ${c.x[i]} ${trace.strings.get(c.name[i])} ${c.a0[i]} ${c.a1[i]} ${c.a2[i]} ${c.depth[i]}`)
  return out
}

function withoutWallTime(report: RunReport): RunReport {
  return { ...report, wallTimeMs: 0 }
}

/** BT.601 limited-range YUV to RGB, as a capture application's renderer would show it. */
function yuvToRgb(y: number, u: number, v: number): [number, number, number] {
  const c = 1.164 * (y - 16)
  const clamp = (x: number) => Math.max(0, Math.min(255, Math.round(x)))
  return [clamp(c + 1.596 * (v - 128)), clamp(c - 0.392 * (u - 128) - 0.813 * (v - 128)), clamp(c + 2.017 * (u - 128))]
}

function rgbOf(color: number): [number, number, number] {
  return [(color >>> 16) & 0xff, (color >>> 8) & 0xff, color & 0xff]
}

/** The colour of preview pixel (x, y) (image coordinates, row 0 at the top). */
function pixel(frame: FrameTap, x: number, y: number): [number, number, number] {
  const d = frame.data
  switch (frame.format) {
    case 'YUY2': {
      const at = y * frame.stride + (x >> 1) * 4
      return yuvToRgb(d[at + (x & 1) * 2], d[at + 1], d[at + 3])
    }
    case 'UYVY': {
      const at = y * frame.stride + (x >> 1) * 4
      return yuvToRgb(d[at + 1 + (x & 1) * 2], d[at], d[at + 2])
    }
    case 'NV12': {
      const uv = frame.stride * frame.height + (y >> 1) * frame.stride + (x >> 1) * 2
      return yuvToRgb(d[y * frame.stride + x], d[uv], d[uv + 1])
    }
    case 'RGB24':
    case 'RGB32': {
      // Bottom-up, as a DIB: the first line in memory is the bottom of the image.
      const bpp = frame.format === 'RGB24' ? 3 : 4
      const at = (frame.height - 1 - y) * frame.stride + x * bpp
      return [d[at + 2], d[at + 1], d[at]]
    }
  }
}

/** Checks the middle line of a preview against the eight 75% colour bars, left to right. */
function expectBars(frame: FrameTap): void {
  const y = frame.height >> 1
  for (let bar = 0; bar < 8; bar++) {
    const x = Math.floor(((bar + 0.5) * frame.width) / 8)
    const got = pixel(frame, x, y)
    const want = rgbOf(BARS_75[bar])
    for (let k = 0; k < 3; k++) expect(Math.abs(got[k] - want[k]), `bar ${bar} at (${x}, ${y}) of a ${frame.format} preview: got ${got}, want ${want}`).toBeLessThanOrEqual(6)
  }
}

describe('fault injection into a live run', () => {
  it('frame-drop injected now into a paused capture: the drop is in the report and on the trace once stepping reaches the next frame', async () => {
    const live = start({ driver: vcap1, scenario: capture(1000), paused: true })
    await stepTo(live, 0, 400e6)
    const now = await live.run.injectFault({ fault: 'frame-drop' })
    expect(now).toEqual({ ok: true, error: null, timeNs: expect.any(Number) })
    expect(now.timeNs).toBeGreaterThanOrEqual(400e6)
    expect(now.timeNs).toBeLessThan(401e6)
    await stepTo(live, now.timeNs, now.timeNs + 100e6)
    live.run.pause(false)
    const { report, trace } = await live.run.result
    expect(report.frames.dropped).toBe(1)
    const faults = instants(trace, 'VCAP-1 faults').filter(([, name]) => name === 'frame-drop')
    expect(faults).toEqual([
      [now.timeNs, 'frame-drop', 'armed for 1 frame(s)'],
      [expect.any(Number), 'frame-drop', expect.stringMatching(/^frame \d+$/)],
    ])
    // The drop happens at the first frame start after the injection, within a frame interval.
    expect(faults[1][0]).toBeGreaterThan(now.timeNs)
    expect(faults[1][0] - now.timeNs).toBeLessThan(34e6)
  })

  it('a fault at a later time fires exactly as the same scenario fault step does', async () => {
    const step: StepOf<'fault'> = { op: 'fault', fault: 'frame-drop', count: 2, at: '700ms' }
    const scripted = await start({ driver: vcap1, scenario: capture(1000), faults: [step] }).run.result
    const live = start({ driver: vcap1, scenario: capture(1000), paused: true })
    await stepTo(live, 0, 300e6)
    const armed = await live.run.injectFault({ fault: 'frame-drop', count: 2, atNs: 700e6 })
    expect(armed).toEqual({ ok: true, error: null, timeNs: 700e6 })
    live.run.pause(false)
    const injected = await live.run.result
    expect(injected.report.frames).toEqual(scripted.report.frames)
    expect(injected.report.frames.dropped).toBe(2)
    const fired = instants(injected.trace, 'VCAP-1 faults')
    expect(fired).toHaveLength(3)
    expect(fired).toEqual(instants(scripted.trace, 'VCAP-1 faults'))
  })

  it('refuses an unknown fault (naming the catalogue), a time in the past, a run without VCAP-1, and a run that is over', async () => {
    const live = start({ driver: vcap1, scenario: capture(300), paused: true })
    await stepTo(live, 0, 100e6)
    const unknown = await live.run.injectFault({ fault: 'no-such-fault' })
    expect(unknown.ok).toBe(false)
    expect(unknown.error).toMatch(/^unknown fault 'no-such-fault' \(known: frame-drop, drop-percent, corrupt-frame, .*race-amplifier\)$/)
    const past = await live.run.injectFault({ fault: 'frame-drop', atNs: 50e6 })
    expect(past).toEqual({ ok: false, error: 'fault frame-drop: 50 ms is in the past (the run is at 100 ms)', timeNs: 100e6 })
    const badDuration = await live.run.injectFault({ fault: 'slow-dma', duration: 'soon' })
    expect(badDuration.error).toMatch(/duration 'soon' is not a duration/)
    live.run.pause(false)
    await live.run.result
    const over: FaultResult = await live.run.injectFault({ fault: 'frame-drop' })
    expect(over.ok).toBe(false)
    expect(over.error).toBe('the run is over')

    const software = start({ driver: testcap, scenario: capture(300), paused: true })
    await stepTo(software, 0, 50e6)
    const none = await software.run.injectFault({ fault: 'frame-drop' })
    expect(none.ok).toBe(false)
    expect(none.error).toMatch(/card is 'none': the fault catalogue is the VCAP-1 card's/)
    const inspected = await software.run.inspect({ what: 'registers', runId: 0 })
    expect(inspected).toEqual({ what: 'none', reason: expect.stringMatching(/card is 'none'/) })
    software.run.pause(false)
    await software.run.result
  })
})

describe('inspectors', () => {
  it('registers of a running capture are decoded by field, and their history names the driver callback that wrote them', async () => {
    const live = start({ driver: vcap1, scenario: capture(1000), paused: true })
    await stepTo(live, 0, 500e6)
    const result = await live.run.inspect({ what: 'registers', runId: 0 })
    expect(result.what === 'registers' && result.timeNs).toBe(500e6)
    const regs = registers(result)
    const gctrl = regs.get('GCTRL')!
    expect(gctrl.fields.map((f) => f.name)).toEqual(['SOFT_RESET', 'IRQ_MASTER_EN', 'MSI_MODE', 'TS_SRC_EOF', 'STRICT_DESC'])
    expect(field(gctrl, 'IRQ_MASTER_EN')).toBe(1)
    const vidCtrl = regs.get('VID_CTRL')!
    expect([field(vidCtrl, 'RUN'), field(vidCtrl, 'PATTERN_EN'), field(vidCtrl, 'LATE_START'), field(vidCtrl, 'STOP_AT_EOF')]).toEqual([1, 1, 1, 0])
    expect(vidCtrl.fields.find((f) => f.name === 'RUN')).toMatchObject({ lsb: 0, width: 1, access: 'RW', doc: expect.stringContaining('run the channel') })
    expect(regs.get('VID_FORMAT')!.fields.find((f) => f.name === 'FMT')).toMatchObject({ value: 0, meaning: 'YUY2' })
    expect([field(regs.get('VID_SIZE')!, 'WIDTH'), field(regs.get('VID_SIZE')!, 'HEIGHT')]).toEqual([640, 480])
    expect(regs.get('DEV_ID')!.value).toBe(0x56430100)
    expect(regs.get('VID_FRAME_CNT')!.value).toBeGreaterThan(10)

    // VID_CTRL was written once, when the stream went to RUN.
    expect(vidCtrl.history).toEqual([{ timeNs: expect.any(Number), op: 'write', value: vidCtrl.value, callback: 'Vcap1ReceiveControl SRB_SET_STREAM_STATE' }])
    // The ISR masks the card (GCTRL = 0) and the High priority routine it schedules unmasks it.
    expect(gctrl.history).toHaveLength(32)
    const who = gctrl.history.map((h) => `${h.op} ${h.value} by ${h.callback}`)
    expect(who).toContain('write 0 by Vcap1Interrupt')
    expect(who).toContain('write 2 by ServiceHigh')
    expect(gctrl.history.every((h) => h.callback !== null)).toBe(true)
    expect(gctrl.history.map((h) => h.timeNs)).toEqual([...gctrl.history.map((h) => h.timeNs)].sort((a, b) => a - b))
    expect(gctrl.history[31].timeNs).toBeLessThanOrEqual(500e6)
    const ringBase = regs.get('VID_DESC_BASE_LO')!
    expect(ringBase.history).toEqual([{ timeNs: expect.any(Number), op: 'write', value: ringBase.value, callback: 'Vcap1ReceivePacket SRB_INITIALIZE_DEVICE' }])
    const pending = regs.get('INT_PENDING')!.history
    expect(pending.length).toBeGreaterThan(10)
    expect(pending.every((h) => h.op === 'read' && h.callback === 'Vcap1Interrupt')).toBe(true)
    live.run.pause(false)
    await live.run.result
  })

  it('peeking INT_STATUS changes nothing: the same value twice, and a run that is inspected at every step is the run that is not', async () => {
    // The race amplifier latches a new event after every status read: a peek that counted as one would show.
    const faults: StepOf<'fault'>[] = [{ op: 'fault', fault: 'race-amplifier' }]
    const stepped = async (inspect: boolean): Promise<{ report: RunReport; trace: TraceRecorder }> => {
      const live = start({ driver: vcap1, scenario: capture(600), faults, paused: true, taps: { frames: true } })
      for (let t = 0; t < 500e6; t += 37e6) {
        await stepTo(live, t, t + 37e6)
        if (!inspect) continue
        const first = registers(await live.run.inspect({ what: 'registers', runId: 0 }))
        const second = registers(await live.run.inspect({ what: 'registers', runId: 0 }))
        for (const name of ['INT_STATUS', 'INT_PENDING', 'TS_LO', 'TS_HI', 'VID_LAST_TS_LO', 'VID_STATUS', 'AUD_POSITION']) expect(second.get(name)!.value, name).toBe(first.get(name)!.value)
        const r = rings(await live.run.inspect({ what: 'rings', runId: 0 }))
        await live.run.inspect({ what: 'memory', runId: 0, address: r[0].base, length: 4096 })
      }
      live.run.pause(false)
      return live.run.result
    }
    const plain = await stepped(false)
    const inspected = await stepped(true)
    expect(plain.report.result).toBe('pass')
    expect(plain.report.interrupts.claimed).toBeGreaterThan(15)
    expect(withoutWallTime(inspected.report)).toEqual(withoutWallTime(plain.report))
    expect(rows(inspected.trace)).toEqual(rows(plain.trace))
  })

  it('rings show the OWN descriptors pointing at client buffers, and the memory view of the ring base shows their bytes', async () => {
    const live = start({ driver: vcap1, scenario: capture(1000), paused: true })
    await stepTo(live, 0, 300e6)
    const [video, audio] = rings(await live.run.inspect({ what: 'rings', runId: 0 }))
    expect(video).toMatchObject({ channel: 'video', entries: 256, running: true })
    expect(audio).toMatchObject({ channel: 'audio', running: false })
    expect(video.descriptors).toHaveLength(256)
    const owned = video.descriptors.filter((d) => d.own)
    // Four reads in flight, each a scatter/gather chain of the frame buffer's pages.
    expect(owned.length).toBeGreaterThan(8)
    expect(owned.every((d) => d.flags.includes('OWN') && d.length > 0 && d.length % 4 === 0)).toBe(true)
    expect(owned.filter((d) => d.flags.includes('EOF') && d.flags.includes('IOC')).length).toBeGreaterThanOrEqual(3)
    for (const d of owned.slice(0, 6)) {
      const view = await live.run.inspect({ what: 'memory', runId: 0, address: d.address, length: 16 })
      expect(view.what === 'memory' && view.memory.regions.map((r) => r.owner)).toEqual([expect.stringMatching(/^client buffer: client stream 0 \(allocation \d+, \+0x[0-9a-f]+\)$/)])
    }
    const completed = video.descriptors.filter((d) => !d.own && d.done)
    expect(completed.length).toBeGreaterThan(0)
    expect(completed.some((d) => d.flags.includes('EOF') && d.wbStatus.includes('DONE') && d.wbStatus.some((s) => /^sequence \d+$/.test(s)))).toBe(true)

    const mem = await live.run.inspect({ what: 'memory', runId: 0, address: video.base, length: video.entries * 32 })
    if (mem.what !== 'memory') throw new Error(JSON.stringify(mem))
    expect(mem.memory.bytes).toBeInstanceOf(Uint8Array)
    expect(mem.memory.bytes.length).toBe(256 * 32)
    const owners = mem.memory.regions.map((r) => r.owner)
    expect(owners).toContain('video descriptor ring (256 entries at 0x' + video.base.toString(16) + ')')
    expect(owners.some((o) => o.startsWith('common buffer: stream class DMA buffer'))).toBe(true)
    const bytes = new DataView(mem.memory.bytes.buffer, mem.memory.bytes.byteOffset)
    for (const d of video.descriptors) {
      expect(bytes.getUint32(d.index * 32, true) + bytes.getUint32(d.index * 32 + 4, true) * 2 ** 32).toBe(d.address)
      expect(bytes.getUint32(d.index * 32 + 8, true)).toBe(d.length)
      expect((bytes.getUint32(d.index * 32 + 12, true) & 1) === 1).toBe(d.own)
      expect(bytes.getUint32(d.index * 32 + 20, true)).toBe(d.wbBytes)
    }
    // A view is capped at 64 KiB; unbacked memory reads as all ones.
    const big = await live.run.inspect({ what: 'memory', runId: 0, address: 0x1000, length: 1 << 20 })
    expect(big.what === 'memory' && big.memory.bytes.length).toBe(65536)
    expect(big.what === 'memory' && big.memory.bytes.every((b) => b === 0xff)).toBe(true)
    live.run.pause(false)
    await live.run.result
  })

  it('answers while the run goes at real-time pace, between slices, and takes a fault now', async () => {
    const live = start({ driver: vcap1, scenario: capture(1500), pace: 2 })
    await live.reach(200e6)
    const first = await live.run.inspect({ what: 'registers', runId: 0 })
    const fault = await live.run.injectFault({ fault: 'frame-drop' })
    await live.reach(500e6)
    const second = await live.run.inspect({ what: 'registers', runId: 0 })
    if (first.what !== 'registers' || second.what !== 'registers') throw new Error('no registers')
    expect(first.timeNs).toBeGreaterThanOrEqual(200e6)
    expect(second.timeNs).toBeGreaterThan(first.timeNs)
    const done = (r: InspectResult) => registers(r).get('VID_DESC_DONE_CNT')!.value
    expect(done(second)).toBeGreaterThan(done(first))
    expect(fault.ok).toBe(true)
    expect(fault.timeNs).toBeGreaterThanOrEqual(first.timeNs)
    expect(fault.timeNs).toBeLessThan(second.timeNs)
    live.run.stop()
    const { report, trace } = await live.run.result
    expect(report.frames.dropped).toBe(1)
    expect(instants(trace, 'VCAP-1 faults').map(([t, name]) => [t >= fault.timeNs, name])).toEqual([
      [true, 'frame-drop'],
      [true, 'frame-drop'],
    ])
  })

  it('answers after the run ended, after a bug check too, until the next run starts', async () => {
    const live = start({ driver: vcap1, scenario: capture(200) })
    await live.run.result
    const after = registers(await live.run.inspect({ what: 'registers', runId: 0 }))
    expect(field(after.get('VID_STATUS')!, 'HALTED')).toBe(1)
    // The scenario stopped the device: the rings' memory is gone, and the inspector says so instead of parsing freed memory.
    const ended = rings(await live.run.inspect({ what: 'rings', runId: 0 }))
    expect(ended[0]).toMatchObject({ descriptors: [], note: expect.stringMatching(/ring's memory at 0x[0-9a-f]+ is not allocated/) })

    // An ISR that throws once frames flow: the machine halts, and its state stays inspectable.
    const broken = VCAP1.replace('export function ServiceHigh(ext: DEVICE_EXTENSION): void {', 'let serviced = 0\nexport function ServiceHigh(ext: DEVICE_EXTENSION): void {\n  if (++serviced === 5) throw new Error("boom")')
    expect(broken).not.toBe(VCAP1)
    const crash = start({ driver: await compiled(broken, 'examples/vcap1-capture.ts'), scenario: capture(1000) })
    const { report } = await crash.run.result
    expect(report.bugcheck?.callback).toBe('ServiceHigh')
    const regs = registers(await crash.run.inspect({ what: 'registers', runId: 0 }))
    expect(field(regs.get('VID_CTRL')!, 'RUN')).toBe(1)
    expect(regs.get('GCTRL')!.history.at(-1)).toMatchObject({ op: 'write', value: 0, callback: 'Vcap1Interrupt' })
    expect(rings(await crash.run.inspect({ what: 'rings', runId: 0 }))[0].descriptors.some((d) => d.own)).toBe(true)
    expect(await live.run.inspect({ what: 'rings', runId: 0 })).toEqual({ what: 'none', reason: 'a newer run has started: only the newest run can be inspected' })

    const next = start({ driver: vcap1, scenario: capture(100) })
    await next.run.result
    expect(await crash.run.inspect({ what: 'registers', runId: 0 })).toEqual({ what: 'none', reason: 'a newer run has started: only the newest run can be inspected' })
  })
})

describe('frame and audio previews', () => {
  it('every delivered frame arrives downscaled in its own format, with the colour bars, verdicts and PictureNumbers; frameAt follows the timeline', async () => {
    const frames: FrameTap[] = []
    const live = start({ driver: vcap1, scenario: capture(1000), taps: { frames: true } }, { onFrame: (f) => frames.push(f) })
    const { report } = await live.run.result
    expect(report.frames).toMatchObject({ delivered: frames.length, torn: 0 })
    expect(frames.length).toBeGreaterThan(25)
    for (const [i, f] of frames.entries()) {
      expect({ ...f, data: undefined, timeNs: 0 }).toEqual({ number: i + 1, timeNs: 0, width: 320, height: 240, format: 'YUY2', stride: 640, data: undefined, verdict: 'ok', droppedBefore: 0, scale: 2 })
      expect(f.data).toBeInstanceOf(Uint8Array)
      expect(f.data.length).toBe(640 * 240)
    }
    expectBars(frames[0])
    // The stamp rows are at the top: the card draws them in every frame.
    expect(frames[0].data.subarray(0, 640)).not.toEqual(frames[0].data.subarray(640 * 120, 640 * 121))

    // The preview follows the timeline's cursor: the newest frame delivered at or before the time.
    expect(live.run.frameAt(frames[0].timeNs - 1)).toBeNull()
    expect(live.run.frameAt(frames[0].timeNs)).toBe(frames[0])
    expect(live.run.frameAt(frames[10].timeNs - 1)).toBe(frames[9])
    expect(live.run.frameAt(frames[10].timeNs)).toBe(frames[10])
    expect(live.run.frameAt((frames[10].timeNs + frames[11].timeNs) / 2)).toBe(frames[10])
    expect(live.run.frameAt(1e12)).toBe(frames.at(-1))
  })

  it('downscales UYVY, NV12, RGB24 and RGB32 (bottom-up), 320x240 and 1080p in their own formats', async () => {
    const cases: [ScenarioFormat & { subtype: string }, Partial<FrameTap>][] = [
      [{ subtype: 'UYVY', width: 640, height: 480 }, { format: 'UYVY', width: 320, height: 240, stride: 640, scale: 2 }],
      [{ subtype: 'NV12', width: 640, height: 480 }, { format: 'NV12', width: 320, height: 240, stride: 320, scale: 2 }],
      [{ subtype: 'RGB24', width: 640, height: 480 }, { format: 'RGB24', width: 320, height: 240, stride: 960, scale: 2 }],
      [{ subtype: 'RGB32', width: 640, height: 480 }, { format: 'RGB32', width: 320, height: 240, stride: 1280, scale: 2 }],
      [{ subtype: 'YUY2', width: 320, height: 240 }, { format: 'YUY2', width: 320, height: 240, stride: 640, scale: 1 }],
      [{ subtype: 'YUY2', width: 1920, height: 1080 }, { format: 'YUY2', width: 320, height: 180, stride: 640, scale: 6 }],
    ]
    for (const [format, want] of cases) {
      const frames: FrameTap[] = []
      const live = start({ driver: vcap1, scenario: capture(200, format), taps: { frames: true } }, { onFrame: (f) => frames.push(f) })
      const { report } = await live.run.result
      expect(report.frames.delivered, format.subtype).toBe(frames.length)
      expect(frames.length, format.subtype).toBeGreaterThan(3)
      expect(frames[0], format.subtype).toMatchObject({ ...want, verdict: 'ok' })
      expect(frames[0].data.length).toBe(want.format === 'NV12' ? (320 * 240 * 3) / 2 : want.stride! * want.height!)
      expectBars(frames[0])
    }
  })

  it('a driver that passes on truncated frames as whole ones gets them judged torn, as the report counts them', async () => {
    // The reference driver drops a frame the card truncated; this one hands it to the application
    // with DataUsed = the whole buffer, so the frame's bottom is what the buffer held before.
    const careless = VCAP1.replace("if (strm.Kind === 'video' && (x.Status & (DESC_WB_TRUNCATED | DESC_WB_ERROR)) !== 0) {", 'if (strm.Kind === "careless") {').replace(
      'header.DataUsed = x.Bytes\n  header.Duration = strm.VideoInfo!.AvgTimePerFrame',
      'header.DataUsed = header.FrameExtent\n  header.Duration = strm.VideoInfo!.AvgTimePerFrame',
    )
    expect(careless.match(/careless|FrameExtent\n/g)).toHaveLength(2)
    const frames: FrameTap[] = []
    const faults: StepOf<'fault'>[] = [{ op: 'fault', fault: 'short-frame', count: 3, at: '300ms' }]
    const live = start({ driver: await compiled(careless, 'examples/vcap1-capture.ts'), scenario: capture(1000), faults, taps: { frames: true } }, { onFrame: (f) => frames.push(f) })
    const { report } = await live.run.result
    const torn = frames.filter((f) => f.verdict === 'torn')
    expect(torn).toHaveLength(3)
    expect(report.frames.torn).toBe(3)
    expect(frames.filter((f) => f.verdict === 'ok')).toHaveLength(frames.length - 3)
    // Its top is the new frame, its bottom an older one: the preview shows both (the bars, then old lines).
    expectBars(torn[0])
  })

  it('a driver without stamps (testcap, no card): previews with the verdict unchecked, and memory still inspectable', async () => {
    const frames: FrameTap[] = []
    const live = start({ driver: testcap, scenario: capture(300), taps: { frames: true }, paused: true }, { onFrame: (f) => frames.push(f) })
    await stepTo(live, 0, 200e6)
    const mem = await live.run.inspect({ what: 'memory', runId: 0, address: 0x1000000, length: 256 })
    expect(mem.what === 'memory' && mem.memory.address).toBe(0x1000000)
    expect(mem.what === 'memory' && mem.memory.bytes.length).toBe(256)
    live.run.pause(false)
    const { report } = await live.run.result
    expect(frames).toHaveLength(report.frames.delivered)
    expect(frames.length).toBeGreaterThan(3)
    expect(frames.every((f) => f.verdict === 'unchecked' && f.format === 'YUY2' && f.width === 320 && f.height === 240)).toBe(true)
  })

  it('a dropped frame shows as droppedBefore on the next delivered preview', async () => {
    const frames: FrameTap[] = []
    const faults: StepOf<'fault'>[] = [{ op: 'fault', fault: 'frame-drop', count: 2, at: '300ms' }]
    const live = start({ driver: vcap1, scenario: capture(600), faults, taps: { frames: true } }, { onFrame: (f) => frames.push(f) })
    const { report } = await live.run.result
    expect(report.frames.dropped).toBe(2)
    const after = frames.findIndex((f) => f.droppedBefore > 0)
    expect(frames[after].droppedBefore).toBe(2)
    expect(frames[after].number - frames[after - 1].number).toBe(3)
    expect(frames.reduce((n, f) => n + f.droppedBefore, 0)).toBe(2)
  })

  it('audio levels of the sine generator: -20 dBFS peaks, RMS of a sine, at most one per 20 ms', async () => {
    const levels: { timeNs: number; peak: number[]; rms: number[] }[] = []
    const scenario = buildPreset('audio-capture', { durationNs: 1e9 })
    let video = 0
    const live = start({ driver: vcap1, scenario, taps: { audio: true, frames: true } }, { onAudio: (l) => levels.push(l), onFrame: () => video++ })
    const { report } = await live.run.result
    expect(video).toBe(0)
    expect(report.audio.buffers).toBeGreaterThan(20)
    expect(levels.length).toBeGreaterThan(20)
    expect(levels.length).toBeLessThanOrEqual(51)
    for (let i = 1; i < levels.length; i++) expect(levels[i].timeNs - levels[i - 1].timeNs).toBeGreaterThanOrEqual(20e6)
    for (const l of levels) {
      expect(l.peak).toHaveLength(2)
      for (const p of l.peak) expect(p).toBeCloseTo(0.1, 2)
      for (const r of l.rms) expect(r).toBeCloseTo(0.1 / Math.SQRT2, 2)
    }
  })
})

describe('FrameHistory', () => {
  const frame = (timeNs: number, bytes: number): FrameTap => ({ number: timeNs, timeNs, width: 1, height: 1, format: 'YUY2', stride: 2, data: new Uint8Array(bytes), verdict: 'ok', droppedBefore: 0, scale: 1 })

  it('keeps previews within its budget, oldest dropped first, and finds the newest at or before a time', () => {
    const history = new FrameHistory(10_000)
    for (let t = 1; t <= 25; t++) history.add(frame(t * 100, 1000))
    expect(history.size).toBe(10)
    expect(history.bytesKept).toBe(10_000)
    expect(history.evicted).toBe(15)
    expect(history.at(1599)).toBeNull()
    expect(history.at(1600)?.timeNs).toBe(1600)
    expect(history.at(2049)?.timeNs).toBe(2000)
    expect(history.at(1e9)?.timeNs).toBe(2500)
    expect(new FrameHistory().at(0)).toBeNull()
  })
})
