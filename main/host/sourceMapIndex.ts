/** A source map (V3) as the compiler writes it. */
export interface RawSourceMap {
  version: number
  sources: string[]
  sourcesContent?: (string | null)[]
  mappings: string
  names: string[]
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const DIGIT = new Int8Array(128).fill(-1)
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i

/**
 * Generated position -> original position lookups over a V3 source map. Plain TypeScript with no Node
 * dependency, so it works inside the sandbox's context as well as on the host. The mappings are
 * decoded once into typed arrays, one run per generated line, then each lookup is a binary search.
 */
export class SourceMapIndex {
  /** Segment columns, sources, original lines and columns, in generated order. */
  private readonly column: Int32Array
  private readonly source: Int32Array
  private readonly origLine: Int32Array
  private readonly origColumn: Int32Array
  /** First segment of each generated line (length lines + 1). */
  private readonly lineStart: Int32Array
  readonly sources: string[]

  constructor(map: RawSourceMap) {
    this.sources = map.sources
    const text = map.mappings
    const cols: number[] = []
    const srcs: number[] = []
    const lines: number[] = []
    const origCols: number[] = []
    const starts: number[] = [0]
    let genCol = 0
    let src = 0
    let line = 0
    let col = 0
    let i = 0
    const field = (): number => {
      let value = 0
      let shift = 0
      for (;;) {
        const d = DIGIT[text.charCodeAt(i++)]
        value += (d & 31) << shift
        if ((d & 32) === 0) break
        shift += 5
      }
      return value & 1 ? -(value >>> 1) : value >>> 1
    }
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 59 /* ; */) {
        i++
        genCol = 0
        starts.push(cols.length)
        continue
      }
      if (c === 44 /* , */) {
        i++
        continue
      }
      genCol += field()
      const next = text.charCodeAt(i)
      if (i >= text.length || next === 44 || next === 59) continue // a segment without a source
      src += field()
      line += field()
      col += field()
      if (i < text.length && text.charCodeAt(i) !== 44 && text.charCodeAt(i) !== 59) field() // name
      cols.push(genCol)
      srcs.push(src)
      lines.push(line)
      origCols.push(col)
    }
    starts.push(cols.length)
    this.column = Int32Array.from(cols)
    this.source = Int32Array.from(srcs)
    this.origLine = Int32Array.from(lines)
    this.origColumn = Int32Array.from(origCols)
    this.lineStart = Int32Array.from(starts)
  }

  /**
   * The original (0-based) position of generated (0-based) line and column: the last segment of that
   * line starting at or before the column. Null where the code maps to nothing.
   */
  find(line: number, column: number): { source: string; line: number; column: number } | null {
    if (line < 0) return null
    const last = Math.min(line + 1, this.lineStart.length - 1)
    let lo = this.lineStart[Math.min(line, this.lineStart.length - 1)]
    let hi = this.lineStart[last] - 1
    // The last segment at or before the position; with none on this line, the one before it (as
    // Node's SourceMap.findEntry does).
    let found = lo - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.column[mid] <= column) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    if (found < 0) return null
    return { source: this.sources[this.source[found]], line: this.origLine[found], column: this.origColumn[found] }
  }
}
