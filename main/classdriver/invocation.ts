import { BUGCHECK, type SourceLocation } from '../sim/bugcheck.js'
import { PASSIVE_LEVEL } from '../sim/irql.js'
import type { Kernel } from '../sim/kernel.js'
import type { Srb } from './srb.js'
import { srbCommandName } from './wdk/srbCommands.js'
import { describeThrown, functionName, thrownFacts } from '../sim/thrownValue.js'

/** The kinds of minidriver code the class driver calls. */
export type CallbackKind =
  | 'DriverEntry'
  | 'HwReceivePacket'
  | 'ReceiveDataPacket'
  | 'ReceiveControlPacket'
  | 'HwCancelPacket'
  | 'HwRequestTimeoutHandler'
  | 'HwInterrupt'
  | 'StrMiniEvent'
  | 'StrMiniClock'
  | 'TimerRoutine'
  | 'PriorityRoutine'
  | 'QueryClockCallback'
  | 'SynchronizeRoutine'

/** How user code maps to source: the host implements it with the driver's source map. */
export interface UserCodeLocator {
  /** The innermost user frame on the current stack. */
  here(): SourceLocation | null
  /** The user frame an exception was thrown from, and the user part of its stack. */
  fromError(error: unknown): { location: SourceLocation | null; stack: string | null }
  /** Where a function of the driver is defined, by name (null when unknown). */
  functionLocation(name: string): SourceLocation | null
}

export const NO_LOCATOR: UserCodeLocator = {
  here: () => null,
  fromError: () => ({ location: null, stack: null }),
  functionLocation: () => null,
}

/** One call into minidriver code that has not returned yet. */
export interface Invocation {
  kind: CallbackKind
  /** The function's name (AdapterReceivePacket), or the kind for anonymous functions. */
  name: string
  srb: Srb | null
  /** Opaque owner for per-stream bookkeeping (the stream instance), or null. */
  stream: unknown
  /** For priority routines: the priority it runs at. */
  priority: number
  irqlAtEntry: number
  /** Run when this invocation returns (checks that must see the callback's whole effect). */
  after: (() => void)[] | null
}

/**
 * Calls into minidriver code. Keeps the stack of active invocations (what "the running callback" is
 * for findings and IRQL rules), names the CPU slice, and turns anything thrown out of user code into a
 * bug check that points at the user's line.
 */
export class Invoker {
  readonly stack: Invocation[] = []
  /** Per function: its name, and interned slice names indexed by SRB command + 1 (0: no SRB). */
  private readonly functions = new Map<Function, { name: string; slices: number[] }>()
  /** Invocation records reused by depth: calls nest strictly, so a record per level is enough. */
  private readonly pool: Invocation[] = []
  /** Counts callbacks entered with no other callback running (the loop watchdog's notion of "one call"). */
  topLevelCalls = 0
  /** Told the name of the callback running from now on (null: none), at every entry and return (the sandbox's crash record). */
  onRunning: ((name: string | null, entering: boolean) => void) | null = null
  /** The callback that returned last (what a bug check outside any callback blames, e.g. a getter it left in its data). */
  lastReturned: string | null = null
  /** Set while a single next service call should record where it came from (storm diagnostics). */
  captureNextLocation = false
  capturedLocation: SourceLocation | null = null

  constructor(
    private readonly kernel: Kernel,
    readonly locator: UserCodeLocator,
  ) {}

  get current(): Invocation | null {
    return this.stack.length > 0 ? this.stack[this.stack.length - 1] : null
  }

  get depth(): number {
    return this.stack.length
  }

  /** The running callback's display name, for findings. */
  currentName(): string | null {
    const c = this.current
    return c === null ? null : c.name
  }

