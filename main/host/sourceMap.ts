import type { SourceLocation } from '../sim/bugcheck.js'
import type { UserCodeLocator } from '../classdriver/invocation.js'
import type { CompiledDriver } from './compiledDriver.js'
import { SourceMapIndex } from './sourceMapIndex.js'
import { thrownFacts } from '../sim/thrownValue.js'

const FRAME = /^\s*at (?:(.*?) \()?(.*):(\d+):(\d+)\)?$/

/**
 * Maps stack frames of the compiled driver back to its TypeScript source, for findings and bug checks.
 * Only frames of the driver's own script count as user frames.
 */
export class DriverLocator implements UserCodeLocator {
  /** Source maps by the script name their code was evaluated under (a hot swap adds one). */
  private readonly maps = new Map<string, SourceMapIndex>()
  private functions: Record<string, SourceLocation> = {}

  constructor(driver: CompiledDriver, scriptName: string) {
    this.add(driver, scriptName)
  }

  /** Another evaluation of driver code (the new module of a hot swap). */
  add(driver: CompiledDriver, scriptName: string): void {
    this.maps.set(scriptName, new SourceMapIndex(driver.map))
    this.functions = { ...this.functions, ...(driver.functionSites ?? {}) }
  }

  functionLocation(name: string): SourceLocation | null {
    return name ? (this.functions[name] ?? null) : null
  }

  here(): SourceLocation | null {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 40
    const stack = new Error().stack ?? ''
    Error.stackTraceLimit = limit
    return this.firstUserFrame(stack)
  }

  fromError(error: unknown): { location: SourceLocation | null; stack: string | null } {
    // Read without calling anything of the thrown value (a Proxy, a getter): see thrownValue.ts.
    const stack = thrownFacts(error).stack ?? ''
    const frames = this.userFrames(stack)
    return { location: frames[0]?.location ?? null, stack: frames.length > 0 ? frames.map((f) => `    at ${f.fn ?? '<anonymous>'} (${f.location.file}:${f.location.line}:${f.location.column})`).join('\n') : null }
  }

  /** Maps a generated (1-based) position in script `scriptName` to the original source. */
  original(scriptName: string, line: number, column: number): SourceLocation | null {
    const entry = this.maps.get(scriptName)?.find(line - 1, column - 1) ?? null
    if (entry === null) return null
    return { file: entry.source, line: entry.line + 1, column: entry.column + 1 }
  }

  private firstUserFrame(stack: string): SourceLocation | null {
    for (const line of stack.split('\n')) {
      const m = FRAME.exec(line)
      if (m && this.maps.has(m[2])) {
        const loc = this.original(m[2], Number(m[3]), Number(m[4]))
        if (loc) return loc
      }
    }
    return null
  }

  private userFrames(stack: string): { fn: string | null; location: SourceLocation }[] {
    const out: { fn: string | null; location: SourceLocation }[] = []
    for (const line of stack.split('\n')) {
      const m = FRAME.exec(line)
      if (!m || !this.maps.has(m[2])) continue
      const loc = this.original(m[2], Number(m[3]), Number(m[4]))
      if (loc) out.push({ fn: m[1] ?? null, location: loc })
    }
    return out
  }
}
