import type { SourceLocation } from '../sim/bugcheck.js'
import type { UserCodeLocator } from '../classdriver/invocation.js'
import type { CompiledDriver } from './compiledDriver.js'
import { SourceMapIndex } from './sourceMapIndex.js'

const FRAME = /^\s*at (?:(.*?) \()?(.*):(\d+):(\d+)\)?$/

/**
 * Maps stack frames of the compiled driver back to its TypeScript source, for findings and bug checks.
 * Only frames of the driver's own script count as user frames.
 */
export class DriverLocator implements UserCodeLocator {
  private readonly map: SourceMapIndex

  constructor(
    driver: CompiledDriver,
    /** The file name the script was evaluated under (what appears in its stack frames). */
    private readonly scriptName: string,
  ) {
    this.map = new SourceMapIndex(driver.map)
  }

  here(): SourceLocation | null {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 40
    const stack = new Error().stack ?? ''
    Error.stackTraceLimit = limit
    return this.firstUserFrame(stack)
  }

  fromError(error: unknown): { location: SourceLocation | null; stack: string | null } {
    const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : ''
    const frames = this.userFrames(stack)
    return { location: frames[0]?.location ?? null, stack: frames.length > 0 ? frames.map((f) => `    at ${f.fn ?? '<anonymous>'} (${f.location.file}:${f.location.line}:${f.location.column})`).join('\n') : null }
  }

  /** Maps a generated (1-based) position to the original source. */
  original(line: number, column: number): SourceLocation | null {
    const entry = this.map.find(line - 1, column - 1)
    if (entry === null) return null
    return { file: entry.source, line: entry.line + 1, column: entry.column + 1 }
  }

  private firstUserFrame(stack: string): SourceLocation | null {
    for (const line of stack.split('\n')) {
      const m = FRAME.exec(line)
      if (m && m[2] === this.scriptName) {
        const loc = this.original(Number(m[3]), Number(m[4]))
        if (loc) return loc
      }
    }
    return null
  }

  private userFrames(stack: string): { fn: string | null; location: SourceLocation }[] {
    const out: { fn: string | null; location: SourceLocation }[] = []
    for (const line of stack.split('\n')) {
      const m = FRAME.exec(line)
      if (!m || m[2] !== this.scriptName) continue
      const loc = this.original(Number(m[3]), Number(m[4]))
      if (loc) out.push({ fn: m[1] ?? null, location: loc })
    }
    return out
  }
}
