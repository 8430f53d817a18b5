import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { availableParallelism } from 'node:os'
import type { HostMessage, WorkerMessage } from './sandboxMessages.js'

/** What the run process starts its worker with. */
export interface RunProcessSources {
  /** processEntry.ts, bundled: evaluated with `node -e`, so the process needs no file access at all. */
  entry: string
  worker: string
  simulation: string
}

export interface RunProcessLimits {
  heapMb: number
  stackMb: number
  /** Resident memory of the whole process (heap, ArrayBuffers, code) past which the run ends. */
  rssLimitMb: number
}

/** Node 22.13+ calls it --permission; Node 20 --experimental-permission. */
export function permissionFlags(): string[] {
  const flag = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission'
  // No --allow-fs-read/-write, --allow-child-process or --allow-addons: all denied. One worker: the sandbox's.
  return [flag, '--allow-worker', '--no-warnings']
}

/**
 * Threads for V8's background work (concurrent GC, compilation) in the run process. Node's default
 * of 4 on a 2-core machine makes the run's GC threads take turns with the run itself and the host
 * (the 640x480 capture ran about 20% slower): the process leaves a core to the host.
 */
export function backgroundThreadFlags(cores = availableParallelism()): string[] {
  return [`--v8-pool-size=${Math.max(1, Math.min(4, cores - 1))}`]
}

/**
 * A run in its own OS process, seen by the sandbox host as if it were the worker: `postMessage`,
 * `terminate` and the 'message', 'error' and 'exit' events. Whatever the process does (abort on a
 * fatal out-of-memory, exit, hang, write garbage), only this object hears of it; the host lives.
 */
export class RunProcess extends EventEmitter {
  private readonly child: ChildProcess
  private readonly exited: Promise<number>
  private gone = false
  /** The end of the process's stderr (V8 prints a fatal error there before it aborts). */
  private stderrTail = ''

  constructor(sources: RunProcessSources, limits: RunProcessLimits) {
    super()
    this.child = spawn(process.execPath, [...permissionFlags(), ...backgroundThreadFlags(), '-e', sources.entry], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Electron's own binary runs as plain Node with this; nothing else of the host's environment goes.
      env: { ELECTRON_RUN_AS_NODE: '1' },
    })
    this.child.stderr?.setEncoding('utf8')
    this.child.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-4096)
    })
    this.child.on('message', (m: unknown) => this.onChildMessage(m))
    this.child.on('error', (error) => this.end(error))
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        const fatalOom = /heap out of memory|Reached heap limit|allocation failed/i.test(this.stderrTail)
        if (fatalOom) this.end(Object.assign(new Error(`the run's process ran out of memory (${signal ?? code})`), { code: 'ERR_WORKER_OUT_OF_MEMORY' }))
        else this.end(null, code ?? (signal !== null ? 128 : 1), signal)
        resolve(code ?? 1)
      })
    })
    this.child.send({ type: '__start', worker: sources.worker, simulation: sources.simulation, heapMb: limits.heapMb, stackMb: limits.stackMb, rssLimitMb: limits.rssLimitMb })
  }

  postMessage(message: HostMessage): void {
    if (this.gone || !this.child.connected) return
    try {
      this.child.send(message)
    } catch {
      // The process is going; its exit event says so.
    }
  }

  /** Kills the process (SIGKILL: nothing inside it gets a say) and waits for it to be gone. */
  terminate(): Promise<number> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
    return this.exited
  }

  private onChildMessage(m: unknown): void {
    if (this.gone) return
    const type = (m as { type?: unknown } | null)?.type
    if (type === '__error') {
      const { message, code } = m as { message?: unknown; code?: unknown }
      const error = Object.assign(new Error(typeof message === 'string' ? message.slice(0, 2000) : 'the run process reported an error'), typeof code === 'string' ? { code } : {})
      this.emit('error', error)
      return
    }
    this.emit('message', m as WorkerMessage)
  }

  /** Says once that the run is over: 'error' (with what the process told) or 'exit'. */
  private end(error: Error | null, code = 1, signal: NodeJS.Signals | null = null): void {
    if (this.gone) return
    this.gone = true
    if (error !== null) this.emit('error', error)
    else this.emit('exit', signal !== null ? `${code} (${signal})` : code)
  }
}
