import { describe, expect, it } from 'vitest'
import { buildPreset, presetNames } from '../../main/client/scenario/presets.js'
import { parseScenario, ScenarioError, validateScenario } from '../../main/client/scenario/validate.js'

/** Scenario files are validated with a schema; every problem names the step and the field. */

function problems(value: unknown): string[] {
  try {
    validateScenario(value, 'test.json')
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems
    throw e
  }
  return []
}

describe('scenario validation', () => {
  it('accepts the example of product-spec section 4', () => {
    const example = {
      name: 'capture-basic',
      device: { card: 'vcap1', bandwidthMBps: 400 },
      steps: [
        { op: 'start-device' },
        { op: 'open-stream', stream: 0, format: { subtype: 'YUY2', width: 640, height: 480, fps: 30 } },
        { op: 'indicate-master-clock', stream: 0 },
        { op: 'set-state', stream: 0, state: 'PAUSE' },
        { op: 'read', stream: 0, buffers: 4, continuous: true },
        { op: 'set-state', stream: 0, state: 'RUN' },
        { op: 'wait', duration: '2s' },
        { op: 'set-state', stream: 0, state: 'STOP' },
        { op: 'close-stream', stream: 0 },
        { op: 'stop-device' },
      ],
      expect: { minFrames: 55, maxDropped: 0 },
    }
    expect(problems(example)).toEqual([])
  })

  it('names the step and the field of each problem, all at once', () => {
    const p = problems({
      name: 'bad',
      steps: [
        { op: 'start-device', extra: 1 },
        { op: 'open-stream', stream: 0, format: { subtype: 'YUY2', width: 'wide' } },
        { op: 'wait', duration: 'soon' },
        { op: 'read', stream: 0 },
        { op: 'get-property', set: 'NOT_A_SET', id: 0 },
        { op: 'send', command: 'SRB_FROBNICATE' },
        { op: 'repeat', times: 2, steps: [{ op: 'set-state', stream: 0, state: 'running' }] },
        { op: 'opne-stream' },
      ],
    })
    expect(p).toEqual([
      "step 1 (start-device): the step has an unknown field 'extra'",
      "step 2 (open-stream): field 'format.width' must be integer",
      'step 3 (wait): field \'duration\' is not a duration such as "2s", "500ms" or "250us": "soon"',
      "step 4 (read): the step is missing 'buffers'",
      "step 5 (get-property): field 'set' is neither a GUID nor a known set name: 'NOT_A_SET'",
      "step 6 (send): field 'command' is not an SRB command: 'SRB_FROBNICATE'",
      `step 7.1 (set-state): field 'state' must be one of "STOP", "ACQUIRE", "PAUSE", "RUN"`,
      expect.stringMatching(/^step 8: unknown op 'opne-stream' \(did you mean 'open-stream'\?\); known ops: start-device, /),
    ])
  })

  it('reports JSON syntax errors with their line and column', () => {
    expect(() => parseScenario('{\n  "name": "x",\n  "steps": [\n}', 'broken.json')).toThrow(/broken\.json: invalid scenario\n {2}- line 4, column 1: ValueExpected \("}"\)/)
  })

  it('builds every preset as a valid scenario', () => {
    for (const name of presetNames()) {
      const scenario = buildPreset(name, { durationNs: 3e9 })
      expect(problems(scenario), name).toEqual([])
    }
    expect(presetNames()).toEqual(
      expect.arrayContaining(['capture', 'start-stop', 'pause-run', 'starvation', 'cancel-storm', 'close-while-running', 'surprise-removal', 'power-cycle', 'format-change', 'audio-capture']),
    )
  })

  it('makes --duration the main wait of a preset', () => {
    const capture = buildPreset('capture', { durationNs: 10e9 })
    expect(capture.steps).toContainEqual({ op: 'wait', duration: '10000ms' })
    expect(capture.expect).toMatchObject({ minFrames: 284, maxDropped: 0 })
  })
})
