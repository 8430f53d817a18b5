import type { FaultRequest, FaultResult } from '../../contract/api.js'
import { FaultInjector } from '../../hw/vcap1/faultInjector.js'
import { FAULT_BY_ID } from '../../hw/vcap1/faultCatalogue.js'
import { formatDuration, parseDuration } from '../../contract/time.js'
import type { SessionCore } from '../sessionCore.js'

/**
 * A fault injected into a running (or paused) session from outside the scenario (*context*): the
 * workbench's fault panel. The same semantics as a scenario `fault` step (count, probability, duration,
 * value; docs/vcap1-faults.md), armed now or at an absolute virtual time. The injection itself is a
 * hardware event at that time, so it happens inside the run like a scenario step does (with the
 * session's services bound) and puts the same instants on the "VCAP-1 faults" track; a paused run
 * arms it when stepping reaches that time.
 */
export function injectLiveFault(session: SessionCore, request: FaultRequest, over: boolean): FaultResult {
  const kernel = session.machine.kernel
  const now = kernel.now()
  const fail = (error: string): FaultResult => ({ ok: false, error, timeNs: now })
  if (over || kernel.stopped || kernel.halted !== null) return fail('the run is over')
  const card = session.card.vcap1
  if (card === undefined) return fail(`this run's card is '${session.card.name}': the fault catalogue is the VCAP-1 card's (a driver that imports 'vcap1' runs on it)`)
  if (typeof request.fault !== 'string' || !FAULT_BY_ID.has(request.fault)) return fail(`unknown fault '${String(request.fault)}' (known: ${FaultInjector.ids().join(', ')})`)
  if (request.count !== undefined && !(Number.isInteger(request.count) && request.count >= 1)) return fail(`fault ${request.fault}: count must be a whole number of at least 1, got ${request.count}`)
  if (request.probability !== undefined && !(typeof request.probability === 'number' && request.probability >= 0 && request.probability <= 1)) {
    return fail(`fault ${request.fault}: probability must be between 0 and 1, got ${request.probability}`)
  }
  if (request.value !== undefined && !(typeof request.value === 'number' && Number.isFinite(request.value))) return fail(`fault ${request.fault}: value must be a number, got ${request.value}`)
  let duration: number | undefined
  if (request.duration !== undefined) {
    duration = parseDuration(request.duration)
    if (Number.isNaN(duration)) return fail(`fault ${request.fault}: duration '${request.duration}' is not a duration (e.g. "50ms", "2s")`)
  }
  const at = request.atNs ?? now
  if (!(typeof at === 'number' && Number.isFinite(at) && at >= 0)) return fail(`fault ${request.fault}: atNs must be a virtual time in ns, got ${request.atNs}`)
  if (at < now) return fail(`fault ${request.fault}: ${formatDuration(at)} is in the past (the run is at ${formatDuration(now)})`)
  const armed = { fault: request.fault, count: request.count, probability: request.probability, duration, value: request.value }
  kernel.scheduleHw(at, () => {
    // Validated above; a refusal here would be a catalogue entry the injector does not know.
    const error = card.faults.inject(armed)
    if (error !== null) card.faultEvent(request.fault, `not injected: ${error}`)
  }, null)
  return { ok: true, error: null, timeNs: at }
}
