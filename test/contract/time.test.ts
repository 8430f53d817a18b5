import { describe, expect, it } from 'vitest'
import { durationSpec, formatTime, parseTime, timeInputText } from '../../main/contract/time.js'

describe('parseTime', () => {
  it('reads the units people type, as the command line does', () => {
    expect(parseTime('1.5s')).toEqual({ ok: true, ns: 1_500_000_000 })
    expect(parseTime('500ms')).toEqual({ ok: true, ns: 500_000_000 })
    expect(parseTime('250us')).toEqual({ ok: true, ns: 250_000 })
    expect(parseTime('250µs')).toEqual({ ok: true, ns: 250_000 })
    expect(parseTime(' 2 s ')).toEqual({ ok: true, ns: 2_000_000_000 })
    expect(parseTime('800ns')).toEqual({ ok: true, ns: 800 })
    expect(parseTime('1m')).toEqual({ ok: true, ns: 60_000_000_000 })
    // A bare number is nanoseconds, as in scenario files.
    expect(parseTime('1200')).toEqual({ ok: true, ns: 1200 })
    expect(parseTime('.5ms')).toEqual({ ok: true, ns: 500_000 })
  })

  it('rejects what is not a time, with an example of what is', () => {
    expect(parseTime('')).toMatchObject({ ok: false, error: expect.stringMatching(/enter a time/) })
    expect(parseTime('1.5 sec')).toMatchObject({ ok: false, error: expect.stringMatching(/"1.5 sec" is not a time \(e.g. 1.5s/) })
    expect(parseTime('-1s')).toMatchObject({ ok: false })
    expect(parseTime('1e3s')).toMatchObject({ ok: false })
  })
})

describe('time text', () => {
  it('shows a time in the unit that suits it', () => {
    expect(formatTime(1_500_000_000)).toBe('1.5 s')
    expect(formatTime(12_250_000)).toBe('12.25 ms')
    expect(formatTime(250_000)).toBe('250 µs')
    expect(formatTime(800)).toBe('800 ns')
    expect(formatTime(0)).toBe('0 ns')
  })

  it('writes a time box text that parses back to the same nanosecond', () => {
    for (const ns of [0, 800, 250_000, 1_500_000_000, 1_234_567_891, 33_366_700, 5_000_001]) {
      const text = timeInputText(ns)
      expect(parseTime(text), text).toEqual({ ok: true, ns })
    }
    expect(timeInputText(1_500_000_000)).toBe('1.5s')
    expect(timeInputText(250_000)).toBe('250us')
  })

  it('gives durations to the backend in exact nanoseconds', () => {
    expect(durationSpec(50_000_000)).toBe('50000000ns')
    expect(parseTime(durationSpec(1234))).toEqual({ ok: true, ns: 1234 })
  })
})
