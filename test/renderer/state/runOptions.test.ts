import { describe, expect, it } from 'vitest'
import { checkDuration, parseSeed, scenarioOptions } from '../../../renderer/state/runOptions.js'
import { parseSpeed, speedLabel, speedOptions } from '../../../renderer/state/speeds.js'

describe('run options', () => {
  const presets = [
    { name: 'capture', description: 'capture' },
    { name: 'start-stop', description: 'start and stop' },
  ]
  const files = [
    { path: 'driver.ts', kind: 'driver' as const, content: '' },
    { path: 'scenarios/lost.json', kind: 'scenario' as const, content: '' },
  ]

  it('offers the presets, then the project scenario files', () => {
    expect(scenarioOptions(presets, files, 'capture').map((o) => `${o.group}:${o.value}`)).toEqual(['Presets:capture', 'Presets:start-stop', 'Project:scenarios/lost.json'])
  })

  it('keeps a scenario the settings name even when nothing lists it', () => {
    expect(scenarioOptions(presets, files, 'other/x.json').at(-1)).toMatchObject({ value: 'other/x.json', group: 'Project' })
    expect(scenarioOptions(presets, files, 'soak').at(-1)).toMatchObject({ value: 'soak', group: 'Presets' })
  })

  it('checks seeds and durations with messages that name the field', () => {
    expect(parseSeed(' 42 ')).toBe(42)
    expect(() => parseSeed('-1')).toThrow('seed: "-1" is not a whole number')
    expect(() => parseSeed('4294967296')).toThrow('larger than 4294967295')
    expect(checkDuration(' 1.5 s')).toBe('1.5s')
    expect(checkDuration('500ms')).toBe('500ms')
    expect(() => checkDuration('0s')).toThrow('duration: "0s"')
    expect(() => checkDuration('2 days')).toThrow('should look like 2s, 500ms or 1.5s')
  })
})

describe('speeds', () => {
  it('labels and parses the toolbar speeds', () => {
    expect(speedOptions().map((o) => o.label)).toEqual(['0.25x', '1x real time', '4x', 'fast (no wall clock)'])
    expect(parseSpeed('fast')).toBe('fast')
    expect(parseSpeed('0.25')).toBe(0.25)
    expect(() => parseSpeed('0')).toThrow('speed: "0" is neither a positive number nor "fast"')
    expect(speedLabel(2)).toBe('2x')
  })

  it('adds the project’s own speed in order', () => {
    expect(speedOptions(2).map((o) => o.key)).toEqual(['0.25', '1', '2', '4', 'fast'])
    expect(speedOptions(10).map((o) => o.key)).toEqual(['0.25', '1', '4', '10', 'fast'])
    expect(speedOptions(1).map((o) => o.key)).toEqual(['0.25', '1', '4', 'fast'])
  })
})
