import type {
  BackendApi,
  Comparison,
  Draft,
  FaultResult,
  Hello,
  InspectResult,
  Problem,
  Project,
  ProjectTrust,
  ReloadMode,
  ReloadResult,
  RunControl,
  RunInfo,
  RunRequest,
  RunStarted,
  RunSummary,
  SavedFile,
  SourceBuffer,
  TemplateId,
  TypingFile,
} from '../../../main/contract/api.js'
import { connectBackend, serveBackend, type BackendClient, type Channel, type EventSink, type RpcMessage } from '../../../main/contract/rpc.js'

/**
 * A backend for the page's store, in memory: it answers like the real one (a project with files and
 * drafts, runs that get ids, reloads, saves) and records every call, so tests can assert what the page
 * asked for. It talks to the store through the real RPC layer over an in-memory channel that copies
 * each message (structured clone), as a MessagePort does.
 */

export const DRIVER = `import { DbgPrint } from 'strmini'\nexport function DriverEntry() {\n  DbgPrint('hello')\n  return 0\n}\n`

export function sampleProject(drafts: Draft[] = []): Project {
  return {
    root: '/projects/sample',
    settings: { name: 'Sample', driver: 'driver.ts', scenario: 'capture', seed: 7, duration: '3s', card: 'vcap1', reloadMode: 'swap', speed: 'fast' },
    files: [
      { path: 'driver.ts', kind: 'driver', content: DRIVER },
      { path: 'src/ring.ts', kind: 'driver', content: 'export const N = 4\n' },
      { path: 'scenarios/cap.json', kind: 'scenario', content: '{ "steps": [] }\n' },
      { path: 'workbench.json', kind: 'settings', content: '{}\n' },
    ],
    drafts,
  }
}

export interface Call {
  method: keyof BackendApi
  args: unknown[]
}

export class ScriptedBackend implements BackendApi {
  readonly calls: Call[] = []
  project: Project | null = sampleProject()
  recent: string[] = ['/projects/older']
  /** What the next `run` answers with (default: a started run). */
  nextRun: ((request: RunRequest) => RunStarted) | null = null
  nextReload: ((buffers: SourceBuffer[], mode: ReloadMode) => ReloadResult) | null = null
  scenarioProblems: Problem[] = []
  failSaves = false
  /** Warnings `openTrace` reports with the run. */
  fileWarnings: string[] = []
  sink: EventSink | null = null
  /** Workspace trust: null, projects come without an answer (as before trust existed); else whether the folder is trusted. */
  trusted: boolean | null = null
  private runId = 0

  private trust(root: string): ProjectTrust {
    return { trusted: this.trusted === true, folder: root }
  }

  private withTrust(project: Project): Project {
    return this.trusted === null ? project : { ...project, trust: this.trust(project.root) }
  }

  /** As the real backend: a run or reload of an untrusted folder is refused with code 'untrusted-folder'. */
  private refusal(): { problems: Problem[]; untrusted: ProjectTrust } | null {
    if (this.trusted !== false) return null
    const untrusted = this.trust(this.project?.root ?? '/projects/sample')
    return { problems: [{ source: 'project', severity: 'error', code: 'untrusted-folder', message: `Restricted mode: ${untrusted.folder} is not trusted` }], untrusted }
  }

  private record(method: keyof BackendApi, args: unknown[]): void {
    this.calls.push({ method, args })
  }

