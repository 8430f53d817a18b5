import type { BackendEventName, BackendEvents } from '../contract/api.js'
import type { EventSink } from '../contract/rpc.js'

/**
 * The pages connected to the backend, by the id of their WebContents, so that something only the
 * shell knows about (a menu click in one window) reaches that window's page over its own port.
 */
export class Connections {
  private readonly byContents = new Map<number, Set<EventSink>>()

  add(contentsId: number, sink: EventSink): () => void {
    let set = this.byContents.get(contentsId)
    if (set === undefined) this.byContents.set(contentsId, (set = new Set()))
    set.add(sink)
    return () => {
      set.delete(sink)
      if (set.size === 0) this.byContents.delete(contentsId)
    }
  }

  /** Sends an event to every connection of one window's page; false when it has none. */
  emit<K extends BackendEventName>(contentsId: number, name: K, payload: BackendEvents[K]): boolean {
    const set = this.byContents.get(contentsId)
    if (set === undefined) return false
    for (const sink of set) sink.emit(name, payload)
    return true
  }

  count(contentsId: number): number {
    return this.byContents.get(contentsId)?.size ?? 0
  }
}
