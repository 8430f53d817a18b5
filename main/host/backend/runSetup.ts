import { readFile } from 'node:fs/promises'
import { PRESETS } from '../../client/scenario/presets.js'
import type { Scenario } from '../../client/scenario/schema.js'
import { parseScenario } from '../../client/scenario/validate.js'
import { formatLimit, MAX_VIRTUAL_NS } from '../../client/scenario/limits.js'
import type { ClassDriverSettings } from '../../classdriver/settings.js'
import type { Problem, RunRequest, SourceBuffer, Speed, WorkbenchSettings } from '../../contract/api.js'
import { parseDuration } from '../../contract/time.js'
import { autoCard } from '../cards.js'
import { compileDriver, DEFAULT_MODULE_EXPORTS, type CompiledDriver } from '../compile.js'
import { resolveScenario, RUN_SLACK_NS, scenarioWaitNs } from '../scenarioSource.js'
import { compileProblems, scenarioProblems, type ScenarioText } from './problemsOfRun.js'
import { normalizeProjectPath, resolveInProject } from './projects.js'

/** The project a run comes from: its folder and settings. */
export interface ProjectContext {
  root: string
  settings: WorkbenchSettings
}

/** Everything a sandbox run needs, resolved from the project, its unsaved buffers and the request. */
export interface RunSetup {
  driver: CompiledDriver
  /** Project-relative path of the driver's entry. */
  driverPath: string
  scenario: Scenario
  /** The preset name or the project-relative scenario file. */
  scenarioName: string
  /** The scenario file's text (for problems at its lines); null for a preset. */
  scenarioText: ScenarioText | null
  timeLimitNs: number
  seed: number
  speed: Speed
  card: string
  sync?: 'on' | 'off'
  settings: Partial<ClassDriverSettings>
}

export type SetupResult = { ok: true; setup: RunSetup } | { ok: false; problems: Problem[] }

/** Virtual ns per wall ns for a speed: 1 is real time, 'fast' as fast as the machine goes. */
export function paceOf(speed: Speed): number {
  return speed === 'fast' ? Infinity : speed
}

/** Checks a speed from the page: a positive number or 'fast'. */
export function checkSpeed(speed: unknown): Speed {
  if (speed === 'fast' || (typeof speed === 'number' && speed > 0 && Number.isFinite(speed))) return speed
  throw new Error(`speed must be a positive number (1 is real time) or 'fast', got ${JSON.stringify(speed)}`)
}

/** The buffers as a compile overlay: absolute path -> content (each path checked to be in the project). */
export function overlayOf(root: string, buffers: readonly SourceBuffer[]): Map<string, string> {
  return new Map(buffers.map((b) => [resolveInProject(root, b.path), b.content]))
}

/** Compiles the project's driver with the buffers over the files; problems name project-relative files. */
export async function compileProject(project: ProjectContext, buffers: readonly SourceBuffer[]): Promise<{ ok: true; driver: CompiledDriver } | { ok: false; problems: Problem[] }> {
  let overlay: Map<string, string>
  let entry: string
  try {
    overlay = overlayOf(project.root, buffers)
    entry = resolveInProject(project.root, project.settings.driver)
  } catch (e) {
    return { ok: false, problems: [{ source: 'project', severity: 'error', message: (e as Error).message }] }
  }
  const result = await compileDriver(entry, DEFAULT_MODULE_EXPORTS, { overlay, root: project.root })
  return result.ok ? { ok: true, driver: result.driver } : { ok: false, problems: compileProblems(result.errors) }
}

/**
 * Reads a scenario the way a run would: a preset by name (for `durationNs`), or a scenario file of the
 * project (its buffer when it has one). Problems point into the file.
 */
export async function loadScenario(
  project: ProjectContext,
  name: string,
  durationNs: number,
  buffers: readonly SourceBuffer[],
): Promise<{ ok: true; scenario: Scenario; timeLimitNs: number; text: ScenarioText | null; name: string } | { ok: false; problems: Problem[] }> {
  if (name in PRESETS) {
    const r = await resolveScenario(name, durationNs)
    return { ok: true, scenario: r.scenario, timeLimitNs: r.timeLimitNs, text: null, name }
  }
  let rel: string
  let text: string
  try {
    rel = normalizeProjectPath(project.root, name)
    text = buffers.find((b) => b.path === rel)?.content ?? (await readFile(resolveInProject(project.root, rel), 'utf8'))
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file in the project' : (e as Error).message
    return { ok: false, problems: [{ source: 'scenario', severity: 'error', message: `${name}: not a preset (${Object.keys(PRESETS).join(', ')}) and not a scenario file of the project (${why})` }] }
  }
  const scenarioText = { path: rel, text }
  try {
    const scenario = parseScenario(text, rel)
    return { ok: true, scenario, timeLimitNs: scenarioWaitNs(scenario.steps) + RUN_SLACK_NS, text: scenarioText, name: rel }
  } catch (e) {
    return { ok: false, problems: scenarioProblems(e, scenarioText) }
  }
}

/** The run a request asks for: the project's settings, overridden by the request, with the buffers. */
export async function prepareRun(project: ProjectContext, request: RunRequest, driver?: CompiledDriver): Promise<SetupResult> {
  const s = project.settings
  const buffers = request.buffers ?? []
  const durationText = request.duration ?? s.duration
  const durationNs = parseDuration(durationText)
  if (!(durationNs > 0 && durationNs <= MAX_VIRTUAL_NS)) return { ok: false, problems: [{ source: 'project', severity: 'error', message: `duration must be a duration such as "2s" or "500ms", at most ${formatLimit(MAX_VIRTUAL_NS)}, got ${JSON.stringify(durationText)}` }] }
  let speed: Speed
  try {
    speed = checkSpeed(request.speed ?? s.speed)
  } catch (e) {
    return { ok: false, problems: [{ source: 'project', severity: 'error', message: (e as Error).message }] }
  }
  const seed = request.seed ?? s.seed
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return { ok: false, problems: [{ source: 'project', severity: 'error', message: `seed must be an integer from 0 to 4294967295, got ${JSON.stringify(seed)}` }] }
  const [scenario, compiled] = await Promise.all([loadScenario(project, request.scenario ?? s.scenario, durationNs, buffers), driver ? Promise.resolve({ ok: true as const, driver }) : compileProject(project, buffers)])
  const problems = [...(compiled.ok ? [] : compiled.problems), ...(scenario.ok ? [] : scenario.problems)]
  if (!compiled.ok || !scenario.ok) return { ok: false, problems }
  // The project's card wins over the scenario's, unless the project leaves it to the scenario ('auto').
  if (s.card !== 'auto') scenario.scenario.device = { ...scenario.scenario.device, card: s.card }
  const cardSetting = scenario.scenario.device?.card ?? 'auto'
  return {
    ok: true,
    setup: {
      driver: compiled.driver,
      driverPath: normalizeProjectPath(project.root, s.driver),
      scenario: scenario.scenario,
      scenarioName: scenario.name,
      scenarioText: scenario.text,
      timeLimitNs: scenario.timeLimitNs,
      seed: scenario.scenario.seed ?? seed,
      speed,
      card: cardSetting === 'auto' ? autoCard(compiled.driver.workbenchImports) : cardSetting,
      sync: s.sync,
      settings: (s.settings ?? {}) as Partial<ClassDriverSettings>,
    },
  }
}
