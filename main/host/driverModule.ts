import type { CompiledDriver } from './compiledDriver.js'

/** The compiled script's CommonJS wrapper, as a function of what the script may see. */
export type DriverWrapper = (
  exports: object,
  require: (name: string) => unknown,
  module: { exports: object },
  mdwbImport: (name: string) => unknown,
  mdwbLoop: (site: number) => void,
) => void

/** JavaScript builtins handed to driver code as parameters (see driverWrapperSource). */
export const BUILTINS = [
  'Object', 'Array', 'Math', 'JSON', 'Number', 'String', 'Boolean', 'Symbol', 'BigInt', 'Map', 'Set', 'WeakMap', 'WeakSet',
  'Error', 'TypeError', 'RangeError', 'ReferenceError', 'Promise', 'Date', 'Reflect', 'Proxy',
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array', 'Int16Array',
  'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'isFinite', 'isNaN', 'parseInt', 'parseFloat',
]

/**
 * The source that evaluates to the driver's wrapper function. The script's first line is the
 * wrapper's header, so evaluate it with lineOffset -1 to keep the source map's line numbers. The
 * builtins come in as parameters of an outer function: in the sandbox's vm context a global name is
 * looked up through the context's interceptor on every use, a parameter is a plain local.
 */
export function driverWrapperSource(driver: CompiledDriver): string {
  const builtins = BUILTINS.join(', ')
  return `((${builtins}) => function (exports, require, module, __mdwb_import, __mdwb_loop) {\n${driver.code}\n})(${builtins})`
}

/**
 * Runs the driver module's top level with the workbench modules and the loop guard; returns its
 * exports. Only the workbench modules resolve: anything else a driver tries to `require` is refused.
 */
export function instantiateDriver(wrapper: DriverWrapper, modules: Record<string, unknown>, loop: (site: number) => void): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> }
  const require = (name: string): unknown => {
    throw new Error(`a driver can import only ${Object.keys(modules).map((m) => `'${m}'`).join(' and ')} and its own files, not '${name}'`)
  }
  const mdwbImport = (name: string): unknown => {
    if (name in modules) return modules[name]
    throw new Error(`module '${name}' is not available`)
  }
  wrapper(module.exports, require, module, mdwbImport, loop)
  return module.exports
}
