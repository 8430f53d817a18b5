import { Work } from '../sim/work.js'
import type { CallingDevice, DeviceServices, StreamLookup } from './deviceParts.js'
import type { QueuedEvent, StreamInstance } from './stream.js'
import { IsEqualGUID, type GUID, type KSEVENT_ENTRY, type KSEVENT_ITEM, type KSEVENT_SET, type KSEVENTDATA } from './wdk/ks.js'
import { NT_SUCCESS, STATUS_NOT_FOUND, STATUS_SUCCESS } from './wdk/ntstatus.js'
import type { HW_EVENT_DESCRIPTOR, HW_STREAM_HEADER, HW_STREAM_OBJECT, PHW_EVENT_ROUTINE } from './wdk/strminiTypes.js'

/** What the event queues read of their device: the event sets it declared and the extensions it hands out. */
export interface EventDevice extends Omit<CallingDevice, 'runMinidriver'>, StreamLookup {
  readonly extension: Record<string, any>
  readonly instanceExtension: Record<string, any> | null
  readonly streamHeader: HW_STREAM_HEADER | null
}

/** A queued event entry. The minidriver may keep this object (and only this one) after StrMiniEvent. */
class EventEntry implements KSEVENT_ENTRY {
  ExtraEntryData: Record<string, unknown> = {}
  constructor(
    readonly EventSet: GUID,
    readonly EventItem: KSEVENT_ITEM,
    readonly EventData: KSEVENTDATA,
  ) {}
}

/**
 * HW_EVENT_DESCRIPTOR for one call of StrMiniEvent. Everything but the entry is freed when the call
 * returns, so later reads through a kept descriptor are reported.
 */
class EventDescriptor implements HW_EVENT_DESCRIPTOR {
  live = true
  constructor(
    private readonly device: Pick<DeviceServices, 'invoker' | 'verifier'>,
    private readonly fields: Omit<HW_EVENT_DESCRIPTOR, never>,
  ) {}
  private touch(name: string): void {
    if (!this.live && this.device.invoker.depth > 0) {
      this.device.verifier.report('event-misuse', `HW_EVENT_DESCRIPTOR.${name} used after StrMiniEvent returned; keep only EventEntry`)
    }
  }
  get Enable() {
    this.touch('Enable')
    return this.fields.Enable
  }
  get EventEntry() {
    this.touch('EventEntry')
    return this.fields.EventEntry
  }
  get EventData() {
    this.touch('EventData')
    return this.fields.EventData
  }
  get StreamObject() {
    this.touch('StreamObject')
    return this.fields.StreamObject
  }
  get DeviceExtension() {
    this.touch('DeviceExtension')
    return this.fields.DeviceExtension
  }
  get EnableEventSetIndex() {
    this.touch('EnableEventSetIndex')
    return this.fields.EnableEventSetIndex
  }
  get HwInstanceExtension() {
    this.touch('HwInstanceExtension')
    return this.fields.HwInstanceExtension
  }
  get Reserved() {
    return 0
  }
}

/** What the client learns about its enabled events. */
export interface EventListener {
  signalled(clientId: number): void
}

/**
 * KS events (docs/classdriver.md#events): one queue per stream and one for the device, kept even without
 * synchronization. StrMiniEvent accepts or refuses an enable; the minidriver signals and deletes
 * entries through the notification services.
 */
export class EventQueues {
  readonly device: QueuedEvent[] = []
  private nextClientId = 1
  private readonly byClientId = new Map<number, { owner: StreamInstance | null; event: QueuedEvent }>()
  private readonly track: number
  private readonly signalName: number
  listener: EventListener | null = null

  constructor(private readonly dev: EventDevice) {
    this.track = dev.kernel.trace.defineTrack({ name: 'Events', group: 'Class driver', kind: 'instants', order: 3 })
    this.signalName = dev.kernel.trace.strings.intern('event signalled')
  }

  private queueOf(owner: StreamInstance | null): QueuedEvent[] {
    return owner === null ? this.device : owner.events
  }

  private setsOf(owner: StreamInstance | null): KSEVENT_SET[] {
    const d = this.dev
    if (owner === null) return d.streamHeader?.DeviceEventsArray?.slice(0, d.streamHeader.NumDevEventArrayEntries >>> 0) ?? []
    return owner.info.StreamEventsArray?.slice(0, owner.info.NumStreamEventArrayEntries >>> 0) ?? []
  }

