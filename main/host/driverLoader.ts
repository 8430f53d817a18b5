import * as vm from 'node:vm'
import type { CompiledDriver } from './compiledDriver.js'
import { driverWrapperSource, instantiateDriver } from './driverModule.js'
import type { DriverFactory } from './sessionCore.js'

let loads = 0

/** A fresh file name for one evaluation of a driver: its stack frames carry it. */
export function newScriptName(): string {
  return `__mdwb_driver_${++loads}__.js`
}

/**
 * Evaluates a compiled driver in this realm (no containment: for tests and tools that look inside a
 * run). The sandbox evaluates the same wrapper in its own context instead.
 */
export function inProcessFactory(driver: CompiledDriver, scriptName: string): DriverFactory {
  const script = new vm.Script(driverWrapperSource(driver), { filename: scriptName, lineOffset: -1 })
  const wrapper = script.runInThisContext() as Parameters<typeof instantiateDriver>[0]
  return (modules, loop) => instantiateDriver(wrapper, modules, loop)
}
