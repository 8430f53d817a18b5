/**
 * The VCD export against its real consumers: gtkwave's vcd2fst then fst2vcd keep every change;
 * sigrok-cli (PulseView's importer) reads the 1-bit wires, with as many INTA# rising edges as the
 * report's interrupts; and the signals rebuilt from the trace agree with every register read the
 * driver made (VID_CTRL, VID_STATUS, the ring indices).
 */
import { readFile } from 'node:fs/promises'
import * as path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileDriver } from '../../main/host/compile.js'
import { exportVcd } from '../../main/host/export/vcd.js'
import { collectVcdEvents } from '../../main/host/export/vcdEvents.js'
import { deriveSignals, initialValues, SIG } from '../../main/host/export/vcdSignals.js'
import { REG } from '../../main/hw/vcap1/registers.js'
import { resolveScenario } from '../../main/host/scenarioSource.js'
import { Session } from '../../main/host/session.js'
import type { RunReport } from '../../main/host/reportBuilder.js'
import type { TraceRecorder } from '../../main/sim/trace/recorder.js'
import { itWithConsumer } from '../helpers/consumers.js'
import { mdwbRun, parseVcd, run, scratch, VCAP1_DRIVER } from './exportTools.js'

let dir: string
let trace: TraceRecorder
let report: RunReport
let full: string
let wires: string
/** The card's own state sampled during the run: [time, RUN, HALTED, IN_FRAME, HEAD, TAIL, audio RUN, audio HALTED]. */
const samples: number[][] = []

beforeAll(async () => {
  dir = await scratch()
  const compiled = await compileDriver(VCAP1_DRIVER)
  if (!compiled.ok) throw new Error('the reference driver does not compile')
  // The start-stop preset: RUN, HALTED and IN_FRAME move many times, not only at the ends.
  const resolved = await resolveScenario('start-stop', 1e9)
  const session = new Session({ driver: compiled.driver, scenario: resolved.scenario, timeLimitNs: resolved.timeLimitNs })
  // Stepped in odd slices of virtual time, the card's own state sampled between them (the truth the
  // signals rebuilt from the trace must match).
  session.start()
  const card = session.card.vcap1!
  for (let until = 137_731; !session.step(null, until); until += 137_731) {
    const v = card.video
    samples.push([session.machine.kernel.now(), card.regs.get(REG.VID_CTRL) & 1, v.halted ? 1 : 0, v.inFrame ? 1 : 0, v.ring.head, v.ring.tail, card.regs.get(REG.AUD_CTRL) & 1, card.audio.halted ? 1 : 0])
  }
  report = session.finish()
  trace = session.machine.kernel.trace
  full = path.join(dir, 'full.vcd')
  wires = path.join(dir, 'wires.vcd')
  await exportVcd(trace, full, { metadata: { driver: 'vcap1-capture', scenario: 'start-stop' } })
  await exportVcd(trace, wires, { wiresOnly: true })
}, 60_000)

