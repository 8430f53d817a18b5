/**
 * The faults injected from the fault panel, per run. Kept outside the component so that the list
 * survives the panel being closed and reopened (tabs unmount their content).
 */
import type { FaultResult } from '../../main/contract/api.js'

export interface InjectedFault {
  runId: number
  fault: string
  /** When it fires (virtual ns). */
  timeNs: number
  /** Now, or at a chosen time. */
  scheduled: boolean
  /** When it was asked for (wall ms), to order entries asked at the same virtual time. */
  askedAt: number
}

export class FaultLog {
  private readonly byRun = new Map<number, InjectedFault[]>()
  private readonly listeners = new Set<() => void>()

  /** Records a successful injection. */
  add(runId: number, fault: string, result: FaultResult, scheduled: boolean, askedAt: number): void {
    if (!result.ok) return
    let list = this.byRun.get(runId)
    if (list === undefined) this.byRun.set(runId, (list = []))
    list.push({ runId, fault, timeNs: result.timeNs, scheduled, askedAt })
    list.sort((a, b) => a.timeNs - b.timeNs || a.askedAt - b.askedAt)
    for (const l of this.listeners) l()
  }

  /** The run's injections in firing order. */
  list(runId: number | null): readonly InjectedFault[] {
    return runId === null ? [] : (this.byRun.get(runId) ?? [])
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

/** The page's one log. */
export const faultLog = new FaultLog()
