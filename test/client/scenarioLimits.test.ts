import { describe, expect, it } from 'vitest'
import { MAX_REPEAT_DEPTH, MAX_STEP_RUNS, MAX_VIRTUAL_NS } from '../../main/client/scenario/limits.js'
import { buildPreset, presetNames } from '../../main/client/scenario/presets.js'
import { parseScenario, ScenarioError, validateScenario } from '../../main/client/scenario/validate.js'
import { probe, runDriver, START } from '../helpers/run.js'

/** The bounds of docs/scenarios.md "Limits": a mistyped number is an invalid scenario, not a run without end. */

function problems(value: unknown): string[] {
  try {
    validateScenario(value, 'limits.json')
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems
    throw e
  }
  return []
}

function textProblems(text: string): string[] {
  try {
    parseScenario(text, 'limits.json')
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems
    throw e
  }
  return []
}

const OPEN = [{ op: 'start-device' }, { op: 'open-stream', stream: 0 }]

/** `depth` repeats, each the only step of the one around it, with a wait inside the innermost. */
function nested(depth: number): Record<string, unknown> {
  let step: Record<string, unknown> = { op: 'wait', duration: '1ms' }
  for (let i = 0; i < depth; i++) step = { op: 'repeat', times: 1, steps: [step] }
  return step
}

