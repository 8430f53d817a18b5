/**
 * The simulation as it runs inside the sandbox's vm context: this module (and everything it imports:
 * the kernel, the card, the class driver, the client) is bundled, from contextEntry.ts, into one
 * script that the worker evaluates in a fresh context with no Node globals and no code generation from
 * strings. Its completion value is `SimulationApi`; nothing of it is put on the context's global
 * object, so driver code in the same context cannot reach the simulation's controls.
 *
 * Everything that leaves goes out as strings, numbers and typed arrays (the worker copies them out);
 * nothing from the host is handed in but the driver's wrapper function (itself made in this context)
 * and two bridges the worker builds in this context around host functions.
 */
import type { Scenario, StepOf } from '../../client/scenario/schema.js'
import type { ClassDriverSettings } from '../../classdriver/settings.js'
import type { CompiledDriver } from '../compiledDriver.js'
import { instantiateDriver, type DriverWrapper } from '../driverModule.js'
import { SessionCore, type SwapResult } from '../sessionCore.js'
import { newTraceColumns, type TraceColumns } from '../../contract/trace.js'
import type { FaultRequest, InspectRequest, InspectResult } from '../../contract/api.js'
import { inspectMemory } from '../inspect/memoryInspector.js'
import { inspectRegisters } from '../inspect/registerInspector.js'
import { RegisterLog } from '../inspect/registerLog.js'
import { inspectRings } from '../inspect/ringInspector.js'
import type { AudioTap, FrameTap, TapOptions } from '../inspect/liveTaps.js'
import type { CapturedBuffer } from '../export/captureTap.js'
import { injectLiveFault } from './liveFault.js'
import { CHUNK_ROWS } from '../../sim/trace/recorder.js'
import { CRASH, type TraceDelta } from './sandboxMessages.js'

/** What the host asks for: the same options as an in-process Session (the driver travels apart: RunDriver). */
export interface RunConfig {
  scenario: Scenario
  seed?: number
  timeLimitNs: number
  sync?: 'on' | 'off'
  settings?: Partial<ClassDriverSettings>
  faults?: StepOf<'fault'>[]
  trace?: boolean
  loopBudgetMs?: number
  taps?: TapOptions
}


export class SimulationRun {
  /** Shared memory the host reads after a crash: the running callback and the last loop site. */
  readonly crash = new Int32Array(new SharedArrayBuffer(CRASH.SIZE * 4)).fill(-1)
  private readonly session: SessionCore
  /** Who touched each card register (the register inspector's history); null without VCAP-1. */
  private readonly registerLog: RegisterLog | null = null
  private readonly names = new Map<string, number>()
  private sentRows = 0
  private sentStrings = 0
  private sentDetails = 0
  private schemaSize = -1

  constructor(
    config: RunConfig & { driver: CompiledDriver },
    wrapper: DriverWrapper,
    scriptName: string,
    private readonly now: () => number,
    onName: (id: number, name: string) => void,
  ) {
    this.session = new SessionCore(config, { factory: (modules, loop) => instantiateDriver(wrapper, modules, loop), scriptName, now })
    const crash = this.crash
    this.session.classDriver.invoker.onRunning = (name, entering) => {
      // A loop site recorded before this callback started is not where it went wrong.
      if (entering) crash[CRASH.LOOP_SITE] = -1
      if (name === null) {
        crash[CRASH.CALLBACK] = -1
        return
      }
      let id = this.names.get(name)
      if (id === undefined) {
        id = this.names.size
        this.names.set(name, id)
        onName(id, name)
      }
      crash[CRASH.CALLBACK] = id
    }
    this.session.watchdog.recordSitesIn(crash, CRASH.LOOP_SITE)
    const card = this.session.card.vcap1
    if (card !== undefined) {
      this.registerLog = new RegisterLog(this.session.machine.kernel, this.session.classDriver.invoker)
      this.registerLog.attach(card)
    }
  }

  start(): void {
    this.session.start()
  }

  setHeapGauge(gauge: (() => number) | null): void {
    this.session.watchdog.heapGauge = gauge
  }

  /** Runs for about `sliceMs` of wall time, up to `untilNs` of virtual time. True when the run is over. */
  step(sliceMs: number, untilNs: number): boolean {
    const deadline = this.now() + sliceMs
    // A backlog of captured frames (mdwb run --frames) ends the slice early: they ship in pieces.
    const done = this.session.step(() => this.now() >= deadline || this.session.taps?.capture?.backlogged() === true, untilNs)
    this.crash[CRASH.VIRTUAL_MS] = Math.floor(this.session.machine.kernel.now() / 1e6)
    return done
  }

  /** The final checks and the report, as JSON. */
  finish(): string {
    return JSON.stringify(this.session.finish())
  }

