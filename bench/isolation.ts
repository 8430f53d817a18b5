import type { CompiledDriver } from '../main/host/compile.js'
import { Sandbox } from '../main/host/sandbox/sandbox.js'
import { Session } from '../main/host/session.js'
import { capture } from './dataPath.js'

/** Virtual time over wall time of the 640x480 capture, in the three places a run can happen. */
export interface IsolationFigures {
  /** In this process, no sandbox (what the tests' Session does). */
  inProcess: number[]
  /** The sandbox in a worker thread of this process: frozen intrinsics, vm context. */
  thread: number[]
  /** The default: the sandbox in a process of its own under the permission model, frozen intrinsics. */
  process: number[]
}

type Place = keyof IsolationFigures

/** Runs before the measured ones in each place, so each place's JIT is as warm as the others'. */
const WARM_UP_RUNS = 3

/**
 * The cost of the process boundary and the frozen intrinsics (issue 9): the same 640x480 YUY2 30 fps
 * capture of `seconds` virtual seconds, with tracing on (the trace crosses the boundary as it would for the
 * workbench). Every run is timed from the request to the result, so sandboxed figures include starting
 * the run and shipping the trace and the report across. Each place is warmed up alike, then the places
 * take turns run by run, so a machine that slows down during the bench slows all three.
 */
export async function isolationRatios(driver: CompiledDriver, runs: number, seconds = 10): Promise<IsolationFigures> {
  const scenario = capture(640, 480, 30, seconds, 400)
  const figures: IsolationFigures = { inProcess: [], thread: [], process: [] }
  const sandboxes = { thread: new Sandbox({ isolation: 'thread' }), process: new Sandbox({ isolation: 'process' }) }
  const once = async (place: Place): Promise<number> => {
    const t0 = performance.now()
    const report = place === 'inProcess' ? new Session({ driver, scenario, timeLimitNs: 600e9, trace: true }).run() : (await sandboxes[place].run({ driver, scenario, timeLimitNs: 600e9, trace: true }).result).report
    const wall = performance.now() - t0
    if (report.result !== 'pass') throw new Error(`the capture failed (${place}): ${report.failures.join('; ')}`)
    return report.virtualTimeNs / 1e6 / wall
  }
  const places: Place[] = ['inProcess', 'thread', 'process']
  try {
    for (let i = 0; i < WARM_UP_RUNS; i++) for (const place of places) await once(place)
    for (let i = 0; i < runs; i++) for (const place of places) figures[place].push(await once(place))
  } finally {
    await Promise.all([sandboxes.thread.close(), sandboxes.process.close()])
  }
  return figures
}
