/**
 * The sandbox worker (a worker_threads thread with resource limits; see sandbox.ts for the host side).
 * Runs happen in a vm context with no Node globals, no code generation from strings and no
 * WebAssembly. The simulation bundle is evaluated in it once, each run's driver script per run; a run then
 * advances in slices of wall time, each evaluated with a timeout as the backstop for a loop the loop
 * watchdog cannot see. Between slices the worker ships new trace rows, the report so far and the frame
 * and audio previews, and takes commands (hot swap, pace, pause, stop, faults) and inspectors' questions,
 * which it also answers for the last run after it ended, until the next run starts.
 */
import { getHeapStatistics } from 'node:v8'
import * as vm from 'node:vm'
import { parentPort, workerData } from 'node:worker_threads'
import type { SimulationApi, SimulationRun } from './simulation.js'
import type { InspectResult } from '../../contract/api.js'
import type { HostMessage, RunMessage, WorkerMessage } from './sandboxMessages.js'
import { describeThrown, thrownFacts } from '../../sim/thrownValue.js'

const port = parentPort!
const { simulation: simulationSource, heapMb } = workerData as { simulation: string; heapMb: number }
/** The old generation limit the worker was started with (resourceLimits.maxOldGenerationSizeMb). */
const heapLimitBytes = heapMb * 1024 * 1024

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer)
}

interface Active {
  id: number
  run: SimulationRun
  context: vm.Context
  holder: { run: SimulationRun; slice: number; until: number; method: 'inspect' | 'injectFault'; arg: string }
  key: string
  /** Calls `holder.method(holder.arg)` on the run (an inspector's question, an injected fault). */
  callScript: vm.Script
  /** Frame previews or audio levels are on. */
  taps: boolean
  pace: number
  paused: boolean
  stopRequested: boolean
  stepUntil: number
  startedWall: number
  startedVirtual: number
  backstopMs: number
  sliceMs: number
}

let active: Active | null = null
/** The last run once it ended: inspectors may still look at it until the next run starts. */
let finished: Active | null = null
/** Wall ms for which one heap reading serves the loop watchdog's gauge. */
const GAUGE_REUSE_MS = 1
/** Wall ms an inspector's question or a fault injection may take inside the context. */
const CALL_TIMEOUT_MS = 2000
/** After a bug check or a cut-short slice the context is not trusted again: the host restarts us. */
let spent = false

port.on('message', (message: HostMessage) => {
  switch (message.type) {
    case 'run':
      if (active !== null || spent) {
        post({ type: 'refused', id: message.id, reason: spent ? 'this worker is spent; start a new one' : 'a run is in progress' })
        return
      }
      void startRun(message)
      return
    case 'swap': {
      const a = active
      if (a === null || a.id !== message.id) return
      let result: string
      try {
        const wrapper = new vm.Script(message.wrapperSource, { filename: message.scriptName, lineOffset: -1 }).runInContext(a.context)
        result = a.run.hotSwap(wrapper, message.driverJson, message.scriptName)
      } catch (error) {
        result = JSON.stringify({ ok: false, error: `the new code did not evaluate: ${said(error)}`, replaced: [], kept: [], timeNs: a.run.virtualTimeNs() })
      }
      post({ type: 'swapped', id: message.id, result })
      return
    }
    case 'pace':
      if (active !== null && active.id === message.id) {
        active.startedWall = performance.now()
        active.startedVirtual = active.run.virtualTimeNs()
        active.pace = message.pace
      }
      return
    case 'pause':
      if (active !== null && active.id === message.id) active.paused = message.paused
      if (active !== null && !message.paused) {
        active.startedWall = performance.now()
        active.startedVirtual = active.run.virtualTimeNs()
      }
      return
    case 'step':
      if (active !== null && active.id === message.id) active.stepUntil = active.run.virtualTimeNs() + message.ns
      return
    case 'stop':
      if (active !== null && active.id === message.id) active.stopRequested = true
      return
    case 'inject': {
      let result: string
      if (active === null || active.id !== message.id) result = JSON.stringify({ ok: false, error: 'the run is over', timeNs: finished?.id === message.id ? finished.run.virtualTimeNs() : 0 })
      else {
        try {
          result = String(call(active, 'injectFault', message.request))
        } catch (error) {
          result = JSON.stringify({ ok: false, error: `the fault could not be injected: ${said(error)}`, timeNs: active.run.virtualTimeNs() })
        }
      }
      post({ type: 'injected', id: message.id, call: message.call, result })
      return
    }
    case 'inspect': {
      const a = active !== null && active.id === message.id ? active : finished !== null && finished.id === message.id ? finished : null
      let result: InspectResult
      if (a === null) result = { what: 'none', reason: 'the run is no longer in the sandbox: a newer run took its place' }
      else {
        // The timeline should have every row up to the moment the answer describes.
        if (a === active) shipTrace(a)
        try {
          result = call(a, 'inspect', message.request) as InspectResult
        } catch (error) {
          result = { what: 'none', reason: `the inspector failed: ${said(error)}` }
        }
      }
      const transfer = result.what === 'memory' ? [result.memory.bytes.buffer as ArrayBuffer] : []
      post({ type: 'inspected', id: message.id, call: message.call, result }, transfer)
      return
    }
  }
})

