/**
 * The passes over async (b/e/n) and flow (s/t/f) events, which belong together by id: spans nested per
 * key, flows bound to slice starts, numeric ids kept where they are free.
 */
import { EventKind } from '../../contract/trace.js'
import type { StringTable } from '../../sim/trace/strings.js'
import type { ImportArgs } from './chromeTraceImportArgs.js'
import { isObject, type Json, type Pending, type Warnings } from './chromeTraceImportEvent.js'
import type { ImportRows } from './chromeTraceImportRows.js'
import type { ImportTracks } from './chromeTraceImportTracks.js'

/** Fresh numeric ids (for string ids, and numeric ids already open) start here, above real SRB ids. */
const FRESH_ID_BASE = 2 ** 48

/** What these passes use of the trace builder (chromeTraceImportBuilder.ts). */
export interface PairingBuilder {
  readonly rows: ImportRows
  readonly strings: StringTable
  readonly tracks: ImportTracks
  readonly args: ImportArgs
  readonly warnings: Warnings
  /** The file is our own export. */
  readonly ours: boolean
  imported: number
  skip(message: string): void
  tooManyTracks(): void
}

/** b/e/n events, in time order (file order at equal times), as async spans. */
export function asyncSpans(b: PairingBuilder, events: Pending[]): void {
  events.sort((p, q) => p.ts - q.ts || p.seq - q.seq)
  const open = new Map<string, { id: number; track: number }[]>()
  const ids = new IdAllocator()
  for (const { ev, ts } of events) {
    const idText = idOf(ev)
    if (idText === null) {
      b.skip(`'${ev.ph as string}' events without an id or id2 were skipped`)
      continue
    }
    const cat = typeof ev.cat === 'string' ? ev.cat : ''
    const key = `${cat}\u0000${idText.scope}\u0000${idText.text}`
    const stack = open.get(key)
    let span: { id: number; track: number } | undefined
    let kind: EventKind
    if (ev.ph === 'b') {
      const track = asyncTrack(b.tracks, ev, cat)
      if (track < 0) {
        b.tooManyTracks()
        continue
      }
      span = { id: ids.take(idText.text), track }
      if (stack === undefined) open.set(key, [span])
      else stack.push(span)
      kind = EventKind.AsyncBegin
    } else if (ev.ph === 'e') {
      span = stack?.pop()
      if (span === undefined) {
        b.skip("'e' events without a matching 'b' were skipped")
        continue
      }
      if (stack!.length === 0) open.delete(key)
      ids.release(span.id)
      kind = EventKind.AsyncEnd
    } else {
      span = stack?.[stack.length - 1]
      if (span === undefined) {
        b.skip("'n' events outside any open span of their id were skipped")
        continue
      }
      kind = EventKind.AsyncInstant
    }
    const row = b.rows.add(kind, span.track, ts, b.args.name(ev), span.id)
    b.args.add(row, ev, ev.args)
    b.imported++
  }
}

/** The thread's async track when metadata names the thread, else one per (process, category). */
function asyncTrack(tracks: ImportTracks, ev: Json, cat: string): number {
  const thread = ev.tid === undefined ? null : tracks.thread(ev)
  if (thread !== null && thread.name !== null) return tracks.threadTrack(thread, 'async')
  const p = tracks.process(ev)
  return tracks.track(`a\u0000${p.key}\u0000${cat}`, () => ({ process: p.key, thread: null, kind: 'async', name: cat === '' ? 'async' : cat, order: 0 }))
}

