import { describe, expect, it } from 'vitest'
import { buildPreset } from '../../main/client/scenario/presets.js'
import { ScenarioError, validateScenario } from '../../main/client/scenario/validate.js'
import type { Step } from '../../main/client/scenario/schema.js'
import { presetResult } from '../../main/contract/report.js'
import { runDriver } from '../helpers/run.js'
import { exactMatchDriver, type DriverRange } from './formatDriver.js'

/**
 * Formats come from the driver (issue 11, item 1): the client reads the pin's data ranges, hands one
 * of the driver's own ranges back to SRB_GET_DATA_INTERSECTION and opens the stream with the format
 * the driver returned. The drivers here match the caller's range exactly, as DDK testcap does.
 */

const YUY2_640 = { subtype: 'YUY2', width: 640, height: 480, fps: 30 } as const
const RGB24_320 = { subtype: 'RGB24', width: 320, height: 240, fps: 30 } as const
const UYVY_320 = { subtype: 'UYVY', width: 320, height: 240, fps: 30 } as const

async function runPreset(name: string, ranges: DriverRange[], options: Parameters<typeof exactMatchDriver>[1] = {}) {
  const preset = buildPreset(name, { durationNs: 1e9 })
  return runDriver(exactMatchDriver(ranges, options), preset.steps, { expect: preset.expect, name: 'formatcap' })
}

const open = (extra: Record<string, unknown>): Step[] => [
  { op: 'start-device' },
  { op: 'open-stream', stream: 0, ...extra } as Step,
  { op: 'close-stream', stream: 0 },
  { op: 'stop-device' },
]

describe('formats from the driver', () => {
  it('passes the capture preset on a driver whose intersection matches exactly, and the report names the format that ran', async () => {
    const { report, driver } = await runPreset('capture', [RGB24_320, YUY2_640])
    expect(report.failures).toEqual([])
    expect(report.result).toBe('pass')
    expect(report.frames.delivered).toBeGreaterThan(25)
    // The preferred YUY2 640x480 at 30 fps is the driver's range 1: that range went back, unchanged.
    expect(driver.intersections).toEqual([1])
    expect(report.run.formats).toEqual([{ stream: 0, kind: 'video', format: 'YUY2 640x480 @ 30 fps', range: 1, chosen: 'preferred' }])
  })

  it('runs the capture preset in RGB24 320x240 on a driver that offers only that', async () => {
    const { report, driver } = await runPreset('capture', [RGB24_320])
    expect(report.failures).toEqual([])
    expect(report.run.formats).toEqual([{ stream: 0, kind: 'video', format: 'RGB24 320x240 @ 30 fps', range: 0, chosen: 'first' }])
    const opened = driver.opened[0]
    expect([opened.VideoInfoHeader.bmiHeader.biWidth, opened.VideoInfoHeader.bmiHeader.biHeight, opened.VideoInfoHeader.bmiHeader.biBitCount]).toEqual([320, 240, 24])
  })

  it('finds format-change not applicable on a driver with one format, and runs it with two', async () => {
    const one = await runPreset('format-change', [RGB24_320])
    expect(one.report.run.unsupported).toBe(true)
    expect(one.report.run.reason).toMatch(/^step 2 \(open-stream\): not applicable: stream 0 declares 1 data range \(0: RGB24 320x240 @ 30 fps\); the step needs 2$/)
    expect(presetResult(one.report)).toBe('skip')
    expect(one.driver.intersections).toEqual([])

    const two = await runPreset('format-change', [RGB24_320, UYVY_320])
    expect(two.report.failures).toEqual([])
    expect(two.report.run.formats?.map((f) => [f.range, f.format])).toEqual([
      [0, 'RGB24 320x240 @ 30 fps'],
      [1, 'UYVY 320x240 @ 30 fps'],
    ])
  })

  it('finds audio-capture not applicable on a driver without audio, also when start-device produced findings', async () => {
    const { report } = await runPreset('audio-capture', [RGB24_320])
    expect(report.run.unsupported).toBe(true)
    expect(report.run.reason).toBe('the driver has no audio stream')
    expect(presetResult(report)).toBe('skip')

    // A finding in start-device is the driver's, and every other preset reports it; this one still does not apply.
    const noisy = await runPreset('audio-capture', [RGB24_320], { doubleCompleteInit: true })
    expect(noisy.report.verifierErrors).toBeGreaterThan(0)
    expect(noisy.report.run.unsupported).toBe(true)
    expect(presetResult(noisy.report)).toBe('skip')
  })

  it('opens the range a scenario picks by index, as the driver declared it', async () => {
    const { report, driver } = await runDriver(exactMatchDriver([RGB24_320, UYVY_320]), open({ range: 1 }))
    expect(report.failures).toEqual([])
    expect(driver.intersections).toEqual([1])
    expect(report.run.formats).toEqual([{ stream: 0, kind: 'video', format: 'UYVY 320x240 @ 30 fps', range: 1, chosen: 'index' }])
  })

  it('still takes an explicit format: the driver range that offers it, or a clear failure when none does', async () => {
    const offered = await runDriver(exactMatchDriver([RGB24_320, UYVY_320]), open({ format: UYVY_320 }))
    expect(offered.report.failures).toEqual([])
    expect(offered.report.run.formats?.[0]).toMatchObject({ range: 1, chosen: 'requested' })

    // A format the driver does not declare: the client's own range, which an exact-match driver refuses.
    const missing = await runDriver(exactMatchDriver([RGB24_320]), open({ format: YUY2_640 }))
    expect(missing.report.result).toBe('fail')
    expect(missing.report.failures[0]).toBe("no format of stream 0 matches YUY2 640x480 @ 30 fps (the client's own range; SRB_GET_DATA_INTERSECTION: STATUS_NO_MATCH)")
  })

  it('fails a range index past the driver\'s ranges, naming the step, the field and the ranges there are', async () => {
    const { report } = await runDriver(exactMatchDriver([RGB24_320, UYVY_320]), open({ range: 2 }))
    expect(report.result).toBe('fail')
    expect(report.run.unsupported).toBeUndefined()
    expect(report.run.reason).toBe("step 2 (open-stream): field 'range' asks for data range 2 of stream 0, which declares 2 data ranges (0: RGB24 320x240 @ 30 fps, 1: UYVY 320x240 @ 30 fps)")
  })

  it('refuses a bad range index or two ways of choosing the range when validating, naming the step and the field', () => {
    const problems = (steps: unknown[]) => {
      try {
        validateScenario({ name: 'x', steps }, 'test.json')
        return []
      } catch (e) {
        if (e instanceof ScenarioError) return e.problems
        throw e
      }
    }
    expect(problems([{ op: 'start-device' }, { op: 'open-stream', stream: 0, range: -1 }])).toEqual(["step 2 (open-stream): field 'range' must be at least 0"])
    expect(problems([{ op: 'open-stream', stream: 0, range: 'first' }])).toEqual(["step 1 (open-stream): field 'range' must be integer"])
    expect(problems([{ op: 'open-stream', stream: 0, range: 1, format: YUY2_640 }])).toEqual(["step 1 (open-stream): fields 'format' and 'range' each choose the data range; give one"])
  })
})
