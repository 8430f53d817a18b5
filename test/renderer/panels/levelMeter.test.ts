import { describe, expect, it } from 'vitest'
import type { AudioLevel } from '../../../main/contract/api.js'
import { FALL_DB_PER_S, FLOOR_DB, formatDb, HOLD_MS, LevelMeter, meterFraction, toDb } from '../../../renderer/panels/levelMeter.js'

const level = (peak: number[], rms: number[], timeNs = 0): AudioLevel => ({ runId: 1, timeNs, peak, rms })

describe('dB conversion', () => {
  it('maps full scale to 0 dBFS, half to about -6, silence to the floor', () => {
    expect(toDb(1)).toBe(0)
    expect(toDb(0.5)).toBeCloseTo(-6.02, 2)
    expect(toDb(0.1)).toBeCloseTo(-20, 6)
    expect(toDb(0)).toBe(FLOOR_DB)
    expect(toDb(1e-9)).toBe(FLOOR_DB)
    expect(toDb(Number.NaN)).toBe(FLOOR_DB)
  })

  it('places levels on the meter from the floor (0) to full scale (1)', () => {
    expect(meterFraction(0)).toBe(1)
    expect(meterFraction(FLOOR_DB)).toBe(0)
    expect(meterFraction(-30)).toBeCloseTo(0.5)
    expect(meterFraction(3)).toBe(1)
    expect(meterFraction(-100)).toBe(0)
    expect(formatDb(-6.0206)).toBe('-6.0 dB')
    expect(formatDb(FLOOR_DB)).toBe('-∞ dB')
  })
})

describe('LevelMeter', () => {
  it('rises at once and falls at the set rate between measurements', () => {
    const m = new LevelMeter()
    m.update(level([1, 0.5], [0.5, 0.25]), 0)
    const [l, r] = m.read(0)
    expect(l.peakDb).toBe(0)
    expect(r.peakDb).toBeCloseTo(-6.02, 2)
    expect(l.rmsDb).toBeCloseTo(-6.02, 2)
    const later = m.read(500)
    expect(later[0].peakDb).toBeCloseTo(-FALL_DB_PER_S * 0.5)
    expect(later[1].rmsDb).toBeCloseTo(toDb(0.25) - FALL_DB_PER_S * 0.5)
  })

  it('a quieter measurement does not pull the bar down faster than it falls', () => {
    const m = new LevelMeter()
    m.update(level([1], [1]), 0)
    m.update(level([0.001], [0.001]), 100)
    expect(m.read(100)[0].peakDb).toBeCloseTo(-FALL_DB_PER_S * 0.1)
    // A louder one lifts it at once.
    m.update(level([0.9], [0.9]), 200)
    expect(m.read(200)[0].peakDb).toBeCloseTo(toDb(0.9))
  })

  it('holds the peak tick, then lets it fall; reaches the floor and stops moving', () => {
    const m = new LevelMeter()
    m.update(level([0.5], [0.1]), 0)
    m.update(level([0.1], [0.05]), 1000)
    expect(m.read(1000)[0].holdDb).toBeCloseTo(toDb(0.5))
    expect(m.read(HOLD_MS)[0].holdDb).toBeCloseTo(toDb(0.5))
    expect(m.read(HOLD_MS + 1000)[0].holdDb).toBeCloseTo(toDb(0.5) - FALL_DB_PER_S)
    expect(m.moving(HOLD_MS + 1000)).toBe(true)
    expect(m.read(60_000)[0]).toMatchObject({ peakDb: FLOOR_DB, rmsDb: FLOOR_DB, holdDb: FLOOR_DB })
    expect(m.moving(60_000)).toBe(false)
  })

  it('remembers clipping and forgets everything on reset', () => {
    const m = new LevelMeter()
    m.update(level([1.0], [0.7], 5), 0)
    m.update(level([0.2], [0.1], 6), 10)
    expect(m.read(10)[0].clipped).toBe(true)
    expect(m.lastTimeNs).toBe(6)
    m.reset()
    expect(m.read(10)).toEqual([])
    expect(m.lastTimeNs).toBeNull()
  })
})