/** s/t/f events, in time order (file order at equal times), as flow rows bound to slice starts. */
export function flows(b: PairingBuilder, events: Pending[]): void {
  events.sort((p, q) => p.ts - q.ts || p.seq - q.seq)
  const binders = new Map<number, SliceBinder>()
  const open = new Map<string, number>()
  const ids = new IdAllocator()
  for (const { ev, ts } of events) {
    const idText = idOf(ev)
    if (idText === null) {
      b.skip(`'${ev.ph as string}' flow events without an id were skipped`)
      continue
    }
    const thread = b.tracks.knownThread(b.tracks.process(ev).key, ev.tid === undefined || ev.tid === null ? '' : String(ev.tid))
    const track = thread?.tracks.slices
    if (track === undefined) {
      b.skip('flow events on a thread without slices were skipped (a flow binds to a slice)')
      continue
    }
    let binder = binders.get(track)
    if (binder === undefined) binders.set(track, (binder = new SliceBinder(b.rows, b.tracks.slices(track))))
    const at = binder.bind(ts, ev.ph === 'f' && ev.bp !== 'e')
    if (at === null) {
      b.skip('flow events with no slice to bind to were skipped')
      continue
    }
    const name = typeof ev.name === 'string' ? ev.name : ''
    const key = `${typeof ev.cat === 'string' ? ev.cat : ''}\u0000${name}\u0000${idText.scope}\u0000${idText.text}`
    let id = open.get(key)
    let kind: EventKind
    if (ev.ph === 's') {
      if (id !== undefined) {
        b.warnings.add("flows started again before they ended (the earlier one is left open)")
        ids.release(id)
      }
      id = ids.take(idText.text)
      open.set(key, id)
      kind = EventKind.FlowStart
    } else if (id === undefined) {
      b.skip(`'${ev.ph}' flow events without an 's' before them were skipped`)
      continue
    } else if (ev.ph === 't') {
      kind = EventKind.FlowStep
    } else {
      open.delete(key)
      ids.release(id)
      kind = EventKind.FlowEnd
    }
    // Our flows carry no name (the exporter writes a placeholder); another tool's keep theirs.
    b.rows.add(kind, track, at, b.ours ? 0 : b.strings.intern(name), id)
    b.imported++
  }
  if (open.size > 0) b.warnings.add(`${open.size} flow(s) never ended ('s' without 'f')`)
}

/** An event's id as text and its scope: id2.local is per process; id2.global and id are global. */
function idOf(ev: Json): { text: string; scope: string } | null {
  const id2 = isObject(ev.id2) ? ev.id2 : null
  const local = id2?.local
  const global = id2?.global
  const scalar = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null)
  if (scalar(local) !== null) return { text: scalar(local)!, scope: `local ${ev.pid === undefined ? '' : String(ev.pid)}` }
  if (scalar(global) !== null) return { text: scalar(global)!, scope: 'global' }
  if (scalar(ev.id) !== null) return { text: scalar(ev.id)!, scope: 'global' }
  return null
}

/** Numeric ids for spans and flows: the file's number when free, else a fresh one. */
class IdAllocator {
  private readonly inUse = new Set<number>()
  private next = FRESH_ID_BASE

  take(text: string): number {
    const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN
    let id = Number.isSafeInteger(n) && !this.inUse.has(n) ? n : -1
    if (id < 0) {
      while (this.inUse.has(this.next)) this.next++
      id = this.next++
    }
    this.inUse.add(id)
    return id
  }

  release(id: number): void {
    this.inUse.delete(id)
  }
}

/**
 * Finds the slice a flow event binds to on one track, for flow events in time order: a sweep over the
 * slices in start order keeps the stack of slices open at the current time.
 */
class SliceBinder {
  private next = 0
  private readonly stack: number[] = []

  constructor(
    private readonly rows: ImportRows,
    /** Rows of the track's slices, sorted by start (longest first). */
    private readonly slices: number[],
  ) {}

  /** The start of the slice bound at `ts`: one starting exactly then, else the enclosing one (or the next one). */
  bind(ts: number, next: boolean): number | null {
    const { ts: start, x } = this.rows
    const s = this.slices
    while (this.next < s.length && start[s[this.next]] <= ts) {
      const row = s[this.next++]
      while (this.stack.length > 0 && end(this.stack[this.stack.length - 1]) < start[row]) this.stack.pop()
      this.stack.push(row)
    }
    while (this.stack.length > 0 && end(this.stack[this.stack.length - 1]) < ts) this.stack.pop()
    // The stack is in start order, so a slice starting exactly at ts is on top.
    const top = this.stack[this.stack.length - 1]
    if (top !== undefined && start[top] === ts) return ts
    if (next) return this.next < s.length ? start[s[this.next]] : top !== undefined ? start[top] : null
    return top !== undefined ? start[top] : null
    function end(row: number): number {
      return start[row] + x[row]
    }
  }
}
