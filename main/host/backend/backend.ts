/**
 * The workbench's backend: everything the page can ask for (BackendApi in main/contract/api.ts),
 * served to any number of connected pages (Electron's window, or browser tabs in web mode). It owns
 * the project files, the runs (in the sandbox worker), the exports. It never imports electron: the
 * Electron shell passes in what only it can do (native folder pickers) as options.
 *
 * This file composes the parts (README.md of this folder): the open project with its drafts and
 * recent list (projects.ts, drafts.ts, recent.ts, templates.ts), the runs (runs.ts), the editor's
 * typings (typings.ts), exports (exports.ts); and fans every event out to the attached pages.
 */
import * as path from 'node:path'
import { PRESETS } from '../../client/scenario/presets.js'
import { parseScenario } from '../../client/scenario/validate.js'
import type { BackendApi, ExportRequest, ExportResult, FaultInfo, Project, SavedFile, SourceBuffer, WorkbenchSettings } from '../../contract/api.js'
import type { EventSink } from '../../contract/rpc.js'
import { FAULTS } from '../../hw/vcap1/faultCatalogue.js'
import type { SandboxOptions } from '../sandbox/sandbox.js'
import { writeFileAtomic } from './atomicWrite.js'
import { defaultExportPath, exportRun } from './exports.js'
import { scenarioProblems } from './problemsOfRun.js'
import { checkReferences, copyProject, loadProject, normalizeProjectPath, resolveInProject } from './projects.js'
import { parseSettings, SETTINGS_FILE } from './projectSchema.js'
import type { ImportLimits } from './importLimits.js'
import { RecentProjects } from './recent.js'
import { RunManager, type Emit } from './runs.js'
import { isInside, resolveWriteTarget } from './safePaths.js'
import { templateInfos } from './templates.js'
import { recorderChunks } from './traceChunks.js'
import { readTraceFile } from '../chromeTrace/traceOpen.js'
import { typingFiles } from './typings.js'
import { TrustStore } from './workspaceTrust.js'
import { ProjectHolder, type OpenProject } from './openProject.js'
import { workbenchVersion } from './workbenchRoot.js'

export interface BackendOptions {
  mode: 'electron' | 'web'
  /** Where the workbench keeps its own state: recent projects, unsaved-buffer drafts. */
  stateDir: string
  /** Where new projects go by default (the first launch creates the VCAP-1 sample here). */
  projectsFolder: string
  /** A project folder to open at launch; default: the most recent one, else the VCAP-1 sample. */
  open?: string | null
  /** Native folder picker (Electron only). */
  chooseFolder?: (purpose: 'open' | 'new' | 'save-as') => Promise<string | null>
  /** Limits of the sandbox runs happen in (tests shorten them); default: the sandbox's own. */
  sandbox?: SandboxOptions
  /** How much *Open trace* reads; default: from the environment (MDWB_IMPORT_MAX_MB, docs/settings.md). */
  importLimits?: ImportLimits
}

export interface WorkbenchBackend extends BackendApi {
  /** Connects a page: its events go to `sink` until the returned function is called. */
  attach(sink: EventSink): () => void
  /** Stops runs and the sandbox worker. */
  close(): Promise<void>
}

export { SAMPLE_FOLDER } from './openProject.js'

