/**
 * The workbench's backend as the renderer sees it: every call the page can make (`BackendApi`) and
 * every event the backend pushes (`BackendEvents`). The same interface runs over Electron's
 * MessagePort and over web mode's WebSocket (rpc.ts); nothing else crosses between the two sides.
 * Plain types only. Paths inside a project are relative to its folder, with `/` separators.
 */
import type { RunDiff, RunReport, SourceLocation, SwapResult } from './report.js'
import type { TraceColumns, TraceSchema } from './trace.js'
import type { CommandId } from './commands.js'

/** How saved code reaches a run: swapped into the running session, or a new run from t = 0 diffed with the last. */
export type ReloadMode = 'swap' | 'replay'

/** Virtual time per wall time: 1 is real time, 0.1 slow motion; 'fast' as fast as the machine goes. */
export type Speed = number | 'fast'

export type TemplateId = 'vcap1' | 'testcap' | 'blank'

// ---------------------------------------------------------------------------------------- projects

/** `workbench.json`, the project's settings (validated with a schema when the project opens). */
export interface WorkbenchSettings {
  $schema?: string
  /** Shown in the title bar. */
  name: string
  /** The driver's entry file. */
  driver: string
  /** A preset name (`capture`, `start-stop`, ...) or the path of a scenario file in the project. */
  scenario: string
  seed: number
  /** Virtual time a preset runs for, e.g. "2s" (scenario files say it themselves). */
  duration: string
  card: 'auto' | 'vcap1' | 'stub' | 'none'
  sync?: 'on' | 'off'
  reloadMode: ReloadMode
  speed: Speed
  /** Class driver settings (the [EMU] choices of docs/classdriver.md). */
  settings?: Record<string, number | boolean | string>
}

export type ProjectFileKind = 'driver' | 'scenario' | 'settings' | 'other'

export interface ProjectFile {
  path: string
  kind: ProjectFileKind
  content: string
}

/** An editor buffer that was not saved when the workbench last stopped. */
export interface Draft {
  path: string
  content: string
  /** When it was written (ms since the epoch). */
  savedAt: number
}

export interface Project {
  /** The folder, absolute. */
  root: string
  settings: WorkbenchSettings
  files: ProjectFile[]
  /** Unsaved buffers found from a previous session, newer than the files they belong to. */
  drafts: Draft[]
  /** Workspace trust: whether its code may run here (the backend sets it on every project it returns). */
  trust?: ProjectTrust
}

/**
 * Workspace trust (docs/security.md): a folder this machine has not trusted opens in restricted mode,
 * where editing, viewing and opening traces work but nothing evaluates its driver code (run, replay,
 * hot swap, fault injection) until the user trusts the folder (`trustProject`).
 */
export interface ProjectTrust {
  trusted: boolean
  /** The folder the answer is remembered for: the project's real path (symbolic links followed). */
  folder: string
  /** Why nothing is trusted now: the trust file could not be read or is invalid (every answer says so). */
  problem?: string
}

/** The `code` of the problem a run or reload of an untrusted project is refused with. */
export type UntrustedCode = 'untrusted-folder'

export interface TemplateInfo {
  id: TemplateId
  name: string
  description: string
}

export interface SavedFile {
  path: string
  bytes: number
}

// ------------------------------------------------------------------------------------ catalogues

export interface PresetInfo {
  name: string
  description: string
}

/** A fault of the card's catalogue (docs/vcap1-faults.md). */
export interface FaultInfo {
  id: string
  number: number
  scope: 'video' | 'audio' | 'global'
  kind: 'frame' | 'mode' | 'action'
  value?: { meaning: string; default: number }
  device: string
  driver: string
}

export interface Hello {
  version: string
  /** Where the page runs: inside Electron, or in a browser against `npm run web`. */
  mode: 'electron' | 'web'
  /** Native folder pickers exist (Electron); in web mode the page asks for a path. */
  nativeDialogs: boolean
  /** The project the backend opened at launch (the VCAP-1 sample on first launch). */
  project: Project | null
  recent: string[]
  templates: TemplateInfo[]
  presets: PresetInfo[]
  faults: FaultInfo[]
  /** Folder new projects go to by default. */
  projectsFolder: string
}

