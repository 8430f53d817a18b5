import type { StreamClassDevice } from '../classdriver/device.js'
import { StreamClassDriver } from '../classdriver/driver.js'
import { KernelServices } from '../classdriver/kernelServices.js'
import { bindRuntime } from '../classdriver/runtime.js'
import { resolveSettings, type ClassDriverSettings } from '../classdriver/settings.js'
import { srbCommandName } from '../classdriver/wdk/srbCommands.js'
import { KsClient } from '../client/ksClient.js'
import type { Scenario, StepOf } from '../client/scenario/schema.js'
import { Machine } from '../hw/machine.js'
import { BUGCHECK, type BugcheckInfo } from '../sim/bugcheck.js'
import { TraceRecorder } from '../sim/trace/recorder.js'
import { autoCard, installCard, type CardName, type InstalledCard } from './cards.js'
import type { CompiledDriver } from './compiledDriver.js'
import { connectDmaFlows } from './dmaFlows.js'
import { LoopWatchdog } from '../classdriver/loopWatchdog.js'
import { BugcheckSignal } from '../sim/bugcheck.js'
import { WORKBENCH_MODULE_OBJECTS } from './workbenchModules.js'
import { LiveTaps, type TapOptions } from './inspect/liveTaps.js'
import { bugcheckForReport, type ExpectationResult, type RunReport } from './reportBuilder.js'
import { DriverLocator } from './sourceMap.js'
import { formatDuration } from '../contract/time.js'
import { describeThrown, safeInstanceOf, thrownFacts } from '../sim/thrownValue.js'
import type { SwapResult } from '../contract/report.js'

/**
 * Instantiates the driver module: calls the compiled script's CommonJS wrapper with the workbench
 * modules and the loop guard, returns its exports. Where the script was evaluated (this realm, or a
 * sandbox context) is the host's business.
 */
export type DriverFactory = (modules: Record<string, unknown>, loop: (site: number) => void) => Record<string, unknown>

/** What a session needs from where it runs. */
export interface SessionHost {
  factory: DriverFactory
  /** The file name the driver's script was evaluated under (its stack frames carry it). */
  scriptName: string
  /** Wall clock in ms (performance.now on the host; a bridge inside the sandbox). */
  now: () => number
}

/** What a hot swap did. */
export type { SwapResult }

/** Wall time a callback may spend in loops before the loop watchdog stops the machine. */
export const DEFAULT_LOOP_BUDGET_MS = 2000

export interface SessionOptions {
  driver: CompiledDriver
  scenario: Scenario
  /** Default seed when the scenario has none. */
  seed?: number
  /** The run stops at this virtual time even if the scenario has not finished. */
  timeLimitNs: number
  /** Forces synchronization on or off, whatever the driver registered. */
  sync?: 'on' | 'off'
  /** Record the trace (default true). */
  trace?: boolean
  settings?: Partial<ClassDriverSettings>
  /** Extra faults (mdwb run --fault), applied when the scenario starts. */
  faults?: StepOf<'fault'>[]
  /** Wall time (ms) one callback may loop before THREAD_STUCK / DPC_WATCHDOG (default 2000). */
  loopBudgetMs?: number
  /** Frame and audio previews of what the client receives (the workbench; default off). */
  taps?: TapOptions
}

/**
 * One run of a driver against a scenario: the emulated machine, the class driver, the card and the
 * client, wired together and run to the end in virtual time. Everything in a session is deterministic
 * given the driver, the scenario and the seed.
 */
export class SessionCore {
  readonly machine: Machine
  readonly classDriver: StreamClassDriver
  readonly services: KernelServices
  readonly card: InstalledCard
  readonly seed: number
  readonly locator: DriverLocator
  readonly watchdog: LoopWatchdog
  device: StreamClassDevice | null = null
  client: KsClient | null = null
  /** Set when the driver could not be loaded (module threw, DriverEntry failed). */
  loadFailure: string | null = null
  /** The driver module's exports once loaded (tests read what a driver recorded). */
  driverExports: Record<string, unknown> = {}
  /** The previews of delivered frames and audio, when the options asked for them. */
  taps: LiveTaps | null = null
  private wallTimeMs = 0
  /** The wall-clock limit (setting wallClockLimitSeconds) in ms. */
  private readonly wallLimitMs: number
  /** Why the run ended early when the wall-clock limit ended it; null otherwise. */
  private wallLimitReason: string | null = null
  private swapTrack: number | undefined
  private readonly swaps: SwapResult[] = []
  private started = false
  private finished = false