export function createBackend(options: BackendOptions): WorkbenchBackend {
  const sinks = new Set<EventSink>()
  const emit = fanOut(sinks)
  const runs = new RunManager(emit, options.sandbox)
  const recent = new RecentProjects(options.stateDir)
  // Workspace trust: an untrusted folder opens in restricted mode; nothing runs its code (workspaceTrust.ts).
  const trust = new TrustStore(options.stateDir)
  const projects = new ProjectHolder(options.stateDir, recent, trust, () => runs.stop(), options)
  const ready = projects.ready
  const project = () => projects.project()
  const refusal = (p: OpenProject) => projects.refusal(p)

  const backend: WorkbenchBackend = {
    async hello() {
      await ready
      const current = projects.current
      if (current === null && projects.launchError !== null) throw new Error(`cannot open the project at launch: ${projects.launchError.message}`)
      let reopened: Project | null = null
      if (current !== null) {
        try {
          // Read again: a reloaded page gets the drafts it stored before it reloaded.
          reopened = await loadProject(current.root, current.drafts)
          reopened = { ...reopened, trust: await trust.check(current.root) }
        } catch {
          // The folder went away (or was broken from outside) since it opened: the page starts with no project.
          projects.current = null
        }
      }
      return {
        version: workbenchVersion(),
        mode: options.mode,
        nativeDialogs: options.chooseFolder !== undefined,
        project: reopened,
        recent: await recent.list(),
        templates: await templateInfos(),
        presets: Object.entries(PRESETS).map(([name, p]) => ({ name, description: p.description })),
        faults: FAULTS.map((f): FaultInfo => ({ id: f.id, number: f.number, scope: f.scope, kind: f.kind, ...(f.value ? { value: { ...f.value } } : {}), device: f.device, driver: f.driver })),
        projectsFolder: options.projectsFolder,
      }
    },

    typings: () => typingFiles(),

    async openProject(root) {
      await ready
      return projects.open(requireString(root, 'the project folder'))
    },

    async newProject(template, root) {
      await ready
      return projects.newProject(template, requireString(root, 'the new project folder'))
    },

    async saveFile(file, content): Promise<SavedFile> {
      const p = await project()
      const rel = normalizeProjectPath(p.root, requireString(file, 'the file path'))
      if (typeof content !== 'string') throw new Error(`${rel}: the content must be text`)
      let settings: WorkbenchSettings | null = null
      if (rel === SETTINGS_FILE) {
        // A settings file that would not open again is refused before it replaces the good one.
        settings = parseSettings(content, SETTINGS_FILE)
        await checkReferences(p.root, settings)
      }
      let target: string
      try {
        // The real path, symbolic links followed: a link inside the project is written through, one out of it refused.
        target = await resolveWriteTarget(resolveInProject(p.root, rel), p.root, rel, 'the project')
      } catch (e) {
        // Nothing is lost: the text stays as the file's draft, an unsaved buffer that comes back.
        await p.drafts.store(rel, content).catch(() => {})
        throw new Error(`${(e as Error).message}; not saved, the text is kept as an unsaved draft`)
      }
      const bytes = await writeFileAtomic(target, content)
      await p.drafts.store(rel, null)
      if (settings !== null) p.settings = settings
      return { path: rel, bytes }
    },

    async saveProjectAs(root, buffers) {
      const p = await project()
      const from = await trust.check(p.root)
      await copyProject(p.root, requireString(root, 'the folder to save to'), checkBuffers(buffers))
      // A copy made here of a trusted project (with the user's own buffers) is trusted too; of an untrusted one, not.
      if (from.trusted) await trust.trust(root)
      return projects.open(root)
    },

    async storeDraft(file, content) {
      const p = await project()
      const rel = normalizeProjectPath(p.root, requireString(file, 'the file path'))
      if (content !== null && typeof content !== 'string') throw new Error(`${rel}: a draft is text or null`)
      await p.drafts.store(rel, content)
    },

    async chooseFolder(purpose) {
      return options.chooseFolder ? options.chooseFolder(purpose) : null
    },

    async checkScenario(text, source) {
      const name = requireString(source, 'the scenario name')
      try {
        parseScenario(requireString(text, 'the scenario text'), name)
        return []
      } catch (e) {
        return scenarioProblems(e, { path: name, text })
      }
    },

    async trustProject(root) {
      const p = await project()
      const asked = await trust.check(requireString(root, 'the folder to trust'))
      const opened = await trust.check(p.root)
      // The page names the folder it asked about: another page may have opened another project since.
      if (asked.folder !== opened.folder) throw new Error(`${root} is not the open project (${p.root}): open it, then trust it`)
      return trust.trust(p.root)
    },

    async run(request) {
      const p = await project()
      const refused = await refusal(p)
      if (refused !== null) return { ok: false, problems: [refused.problem], untrusted: refused.untrusted }
      return runs.run(p, { ...request, buffers: checkBuffers(request?.buffers ?? []) })
    },

    control: (control) => runs.control(control),

    async reload(buffers, mode) {
      const p = await project()
      const refused = await refusal(p)
      if (refused !== null) return { mode: mode === 'swap' ? 'swap' : 'replay', ok: false, problems: [refused.problem], untrusted: refused.untrusted }
      return runs.reload(p, checkBuffers(buffers), mode)
    },

    async injectFault(request) {
      // Only a run in progress takes a fault, and only a trusted project runs; checked again all the same.
      const p = projects.current
      const refused = p === null ? null : await refusal(p)
      if (refused !== null) return { ok: false, error: refused.problem.message, timeNs: 0 }
      return runs.injectFault(request)
    },
    inspect: (request) => runs.inspect(request),
    frameAt: (runId, timeNs) => runs.frameAt(runId, timeNs),
    runs: async () => runs.runs(),

    async exportRun(request: ExportRequest): Promise<ExportResult> {
      try {
        const kept = runs.find(request.runId)
        // A running run exports its trace as it is now.
        const trace = runs.traceOf(kept)
        if (trace === null) return { ok: false, error: `run ${request.runId} has no trace` }
        const base = projects.current?.root ?? options.projectsFolder
        const file = request.path ? path.resolve(base, request.path) : defaultExportPath(base, kept.info, request.kind)
        // It stays in the project (the default exports/ folder, or a path inside it), else in the folder the user named.
        const inProject = isInside(base, file)
        const folder = inProject ? base : path.dirname(file)
        const target = await resolveWriteTarget(file, folder, file, inProject ? 'the project' : 'the folder you chose')
        const written = await exportRun({ info: kept.info, trace, report: kept.report }, request.kind, target, (done, total) =>
          emit('exportProgress', { kind: request.kind, runId: request.runId, done, total }),
        )
        return { ok: true, path: file, bytes: written.bytes }
      } catch (e) {
        return { ok: false, error: (e as Error).message }
      }
    },

    async openTrace(file) {
      const abs = path.resolve(projects.current?.root ?? options.projectsFolder, requireString(file, 'the trace file'))
      // Chrome JSON or Perfetto protobuf, told by the content (traceOpen.ts).
      const imported = await readTraceFile(abs, { limits: options.importLimits })
      const kept = runs.keep({ ...imported.about, startedAt: Date.now(), origin: 'file', replayOf: null, warnings: imported.warnings.slice(0, 100) }, imported.trace, null)
      emit('runStarted', kept.info)
      for (const chunk of recorderChunks(kept.info.runId, imported.trace)) emit('trace', chunk, { transfer: true })
      return kept.info
    },

    compareRuns: async (before, after) => runs.compare(before, after),

    attach(sink) {
      // The pages already there get what is waiting; this one then catches up on the run in progress.
      runs.flush()
      sinks.add(sink)
      runs.catchUp((name, payload, opts) => {
        try {
          sink.emit(name, payload, opts)
        } catch {
          // Gone already: its transport detaches it.
        }
      })
      return () => void sinks.delete(sink)
    },

    async close() {
      sinks.clear()
      await ready
      await runs.close()
    },
  }
  return backend
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${what} is required (a string)`)
  return value
}

/** Buffers from the page: a list of { path, content } with text content. */
function checkBuffers(buffers: unknown): SourceBuffer[] {
  if (!Array.isArray(buffers)) throw new Error('buffers must be a list of { path, content }')
  for (const b of buffers as SourceBuffer[]) {
    if (typeof b?.path !== 'string' || typeof b.content !== 'string') throw new Error('each buffer needs a path and text content')
  }
  return buffers as SourceBuffer[]
}

/** Every event to every attached page. Binary parts can move (not be copied) to one page only: every other page gets a copy first. */
function fanOut(sinks: Set<EventSink>): Emit {
  return (name, payload, opts) => {
    const list = [...sinks]
    list.forEach((sink, i) => {
      try {
        sink.emit(name, payload, { transfer: opts?.transfer === true && i === list.length - 1 })
      } catch {
        // A page whose connection broke is detached by its transport; the others go on.
      }
    })
  }
}
