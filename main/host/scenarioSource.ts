import { readFile } from 'node:fs/promises'
import { buildPreset, DEFAULT_PRESET_DURATION, PRESETS } from '../client/scenario/presets.js'
import type { Scenario, Step } from '../client/scenario/schema.js'
import { parseScenario } from '../client/scenario/validate.js'
import { parseDuration, SECOND } from '../contract/time.js'
import { durationOverLimit, MAX_VIRTUAL_NS } from '../client/scenario/limits.js'

/** Virtual time a run may take beyond the scenario's own waits (start, teardown, a stuck step). */
export const RUN_SLACK_NS = 60 * SECOND

export interface ResolvedScenario {
  scenario: Scenario
  /** Where it came from: a preset name or a file path. */
  source: string
  /** The run stops at this virtual time. */
  timeLimitNs: number
}

/** Total of the scenario's waits, counting repeats: how long it means to run. */
export function scenarioWaitNs(steps: Step[]): number {
  let total = 0
  for (const s of steps) {
    if (s.op === 'wait') total += parseDuration(s.duration)
    else if (s.op === 'repeat') total += s.times * scenarioWaitNs(s.steps as Step[])
  }
  return total
}

/** The virtual time a run of these steps stops at: their waits plus the slack, never past the maximum. */
export function scenarioTimeLimitNs(steps: Step[]): number {
  return Math.min(scenarioWaitNs(steps), MAX_VIRTUAL_NS) + RUN_SLACK_NS
}

/**
 * A preset by name, or a scenario file. For a preset, `duration` is its main wait; for a file it bounds
 * the virtual time of the run. Either is at most MAX_VIRTUAL_NS.
 */
export async function resolveScenario(nameOrFile: string | undefined, duration: number | undefined): Promise<ResolvedScenario> {
  const name = nameOrFile ?? 'capture'
  const over = duration === undefined ? null : durationOverLimit(duration)
  if (over !== null) throw new Error(`a duration of ${duration} ns is ${over}`)
  if (name in PRESETS) {
    const durationNs = duration ?? DEFAULT_PRESET_DURATION
    return { scenario: buildPreset(name, { durationNs }), source: name, timeLimitNs: durationNs + RUN_SLACK_NS }
  }
  let text: string
  try {
    text = await readFile(name, 'utf8')
  } catch (e) {
    throw new Error(`${name}: not a preset (${Object.keys(PRESETS).join(', ')}) and not a readable file (${(e as NodeJS.ErrnoException).code ?? e})`)
  }
  const scenario = parseScenario(text, name)
  return { scenario, source: name, timeLimitNs: duration ?? scenarioTimeLimitNs(scenario.steps) }
}
