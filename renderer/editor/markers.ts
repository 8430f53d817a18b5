import type { Problem } from '../../main/contract/api.js'
import { formatDuration } from '../timeline/timeFormat.js'

/**
 * Problems as editor markers at the user's lines: compile errors, verifier findings, bug checks,
 * scenario errors. Pure (Monaco's marker data is plain numbers and strings), so the mapping is tested
 * in Node; CodeEditor.vue hands the result to `monaco.editor.setModelMarkers(model, MARKER_OWNER, …)`.
 */

export const MARKER_OWNER = 'workbench'

/** monaco.MarkerSeverity's values. */
export const MarkerSeverity = { Hint: 1, Info: 2, Warning: 4, Error: 8 } as const

/** The fields of monaco.editor.IMarkerData this sets. */
export interface MarkerData {
  severity: number
  message: string
  source: string
  code?: string
  startLineNumber: number
  startColumn: number
  endLineNumber: number
  endColumn: number
}

const SOURCE_NAMES: Record<Problem['source'], string> = {
  compile: 'compile',
  verifier: 'verifier',
  bugcheck: 'bug check',
  scenario: 'scenario',
  expectation: 'expectation',
  project: 'project',
}

const IDENT = /[A-Za-z0-9_$]/

/**
 * The columns [start, end) to underline on a line: the identifier at `column`, else the one that
 * ends just before it (a column on the `(` of a call), else the next one on the line, else the rest
 * of the line's text. Column 1 of an indented line means the statement: its first character.
 */
export function markerColumns(line: string, column: number): { start: number; end: number } {
  const textEnd = line.trimEnd().length + 1
  if (textEnd === 1) return { start: 1, end: 1 }
  let start = Math.max(1, Math.min(column, textEnd))
  if (start === 1) start = line.length - line.trimStart().length + 1
  const word = (i: number): { start: number; end: number } => {
    let a = i
    while (a > 0 && IDENT.test(line[a - 1])) a--
    let b = i
    while (b < line.length && IDENT.test(line[b])) b++
    return { start: a + 1, end: b + 1 }
  }
  const i = start - 1
  if (i < line.length && IDENT.test(line[i])) return word(i)
  if (i > 0 && IDENT.test(line[i - 1])) return word(i - 1)
  for (let j = i; j < line.length; j++) if (IDENT.test(line[j])) return word(j)
  return { start: Math.min(start, textEnd - 1), end: textEnd }
}

/** The marker for one problem that has a location; `lineText` is the model's text at that line ('' if past the end). */
export function problemMarker(p: Problem, lineText: string): MarkerData {
  const loc = p.location
  if (loc === undefined) throw new Error(`problemMarker: "${p.message}" has no location`)
  const cols = markerColumns(lineText, loc.column)
  const extra: string[] = []
  if (p.timeNs !== undefined) extra.push(`at ${formatDuration(p.timeNs)}`)
  if (p.callback !== undefined) extra.push(`in ${p.callback}`)
  if (p.srbId !== undefined) extra.push(`SRB ${p.srbId}`)
  return {
    severity: p.severity === 'error' ? MarkerSeverity.Error : p.severity === 'warning' ? MarkerSeverity.Warning : MarkerSeverity.Info,
    message: extra.length > 0 ? `${p.message} (${extra.join(', ')})` : p.message,
    source: SOURCE_NAMES[p.source],
    ...(p.code !== undefined ? { code: p.code } : {}),
    startLineNumber: loc.line,
    startColumn: cols.start,
    endLineNumber: loc.line,
    endColumn: cols.end,
  }
}

/**
 * Markers for one file. The same finding repeated at the same place (a rule that fires every
 * frame) becomes one marker with a count, so the editor's hover stays readable.
 */
export function markersForFile(problems: readonly Problem[], path: string, lineText: (line: number) => string): MarkerData[] {
  const out: MarkerData[] = []
  const seen = new Map<string, { marker: MarkerData; count: number; message: string }>()
  for (const p of problems) {
    if (p.location?.file !== path) continue
    const key = `${p.source}|${p.code ?? ''}|${p.location.line}|${p.location.column}|${p.severity}`
    const prev = seen.get(key)
    if (prev !== undefined) {
      prev.count++
      prev.marker.message = `${prev.message} (${prev.count} times; first shown)`
      continue
    }
    const marker = problemMarker(p, lineText(p.location.line))
    seen.set(key, { marker, count: 1, message: marker.message })
    out.push(marker)
  }
  return out
}

/** The fields of a Monaco marker (monaco.editor.IMarker) that `diagnosticProblem` reads. */
export interface EditorMarker {
  owner: string
  severity: number
  message: string
  code?: string | { value: string }
  startLineNumber: number
  startColumn: number
}

/**
 * One of the editor's own TypeScript diagnostics as a problem of the Problems list (a type error does
 * not stop a run, the compiler does not check types, but it is worth seeing). Hints (unused names)
 * are left to the editor: null.
 */
export function diagnosticProblem(m: EditorMarker, path: string): Problem | null {
  if (m.severity < MarkerSeverity.Info) return null
  const code = m.code === undefined ? undefined : typeof m.code === 'string' ? m.code : m.code.value
  return {
    source: 'compile',
    severity: m.severity >= MarkerSeverity.Error ? 'error' : m.severity >= MarkerSeverity.Warning ? 'warning' : 'info',
    message: m.message,
    ...(code !== undefined ? { code: `ts(${code})` } : {}),
    location: { file: path, line: m.startLineNumber, column: m.startColumn },
  }
}