  constructor(
    protected readonly options: SessionOptions,
    private readonly host: SessionHost,
  ) {
    const scenario = options.scenario
    this.seed = scenario.seed ?? options.seed ?? 1
    const trace = new TraceRecorder(options.trace ?? true)
    this.machine = new Machine({ seed: this.seed, cpus: scenario.device?.cpus, trace })
    if (scenario.device?.contiguity !== undefined) this.machine.memory.contiguityChance = scenario.device.contiguity
    this.machine.memory.userBuffersAbove4G = scenario.device?.buffersAbove4G === true
    const settings = resolveSettings({ ...(scenario.settings as Partial<ClassDriverSettings>), ...options.settings })
    this.wallLimitMs = settings.wallClockLimitSeconds * 1000
    const requested = scenario.device?.card ?? 'auto'
    const cardName: CardName = requested === 'auto' ? autoCard(options.driver.workbenchImports) : requested
    this.card = installCard(cardName, this.machine, scenario.device ?? {})
    this.locator = new DriverLocator(options.driver, host.scriptName)
    this.classDriver = new StreamClassDriver(
      this.machine,
      {
        settings,
        locator: this.locator,
        forceSync: options.sync === undefined ? undefined : options.sync === 'on',
      },
      options.driver.name.replace(/^.*\//, '').replace(/\.[tj]s$/, ''),
    )
    this.services = new KernelServices(this.classDriver)
    this.watchdog = new LoopWatchdog(this.machine.kernel, this.classDriver.invoker, options.driver.loopSites, options.loopBudgetMs ?? DEFAULT_LOOP_BUDGET_MS, host.now)
    const verifier = this.classDriver.verifier
    this.card.vcap1?.setFindings({ report: (rule, message) => verifier.report(rule, message) })
  }

  /** Runs the scenario to its end (or the time limit, or a bug check) and returns the report. */
  run(): RunReport {
    this.start()
    while (!this.step(null)) {
      // step(null) runs to the end: one turn
    }
    return this.finish()
  }

  /** Loads the driver and starts the scenario (the first part of run). */
  start(): void {
    if (this.started) throw new Error('a session runs once')
    this.started = true
    this.timed(() => this.boot())
  }

  /**
   * Runs the machine until the run is over or `pause` says to yield (asked every 1024 events), and at
   * most to `untilNs` of virtual time. Returns true when the run is over.
   */
  step(pause: (() => boolean) | null, untilNs = Infinity): boolean {
    const kernel = this.machine.kernel
    if (kernel.stopped || kernel.halted !== null || this.wallLimitReason !== null) return true
    const limit = Math.min(untilNs, this.options.timeLimitNs)
    // The wall-clock limit is asked with the host's question (every 1024 events): a run that would
    // take hours of wall time (a huge count, a driver that floods the machine with events) ends.
    const deadline = this.host.now() + this.wallLimitMs - this.wallTimeMs
    const overTime = () => this.host.now() >= deadline
    this.timed(() => kernel.runUntil(limit, pause === null ? overTime : () => overTime() || pause()))
    if (!kernel.stopped && kernel.halted === null && this.wallTimeMs >= this.wallLimitMs) {
      const progress = this.client?.describeProgress()
      const seconds = +(this.wallLimitMs / 1000).toFixed(3)
      this.wallLimitReason = `the run reached its wall-clock limit of ${seconds} s (setting wallClockLimitSeconds) at ${formatDuration(kernel.now())} of virtual time${progress?.step ? `, during step ${progress.step}` : ''}`
      return true
    }
    return kernel.stopped || kernel.halted !== null || kernel.now() >= this.options.timeLimitNs
  }

  /**
   * Hot swap: evaluates new driver code into the running session (module top level only, no
   * DriverEntry) and hands every function the class driver holds that was an export of the old module
   * to the new module's export of the same name. State lives on: extensions, the card, queues, time.
   * Functions that were not exports keep their old code; the result lists them.
   */
  swap(factory: DriverFactory, driver: CompiledDriver, scriptName: string): SwapResult {
    const kernel = this.machine.kernel
    const at = kernel.now()
    if (kernel.halted !== null) return { ok: false, error: 'the machine has stopped (bug check): replay instead', replaced: [], kept: [], timeNs: at }
    this.locator.add(driver, scriptName)
    const loop = this.watchdog.guardFor(driver.loopSites)
    let fresh: Record<string, unknown>
    try {
      bindRuntime({ driver: this.classDriver, kernel: this.services })
      fresh = factory(WORKBENCH_MODULE_OBJECTS, loop)
    } catch (error) {
      const { location } = this.locator.fromError(error)
      const what = describeThrown(error)
      return { ok: false, error: `the new code threw while loading: ${what}${location ? ` at ${location.file}:${location.line}` : ''}`, replaced: [], kept: [], timeNs: at }
    } finally {
      bindRuntime(null)
    }
    const names = new Map<unknown, string>()
    for (const [name, value] of Object.entries(this.driverExports)) if (typeof value === 'function') names.set(value, name)
    const replaced = new Set<string>()
    const kept = new Set<string>()
    this.classDriver.swapCallbacks((f) => {
      const name = names.get(f)
      const next = name === undefined ? undefined : fresh[name]
      if (typeof next === 'function') {
        replaced.add(name!)
        return next
      }
      kept.add(f.name || '(anonymous)')
      return f
    })
    this.driverExports = fresh
    const result: SwapResult = { ok: true, error: null, replaced: [...replaced].sort(), kept: [...kept].sort(), timeNs: at }
    this.swaps.push(result)
    const t = kernel.trace
    this.swapTrack ??= t.defineTrack({ name: 'Code changes', group: 'Workbench', kind: 'instants', order: 0 })
    t.instant(this.swapTrack, at, t.strings.intern('hot swap'), 0, 0, 0, 0, result)
    return result
  }

  /** True once `finish` ran: the run can no longer change. */
  get ended(): boolean {
    return this.finished
  }

  /** The final checks and the report (the last part of run). */
  finish(): RunReport {
    if (!this.finished) {
      this.finished = true
      if (this.machine.kernel.halted === null) this.timed(() => this.classDriver.finalChecks())
    }
    return this.report()
  }

  /**
   * Runs `f` with 'strmini' bound to this session, adding its wall time to the run's. A bug check
   * raised outside the run loop (the final checks, the verifier's findings limit) has been recorded
   * already; anything else thrown that came from the driver's code or data (a getter or Proxy the class
   * driver reads after the callback returned, a value thrown that is no Error) is a bug check too.
   */
  private timed(f: () => void): void {
    bindRuntime({ driver: this.classDriver, kernel: this.services })
    const started = this.host.now()
    try {
      f()
    } catch (error) {
      if (safeInstanceOf(error, BugcheckSignal) && this.machine.kernel.halted !== null) return
      this.escaped(error)
    } finally {
      this.wallTimeMs += this.host.now() - started
      bindRuntime(null)
    }
  }

  /**
   * Something thrown out of the simulation itself, not out of a callback (the invoker maps those). It
   * is the driver's when its stack has a frame of the driver (a getter, a Proxy trap) or when it is
   * not an Error (the simulation throws only Errors): a bug check at that frame, blaming the callback
   * running or the last one that returned. Otherwise it is a fault of the workbench and goes on up.
   */
  private escaped(error: unknown): void {
    const kernel = this.machine.kernel
    const { location, stack } = this.locator.fromError(error)
    const facts = thrownFacts(error)
    if (location === null && facts.isError) throw error
    const invoker = this.classDriver.invoker
    const running = invoker.currentName()
    const callback = running ?? invoker.lastReturned
    const when = running !== null ? `in ${running}` : callback !== null ? `after ${callback} returned` : 'outside any callback'
    kernel.halted ??= {
      code: BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED,
      name: 'KMODE_EXCEPTION_NOT_HANDLED',
      message: `exception in the class driver ${when}, reading what the driver gave it (a getter or a Proxy of the driver's?): ${describeThrown(error)}`,
      callback,
      location,
      stack,
      timeNs: kernel.now(),
    } satisfies BugcheckInfo
  }

  private boot(): void {
    const kernel = this.machine.kernel
    let exports: Record<string, unknown>
    try {
      exports = this.host.factory(WORKBENCH_MODULE_OBJECTS, this.watchdog.check)
      this.driverExports = exports
    } catch (error) {
      // The loop watchdog stopped the image's own top-level code: the bug check is already recorded.
      if (safeInstanceOf(error, BugcheckSignal)) return
      // The module's own top-level code threw while the image loaded.
      const { location, stack } = this.locator.fromError(error)
      const message = describeThrown(error)
      kernel.halted = {
        code: BUGCHECK.SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
        name: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED',
        message: `exception while loading the driver image: ${message}`,
        callback: null,
        location,
        stack,
        timeNs: 0,
      } satisfies BugcheckInfo
      return
    }
    this.classDriver.load(exports.DriverEntry, (status, message) => {
      if (message !== null) {
        this.loadFailure = message
        kernel.stopped = true
        return
      }
      void status
      this.device = this.classDriver.addDevice(this.card.device)
      const device = this.device
      if (this.card.vcap1) {
        this.card.vcap1.onSurpriseRemoval = () => device.surpriseRemove(() => {})
        connectDmaFlows(this.machine, this.card.vcap1, device)
      }
      this.client = new KsClient(kernel, this.machine.memory, this.device, this.card.control)
      const taps = this.options.taps
      if (taps !== undefined && (taps.frames === true || taps.audio === true || taps.capture !== undefined)) {
        this.taps = new LiveTaps(kernel, taps)
        this.taps.attach(this.client)
      }
      this.client.start(this.options.scenario, () => {
        kernel.stopped = true
      })
      for (const fault of this.options.faults ?? []) {
        const error = this.card.control.injectFault(fault)
        if (error !== null) {
          this.loadFailure = `--fault ${fault.fault}: ${error}`
          kernel.stopped = true
        }
      }
    })
  }

  report(): RunReport {
    const o = this.options
    const kernel = this.machine.kernel
    const d = this.device
    const client = this.client
    const verifier = this.classDriver.verifier
    const frames = client?.frameCounts() ?? { delivered: 0, dropped: 0, abortedAtStop: 0, torn: 0, stale: 0 }
    const byCommand: Record<string, number> = {}
    if (d) d.stats.byCommand.forEach((n, cmd) => n > 0 && (byCommand[srbCommandName(cmd)] = n))
    let outstanding = 0
    if (d) {
      outstanding = d.held.size + d.deviceQueue.pendingCount
      for (const s of d.streams) outstanding += s.control.pendingCount + s.data.pendingCount
    }
    let outcome = client ? client.describeProgress() : { completed: false, step: null, reason: this.loadFailure ?? 'the driver did not load' }
    if (this.wallLimitReason !== null && !outcome.completed) outcome = { ...outcome, reason: this.wallLimitReason }
    const expectations = this.expectations(frames, verifier.warnings)
    const failures: string[] = []
    if (this.loadFailure) failures.push(this.loadFailure)
    if (kernel.halted) failures.push(`bug check ${kernel.halted.name}`)
    if (verifier.errors > 0) failures.push(`${verifier.errors} verifier error(s)`)
    if (!kernel.halted && !this.loadFailure && !outcome.completed) failures.push(outcome.reason ?? 'the scenario did not complete')
    for (const e of expectations) if (!e.ok) failures.push(`expectation ${e.name} ${e.expected} not met (got ${e.actual})`)
    const isr = d?.isr
    const report: RunReport = {
      driver: o.driver.name,
      scenario: o.scenario.name,
      seed: this.seed,
      card: this.card.name,
      synchronization: d ? (d.synchronized ? 'on' : 'off') : null,
      virtualTimeNs: kernel.now(),
      wallTimeMs: Math.round(this.wallTimeMs * 1000) / 1000,
      result: failures.length === 0 ? 'pass' : 'fail',
      exitCode: failures.length === 0 ? 0 : 1,
      failures,
      run: outcome,
      frames,
      audio: client?.audioCounts() ?? { buffers: 0, bytes: 0 },
      srbs: {
        total: d?.stats.total ?? 0,
        byCommand,
        completed: d?.stats.completed ?? 0,
        cancelled: d?.stats.cancelled ?? 0,
        timedOut: d?.stats.timedOut ?? 0,
        outstanding,
      },
      interrupts: { raised: this.machine.intaVector.raised, claimed: isr?.claimed ?? 0, spurious: isr?.spurious ?? 0 },
      verifier: verifier.findings,
      findingCounts: Object.fromEntries(verifier.counts),
      verifierErrors: verifier.errors,
      bugcheck: bugcheckForReport(kernel.halted),
      expectations,
      debugOutput: this.classDriver.debugOutput,
      traceEvents: kernel.trace.count,
      ...(this.swaps.length > 0 ? { hotSwaps: this.swaps } : {}),
    }
    return report
  }

  private expectations(frames: RunReport['frames'], warnings: number): ExpectationResult[] {
    const e = this.options.scenario.expect ?? {}
    const out: ExpectationResult[] = []
    const check = (name: string, expected: number | undefined, actual: number, ok: (a: number, x: number) => boolean) => {
      if (expected !== undefined) out.push({ name, expected, actual, ok: ok(actual, expected) })
    }
    check('minFrames', e.minFrames, frames.delivered, (a, x) => a >= x)
    check('maxFrames', e.maxFrames, frames.delivered, (a, x) => a <= x)
    check('maxDropped', e.maxDropped, frames.dropped, (a, x) => a <= x)
    check('maxTorn', e.maxTorn, frames.torn, (a, x) => a <= x)
    check('maxStale', e.maxStale, frames.stale, (a, x) => a <= x)
    check('maxWarnings', e.maxWarnings, warnings, (a, x) => a <= x)
    return out
  }
}
