import * as vm from 'node:vm'
import { WORKBENCH_MODULE_OBJECTS, type CompiledDriver } from './compile.js'

let loads = 0

/** A fresh file name for one evaluation of a driver: its stack frames carry it. */
export function newScriptName(): string {
  return `__mdwb_driver_${++loads}__.js`
}

/**
 * Evaluates a compiled driver. 'strmini' (and 'vcap1', once the card exists) resolve to the
 * workbench's modules; anything else is refused. The script runs in this realm for now: containing it
 * (worker, vm context, watchdog) is the sandbox's job.
 */
export function loadDriver(driver: CompiledDriver, scriptName: string, modules: Record<string, unknown> = WORKBENCH_MODULE_OBJECTS): Record<string, unknown> {
  const script = new vm.Script(`(function (exports, require, module, __mdwb_import) {\n${driver.code}\n})`, { filename: scriptName, lineOffset: -1 })
  const wrapper = script.runInThisContext() as (exports: object, require: (name: string) => unknown, module: { exports: object }, mdwbImport: (name: string) => unknown) => void
  const module = { exports: {} as Record<string, unknown> }
  const require = (name: string): unknown => {
    throw new Error(`a driver can import only ${Object.keys(modules).map((m) => `'${m}'`).join(' and ')} and its own files, not '${name}'`)
  }
  const mdwbImport = (name: string): unknown => {
    if (name in modules) return modules[name]
    throw new Error(`module '${name}' is not available`)
  }
  wrapper(module.exports, require, module, mdwbImport)
  return module.exports
}
