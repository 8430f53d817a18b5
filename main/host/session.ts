import { inProcessFactory, newScriptName } from './driverLoader.js'
import type { CompiledDriver } from './compiledDriver.js'
import { SessionCore, type SessionOptions, type SwapResult } from './sessionCore.js'

export { DEFAULT_LOOP_BUDGET_MS, SessionCore, type DriverFactory, type SessionHost, type SessionOptions, type SwapResult } from './sessionCore.js'

/**
 * A session in this process: the driver's script is evaluated in this realm, timed by
 * performance.now. Tests, benchmarks and tools that want to look inside a run use it; the workbench
 * and `mdwb run` use the sandbox (main/host/sandbox), which runs the same core in a worker.
 */
export class Session extends SessionCore {
  constructor(options: SessionOptions) {
    const scriptName = newScriptName()
    super(options, { factory: inProcessFactory(options.driver, scriptName), scriptName, now: () => performance.now() })
  }

  /** Hot swap in this process: see SessionCore.swap. */
  hotSwap(driver: CompiledDriver): SwapResult {
    const scriptName = newScriptName()
    return this.swap(inProcessFactory(driver, scriptName), driver, scriptName)
  }
}
