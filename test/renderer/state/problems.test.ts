import { describe, expect, it } from 'vitest'
import type { Problem } from '../../../main/contract/api.js'
import { countProblems, locationText, problemsByFile, problemSummary, sortProblems, stepIndex, timeText } from '../../../renderer/state/problems.js'

const at = (file: string, line: number) => ({ file, line, column: 1 })

describe('problems', () => {
  it('lists what blocks a run first (by file and line), then what runs found in time order', () => {
    const list: Problem[] = [
      { source: 'verifier', severity: 'warning', message: 'late', timeNs: 9e6 },
      { source: 'compile', severity: 'error', message: 'b:3', location: at('b.ts', 3) },
      { source: 'bugcheck', severity: 'error', message: 'early', timeNs: 1e6 },
      { source: 'compile', severity: 'error', message: 'a:9', location: at('a.ts', 9) },
      { source: 'expectation', severity: 'error', message: 'no time' },
      { source: 'scenario', severity: 'error', message: 'a:2', location: at('a.ts', 2) },
    ]
    expect(sortProblems(list).map((p) => p.message)).toEqual(['a:2', 'a:9', 'b:3', 'early', 'late', 'no time'])
  })

  it('orders problems at the same time by severity, then as given', () => {
    const list: Problem[] = [
      { source: 'verifier', severity: 'warning', message: 'w', timeNs: 5 },
      { source: 'verifier', severity: 'error', message: 'e1', timeNs: 5 },
      { source: 'verifier', severity: 'error', message: 'e2', timeNs: 5 },
    ]
    expect(sortProblems(list).map((p) => p.message)).toEqual(['e1', 'e2', 'w'])
  })

  it('counts, places and summarises problems', () => {
    const p: Problem = { source: 'verifier', severity: 'error', message: 'SRB 3 completed twice', code: 'double-completion', location: { file: 'driver.ts', line: 12, column: 5 }, timeNs: 1_500_000 }
    expect(countProblems([p, { ...p, severity: 'warning' }, p])).toEqual({ error: 2, warning: 1, info: 0 })
    expect(locationText(p)).toBe('driver.ts:12:5')
    expect(timeText(p)).toBe('1.5 ms')
    expect(problemSummary(p)).toBe('error: SRB 3 completed twice (double-completion), at driver.ts:12:5, t = 1.5 ms')
    expect(problemSummary({ source: 'project', severity: 'info', message: 'm' })).toBe('info: m')
  })

  it('groups located problems by file', () => {
    const a: Problem = { source: 'compile', severity: 'error', message: 'x', location: at('a.ts', 1) }
    const g = problemsByFile([a, { source: 'bugcheck', severity: 'error', message: 'no place' }, a])
    expect([...g.keys()]).toEqual(['a.ts'])
    expect(g.get('a.ts')).toHaveLength(2)
  })

  it('steps through a list, wrapping, starting at an end when nothing is selected', () => {
    expect(stepIndex(-1, 1, 3)).toBe(0)
    expect(stepIndex(-1, -1, 3)).toBe(2)
    expect(stepIndex(2, 1, 3)).toBe(0)
    expect(stepIndex(0, -1, 3)).toBe(2)
    expect(stepIndex(0, 1, 0)).toBe(-1)
  })
})
