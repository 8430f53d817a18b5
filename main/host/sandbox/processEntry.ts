/**
 * The run process's main thread (started by runProcess.ts with Node's permission model: no file
 * access, no child processes, no addons; one worker allowed, its own). It starts the sandbox worker
 * with the sources the host sends first and relays messages both ways. What stays here: the worker's
 * shared crash record, copied to the host when it changed (every 50 ms, and before the run's end
 * and the worker's), so a host that sees this process die still knows the callback and loop it was in; and a watch on the process's resident memory, which
 * ArrayBuffers can grow past the worker's heap limit.
 */
import { Worker } from 'node:worker_threads'

interface Start {
  type: '__start'
  worker: string
  simulation: string
  heapMb: number
  stackMb: number
  /** Resident memory of this process past which the run ends as out of memory. */
  rssLimitMb: number
}

const send = (m: unknown): void => {
  if (process.connected) process.send!(m)
}

let worker: Worker | null = null
let crash: Int32Array | null = null
let crashId = 0
/** What the host was last sent (null: nothing yet for this run). */
let sentCrash: Int32Array | null = null

function shipCrash(): void {
  if (crash === null) return
  if (sentCrash !== null && sentCrash.every((v, i) => v === crash![i])) return
  sentCrash = crash.slice()
  send({ type: 'crash', id: crashId, buffer: sentCrash.slice().buffer })
}

function start(m: Start): void {
  worker = new Worker(m.worker, {
    eval: true,
    workerData: { simulation: m.simulation, heapMb: m.heapMb },
    env: {},
    resourceLimits: { maxOldGenerationSizeMb: m.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: m.stackMb },
  })
  worker.on('message', (w: { type: string; id: number; buffer?: SharedArrayBuffer }) => {
    if (w.type === 'crash' && w.buffer !== undefined) {
      crash = new Int32Array(w.buffer)
      crashId = w.id
      sentCrash = null
      shipCrash()
      return
    }
    // Trace rows, statuses and names go as they are; the record goes ahead of an ending.
    if (w.type === 'done' || w.type === 'failed' || w.type === 'refused') shipCrash()
    send(w)
  })
  worker.on('error', (error: Error & { code?: string }) => {
    shipCrash()
    send({ type: '__error', message: String(error?.message ?? error), code: typeof error?.code === 'string' ? error.code : null })
  })
  // The host learns of the end from this process's exit, which follows.
  worker.on('exit', () => {
    shipCrash()
    process.disconnect?.()
  })
  const limit = m.rssLimitMb * 1024 * 1024
  setInterval(() => {
    shipCrash()
    if (process.memoryUsage.rss() <= limit) return
    send({ type: '__error', message: `the run's process passed ${m.rssLimitMb} MB of memory`, code: 'ERR_WORKER_OUT_OF_MEMORY' })
    process.exit(70)
  }, 50).unref()
}

process.on('message', (m: Start | unknown) => {
  if (worker === null) {
    if ((m as Start)?.type === '__start') start(m as Start)
    return
  }
  worker.postMessage(m)
})
process.on('disconnect', () => process.exit(0))