  /**
   * Calls `fn(arg)` as minidriver code of `kind`. The running Work (if any) gets the slice name. An
   * exception ends the run with a bug check at the user's line.
   */
  call<A, R>(kind: CallbackKind, fn: (arg: A) => R, arg: A, srb: Srb | null = null, stream: unknown = null, priority = -1): R {
    const k = this.kernel
    let info = this.functions.get(fn)
    if (info === undefined) this.functions.set(fn, (info = { name: functionName(fn) || kind, slices: [] }))
    const name = info.name
    const depth = this.stack.length
    if (depth === 0) this.topLevelCalls++
    if (this.onRunning !== null) this.onRunning(name, true)
    let inv = this.pool[depth]
    if (inv === undefined) inv = this.pool[depth] = { kind, name, srb, stream, priority, irqlAtEntry: 0, after: null }
    inv.kind = kind
    inv.name = name
    inv.srb = srb
    inv.stream = stream
    inv.priority = priority
    inv.irqlAtEntry = k.currentIrql()
    inv.after = null
    const work = k.currentWork()
    if (work !== null && work.name === 0) work.name = this.sliceName(info.slices, name, srb)
    this.stack.push(inv)
    k.charge(k.costs.callbackBase)
    let result: R
    try {
      result = fn(arg)
    } catch (error) {
      this.stack.pop()
      k.rethrowIfHalted()
      return this.exception(inv, error)
    }
    this.stack.pop()
    this.lastReturned = name
    if (this.onRunning !== null) this.onRunning(depth > 0 ? this.stack[depth - 1].name : null, false)
    // User code may have swallowed a bug check thrown through it with try/catch.
    k.rethrowIfHalted()
    let thenable = false
    try {
      thenable = result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function'
    } catch (error) {
      // The result is a Proxy (or has a getter) that throws when asked.
      return this.exception(inv, error)
    }
    if (thenable) {
      k.bugcheck(BUGCHECK.DRIVER_VERIFIER_DETECTED_VIOLATION, `${name} returned a Promise: minidriver callbacks are synchronous (no async functions)`, {
        callback: name,
        location: this.locator.functionLocation(name) ?? this.locator.here(),
      })
    }
    const after = inv.after as (() => void)[] | null
    if (after !== null) {
      inv.after = null
      for (const f of after) f()
    }
    return result
  }

  /** Runs `f` when the innermost invocation returns, or at once outside minidriver code. */
  afterCurrentReturns(f: () => void): void {
    const c = this.current
    if (c === null) return f()
    ;(c.after ??= []).push(f)
  }

  private sliceName(names: number[], name: string, srb: Srb | null): number {
    const slot = srb === null ? 0 : srb._Command + 1
    let id = names[slot]
    if (id === undefined) id = names[slot] = this.kernel.trace.strings.intern(srb === null ? name : `${name} ${srbCommandName(srb._Command)}`)
    return id
  }

  private exception(inv: Invocation, error: unknown): never {
    // The thrown value is the driver's: null, a Symbol, a Proxy whose traps throw, an Error with
    // getters. It is read without calling any of its code (thrownValue.ts).
    const facts = thrownFacts(error)
    const thrown = this.locator.fromError(error)
    let { location } = thrown
    const { stack } = thrown
    // No stack to say where (throw null, a Symbol, a Proxy): the callback's own line is the best there is.
    const fallback = location === null ? this.locator.functionLocation(inv.name) : null
    if (fallback !== null) location = fallback
    const overflow = facts.name === 'RangeError' && facts.message !== null && /call stack/i.test(facts.message)
    const code = overflow
      ? BUGCHECK.UNEXPECTED_KERNEL_MODE_TRAP
      : inv.irqlAtEntry === PASSIVE_LEVEL
        ? BUGCHECK.SYSTEM_THREAD_EXCEPTION_NOT_HANDLED
        : BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED
    const what = `${describeThrown(error)}${facts.isError ? sandboxHint(facts.name ?? '', facts.message ?? '') : ''}${fallback !== null ? ' (no stack: the location is the callback\'s definition)' : ''}`
    const message = overflow ? `stack overflow in ${inv.name} (${what})` : `exception in ${inv.name}: ${what}`
    return this.kernel.bugcheck(code, message, { callback: inv.name, location, stack })
  }
}

/**
 * What a driver reaching outside its world ran into, said plainly: drivers see only 'strmini',
 * 'vcap1' and JavaScript itself (in the sandbox: no Node globals, no code generation from strings).
 */
export function sandboxHint(name: string, message: string): string {
  if (name === 'ReferenceError' && /\b(process|require|global|Buffer|__dirname|__filename|setTimeout|setInterval|fetch)\b is not defined/.test(message)) {
    return ' (drivers run in a sandbox without Node or browser globals: use the services of \'strmini\')'
  }
  if (name === 'EvalError' && /code generation from strings/i.test(message)) {
    return ' (the sandbox does not allow eval or Function(string))'
  }
  return ''
}
