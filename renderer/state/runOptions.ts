import type { PresetInfo, ProjectFile, ReloadMode, Speed, WorkbenchSettings } from '../../main/contract/api.js'
import { parseDuration } from '../../main/contract/time.js'

/**
 * What the toolbar offers for a run: the scenario (a preset of the backend, or a scenario file of the
 * project), and the step size of a paused run; the options it holds, from the project's settings.
 */

/** The toolbar's choices for the next run and reload. */
export interface RunOptions {
  scenario: string
  seed: number
  speed: Speed
  duration: string
  reloadMode: ReloadMode
  stepNs: number
}

export interface ScenarioOption {
  /** What RunRequest.scenario gets: a preset name or a project-relative path. */
  value: string
  label: string
  group: 'Presets' | 'Project'
  description: string
}

/** Presets first, then the project's scenario files; the current choice is kept even if neither lists it. */
export function scenarioOptions(presets: readonly PresetInfo[], files: readonly ProjectFile[], current: string | null): ScenarioOption[] {
  const out: ScenarioOption[] = presets.map((p) => ({ value: p.name, label: p.name, group: 'Presets', description: p.description }))
  for (const f of files) if (f.kind === 'scenario') out.push({ value: f.path, label: f.path, group: 'Project', description: `scenario file ${f.path}` })
  if (current !== null && current !== '' && !out.some((o) => o.value === current)) {
    out.push({ value: current, label: current, group: current.endsWith('.json') ? 'Project' : 'Presets', description: 'from workbench.json' })
  }
  return out
}

export interface StepOption {
  ns: number
  label: string
}

/** Step sizes: from a tenth of a millisecond to a few frames at 30 fps. */
export const STEP_OPTIONS: readonly StepOption[] = [
  { ns: 100_000, label: '100 µs' },
  { ns: 1_000_000, label: '1 ms' },
  { ns: 10_000_000, label: '10 ms' },
  { ns: 33_333_333, label: '1 frame at 30 fps (33.3 ms)' },
  { ns: 100_000_000, label: '100 ms' },
]

export const DEFAULT_STEP_NS = 1_000_000

/** A seed from the seed box: a non-negative integer below 2^32. */
export function parseSeed(text: string): number {
  const s = text.trim()
  if (!/^\d+$/.test(s)) throw new Error(`seed: "${text}" is not a whole number`)
  const n = Number(s)
  if (n > 0xffffffff) throw new Error(`seed: ${s} is larger than 4294967295`)
  return n
}

/**
 * A duration as workbench.json and RunRequest.duration take it ("2s", "500ms", "1.5s", "10m"), checked
 * with the one grammar (main/contract/time.ts). The run box also wants a unit: a bare "2" would be
 * 2 ns, which nobody typing into it means.
 */
export function checkDuration(text: string): string {
  const s = text.trim().replace(/\s+/g, '')
  const ns = parseDuration(s)
  if (!(ns > 0) || /^[\d.]+$/.test(s)) throw new Error(`duration: "${text}" should look like 2s, 500ms or 1.5s`)
  return s
}

export const DEFAULT_RUN_OPTIONS: Readonly<RunOptions> = { scenario: 'capture', seed: 1, speed: 1, duration: '2s', reloadMode: 'replay', stepNs: DEFAULT_STEP_NS }

/** The options of a project just opened: its settings, and the step size the user had (workbench.json has none). */
export function runOptionsFromSettings(s: WorkbenchSettings, stepNs: number): RunOptions {
  return { scenario: s.scenario, seed: s.seed, speed: s.speed, duration: s.duration, reloadMode: s.reloadMode, stepNs }
}

/**
 * A saved workbench.json changes the options at once: each field that is well formed replaces the
 * option, and text that is not JSON changes nothing (the backend validates the file on the next open).
 */
export function applySettingsText(options: RunOptions, text: string): void {
  let s: Record<string, unknown>
  try {
    s = JSON.parse(text) as Record<string, unknown>
  } catch {
    return
  }
  if (typeof s.scenario === 'string') options.scenario = s.scenario
  if (typeof s.seed === 'number' && Number.isInteger(s.seed) && s.seed >= 0) options.seed = s.seed
  if (s.speed === 'fast' || (typeof s.speed === 'number' && s.speed > 0)) options.speed = s.speed
  if (typeof s.duration === 'string') options.duration = s.duration
  if (s.reloadMode === 'swap' || s.reloadMode === 'replay') options.reloadMode = s.reloadMode
}
