/**
 * The questions the host has asked a worker (inject a fault, inspect) and is waiting on, by call
 * number, so each answer finds its asker and a worker that goes leaves none waiting.
 */
import type { SandboxWorker } from './sandbox.js'
import type { HostMessage, WorkerMessage } from './sandboxMessages.js'

type Answer = (m: WorkerMessage | null) => void

export class WorkerCalls {
  private readonly waiting = new Map<number, { worker: SandboxWorker; answer: Answer }>()
  private next = 1

  /** Sends a question to `worker`; the promise gets its answer, or null when the worker goes first. */
  ask(worker: SandboxWorker, message: (call: number) => HostMessage): Promise<WorkerMessage | null> {
    const call = this.next++
    return new Promise((answer) => {
      this.waiting.set(call, { worker, answer })
      worker.postMessage(message(call))
    })
  }

  /** Who waits for the answer to `call` (no longer waiting once taken), if anyone. */
  take(call: number): Answer | undefined {
    const waiting = this.waiting.get(call)
    this.waiting.delete(call)
    return waiting?.answer
  }

  /** A worker is going: its unanswered questions get no answer. */
  dropAll(worker: SandboxWorker): void {
    for (const [call, waiting] of this.waiting) {
      if (waiting.worker !== worker) continue
      this.waiting.delete(call)
      waiting.answer(null)
    }
  }
}
