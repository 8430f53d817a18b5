/**
 * The entry of the script the sandbox evaluates in its context (bundled by sandbox.ts): the context's
 * few platform globals first, then the simulation. Only this file has side effects, and only there.
 */
import { installContextGlobals } from './contextGlobals.js'
import { SimulationApi } from './simulation.js'

installContextGlobals(globalThis as unknown as Record<string, unknown>)

export { SimulationApi }