/** A declaration file the editor loads for `import ... from 'strmini'` / `'vcap1'`. */
export interface TypingFile {
  /** Where Monaco mounts it, e.g. `file:///node_modules/strmini/index.d.ts`. */
  uri: string
  content: string
}

// ---------------------------------------------------------------------------------------- problems

/** Something to fix, at a place in the code and (for run-time problems) a time in the trace. */
export interface Problem {
  source: 'compile' | 'verifier' | 'bugcheck' | 'scenario' | 'expectation' | 'project'
  severity: 'error' | 'warning' | 'info'
  message: string
  /** Verifier rule id, bug check name, or the JSON path of a scenario error. */
  code?: string
  location?: SourceLocation
  timeNs?: number
  callback?: string
  srbId?: number
  /** How many times it happened (a verifier finding repeated at the same site), when more than once. */
  count?: number
}

// -------------------------------------------------------------------------------------------- runs

/** An editor buffer, saved or not. */
export interface SourceBuffer {
  path: string
  content: string
}

export interface RunRequest {
  /** Buffers that differ from disk: the run compiles these instead of the files. */
  buffers?: SourceBuffer[]
  /** Overrides the project's settings for this run. */
  scenario?: string
  seed?: number
  speed?: Speed
  duration?: string
  /** Start paused at t = 0 (then `step`). */
  paused?: boolean
}

export interface RunInfo {
  runId: number
  driver: string
  scenario: string
  seed: number
  card: string
  /** Wall clock when it started (ms since the epoch). */
  startedAt: number
  /** Where the run came from: run, replay, or a trace file opened for viewing. */
  origin: 'run' | 'replay' | 'file'
  /** The run this one replays (its diff is against it). */
  replayOf: number | null
  /** What opening a trace file found odd (events skipped, unknown phases), for the page to show. */
  warnings?: string[]
}

/** A refusal of an untrusted project carries `untrusted` (and a problem with code 'untrusted-folder'). */
export type RunStarted = { ok: true; run: RunInfo } | { ok: false; problems: Problem[]; untrusted?: ProjectTrust }

export type RunControl = { op: 'pause' } | { op: 'resume' } | { op: 'step'; ns: number } | { op: 'stop' } | { op: 'speed'; speed: Speed }

export interface RunStatus {
  runId: number
  state: 'running' | 'paused' | 'finished'
  virtualTimeNs: number
  wallMs: number
  /** Virtual time over wall time since the run started (excluding pauses). */
  speedRatio: number
  frames: RunReport['frames']
  audio: RunReport['audio']
  srbs: RunReport['srbs']
  interrupts: RunReport['interrupts']
  findings: number
  errors: number
  bugcheck: string | null
}

export interface ReloadResult {
  mode: ReloadMode
  ok: boolean
  problems: Problem[]
  /** Swap: what was replaced. */
  swap?: SwapResult
  /** Replay (or a swap that had to become one): the new run. */
  run?: RunInfo
  /** Refused because the project is not trusted (restricted mode): nothing ran. */
  untrusted?: ProjectTrust
}

/**
 * New trace rows, in recording order, with what they refer to: the one shape of a trace update from
 * the moment the host has checked it (the sandbox's wire form, TraceDelta, carries JSON text instead).
 */
export interface TraceUpdate {
  /** Index of the first row. */
  from: number
  rows: TraceColumns
  /** Strings interned since the previous chunk (they follow the ones sent before); the first chunk's start at id 0, the empty string. */
  strings: string[]
  /** Detail objects (findings, debug prints) recorded since the previous chunk, in order. */
  details: unknown[]
  /** The schema when tracks or layouts changed; otherwise null. */
  schema: TraceSchema | null
}

/** A trace update of one run as the page gets it; typed arrays travel as binary. */
export interface TraceChunk extends TraceUpdate {
  runId: number
}

