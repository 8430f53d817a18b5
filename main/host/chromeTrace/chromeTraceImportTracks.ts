/**
 * The tracks of an imported trace: the file's processes and threads (named and ordered by its `M`
 * events), provisional tracks made as events need them, and at the end their final names and order.
 */
import type { TrackInfo, TrackKind } from '../../contract/trace.js'
import { isObject, type Json } from './chromeTraceImportEvent.js'

export const MAX_TRACKS = 0xffff

export interface Process {
  key: string
  name: string | null
  sort: number | null
  /** For ordering processes without a sort index. */
  pid: number
}

export interface Thread {
  key: string
  process: string
  tid: string
  name: string | null
  sort: number | null
  hasSlices: boolean
  /** Provisional track numbers of the thread's tracks, by kind. */
  tracks: Partial<Record<TrackKind, number>>
}

export interface ProvisionalTrack {
  process: string
  thread: Thread | null
  kind: TrackKind
  /** The name when the track is not a thread's (counters, process and global instants, async by category). */
  name: string
  order: number
  unit?: string
  /** Counters: the counter this series belongs to (for naming by series count). */
  counter?: string
  /** Slices tracks: rows of their slices. */
  slices?: number[]
}

/** Processes, threads and provisional tracks of one trace being imported. */
export class ImportTracks {
  /** By provisional track number. */
  readonly list: ProvisionalTrack[] = []
  private readonly processes = new Map<string, Process>()
  private readonly threads = new Map<string, Thread>()
  private readonly trackIds = new Map<string, number>()
  private readonly counterSeries = new Map<string, Set<string>>()

  /** An `M` event: names and sort indexes of processes and threads. */
  metadata(ev: Json): void {
    const args = isObject(ev.args) ? ev.args : {}
    switch (ev.name) {
      case 'process_name':
        if (typeof args.name === 'string') this.process(ev).name = args.name
        break
      case 'process_sort_index':
        if (typeof args.sort_index === 'number') this.process(ev).sort = args.sort_index
        break
      case 'thread_name':
        if (typeof args.name === 'string') this.thread(ev).name = args.name
        break
      case 'thread_sort_index':
        if (typeof args.sort_index === 'number') this.thread(ev).sort = args.sort_index
        break
      // process_labels, num_cpus, trace_buffer_overrun...: nothing to show on a track.
    }
  }

  process(ev: Json): Process {
    const key = ev.pid === undefined || ev.pid === null ? '' : String(ev.pid)
    let p = this.processes.get(key)
    if (p === undefined) {
      const pid = Number(key)
      this.processes.set(key, (p = { key, name: null, sort: null, pid: Number.isFinite(pid) ? pid : Infinity }))
    }
    return p
  }

  thread(ev: Json): Thread {
    const pid = this.process(ev).key
    const tid = ev.tid === undefined || ev.tid === null ? '' : String(ev.tid)
    const key = `${pid}\u0000${tid}`
    let t = this.threads.get(key)
    if (t === undefined) this.threads.set(key, (t = { key, process: pid, tid, name: null, sort: null, hasSlices: false, tracks: {} }))
    return t
  }

  /** The thread `tid` of process `processKey` if an event made it already (this makes none). */
  knownThread(processKey: string, tid: string): Thread | undefined {
    return this.threads.get(`${processKey}\u0000${tid}`)
  }

  /** The provisional track for `key`, made on first use; -1 when there are too many tracks. */
  track(key: string, make: () => ProvisionalTrack): number {
    let id = this.trackIds.get(key)
    if (id === undefined) {
      if (this.list.length >= MAX_TRACKS) return -1
      id = this.list.push(make()) - 1
      this.trackIds.set(key, id)
    }
    return id
  }

  threadTrack(thread: Thread, kind: TrackKind): number {
    const id = this.track(`t\u0000${thread.key}\u0000${kind}`, () => ({ process: thread.process, thread, kind, name: '', order: 0, slices: kind === 'slices' ? [] : undefined }))
    if (id >= 0) thread.tracks[kind] = id
    return id
  }

  /** Rows of the slices of a slices track. */
  slices(track: number): number[] {
    return this.list[track].slices!
  }

  /** The series (args keys) seen of one counter, which names its tracks. */
  series(counterKey: string): Set<string> {
    let series = this.counterSeries.get(counterKey)
    if (series === undefined) this.counterSeries.set(counterKey, (series = new Set()))
    return series
  }

  /** Names, groups and order of the tracks; the map from provisional to final track numbers. */
  final(): { trackMap: Uint32Array; infos: TrackInfo[] } {
    const groupName = (key: string) => {
      if (key === '\u0000global') return 'Global'
      const p = this.processes.get(key)
      return p?.name ?? (key === '' ? 'Process' : `Process ${key}`)
    }
    const threadName = (t: Thread) => t.name ?? (t.tid === '' ? `${groupName(t.process)} main` : `Thread ${t.tid}`)
    const infos = this.list.map((t): TrackInfo => {
      let name = t.name
      let order = t.order
      if (t.thread !== null) {
        name = threadName(t.thread)
        if (t.kind === 'async' && t.thread.tracks.slices !== undefined) name = `${name} (async)`
        const tid = Number(t.thread.tid)
        order = t.thread.sort ?? (Number.isFinite(tid) ? tid : 0)
      } else if (t.kind === 'counter') {
        if ((this.counterSeries.get(t.counter!)?.size ?? 0) > 1) name = `${name} ${t.unit}`
      } else if (t.kind === 'instants' && name === '') {
        name = `${groupName(t.process)} instants`
      }
      const info: TrackInfo = { name, group: groupName(t.process), kind: t.kind, order }
      if (t.unit !== undefined) info.unit = t.unit
      return info
    })
    // Groups in process order (sort index, then pid), the global track last; tracks by order.
    const rank = (key: string) => {
      const p = this.processes.get(key)
      return key === '\u0000global' ? [Infinity, Infinity] : [p?.sort ?? Infinity, p?.pid ?? Infinity]
    }
    const ids = this.list.map((_, i) => i)
    ids.sort((a, b) => {
      const [sa, pa] = rank(this.list[a].process)
      const [sb, pb] = rank(this.list[b].process)
      return sa - sb || pa - pb || this.list[a].process.localeCompare(this.list[b].process) || infos[a].order - infos[b].order || a - b
    })
    const trackMap = new Uint32Array(this.list.length)
    ids.forEach((old, i) => (trackMap[old] = i))
    return { trackMap, infos: ids.map((i) => infos[i]) }
  }
}
