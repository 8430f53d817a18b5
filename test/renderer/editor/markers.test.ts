import { describe, expect, it } from 'vitest'
import type { Problem } from '../../../main/contract/api.js'
import { MarkerSeverity, diagnosticProblem, markerColumns, markersForFile, problemMarker } from '../../../renderer/editor/markers.js'

const LINE = '  StreamClassStreamNotification(StreamRequestComplete, srb.StreamObject!, srb)'

describe('problem markers', () => {
  it('underlines the identifier at the column, or the one just before a call paren', () => {
    expect(markerColumns(LINE, 3)).toEqual({ start: 3, end: 32 })
    expect(markerColumns(LINE, 10)).toEqual({ start: 3, end: 32 })
    // column 32 is the '(' right after the name
    expect(markerColumns(LINE, 32)).toEqual({ start: 3, end: 32 })
    // 'StreamObject' after 'srb.'
    const at = LINE.indexOf('StreamObject') + 1
    expect(markerColumns(LINE, at)).toEqual({ start: at, end: at + 'StreamObject'.length })
  })

  it('column 1 of an indented line means its statement', () => {
    expect(markerColumns(LINE, 1)).toEqual({ start: 3, end: 32 })
  })

  it('a column past the text, or punctuation with nothing after, marks the end of the text', () => {
    expect(markerColumns('  }', 3)).toEqual({ start: 3, end: 4 })
    expect(markerColumns('x = 1;   ', 40)).toEqual({ start: 6, end: 7 })
    expect(markerColumns('', 1)).toEqual({ start: 1, end: 1 })
  })

  it('carries severity, source, code and the run-time context into the marker', () => {
    const p: Problem = {
      source: 'verifier',
      severity: 'error',
      message: 'SRB_READ_DATA #10 completed a second time',
      code: 'double-completion',
      location: { file: 'driver.ts', line: 927, column: 3 },
      timeNs: 30_612_000,
      callback: 'ServiceRead',
      srbId: 10,
    }
    expect(problemMarker(p, LINE)).toEqual({
      severity: MarkerSeverity.Error,
      message: 'SRB_READ_DATA #10 completed a second time (at 30.612 ms, in ServiceRead, SRB 10)',
      source: 'verifier',
      code: 'double-completion',
      startLineNumber: 927,
      startColumn: 3,
      endLineNumber: 927,
      endColumn: 32,
    })
    expect(problemMarker({ source: 'bugcheck', severity: 'warning', message: 'm', location: { file: 'a.ts', line: 1, column: 1 } }, 'x').severity).toBe(MarkerSeverity.Warning)
    expect(() => problemMarker({ source: 'project', severity: 'info', message: 'nowhere' }, '')).toThrow('"nowhere" has no location')
  })

  it('one marker per place for a finding that repeats, with the count', () => {
    const at = (line: number, timeNs: number): Problem => ({ source: 'verifier', severity: 'error', message: 'twice', code: 'double-completion', location: { file: 'driver.ts', line, column: 3 }, timeNs })
    const problems: Problem[] = [at(927, 1e6), at(927, 2e6), at(927, 3e6), at(12, 4e6), { ...at(5, 1), location: { file: 'other.ts', line: 5, column: 1 } }]
    const markers = markersForFile(problems, 'driver.ts', () => LINE)
    expect(markers.map((m) => [m.startLineNumber, m.message])).toEqual([
      [927, 'twice (at 1 ms) (3 times; first shown)'],
      [12, 'twice (at 4 ms)'],
    ])
  })

  it('the editor’s own TypeScript errors become problems at their place; hints do not', () => {
    const m = { owner: 'typescript', severity: MarkerSeverity.Error, message: "Type 'string' is not assignable to type 'number'.", code: '2322', startLineNumber: 4, startColumn: 9 }
    expect(diagnosticProblem(m, 'driver.ts')).toEqual({
      source: 'compile',
      severity: 'error',
      message: "Type 'string' is not assignable to type 'number'.",
      code: 'ts(2322)',
      location: { file: 'driver.ts', line: 4, column: 9 },
    })
    expect(diagnosticProblem({ ...m, severity: MarkerSeverity.Warning, code: { value: '6133' } }, 'a.ts')).toMatchObject({ severity: 'warning', code: 'ts(6133)' })
    expect(diagnosticProblem({ ...m, severity: MarkerSeverity.Hint }, 'a.ts')).toBeNull()
  })
})