/**
 * The context and the simulation in it, made once per worker: later runs reuse the simulation's code
 * (already optimised by the JIT) and evaluate only the new driver. A bug check spends the worker.
 */
interface Realm {
  context: vm.Context
  api: typeof SimulationApi
  now: () => number
  /** Used heap over the heap limit (0..1), for the loop watchdog. */
  heapGauge: () => number
  /** Name announcements go to the run being started (the bridge is made once). */
  runId: number
  onName: (id: number, name: string) => void
}

let realm: Realm | null = null

/** The driver of this worker's last run, compiled: a run whose message has no driver reruns it. */
let lastDriver: { json: string; script: vm.Script; scriptName: string } | null = null

function makeRealm(): Realm {
  const context = vm.createContext(Object.create(null), {
    name: 'mdwb sandbox',
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: 'afterEvaluate',
  })
  const api = new vm.Script(simulationSource, { filename: 'mdwb-simulation.js' }).runInContext(context) as typeof SimulationApi
  // Bridges are made in the context around host functions, so what the context holds is its own. An
  // error thrown inside a host function (a stack overflow reached there, say) is a host-realm object
  // whose constructor leads to the host's Function: it never crosses; the context makes its own.
  const bridge = vm.runInContext(
    `(f) => (a, b) => { let v; try { v = f(a, b) } catch { throw new RangeError('the sandbox host call failed (stack exhausted?)') } return v }`,
    context,
  ) as <A extends unknown[], R>(f: (...args: A) => R) => (...args: A) => R
  const now = bridge(() => performance.now())
  // getHeapStatistics costs ~2 us and a loop asks every 32 iterations (16 ms of a 60 s capture): a
  // reading is reused for a millisecond, in which no loop allocates a quarter of the heap.
  let gaugeAt = -Infinity
  let gaugeValue = 0
  const heapGauge = bridge(() => {
    const t = performance.now()
    if (t - gaugeAt >= GAUGE_REUSE_MS) {
      gaugeAt = t
      gaugeValue = getHeapStatistics().used_heap_size / heapLimitBytes
    }
    return gaugeValue
  })
  const r: Realm = { context, api, now, heapGauge, runId: 0, onName: () => {} }
  r.onName = bridge((id: number, name: string) => {
    post({ type: 'name', id: r.runId, nameId: typeof id === 'number' ? id : -1, name: typeof name === 'string' ? name : '(unnamed)' })
  })
  return r
}

