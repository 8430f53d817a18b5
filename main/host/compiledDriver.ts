import type { SourceLocation } from '../sim/bugcheck.js'
import type { RawSourceMap } from './sourceMapIndex.js'

/**
 * A compiled driver as data: what the compiler produces on the host and what the sandbox evaluates.
 * Plain values only (it crosses into the worker by structured clone), no Node dependency.
 */
export interface CompiledDriver {
  /** The entry file as given (absolute). */
  entry: string
  /** Display name: the entry relative to the working directory. */
  name: string
  /** One CommonJS script; it expects `__mdwb_import` and `__mdwb_loop` in scope (see driverModule.ts). */
  code: string
  /** Source map (V3) of `code`; `sources` are display paths (relative to the working directory). */
  map: RawSourceMap
  /** The workbench modules it imports ('strmini', 'vcap1'). */
  workbenchImports: string[]
  /** Where each instrumented loop is (its index is the id `__mdwb_loop` is called with). */
  loopSites: SourceLocation[]
  /** Where each named function is defined (the first of a name), for bug checks with no user frame. */
  functionSites: Record<string, SourceLocation>
  /** The project's source files (absolute), for watching. */
  files: string[]
}

/** A compile problem at a place in the user's source (1-based line and column). */
export interface CompileError {
  file: string
  line: number
  column: number
  message: string
}

export type CompileResult = { ok: true; driver: CompiledDriver } | { ok: false; errors: CompileError[] }

/** Modules a driver may import; everything else must be a file of the project. */
export const WORKBENCH_MODULES = ['strmini', 'vcap1']

/** The export names of each workbench module (what the virtual modules re-export). */
export type ModuleExports = Record<string, readonly string[]>
