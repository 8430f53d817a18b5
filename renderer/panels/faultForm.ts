/**
 * The fault panel's logic: which parameters a catalogue fault takes (by its kind, docs/vcap1-faults.md),
 * turning what was typed into a FaultRequest with errors that name the field, and the search box.
 */
import type { FaultInfo, FaultRequest } from '../../main/contract/api.js'
import { durationSpec, parseTime } from '../../main/contract/time.js'

/** The inputs shown for a fault. */
export interface FaultParameters {
  /** Frame faults: the next N frames; modes: the next N uses (lost/late interrupts). */
  count: boolean
  /** Frame faults: each frame with probability p instead of a count. */
  probability: boolean
  /** Modes: how long the behaviour lasts (default: the fault's own, often until the run ends). */
  duration: boolean
  value: { meaning: string; default: number } | null
}

export function faultParameters(fault: FaultInfo): FaultParameters {
  return {
    count: fault.kind === 'frame' || fault.kind === 'mode',
    probability: fault.kind === 'frame',
    duration: fault.kind === 'mode',
    value: fault.value ?? null,
  }
}

/** The text of the inputs (blank: not given, the card's default applies). */
export interface FaultForm {
  count: string
  probability: string
  duration: string
  value: string
}

export function emptyFaultForm(): FaultForm {
  return { count: '', probability: '', duration: '', value: '' }
}

export type FaultRequestResult = { ok: true; request: FaultRequest } | { ok: false; error: string }

/** A request for `fault` from the form; `atNs` absent: now. */
export function buildFaultRequest(fault: FaultInfo, form: FaultForm, atNs?: number): FaultRequestResult {
  const params = faultParameters(fault)
  const request: FaultRequest = { fault: fault.id }
  if (atNs !== undefined) {
    if (!Number.isSafeInteger(atNs) || atNs < 0) return { ok: false, error: `time ${atNs} ns is not a time in the run` }
    request.atNs = atNs
  }
  const count = form.count.trim()
  if (params.count && count !== '') {
    const n = Number(count)
    if (!Number.isInteger(n) || n < 1) return { ok: false, error: `count "${count}" must be a whole number of at least 1` }
    request.count = n
  }
  const probability = form.probability.trim()
  if (params.probability && probability !== '') {
    const percent = probability.endsWith('%')
    const p = Number(percent ? probability.slice(0, -1) : probability) / (percent ? 100 : 1)
    if (!Number.isFinite(p) || p < 0 || p > 1) return { ok: false, error: `probability "${probability}" must be between 0 and 1 (or 0% and 100%)` }
    if (request.count !== undefined) return { ok: false, error: 'give a count or a probability, not both' }
    request.probability = p
  }
  const duration = form.duration.trim()
  if (params.duration && duration !== '') {
    const t = parseTime(duration)
    if (!t.ok) return { ok: false, error: `duration: ${t.error}` }
    request.duration = durationSpec(t.ns)
  }
  const value = form.value.trim()
  if (params.value !== null && value !== '') {
    const v = /^0x[0-9a-f]+$/i.test(value) ? parseInt(value.slice(2), 16) : Number(value)
    if (!Number.isFinite(v)) return { ok: false, error: `value "${value}" is not a number (${params.value.meaning})` }
    request.value = v
  }
  return { ok: true, request }
}

/** Faults matching every word of `query` in their id, number, scope, kind or descriptions. */
export function searchFaults(faults: readonly FaultInfo[], query: string): FaultInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '')
  if (words.length === 0) return faults.slice()
  return faults.filter((f) => {
    const text = `${f.id} #${f.number} ${f.number} ${f.scope} ${f.kind} ${f.device} ${f.driver} ${f.value?.meaning ?? ''}`.toLowerCase()
    return words.every((w) => text.includes(w))
  })
}