async function startRun(message: RunMessage): Promise<void> {
  let run: SimulationRun
  let context: vm.Context
  // The previous run's session goes: only the newest run can be inspected.
  finished = null
  try {
    realm ??= makeRealm()
    realm.runId = message.id
    context = realm.context
    if (message.driver !== null) {
      const { json, wrapperSource, scriptName } = message.driver
      lastDriver = { json, script: new vm.Script(wrapperSource, { filename: scriptName, lineOffset: -1 }), scriptName }
    }
    if (lastDriver === null) throw new Error('the run came without a driver, and this worker has none')
    // Each run evaluates the compiled script again: a fresh module instance, the code compiled once.
    const wrapper = lastDriver.script.runInContext(context)
    run = realm.api.createRun(message.config, lastDriver.json, wrapper, lastDriver.scriptName, realm.now, realm.onName, realm.heapGauge)
  } catch (error) {
    spent = true
    post({ type: 'failed', id: message.id, reason: `the sandbox could not start the run: ${said(error, true)}` })
    return
  }
  post({ type: 'crash', id: message.id, buffer: run.crash.buffer as SharedArrayBuffer })
  const key = `__mdwb_${Math.random().toString(36).slice(2)}`
  const holder = vm.runInContext('({})', context) as Active['holder']
  holder.run = run
  const a: Active = {
    id: message.id,
    run,
    context,
    holder,
    key,
    pace: message.pace,
    paused: message.paused,
    stopRequested: false,
    stepUntil: -1,
    startedWall: performance.now(),
    startedVirtual: 0,
    backstopMs: message.backstopMs,
    sliceMs: message.sliceMs,
    callScript: new vm.Script(`${key}.run[${key}.method](${key}.arg)`, { filename: 'mdwb-call.js' }),
    taps: message.taps,
  }
  active = a
  const stepScript = new vm.Script(`${key}.run.step(${key}.slice, ${key}.until)`, { filename: 'mdwb-step.js' })
  const startScript = new vm.Script(`${key}.run.start()`, { filename: 'mdwb-start.js' })
  let done = false
  let cut: string | null = null
  try {
    evaluate(a, startScript, 0)
    while (!done && !a.stopRequested) {
      if (a.paused && a.stepUntil < 0) {
        ship(a)
        await sleep(10)
        continue
      }
      let until = Infinity
      if (a.stepUntil >= 0) until = a.stepUntil
      else if (Number.isFinite(a.pace)) until = a.startedVirtual + (performance.now() - a.startedWall) * 1e6 * a.pace
      done = evaluate(a, stepScript, until) === true
      if (a.stepUntil >= 0 && a.run.virtualTimeNs() >= a.stepUntil) a.stepUntil = -1
      ship(a)
      // Let messages in (hot swap, pause, stop); when paced and ahead of the clock, wait a little.
      if (!done && Number.isFinite(a.pace) && a.run.virtualTimeNs() >= until) await sleep(5)
      else await yieldTurn()
    }
  } catch (error) {
    cut = timeoutMessage(error, a)
    if (cut === null) {
      spent = true
      active = null
      post({ type: 'failed', id: a.id, reason: `the simulation failed: ${said(error, true)}` })
      return
    }
  }
  let report: string
  try {
    report = cut === null ? a.run.finish() : a.run.status()
    // What comes out of the context is checked by the host; a non-string would not even be JSON.
    if (typeof report !== 'string') report = JSON.stringify({ error: 'the report is not a string' })
  } catch (error) {
    report = JSON.stringify({ error: said(error) })
  }
  ship(a, true)
  if (cut !== null) spent = true
  const halted = cut !== null || /"bugcheck":\{/.test(report)
  if (halted) spent = true
  active = null
  finished = a
  post({ type: 'done', id: a.id, report, cutShort: cut, callback: cut !== null ? a.run.currentCallback() : null })
}

/** Evaluates a slice with the backstop timeout; the run is reachable by a random global only meanwhile. */
function evaluate(a: Active, script: vm.Script, until: number): unknown {
  a.holder.slice = a.sliceMs
  a.holder.until = until
  Object.defineProperty(a.context, a.key, { value: a.holder, configurable: true, enumerable: false })
  try {
    return script.runInContext(a.context, { timeout: a.backstopMs })
  } finally {
    delete (a.context as Record<string, unknown>)[a.key]
  }
}

/** Calls a method of the run inside the context, with a timeout (the context is shared with driver code). */
function call(a: Active, method: Active['holder']['method'], arg: string): unknown {
  a.holder.method = method
  a.holder.arg = arg
  Object.defineProperty(a.context, a.key, { value: a.holder, configurable: true, enumerable: false })
  try {
    return a.callScript.runInContext(a.context, { timeout: CALL_TIMEOUT_MS })
  } finally {
    delete (a.context as Record<string, unknown>)[a.key]
  }
}

/** The message of a slice cut short by the backstop timeout, or null for any other error. */
function timeoutMessage(error: unknown, a: Active): string | null {
  let code: unknown
  try {
    code = (error as { code?: string }).code
  } catch {
    return null // not Node's timeout error: a value of the driver's whose properties throw
  }
  if (code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') return null
  return `the simulation did not yield for ${a.backstopMs} ms of wall time`
}

/** How often the report so far goes to the host while a run goes on (it also serves as a heartbeat). */
const STATUS_EVERY_MS = 100
let lastStatus = 0

/**
 * New trace rows and (now and then) the report so far, to the host; the rows' buffers are transferred.
 * `last`: the run is over, and the report that follows replaces any status.
 */
function ship(a: Active, last = false): void {
  shipTrace(a)
  if (a.taps) {
    const taps = a.run.drainTaps()
    if (taps !== null) post({ type: 'taps', id: a.id, frames: taps.frames, audio: taps.audio, captured: taps.captured }, [...taps.frames.map((f) => f.data.buffer as ArrayBuffer), ...taps.captured.map((c) => c.data.buffer as ArrayBuffer)])
  }
  const now = performance.now()
  if (last || now - lastStatus < STATUS_EVERY_MS) return
  lastStatus = now
  post({ type: 'status', id: a.id, status: a.run.status(), virtualTimeNs: a.run.virtualTimeNs() })
}

function shipTrace(a: Active): void {
  const delta = a.run.drainTrace()
  if (delta !== null) {
    const buffers = Object.values(delta.rows).map((column) => (column as Uint8Array).buffer as ArrayBuffer)
    post({ type: 'trace', id: a.id, delta }, buffers)
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * A value thrown inside the context, in words, without running any of its code (it may be the
 * driver's: a Proxy, a getter, a toString that loops): see thrownValue.ts. With `stack`, an Error's stack.
 */
function said(error: unknown, stack = false): string {
  const s = stack ? thrownFacts(error).stack : null
  return s ?? describeThrown(error)
}
