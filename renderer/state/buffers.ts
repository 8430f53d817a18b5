import type { Draft, ProjectFile, ProjectFileKind, SourceBuffer } from '../../main/contract/api.js'

/**
 * The editor's buffers: one per project file, with the text on disk next to the text being edited,
 * so "dirty" is a comparison rather than a flag to keep in step. Drafts from a previous session
 * (unsaved work recovered after a crash) come back as dirty buffers.
 */

export interface EditorBuffer {
  path: string
  kind: ProjectFileKind
  /** The text in the editor. */
  content: string
  /** The text on disk as last read or written. */
  saved: string
  /** False for a file made in the editor and not saved yet. */
  onDisk: boolean
  /** Restored from a draft of an earlier session and not saved since. */
  recovered: boolean
}

/** What a new file's path says it is (the backend says it for files it lists). */
export function kindOfPath(path: string): ProjectFileKind {
  const name = path.slice(path.lastIndexOf('/') + 1)
  if (name === 'workbench.json') return 'settings'
  if (/\.(ts|mts|cts)$/.test(name)) return 'driver'
  if (name.endsWith('.json')) return 'scenario'
  return 'other'
}

/** A project-relative path as the backend wants it: `/` separators, no leading `./` or `/`, no `..`. */
export function normalizeProjectPath(input: string): string {
  const parts: string[] = []
  for (const part of input.trim().replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') throw new Error(`"${input}": a project file cannot be outside the project folder`)
    parts.push(part)
  }
  if (parts.length === 0) throw new Error('a file needs a name')
  return parts.join('/')
}

export class BufferSet {
  /** Buffers by path. */
  readonly byPath = new Map<string, EditorBuffer>()
  /** Paths in display order (folders first as the project lists them, then new files). */
  readonly order: string[] = []

  /** Replaces every buffer with the files of a freshly opened project. */
  load(files: readonly ProjectFile[]): void {
    this.byPath.clear()
    this.order.length = 0
    for (const f of files) this.put({ path: f.path, kind: f.kind, content: f.content, saved: f.content, onDisk: true, recovered: false })
  }

  get(path: string): EditorBuffer | undefined {
    return this.byPath.get(path)
  }

  has(path: string): boolean {
    return this.byPath.has(path)
  }

  isDirty(path: string): boolean {
    const b = this.byPath.get(path)
    return b !== undefined && (!b.onDisk || b.content !== b.saved)
  }

  /** Records an edit; returns whether the buffer now differs from disk. */
  edit(path: string, content: string): boolean {
    const b = this.require(path)
    b.content = content
    return this.isDirty(path)
  }

  /** Makes an empty buffer for a file that is not on disk yet (it is dirty until saved). */
  create(path: string, content = ''): EditorBuffer {
    if (this.byPath.has(path)) throw new Error(`${path} already exists in the project`)
    return this.put({ path, kind: kindOfPath(path), content, saved: '', onDisk: false, recovered: false })
  }

  /** After a successful save of `content` (which may be older than the buffer if the user typed on). */
  markSaved(path: string, content: string): void {
    const b = this.require(path)
    b.saved = content
    b.onDisk = true
    if (b.content === content) b.recovered = false
  }

  /**
   * Puts unsaved drafts back into their buffers (a draft for a file that is gone becomes a new file).
   * Returns the paths recovered: those whose draft differs from the file.
   */
  recover(drafts: readonly Draft[]): string[] {
    const out: string[] = []
    for (const d of drafts) {
      const b = this.byPath.get(d.path) ?? this.create(d.path)
      if (b.onDisk && b.saved === d.content) continue
      b.content = d.content
      b.recovered = true
      out.push(d.path)
    }
    return out
  }

  /** Buffers that differ from disk, for a run (the backend compiles these instead of the files). */
  dirty(): SourceBuffer[] {
    return this.order.filter((p) => this.isDirty(p)).map((p) => this.source(p))
  }

  /** Every driver source as edited, for a reload (saved or not: the backend compiles these). */
  driverSources(): SourceBuffer[] {
    return this.order.filter((p) => this.byPath.get(p)?.kind === 'driver').map((p) => this.source(p))
  }

  get dirtyCount(): number {
    let n = 0
    for (const p of this.order) if (this.isDirty(p)) n++
    return n
  }

  private source(path: string): SourceBuffer {
    return { path, content: this.require(path).content }
  }

  private put(b: EditorBuffer): EditorBuffer {
    this.byPath.set(b.path, b)
    this.order.push(b.path)
    // The Map hands back the stored object (a reactive proxy when the set is reactive).
    return this.byPath.get(b.path) as EditorBuffer
  }

  private require(path: string): EditorBuffer {
    const b = this.byPath.get(path)
    if (b === undefined) throw new Error(`${path} is not a file of the project`)
    return b
  }
}