describe('VCD export', () => {
  it('has a plain ASCII header, a 1 ns timescale, every signal, and ends with a newline', async () => {
    const text = await readFile(full, 'utf8')
    expect(/^[\x09\x0a\x20-\x7e]*$/.test(text)).toBe(true)
    expect(text.endsWith('\n')).toBe(true)
    expect(text).toMatch(/^\$date\n {2}\d{4}-\d\d-\d\dT[\d:.]+Z\n\$end\n/)
    const vcd = parseVcd(text)
    expect(vcd.timescale).toBe('1ns')
    expect([...vcd.vars.values()].map((v) => `${v.name}/${v.width}`)).toEqual([
      'INTA#/1', 'vid_RUN/1', 'vid_HALTED/1', 'vid_IN_FRAME/1', 'vid_DMA_busy/1', 'aud_RUN/1', 'aud_HALTED/1', 'aud_DMA_busy/1',
      'vid_FIFO_level/32', 'vid_DESC_HEAD/8', 'vid_DESC_TAIL/8', 'aud_DESC_HEAD/8', 'aud_DESC_TAIL/8',
    ])
    const risesOf = (name: string) => (vcd.byName.get(name) ?? []).filter(([, v], i, a) => v === 1 && i > 0 && a[i - 1][1] === 0).length
    // start-stop runs the channel 100 times: RUN and HALTED follow each cycle.
    expect(risesOf('vid_RUN')).toBeGreaterThanOrEqual(100)
    expect(risesOf('vid_HALTED')).toBeGreaterThanOrEqual(100)
    expect(risesOf('INTA#')).toBe(report.interrupts.raised)
    const wiresVcd = parseVcd(await readFile(wires, 'utf8'))
    expect([...wiresVcd.vars.values()].every((v) => v.width === 1)).toBe(true)
  })

  // Known gap (issue 13 note): when the card resets its ring (HEAD and TAIL back to 0) no trace row
  // says so, and the VCD keeps the last written values; 4 samples of 5,000+ differ. This fails until
  // the card records the reset, then flips to a plain it().
  it.fails("agrees with the card's own RUN, HALTED, IN_FRAME, HEAD and TAIL sampled through the run", () => {
    const events = collectVcdEvents(trace)
    const changes: [number, number, number][] = []
    for (const _ of deriveSignals(events, (t, s, v) => changes.push([t, s, v]))) void _
    const names = ['vid_RUN', 'vid_HALTED', 'vid_IN_FRAME', 'vid_DESC_HEAD', 'vid_DESC_TAIL', 'aud_RUN', 'aud_HALTED']
    const signals = [SIG.RUN[0], SIG.HALTED[0], SIG.IN_FRAME, SIG.HEAD[0], SIG.TAIL[0], SIG.RUN[1], SIG.HALTED[1]]
    // The card is sampled between slices, when a driver callback may have run ahead of the hardware's
    // clock: its register writes are on the trace at the CPU's time, up to some µs after the sample.
    // So the signal must show the card's value at the sample's time or within 100 µs after it.
    const at = (time: number) => {
      const value = initialValues()
      for (const [t, s, v] of changes) {
        if (t > time) break
        value[s] = v
      }
      return value
    }
    const wrong: string[] = []
    for (const [t, ...truth] of samples) {
      const now = at(t)
      const soon = at(t + 100_000)
      signals.forEach((s, k) => {
        if (now[s] !== truth[k] && soon[s] !== truth[k]) wrong.push(`${names[k]} at ${t} ns: card ${truth[k]}, VCD ${now[s]}`)
      })
    }
    expect(samples.length).toBeGreaterThan(5000)
    expect(wrong.slice(0, 10)).toEqual([])
  })

  itWithConsumer('gtkwave', 'survives vcd2fst then fst2vcd with every change kept', async () => {
    const fst = path.join(dir, 'full.fst')
    await run('vcd2fst', [full, fst])
    const { stdout } = await run('fst2vcd', [fst])
    const before = parseVcd(await readFile(full, 'utf8'))
    const after = parseVcd(stdout.toString('utf8'))
    expect([...after.vars.values()].map((v) => v.name)).toEqual([...before.vars.values()].map((v) => v.name))
    expect(after.changes.length).toBeGreaterThan(1000)
    expect(new Set(after.changes)).toEqual(new Set(before.changes))
    expect(after.changes.length).toBe(before.changes.length)
  }, 60_000)

  itWithConsumer('sigrok', 'reads the 1-bit wires in sigrok-cli, with as many INTA# rising edges as interrupts raised', async () => {
    // compress: idle stretches shrink to 10 samples, so a 1 GHz sample rate stays a small CSV.
    const { stdout, stderr } = await run('sigrok-cli', ['-l', '4', '-I', 'vcd:compress=10', '-i', wires, '-O', 'csv'])
    expect(stderr).not.toMatch(/Unexpected|Skipping/)
    const lines = stdout.toString('utf8').split('\n')
    const channels = lines.find((l) => l.startsWith('; Channels'))!
    expect(channels).toMatch(/INTA#, vid_RUN, vid_HALTED, vid_IN_FRAME, vid_DMA_busy, aud_RUN, aud_HALTED, aud_DMA_busy/)
    let rises = 0
    let last = '0'
    let samples = 0
    for (const line of lines) {
      if (!/^[01],/.test(line)) continue
      samples++
      const inta = line[0]
      if (inta === '1' && last === '0') rises++
      last = inta
    }
    expect(samples).toBeGreaterThan(1000)
    expect(report.interrupts.raised).toBeGreaterThanOrEqual(100)
    expect(rises).toBe(report.interrupts.raised)
  }, 60_000)

  it('is written by mdwb run --vcd --vcd-wires; --vcd-wires alone is a usage error', async () => {
    const out = path.join(dir, 'cli.vcd')
    const { code, report: r } = await mdwbRun([VCAP1_DRIVER, '--duration', '1s', '--vcd', out, '--vcd-wires'], dir)
    expect(code).toBe(0)
    const vcd = parseVcd(await readFile(out, 'utf8'))
    expect(vcd.vars.size).toBe(8)
    const inta = vcd.byName.get('INTA#') ?? []
    expect(inta.filter(([, v], i) => v === 1 && i > 0).length).toBe(r.interrupts.raised)
    const { main } = await import('../../main/cli.js')
    const error = console.error
    console.error = () => {}
    try {
      expect(await main(['run', VCAP1_DRIVER, '--vcd-wires'])).toBe(2)
    } finally {
      console.error = error
    }
  }, 60_000)
})
