// The narrow views of a device that its parts share: each helper names the slice of StreamClassDevice it
// uses from these pieces, so no helper depends on the whole device (device.ts composes them).
import type { KernelLock, Work } from '../sim/work.js'
import type { Irql } from '../sim/irql.js'
import type { Kernel } from '../sim/kernel.js'
import type { Invoker } from './invocation.js'
import type { ClassDriverSettings } from './settings.js'
import type { StreamInstance } from './stream.js'
import type { Verifier } from './verifier/verifier.js'

/** Where minidriver code runs, per docs/classdriver.md#contexts. */
export type CallContext = 'request' | 'entry' | 'high' | 'dispatch' | 'low' | 'event'

export type DeviceState = 'added' | 'starting' | 'started' | 'start-failed' | 'stopping' | 'stopped' | 'removed'

/** Counters for the report. */
export interface SrbStats {
  total: number
  /** SRBs per command code. */
  byCommand: Uint32Array
  completed: number
  cancelled: number
  timedOut: number
}

/** What every part of a device reaches through it: the driver's kernel, settings, verifier and invoker. */
export interface DeviceServices {
  readonly kernel: Kernel
  readonly settings: ClassDriverSettings
  readonly verifier: Verifier
  readonly invoker: Invoker
}

/** Running minidriver code in a context of docs/classdriver.md#contexts (see callSite.ts). */
export interface MinidriverCalls {
  /** IRQL and lock for minidriver code of a given context. */
  contextOf(ctx: CallContext): { irql: Irql; lock: KernelLock | null }
  /** Schedules minidriver code as Work in the given context, ready at `at` (default now). */
  runMinidriver<T>(ctx: CallContext, run: (work: Work<T>) => void, data: T, at?: number): Work<T>
  /** Checks the raised-IRQL budget of the Work that just ran minidriver code `fn`. */
  checkBudget(work: Work<any>, fn: { name: string } | string): void
}

/** A device part that calls minidriver code. */
export interface CallingDevice extends DeviceServices, MinidriverCalls {}

/** The class driver's stream for a stream object the minidriver passes back. */
export interface StreamLookup {
  streamOfObject(object: unknown): StreamInstance | null
}
