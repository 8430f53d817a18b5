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

/**
 * The cost of the process boundary and the frozen intrinsics (issue 9): the same 640x480 YUY2 30 fps
 * capture of 10 virtual seconds, with tracing on (the trace crosses the boundary as it would for the
 * workbench), run `runs` times in each place. Sandboxed runs are timed on the host from the request to
 * the result, after one warm-up run that also starts the process; so the figure includes shipping the
 * trace and the report across.
 */
export async function isolationRatios(driver: CompiledDriver, runs: number): Promise<IsolationFigures> {
  const scenario = capture(640, 480, 30, 10, 400)
  const figures: IsolationFigures = { inProcess: [], thread: [], process: [] }
  for (let i = 0; i < runs; i++) {
    const report = new Session({ driver, scenario, timeLimitNs: 600e9, trace: true }).run()
    if (report.result !== 'pass') throw new Error(`in-process capture failed: ${report.failures.join('; ')}`)
    figures.inProcess.push(report.virtualTimeNs / 1e6 / report.wallTimeMs)
  }
  for (const isolation of ['thread', 'process'] as const) {
    const sandbox = new Sandbox({ isolation })
    try {
      for (let i = 0; i <= runs; i++) {
        const t0 = performance.now()
        const { report } = await sandbox.run({ driver, scenario, timeLimitNs: 600e9, trace: true }).result
        const wall = performance.now() - t0
        if (report.result !== 'pass') throw new Error(`sandboxed (${isolation}) capture failed: ${report.failures.join('; ')}`)
        if (i > 0) figures[isolation].push(report.virtualTimeNs / 1e6 / wall)
      }
    } finally {
      await sandbox.close()
    }
  }
  return figures
}