  /** The client enables an event: StrMiniEvent decides; on success the entry is queued. */
  enable(owner: StreamInstance | null, set: GUID, id: number, data: KSEVENTDATA, done: (status: number, clientId: number) => void): void {
    const d = this.dev
    const sets = this.setsOf(owner)
    const setIndex = sets.findIndex((s) => IsEqualGUID(s.Set, set))
    const item = setIndex < 0 ? undefined : sets[setIndex].EventItem?.find((i) => i.EventId === id)
    const routine: PHW_EVENT_ROUTINE | null | undefined = owner === null ? d.streamHeader?.DeviceEventRoutine : owner.object.HwEventRoutine
    if (item === undefined || typeof routine !== 'function') return done(STATUS_NOT_FOUND, 0)
    const entry = new EventEntry(set, item, data)
    const { irql, lock } = d.contextOf('event')
    const work = new Work(irql, () => {
      const descriptor = new EventDescriptor(d, {
        Enable: 1,
        EventEntry: entry,
        EventData: data,
        StreamObject: owner?.object ?? null,
        DeviceExtension: d.extension,
        EnableEventSetIndex: setIndex,
        HwInstanceExtension: d.instanceExtension,
        Reserved: 0,
      })
      const status = d.invoker.call('StrMiniEvent', routine, descriptor, null, owner) as number
      descriptor.live = false
      d.checkBudget(work, routine)
      if (!NT_SUCCESS(status >>> 0)) return d.kernel.scheduleOs(d.kernel.now(), () => done(status >>> 0, 0), null)
      const clientId = this.nextClientId++
      const queued: QueuedEvent = { entry, setIndex, signalled: 0, clientId }
      this.queueOf(owner).push(queued)
      this.byClientId.set(clientId, { owner, event: queued })
      d.kernel.scheduleOs(d.kernel.now(), () => done(STATUS_SUCCESS, clientId), null)
    }, null)
    work.lock = lock
    d.kernel.submit(work)
  }

  /** The client disables an event: StrMiniEvent is told (its status ignored), the entry leaves the queue. */
  disable(clientId: number, done: () => void): void {
    const d = this.dev
    const found = this.byClientId.get(clientId)
    if (found === undefined) return done()
    this.byClientId.delete(clientId)
    const { owner, event } = found
    const q = this.queueOf(owner)
    const i = q.indexOf(event)
    if (i >= 0) q.splice(i, 1)
    const routine = owner === null ? d.streamHeader?.DeviceEventRoutine : owner.object.HwEventRoutine
    if (typeof routine !== 'function') return done()
    const { irql, lock } = d.contextOf('event')
    const work = new Work(irql, () => {
      const descriptor = new EventDescriptor(d, {
        Enable: 0,
        EventEntry: event.entry,
        EventData: event.entry.EventData,
        StreamObject: owner?.object ?? null,
        DeviceExtension: d.extension,
        EnableEventSetIndex: event.setIndex,
        HwInstanceExtension: d.instanceExtension,
        Reserved: 0,
      })
      d.invoker.call('StrMiniEvent', routine, descriptor, null, owner)
      descriptor.live = false
      d.kernel.scheduleOs(d.kernel.now(), done, null)
    }, null)
    work.lock = lock
    d.kernel.submit(work)
  }

  /** SignalStreamEvent / SignalDeviceEvent. */
  signal(owner: StreamInstance | null, entry: unknown): void {
    const q = this.queueOf(owner)
    const event = q.find((e) => e.entry === entry)
    if (event === undefined) {
      this.dev.verifier.report('event-misuse', `signalled an event entry that is not queued on ${owner === null ? 'the device' : owner.label}`)
      return
    }
    this.fire(event)
  }

  /** SignalMultipleStreamEvents / SignalMultipleDeviceEvents: every queued event of the set and id. */
  signalMultiple(owner: StreamInstance | null, set: GUID, id: number): number {
    let n = 0
    for (const e of this.queueOf(owner)) {
      if (IsEqualGUID(e.entry.EventSet, set) && e.entry.EventItem.EventId === id) {
        this.fire(e)
        n++
      }
    }
    return n
  }

  /** DeleteStreamEvent / DeleteDeviceEvent. */
  delete(owner: StreamInstance | null, entry: unknown): void {
    const q = this.queueOf(owner)
    const i = q.findIndex((e) => e.entry === entry)
    if (i < 0) {
      this.dev.verifier.report('event-misuse', `deleted an event entry that is not queued on ${owner === null ? 'the device' : owner.label}`)
      return
    }
    const [removed] = q.splice(i, 1)
    this.byClientId.delete(removed.clientId)
  }

  /** StreamClassGetNextEvent: walks a queue, filtered by set and item (-1 = any). */
  next(owner: StreamInstance | null, set: GUID | null, item: number, current: unknown): KSEVENT_ENTRY | null {
    const q = this.queueOf(owner)
    let start = 0
    if (current != null) {
      const i = q.findIndex((e) => e.entry === current)
      if (i < 0) {
        this.dev.verifier.report('event-misuse', 'StreamClassGetNextEvent given a current entry that is not queued')
        return null
      }
      start = i + 1
    }
    for (let i = start; i < q.length; i++) {
      const e = q[i].entry
      if (set !== null && !IsEqualGUID(e.EventSet, set)) continue
      if (item !== -1 && item !== 0xffffffff && e.EventItem.EventId !== item) continue
      return e
    }
    return null
  }

  /** The owner of a stream object, for the stream notification services. */
  ownerOf(stream: HW_STREAM_OBJECT | null): StreamInstance | null {
    return stream === null ? null : this.dev.streamOfObject(stream)
  }

  private fire(event: QueuedEvent): void {
    event.signalled++
    this.dev.kernel.trace.instant(this.track, this.dev.kernel.now(), this.signalName, 0)
    this.listener?.signalled(event.clientId)
  }
}
