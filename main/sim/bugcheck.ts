import type { SourceLocation } from '../contract/report.js'

/** A place in the user's source (defined with the report types in main/contract). */
export type { SourceLocation }

/**
 * A simulated bug check: the emulated machine stopped. It carries the Windows-style code and name, the
 * callback that was running, and the user's source location when one is known.
 */
export interface BugcheckInfo {
  code: number
  name: string
  message: string
  callback: string | null
  location: SourceLocation | null
  stack: string | null
  timeNs: number
}


export const BUGCHECK = {
  IRQL_NOT_GREATER_OR_EQUAL: 0x09,
  IRQL_NOT_LESS_OR_EQUAL: 0x0a,
  SPIN_LOCK_ALREADY_OWNED: 0x0f,
  SPIN_LOCK_NOT_OWNED: 0x10,
  KMODE_EXCEPTION_NOT_HANDLED: 0x1e,
  PAGE_FAULT_IN_NONPAGED_AREA: 0x50,
  SYSTEM_THREAD_EXCEPTION_NOT_HANDLED: 0x7e,
  UNEXPECTED_KERNEL_MODE_TRAP: 0x7f,
  DRIVER_VERIFIER_DETECTED_VIOLATION: 0xc4,
  THREAD_STUCK_IN_DEVICE_DRIVER: 0xea,
  HARDWARE_INTERRUPT_STORM: 0xf2,
  DPC_WATCHDOG_VIOLATION: 0x133,
  /** Not a Windows code: the emulated machine ran out of memory (the driver exhausted the sandbox's heap). */
  MEMORY_MANAGEMENT: 0x1a,
} as const

export function bugcheckName(code: number): string {
  for (const [name, value] of Object.entries(BUGCHECK)) if (value === code) return name
  return 'UNKNOWN_BUGCHECK'
}

/** Thrown to unwind the simulation to its run loop once the machine has stopped. */
export class BugcheckSignal extends Error {
  constructor(readonly info: BugcheckInfo) {
    super(`bug check 0x${info.code.toString(16).toUpperCase()} ${info.name}: ${info.message}`)
  }
}