export type PixelFormat = 'YUY2' | 'UYVY' | 'NV12' | 'RGB24' | 'RGB32'

/**
 * A delivered video frame as the client received it, scaled down in its own pixel format (no
 * conversion: the page decodes it). `width`, `height` and `stride` describe `data`, the preview; the
 * delivered frame was `scale` times wider and higher. Lines are packed (stride = width × bytes per pixel):
 * - YUY2 (Y0 U Y1 V) and UYVY (U Y0 V Y1): 4-byte macropixels of two pixels sharing U and V; top-down.
 * - NV12: the Y plane (`height` lines of `stride` bytes), then the interleaved UV plane (`height / 2`
 *   lines of `stride` bytes, one U V pair per 2×2 pixels); top-down.
 * - RGB24 (B G R) and RGB32 (B G R X): bottom-up as a DIB with a positive biHeight is (the first line of
 *   `data` is the bottom of the image), whatever the orientation delivered.
 * Bytes past the DataUsed the driver reported are 0.
 */
export interface FramePreview {
  runId: number
  /** PictureNumber the driver reported, or the client's count. */
  number: number
  /** Virtual time the client received it. */
  timeNs: number
  width: number
  height: number
  format: PixelFormat
  /** Bytes per line of `data` (of the luma plane for NV12; the UV plane has the same). */
  stride: number
  data: Uint8Array
  /** The stamp check: ok, torn (two frames mixed), stale (an old frame again), or not checkable. */
  verdict: 'ok' | 'torn' | 'stale' | 'unchecked'
  /** Frames the client saw dropped since the previous delivered frame. */
  droppedBefore: number
  /** The frame was scaled down for preview (every `scale`-th pixel and line). */
  scale: number
}

export interface AudioLevel {
  runId: number
  timeNs: number
  /** Per channel, 0..1 of full scale. */
  peak: number[]
  rms: number[]
}

// -------------------------------------------------------------------------------------- inspectors

export interface RegisterFieldView {
  name: string
  lsb: number
  width: number
  access: string
  value: number
  /** The value's name where the field has named values (a pixel format, ...). */
  meaning: string | null
  doc: string
}

/** One register access, from the trace: who touched it, when, with what. */
export interface RegisterAccess {
  timeNs: number
  op: 'read' | 'write'
  value: number
  callback: string | null
}

export interface RegisterView {
  offset: number
  name: string
  block: string
  doc: string
  value: number
  fields: RegisterFieldView[]
  /** Newest last, bounded. */
  history: RegisterAccess[]
}

export interface DescriptorView {
  index: number
  address: number
  length: number
  flags: string[]
  own: boolean
  done: boolean
  wbBytes: number
  wbStatus: string[]
}

export interface RingView {
  channel: 'video' | 'audio'
  base: number
  entries: number
  head: number
  tail: number
  running: boolean
  descriptors: DescriptorView[]
  /** Why there are no descriptors although the ring is programmed (its memory was freed, ...). */
  note?: string
}

export interface MemoryRegion {
  start: number
  length: number
  owner: string
}

export interface MemoryView {
  address: number
  bytes: Uint8Array
  /** Allocated regions that overlap the view, for the gutter. */
  regions: MemoryRegion[]
}

export type InspectRequest = { what: 'registers'; runId: number } | { what: 'rings'; runId: number } | { what: 'memory'; runId: number; address: number; length: number }

export type InspectResult =
  | { what: 'registers'; timeNs: number; registers: RegisterView[] }
  | { what: 'rings'; timeNs: number; rings: RingView[] }
  | { what: 'memory'; timeNs: number; memory: MemoryView }
  | { what: 'none'; reason: string }

export interface FaultRequest {
  fault: string
  /** Absolute virtual time; omitted: now. */
  atNs?: number
  count?: number
  probability?: number
  /** For mode faults, e.g. "50ms". */
  duration?: string
  value?: number
}

export interface FaultResult {
  ok: boolean
  error: string | null
  /** When it fires (virtual ns). */
  timeNs: number
}

// ------------------------------------------------------------------------------- exports, traces

