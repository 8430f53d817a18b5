import type { StreamClassDriver } from './driver.js'
import type { KernelServices } from './kernelServices.js'

/** The emulated system the 'strmini' functions talk to while a session runs. */
export interface StrminiRuntime {
  driver: StreamClassDriver
  kernel: KernelServices
}

let current: StrminiRuntime | null = null

/**
 * Binds 'strmini' to a session. A session binds itself whenever it runs, so several sessions can live in
 * one process as long as only one runs at a time (which is how a single thread works anyway).
 */
export function bindRuntime(rt: StrminiRuntime | null): void {
  current = rt
}

export function runtime(): StrminiRuntime {
  if (current === null) throw new Error("'strmini' was called while no emulated system is running")
  return current
}