  callsOf(method: keyof BackendApi): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args)
  }

  runInfo(origin: RunInfo['origin'] = 'run', replayOf: number | null = null): RunInfo {
    return { runId: ++this.runId, driver: 'driver.ts', scenario: 'capture', seed: 7, card: 'vcap1', startedAt: 0, origin, replayOf }
  }

  async hello(): Promise<Hello> {
    this.record('hello', [])
    return {
      version: '0.0.0-test',
      mode: 'web',
      nativeDialogs: false,
      project: this.project === null ? null : this.withTrust(this.project),
      recent: this.recent,
      templates: [{ id: 'vcap1', name: 'VCAP-1', description: 'the reference driver' }],
      presets: [{ name: 'capture', description: 'capture for a while' }],
      faults: [],
      projectsFolder: '/projects',
    }
  }

  async typings(): Promise<TypingFile[]> {
    this.record('typings', [])
    return [{ uri: 'file:///node_modules/strmini/index.d.ts', content: 'export declare function DbgPrint(f: string): number' }]
  }

  async openProject(root: string): Promise<Project> {
    this.record('openProject', [root])
    if (root === '/nowhere') throw new Error('/nowhere is not a project folder (no workbench.json)')
    return this.withTrust({ ...sampleProject(), root })
  }

  async newProject(template: TemplateId, root: string): Promise<Project> {
    this.record('newProject', [template, root])
    return { ...sampleProject(), root }
  }

  async saveFile(path: string, content: string): Promise<SavedFile> {
    this.record('saveFile', [path, content])
    if (this.failSaves) throw new Error(`${path}: disk full`)
    return { path, bytes: content.length }
  }

  async saveProjectAs(root: string, buffers: SourceBuffer[]): Promise<Project> {
    this.record('saveProjectAs', [root, buffers])
    return { ...sampleProject(), root }
  }

  async storeDraft(path: string, content: string | null): Promise<void> {
    this.record('storeDraft', [path, content])
  }

  async chooseFolder(): Promise<string | null> {
    this.record('chooseFolder', [])
    return null
  }

  async checkScenario(text: string, source: string): Promise<Problem[]> {
    this.record('checkScenario', [text, source])
    return this.scenarioProblems
  }

  async trustProject(root: string): Promise<ProjectTrust> {
    this.record('trustProject', [root])
    this.trusted = true
    return this.trust(root)
  }

  async run(request: RunRequest): Promise<RunStarted> {
    this.record('run', [request])
    const refused = this.refusal()
    if (refused !== null) return { ok: false, ...refused }
    if (this.nextRun !== null) return this.nextRun(request)
    const run = this.runInfo()
    this.sink?.emit('runStarted', run)
    return { ok: true, run }
  }

  async control(control: RunControl): Promise<void> {
    this.record('control', [control])
  }

  async reload(buffers: SourceBuffer[], mode: ReloadMode): Promise<ReloadResult> {
    this.record('reload', [buffers, mode])
    const refused = this.refusal()
    if (refused !== null) return { mode, ok: false, ...refused }
    if (this.nextReload !== null) return this.nextReload(buffers, mode)
    if (mode === 'replay') {
      const run = this.runInfo('replay', this.runId)
      this.sink?.emit('runStarted', run)
      return { mode, ok: true, problems: [], run }
    }
    // As the real backend (main/host/backend/runs.ts): every swap is also told as a `swapped` event.
    const swap = { ok: true, error: null, replaced: ['DriverEntry'], kept: [], timeNs: 5e6 }
    this.sink?.emit('swapped', { runId: this.runId, result: swap })
    return { mode, ok: true, problems: [], swap }
  }

  async injectFault(): Promise<FaultResult> {
    return { ok: true, error: null, timeNs: 0 }
  }

  async inspect(): Promise<InspectResult> {
    return { what: 'none', reason: 'no run' }
  }

  async frameAt(): Promise<null> {
    return null
  }

  async runs(): Promise<RunSummary[]> {
    this.record('runs', [])
    return []
  }

  async exportRun(): Promise<{ ok: false; error: string }> {
    return { ok: false, error: 'not here' }
  }

  async openTrace(path: string): Promise<RunInfo> {
    this.record('openTrace', [path])
    if (!path.endsWith('.json')) throw new Error(`${path}: not a Chrome trace JSON file`)
    return { ...this.runInfo('file'), ...(this.fileWarnings.length > 0 ? { warnings: this.fileWarnings } : {}) }
  }

  async compareRuns(before: number, after: number): Promise<Comparison> {
    this.record('compareRuns', [before, after])
    return comparison(before, after, 12_500_000)
  }
}

export function comparison(before: number, after: number, firstNs: number | null): Comparison {
  const frames = { delivered: 60, dropped: 0, torn: 0, stale: 0 }
  return {
    before,
    after,
    text: 'diverged',
    diff: {
      identical: firstNs === null,
      firstDivergenceNs: firstNs,
      firstTrack: firstNs === null ? null : 'CPU 0',
      tracks: [],
      frames: { before: frames, after: { ...frames, dropped: firstNs === null ? 0 : 2 } },
      findings: firstNs === null ? [] : [{ rule: 'double-completion', before: 3, after: 0 }],
      bugcheck: { before: null, after: null },
    },
  }
}

/** A channel pair in memory; `close()` cuts it as a lost WebSocket would. */
export function memoryChannels(): { page: Channel; backend: Channel; close(reason: string): void } {
  const receivers: ((m: RpcMessage) => void)[] = []
  const closers: ((reason: string) => void)[][] = [[], []]
  let open = true
  const end = (me: number, other: number): Channel => ({
    send(message) {
      if (!open) return
      const copy = structuredClone(message)
      queueMicrotask(() => receivers[other]?.(copy))
    },
    receive(handler) {
      receivers[me] = handler
    },
    closed(handler) {
      closers[me].push(handler)
    },
  })
  return {
    page: end(0, 1),
    backend: end(1, 0),
    close(reason) {
      open = false
      for (const list of closers) for (const h of list) h(reason)
    },
  }
}

/** The scripted backend served over memory channels, and the page's client for it. */
export function connectScripted(backend = new ScriptedBackend()): { backend: ScriptedBackend; client: BackendClient; close(reason: string): void } {
  const ch = memoryChannels()
  backend.sink = serveBackend(ch.backend, backend)
  return { backend, client: connectBackend(ch.page), close: ch.close }
}