export type ExportKind = 'chrome-json' | 'srb-csv' | 'report-json' | 'perfetto'

export interface ExportRequest {
  kind: ExportKind
  runId: number
  /** Where to write it; default: the project's `exports/` folder. */
  path?: string
}

export type ExportResult = { ok: true; path: string; bytes: number } | { ok: false; error: string }

export interface ExportProgress {
  kind: ExportKind
  runId: number
  done: number
  total: number
}

export interface RunSummary {
  run: RunInfo
  report: RunReport | null
}

export interface Comparison {
  before: number
  after: number
  diff: RunDiff
  /** The diff as `mdwb run --watch` prints it. */
  text: string
}

export interface RunEnded {
  runId: number
  report: RunReport
  problems: Problem[]
  /** The user stopped it (Stop, or a new run): its end is not a failure of the scenario. */
  stopped: boolean
  /** For a replay: against the run it replays. */
  comparison: Comparison | null
}

// ------------------------------------------------------------------------------------------ shell

/** Panels the View menu shows or hides. */
export type ViewPanel = 'files' | 'timeline' | 'problems' | 'inspectors' | 'preview' | 'faults'

/**
 * An application menu item the user chose (Electron's menu); the page does what it says. Most are the
 * page's own commands (commands.ts); two exist only in the menu: a recent project and a panel toggle.
 */
export type MenuCommand = { command: CommandId } | { command: 'open-recent'; root: string } | { command: 'toggle-panel'; panel: ViewPanel }

// --------------------------------------------------------------------------------------- the API

/** What the page calls. Every method may reject with an Error whose message is for the user. */
export interface BackendApi {
  hello(): Promise<Hello>
  typings(): Promise<TypingFile[]>

  openProject(root: string): Promise<Project>
  newProject(template: TemplateId, root: string): Promise<Project>
  /** Writes atomically (temp file, fsync, rename) and forgets the file's draft. */
  saveFile(path: string, content: string): Promise<SavedFile>
  /** Copies the project (with these buffers) to a new folder and opens it there. */
  saveProjectAs(root: string, buffers: SourceBuffer[]): Promise<Project>
  /** Keeps an unsaved buffer so a crash does not lose it (null: the buffer is clean again). */
  storeDraft(path: string, content: string | null): Promise<void>
  /** A native folder picker (Electron); null in web mode or when cancelled. */
  chooseFolder(purpose: 'open' | 'new' | 'save-as'): Promise<string | null>
  /** Validates scenario JSON text the way a run would. */
  checkScenario(text: string, source: string): Promise<Problem[]>
  /** The user answered Trust: the open project's folder (`root` must be it) may run code from now on, remembered. */
  trustProject(root: string): Promise<ProjectTrust>

  run(request: RunRequest): Promise<RunStarted>
  control(control: RunControl): Promise<void>
  /** Ctrl+S: the saved code reaches the run, swapped in or replayed. */
  reload(buffers: SourceBuffer[], mode: ReloadMode): Promise<ReloadResult>
  injectFault(request: FaultRequest): Promise<FaultResult>
  inspect(request: InspectRequest): Promise<InspectResult>
  /** The kept frame nearest before `timeNs` (the preview follows the timeline's cursor). */
  frameAt(runId: number, timeNs: number): Promise<FramePreview | null>

  runs(): Promise<RunSummary[]>
  exportRun(request: ExportRequest): Promise<ExportResult>
  /** Opens a Chrome trace JSON as a read-only run; its rows arrive as `trace` events. */
  openTrace(path: string): Promise<RunInfo>
  compareRuns(before: number, after: number): Promise<Comparison>
}

/** What the backend pushes, by event name. */
export interface BackendEvents {
  runStarted: RunInfo
  trace: TraceChunk
  status: RunStatus
  frame: FramePreview
  audio: AudioLevel
  swapped: { runId: number; result: SwapResult }
  runEnded: RunEnded
  exportProgress: ExportProgress
  /** Sent by the Electron shell (not the backend) to the focused window's page. */
  menu: MenuCommand
}

export type BackendEventName = keyof BackendEvents
