import { describe, expect, it } from 'vitest'
import { summarizeComparison } from '../../../renderer/state/comparisonSummary.js'
import { comparison } from './scriptedBackend.js'

describe('comparison summary', () => {
  it('says where two runs first diverged and what changed', () => {
    const s = summarizeComparison(comparison(2, 3, 30_609_343))
    expect(s.identical).toBe(false)
    expect(s.headline).toBe('run 3 against run 2: first diverged at 30.609343 ms on CPU 0')
    expect(s.jumpNs).toBe(30_609_343)
    expect(s.details).toEqual(['frames dropped: 0 → 2', 'double-completion: 3 → 0'])
  })

  it('says so when they are identical, with nothing to jump to', () => {
    const s = summarizeComparison(comparison(1, 2, null))
    expect(s).toMatchObject({ identical: true, headline: 'No difference: run 2 against run 1 is identical', jumpNs: null, details: [] })
  })
})
