import { describe, expect, it } from 'vitest'
import type { KsPropertyResult } from '../../main/classdriver/streamOps.js'
import * as S from '../../main/classdriver/strmini.js'
import { buildPreset, presetNames } from '../../main/client/scenario/presets.js'
import type { Scenario } from '../../main/client/scenario/schema.js'
import { compileDriver, type CompiledDriver } from '../../main/host/compile.js'
import { Session } from '../../main/host/session.js'

/**
 * examples/ddk-patterns.ts, the DDK-era port: its own SRB lists on LIST_ENTRY, an exact-match
 * intersection, a stream timer that it never cancels (the class driver does at CLOSE_STREAM), a zeroed
 * lock used without KeInitializeSpinLock, VideoProcAmp with value tables. Every preset runs with the
 * driver's own range handed back unchanged (`format: { range }`), as the capture stack does; the
 * driver then has nothing to report but what it really does.
 */

let driver: CompiledDriver | null = null
async function compiled(): Promise<CompiledDriver> {
  if (driver !== null) return driver
  const r = await compileDriver('examples/ddk-patterns.ts')
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return (driver = r.driver)
}

/** A preset with every video format replaced by the driver's range `first` (then `second` for a format change). */
function withOwnRanges(preset: string, first = 0, second = 1): Scenario {
  const scenario = buildPreset(preset, { durationNs: 2e9 })
  let seen = 0
  for (const step of scenario.steps as Record<string, any>[]) {
    if ((step.op !== 'open-stream' && step.op !== 'propose-format') || step.stream === 'audio' || step.format?.subtype === 'PCM') continue
    // Whichever way the preset names its format (a format, a preferred one, a range index).
    delete step.prefer
    delete step.range
    delete step.needsRanges
    step.format = { range: seen++ === 0 ? first : second }
  }
  scenario.device = { card: 'none' }
  return scenario
}

describe('examples/ddk-patterns.ts', () => {
  it('passes every video preset with its own range handed back, with no finding', async () => {
    const d = await compiled()
    for (const preset of presetNames()) {
      if (preset === 'audio-capture') continue
      const report = new Session({ driver: d, scenario: withOwnRanges(preset), timeLimitNs: 70e9 }).run()
      expect({ preset, failures: report.failures, findings: report.verifier.map((f) => `${f.rule}: ${f.message}`) }).toEqual({ preset, failures: [], findings: [] })
      expect(report.synchronization).toBe('off')
    }
  })

  it('captures RGB24 320x240 at 30 fps paced by the master clock, then UYVY: every frame, none torn', async () => {
    const d = await compiled()
    for (const range of [0, 1]) {
      const session = new Session({ driver: d, scenario: withOwnRanges('capture', range), timeLimitNs: 70e9 })
      const report = session.run()
      expect(report.result).toBe('pass')
      expect(report.frames.delivered).toBeGreaterThanOrEqual(57)
      expect(report.frames.dropped).toBe(0)
      expect(report.frames.torn).toBe(0)
      expect(report.frames.stale).toBe(0)
      // The report names the format that ran where the client records it (run.formats).
      const formats = (report.run as { formats?: unknown[] }).formats
      if (formats !== undefined) expect(formats[0]).toMatchObject({ stream: 0, format: `${range === 0 ? 'RGB24' : 'UYVY'} 320x240 @ 30 fps` })
    }
  })

  it('answers NO_MATCH to a range that is not one of its own byte for byte', async () => {
    const d = await compiled()
    // The driver's first range with one ConfigCaps field changed: an exact-match driver refuses it.
    const scenario = withOwnRanges('capture')
    const open = (scenario.steps as Record<string, any>[]).find((s) => s.op === 'open-stream')!
    open.format = { subtype: 'RGB24', width: 320, height: 240, fps: 15 }
    const report = new Session({ driver: d, scenario, timeLimitNs: 70e9 }).run()
    expect(report.failures.join('; ')).toMatch(/STATUS_NO_MATCH/)
    expect(report.verifier).toEqual([])
  })

  it('lets the class driver answer VideoProcAmp BASICSUPPORT and DEFAULTVALUES from its Values; GET and SET reach the driver', async () => {
    const d = await compiled()
    const scenario: Scenario = { name: 'procamp', device: { card: 'none' }, steps: [{ op: 'start-device' }, { op: 'wait', duration: '2s' }] }
    const session = new Session({ driver: d, scenario, timeLimitNs: 30e9 })
    session.start()
    session.step(null, 50e6)
    const ask = (Id: number, Flags: number, outputSize: number, data?: Record<string, unknown>): KsPropertyResult => {
      let result: KsPropertyResult | null = null
      session.device!.ksProperty(null, { Property: { Set: S.PROPSETID_VIDCAP_VIDEOPROCAMP, Id, Flags }, outputSize, data }, (r) => (result = r))
      session.step(null, session.machine.kernel.now() + 10e6)
      return result!
    }
    const defaults = ask(S.KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, S.KSPROPERTY_TYPE_DEFAULTVALUES, 200)
    expect(defaults.srb).toBeNull()
    expect(defaults.data.MembersList).toEqual([{ MembersHeader: { MembersFlags: S.KSPROPERTY_MEMBER_VALUES, MembersSize: 4, MembersCount: 1, Flags: S.KSPROPERTY_MEMBER_FLAG_DEFAULT }, Members: [5000] }])
    const basic = ask(S.KSPROPERTY_VIDEOPROCAMP_CONTRAST, S.KSPROPERTY_TYPE_BASICSUPPORT, 200)
    expect(basic.srb).toBeNull()
    expect(basic.data.MembersList[0].Members).toEqual([{ SteppingDelta: 1, Reserved: 0, Bounds: { SignedMinimum: 0, SignedMaximum: 10000 } }])
    const PROCAMP = S.sizeof('KSPROPERTY_VIDEOPROCAMP_S')
    expect(ask(S.KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, S.KSPROPERTY_TYPE_SET, PROCAMP, { Value: 7000, Flags: S.KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL }).status).toBe(S.STATUS_SUCCESS)
    const get = ask(S.KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, S.KSPROPERTY_TYPE_GET, PROCAMP)
    expect(get.srb).not.toBeNull()
    expect(get).toMatchObject({ status: S.STATUS_SUCCESS, bytes: PROCAMP, data: { Value: 7000 } })
    expect(session.report().verifier).toEqual([])
  })
})