describe('scenario limits', () => {
  it('caps any one duration at 10 minutes of virtual time, as a number or as text', () => {
    expect(MAX_VIRTUAL_NS).toBe(600e9)
    expect(problems({ name: 'x', steps: [{ op: 'wait', duration: 1e300 }] })).toEqual(['step 1 (wait): field \'duration\' is 1e+300, more than 10 min, the longest virtual time a run may take'])
    expect(problems({ name: 'x', steps: [...OPEN, { op: 'wait-frames', count: 1, timeout: '11m' }, { op: 'fault', fault: 'frame-drop', at: '601s' }] })).toEqual([
      'step 3 (wait-frames): field \'timeout\' is "11m", more than 10 min, the longest virtual time a run may take',
      'step 4 (fault): field \'at\' is "601s", more than 10 min, the longest virtual time a run may take',
    ])
    expect(problems({ name: 'x', steps: [{ op: 'wait', duration: '10m' }] })).toEqual([])
  })

  it('caps the waits added up, repeats counted', () => {
    const p = problems({ name: 'x', steps: [{ op: 'repeat', times: 1000, steps: [{ op: 'wait', duration: '1s' }] }] })
    expect(p).toEqual(["the scenario's waits add up to 1000 s (repeats counted), more than 10 min, the longest virtual time a run may take"])
  })

  it('caps how many times steps run in all, counts and repeats multiplied', () => {
    expect(MAX_STEP_RUNS).toBe(1_000_000)
    const p = problems({ name: 'x', steps: [...OPEN, { op: 'repeat', times: 100_000, steps: [{ op: 'get-state', stream: 0, count: 100 }] }] })
    expect(p).toEqual(["the scenario's steps run 10,000,003 times in all (each count and repeat multiplied); at most 1,000,000"])
    expect(problems({ name: 'x', steps: [...OPEN, { op: 'repeat', times: 10_000, steps: [{ op: 'get-state', stream: 0, count: 99 }] }] })).toEqual([])
  })

  it('bounds the numbers that size memory: write bytes, counts, property sizes, bandwidth', () => {
    expect(
      problems({
        name: 'x',
        device: { bandwidthMBps: 0.000001 },
        steps: [
          ...OPEN,
          { op: 'write', stream: 0, buffers: 1, bytes: 1e12 },
          { op: 'wait-frames', count: 1e12 },
          { op: 'get-property', set: 'KSPROPSETID_Connection', id: 0, size: 1e12 },
          { op: 'fault', fault: 'frame-drop', count: 0 },
        ],
      }),
    ).toEqual([
      "field 'device.bandwidthMBps' must be at least 1",
      "step 3 (write): field 'bytes' must be at most 1,073,741,824 (1 GiB, the largest buffer the client allocates)",
      'step 4 (wait-frames): field \'count\' must be at most 100,000,000 (see "Limits" in docs/scenarios.md)',
      "step 5 (get-property): field 'size' must be at most 4,294,967,295",
      "step 6 (fault): field 'count' must be at least 1",
    ])
  })

  it(`lets repeats nest ${MAX_REPEAT_DEPTH} deep and names the step that goes deeper`, () => {
    expect(problems({ name: 'x', steps: [{ op: 'start-device' }, nested(MAX_REPEAT_DEPTH)] })).toEqual([])
    expect(problems({ name: 'x', steps: [{ op: 'start-device' }, nested(MAX_REPEAT_DEPTH + 1)] })).toEqual([
      'step 2.1.1.1.1.1.1.1.1.1.1 (repeat): repeats nest at most 10 deep, and this one is inside 10 others',
    ])
  })

  it('refuses a file nested 5,000 repeats deep with the file, line, column and step, not a stack overflow', () => {
    // Built as text: JSON.stringify of the object would itself overflow the stack.
    let inner = '{"op":"wait","duration":"1ms"}'
    for (let i = 0; i < 5000; i++) inner = `{"op":"repeat","times":1,"steps":[${inner}]}`
    const text = `{"name":"deep","steps":[{"op":"start-device"},${inner}]}`
    let error: unknown
    try {
      parseScenario(text, 'deep.json')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ScenarioError)
    expect((error as Error).message).toMatch(/^deep\.json: invalid scenario\n {2}- line 1, column \d+: step 2\.1\.1\.1\.1\.1\.1\.1\.1\.1\.1 \(repeat\): repeats nest at most 10 deep, and this one is inside 10 others$/)
    // A deep value that is not steps: the line, column and the step it is in.
    const value = `{"name":"v","steps":[{"op":"set-property","set":"KSPROPSETID_Connection","id":0,"value":{"a":${'['.repeat(100)}${']'.repeat(100)}}}]}`
    expect(textProblems(value)).toEqual([expect.stringMatching(/^line 1, column \d+: nested more than 64 levels deep \(in step 1\)$/)])
  })

  it('accepts a file that starts with a UTF-8 byte order mark (Notepad writes one)', () => {
    const scenario = parseScenario('\uFEFF{ "name": "bom", "steps": [ { "op": "start-device" } ] }', 'bom.json')
    expect(scenario.name).toBe('bom')
    // Line and column of a syntax error are those of the text without it.
    expect(textProblems('\uFEFF{\n  "name": "x",\n  "steps": [\n}')[0]).toBe('line 4, column 1: ValueExpected ("}")')
  })

  it('checks the settings a scenario sets, the wall-clock limit included', () => {
    expect(problems({ name: 'x', settings: { wallClockLimitSeconds: 0, dataTimeoutSeconds: 'long', initialStatus: 'maybe', nope: 1 }, steps: [{ op: 'start-device' }] })).toEqual([
      "field 'settings.wallClockLimitSeconds' must be a positive number of seconds",
      "field 'settings.dataTimeoutSeconds' must be a number, like its default 30",
      "field 'settings.initialStatus' must be one of 'poison', 'pending'",
      expect.stringMatching(/^field 'settings\.nope' is not a setting \(settings: deviceTimeoutSeconds, .*wallClockLimitSeconds/),
    ])
    expect(problems({ name: 'x', settings: { wallClockLimitSeconds: 0.05 }, steps: [{ op: 'start-device' }] })).toEqual([])
  })

  it('builds every preset at the longest duration as a valid scenario', () => {
    for (const name of presetNames()) expect(problems(buildPreset(name, { durationNs: MAX_VIRTUAL_NS })), name).toEqual([])
  })

  it('fails a step at run time whose buffers the driver\'s format makes too large', async () => {
    // The driver under test declares 512 MiB frames: four in flight would be 2 GiB.
    const huge = await runDriver(probe('', "import { range } from './base'\nrange.DataRange.SampleSize = 512 * 1024 * 1024"), [...START, { op: 'read', stream: 0, buffers: 4 }])
    expect(huge.report.run).toMatchObject({ completed: false, step: '3 (read)' })
    expect(huge.report.failures).toContain('read: 4 buffers of 536870912 bytes are 2048 MiB, more than the 1024 MiB a stream may have in flight (docs/scenarios.md, Limits)')
    const write = await runDriver(probe(), [...START, { op: 'write', stream: 0, buffers: 1, bytes: 1_000_000 }])
    expect(write.report.run).toMatchObject({ completed: false, step: '3 (write)' })
    expect(write.report.failures).toContain("write of 1000000 bytes: the stream's buffers hold 153600 bytes")
  })
})