  /** Where the run is, as JSON: the report so far (cheap enough once per slice). */
  status(): string {
    return JSON.stringify(this.session.report())
  }

  virtualTimeNs(): number {
    return this.session.machine.kernel.now()
  }

  /** The callback running now (after the backstop timeout cut a slice short), or null. */
  currentCallback(): string | null {
    return this.session.classDriver.invoker.currentName()
  }

  /** The new trace rows, strings, details and (when it changed) schema since the last call. */
  drainTrace(): TraceDelta | null {
    const rec = this.session.machine.kernel.trace
    const schema = rec.schema()
    const size = schema.tracks.length * 1_000_000 + schema.argLayouts.length * 1000 + Object.keys(schema.enums).length
    const schemaChanged = size !== this.schemaSize
    if (rec.count === this.sentRows && rec.strings.size === this.sentStrings && !schemaChanged) return null
    const from = this.sentRows
    const n = rec.count - from
    const rows = copyRows(rec.chunks, from, n)
    const strings = rec.strings.list.slice(this.sentStrings)
    const details = JSON.stringify(rec.details.slice(this.sentDetails), (_k, v) => (typeof v === 'bigint' ? Number(v) : v))
    this.sentRows = rec.count
    this.sentStrings = rec.strings.size
    this.sentDetails = rec.details.length
    this.schemaSize = size
    return { from, rows, strings, details, schema: schemaChanged ? JSON.stringify(schema) : null }
  }

  /** A fault from the workbench's panel (liveFault.ts); the FaultResult as JSON. */
  injectFault(requestJson: string): string {
    return JSON.stringify(injectLiveFault(this.session, JSON.parse(requestJson) as FaultRequest, this.session.ended))
  }

  /**
   * An inspector's view of the card and memory now, without side effects. Memory bytes come as a
   * Uint8Array for the transfer list.
   */
  inspect(requestJson: string): InspectResult {
    const request = JSON.parse(requestJson) as InspectRequest
    const card = this.session.card.vcap1 ?? null
    const timeNs = this.session.machine.kernel.now()
    if (request.what === 'memory') {
      try {
        return { what: 'memory', timeNs, memory: inspectMemory(this.session.machine.memory, card, request.address, request.length) }
      } catch (error) {
        return { what: 'none', reason: error instanceof Error ? error.message : String(error) }
      }
    }
    if (card === null) return { what: 'none', reason: `this run's card is '${this.session.card.name}': registers and descriptor rings are the VCAP-1 card's` }
    if (request.what === 'registers') return { what: 'registers', timeNs, registers: inspectRegisters(card, this.registerLog) }
    if (request.what === 'rings') return { what: 'rings', timeNs, rings: inspectRings(card, this.session.machine.memory) }
    return { what: 'none', reason: `nothing to inspect called '${String((request as { what: unknown }).what)}'` }
  }

  /** Frame previews, audio levels and captured buffers since the last call (null: none, or taps are off). */
  drainTaps(): { frames: FrameTap[]; audio: AudioTap[]; captured: CapturedBuffer[] } | null {
    return this.session.taps?.drain() ?? null
  }

  /** Replaces the driver's code under the running session (see hotSwap.ts); returns the result as JSON. */
  hotSwap(wrapper: DriverWrapper, driverJson: string, scriptName: string): string {
    const driver = JSON.parse(driverJson) as CompiledDriver
    const result: SwapResult = this.session.swap((modules, loop) => instantiateDriver(wrapper, modules, loop), driver, scriptName)
    return JSON.stringify(result)
  }
}

/** Copies rows [from, from + n) out of the recorder's chunks into fresh columns. */
function copyRows(chunks: TraceColumns[], from: number, n: number): TraceColumns {
  const out = newTraceColumns(n)
  let at = 0
  while (at < n) {
    const row = from + at
    const chunk = chunks[Math.floor(row / CHUNK_ROWS)]
    const start = row % CHUNK_ROWS
    const take = Math.min(n - at, CHUNK_ROWS - start)
    for (const key of Object.keys(out) as (keyof TraceColumns)[]) {
      ;(out[key] as Float64Array).set((chunk[key] as Float64Array).subarray(start, start + take), at)
    }
    at += take
  }
  return out
}

/** What the script evaluates to. */
export const SimulationApi = {
  createRun(configJson: string, driverJson: string, wrapper: DriverWrapper, scriptName: string, now: () => number, onName: (id: number, name: string) => void, heapGauge: (() => number) | null): SimulationRun {
    const config = { ...(JSON.parse(configJson) as RunConfig), driver: JSON.parse(driverJson) as CompiledDriver }
    const run = new SimulationRun(config, wrapper, scriptName, now, onName)
    run.setHeapGauge(heapGauge)
    return run
  },
}
