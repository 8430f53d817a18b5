// The filter, stream and KS operations the client asks of a device: open and close a filter, data
// intersection, open and close a stream, stream state, properties, reads and writes.
import type { CheckedDevice } from './commandChecks.js'
import type { StreamTimers } from './streamTimers.js'
import { checkCloseStream, checkDataCompletion, checkIntersection, checkOpenStream, checkProperty } from './commandChecks.js'
import type { DeviceServices, DeviceState } from './deviceParts.js'
import type { MasterClocks } from './masterClock.js'
import { SrbState, srbRef, type DataBuffer, type IoRequest, type Srb } from './srb.js'
import type { SrbEngine } from './srbEngine.js'
import { StreamInstance, StreamObject } from './stream.js'
import { routeProperty, withPropertyHeader, type KsPropertyAnswer, type KsPropertyRequest } from './ksProperty.js'
import { KSSTATE_ACQUIRE, KSSTATE_STOP, normalizeGuid, type KSSTATE, type PKSDATAFORMAT } from './wdk/ks.js'
import { NT_SUCCESS, STATUS_CANCELLED, STATUS_INVALID_PARAMETER, STATUS_SUCCESS } from './wdk/ntstatus.js'
import {
  SRB_CLOSE_DEVICE_INSTANCE,
  SRB_CLOSE_STREAM,
  SRB_GET_DATA_INTERSECTION,
  SRB_GET_DEVICE_PROPERTY,
  SRB_GET_STREAM_PROPERTY,
  SRB_NOTIFY_IDLE_STATE,
  SRB_OPEN_DEVICE_INSTANCE,
  SRB_OPEN_STREAM,
  SRB_SET_DEVICE_PROPERTY,
  SRB_SET_STREAM_PROPERTY,
  SRB_SET_STREAM_STATE,
  isDataCommand,
  srbCommandName,
} from './wdk/srbCommands.js'
import type { HW_STREAM_HEADER, HW_STREAM_INFORMATION, SRB_COMMAND_DATA } from './wdk/strminiTypes.js'

/** The outcome of a KS property request: the class driver's answer, or the minidriver's (with its SRB). */
export interface KsPropertyResult extends KsPropertyAnswer {
  srb: Srb | null
}

/** What the stream operations read and change of their device; power-down goes through the device. */
export interface StreamOpsDevice extends Pick<DeviceServices, 'settings' | 'invoker' | 'kernel'>, CheckedDevice {
  readonly state: DeviceState
  openInstances: number
  readonly synchronized: boolean
  readonly extension: Record<string, any>
  readonly instanceExtension: Record<string, any> | null
  readonly streamInfos: readonly HW_STREAM_INFORMATION[]
  readonly streamHeader: HW_STREAM_HEADER | null
  readonly streams: StreamInstance[]
  readonly clocks: Pick<MasterClocks, 'streamClosed'>
  readonly timers: Pick<StreamTimers, 'pending' | 'cancelAtClose'>
  readonly srbs: Pick<SrbEngine, 'createQueue' | 'submitDevice' | 'submitControl' | 'submitData' | 'finish' | 'callCancel'>
  changePower(state: number, done: (status: number) => void): void
}

export class StreamOps {
  private readonly streamByObject = new WeakMap<object, StreamInstance>()
  /** Leftover stream extensions per stream number, for zeroStreamExtension = false. */
  private readonly staleExtensions = new Map<number, any>()

  constructor(private readonly device: StreamOpsDevice) {}

  /**
   * The client opens the filter (a device instance): NOTIFY_IDLE_STATE(FALSE) before the first open,
   * then SRB_OPEN_DEVICE_INSTANCE for a multi-instance driver. Pins (streams) are opened on a filter.
   */
  openFilter(done: (status: number) => void): void {
    const d = this.device
    if (d.state !== 'started') return done(STATUS_INVALID_PARAMETER)
    if (d.openInstances > 0) {
      d.openInstances++
      return done(STATUS_SUCCESS)
    }
    d.srbs.submitDevice(SRB_NOTIFY_IDLE_STATE, { Idle: 0 }, {
      onComplete: () => {
        if (d.instanceExtension === null) {
          d.openInstances++
          return done(STATUS_SUCCESS)
        }
        d.srbs.submitDevice(SRB_OPEN_DEVICE_INSTANCE, { FilterTypeIndex: 0 }, {
          onComplete: (srb) => {
            if (NT_SUCCESS(srb._Status)) d.openInstances++
            done(srb._Status)
          },
        })
      },
    })
  }

  /** The client closes a filter: CLOSE_DEVICE_INSTANCE, and NOTIFY_IDLE_STATE(TRUE) after the last one. */
  closeFilter(done: () => void): void {
    const d = this.device
    if (d.openInstances === 0) return done()
    if (--d.openInstances > 0) return done()
    const idle = (): void => {
      d.srbs.submitDevice(SRB_NOTIFY_IDLE_STATE, { Idle: 1 }, {
        onComplete: () => (d.settings.powerDownWhenUnopened ? d.changePower(4, () => done()) : done()),
      })
    }
    if (d.instanceExtension === null) return idle()
    d.srbs.submitDevice(SRB_CLOSE_DEVICE_INSTANCE, {}, { onComplete: idle })
  }

  /** SRB_GET_DATA_INTERSECTION for one of the client's ranges. */
  intersect(streamNumber: number, range: PKSDATAFORMAT, bufferSize: number, done: (srb: Srb) => void): void {
    const d = this.device
    const info = { StreamNumber: streamNumber, DataRange: range, DataFormatBuffer: null as object | number | null, SizeOfDataFormatBuffer: bufferSize }
    d.srbs.submitDevice(SRB_GET_DATA_INTERSECTION, { IntersectInfo: info }, { check: (srb) => checkIntersection(d, srb, info), onComplete: done })
  }

  /** Opens an instance of stream `number` (a pin of an open filter) with `format`: SRB_OPEN_STREAM. */
  openStream(number: number, format: PKSDATAFORMAT, done: (status: number, stream: StreamInstance | null) => void): void {
    const d = this.device
    if (d.state !== 'started' || d.openInstances === 0 || number < 0 || number >= d.streamInfos.length) return done(STATUS_INVALID_PARAMETER, null)
    const info = d.streamInfos[number]
    let ext: any = {}
    if (!d.settings.zeroStreamExtension) ext = this.staleExtensions.get(number) ?? {}
    const object = new StreamObject(number, ext, d.extension)
    const control = d.srbs.createQueue('control', `Stream ${number} control`, `Stream ${number} control`, 10 + 2 * number)
    const data = d.srbs.createQueue('data', `Stream ${number} data`, `Stream ${number} data`, 11 + 2 * number)
    const stream = new StreamInstance(number, object, info, control, data)
    this.streamByObject.set(object, stream)
    d.streams.push(stream)
    const openFormat = copyFormat(format)
    d.srbs.submitDevice(SRB_OPEN_STREAM, { OpenFormat: openFormat }, {
      check: (srb) => checkOpenStream(d, srb, stream),
      onComplete: (srb) => {
        if (NT_SUCCESS(srb._Status) && srb._state === SrbState.Completed) {
          stream.open = true
          stream.format = openFormat
          return done(srb._Status, stream)
        }
        d.streams.splice(d.streams.indexOf(stream), 1)
        stream.closed = true
        done(srb._Status, null)
      },
    }, stream)
  }

  /** Closes a stream: cancel its outstanding buffers through HwCancelPacket, then SRB_CLOSE_STREAM. */
  closeStream(stream: StreamInstance, done: (status: number) => void): void {
    const d = this.device
    for (const q of [stream.control, stream.data]) for (const srb of q.drain()) d.srbs.finish(srb, SrbState.Aborted, STATUS_CANCELLED)
    const outstanding = [...d.held].filter((srb) => srb._StreamObject === stream.object && srb._queue === 'data')
    d.srbs.callCancel(outstanding, () => {
      d.srbs.submitDevice(SRB_CLOSE_STREAM, {}, {
        check: (srb) => {
          if (srb._Status !== STATUS_SUCCESS) return
          // Once the completing callback has returned: the class driver cancels the stream's timer, as
          // stream.sys does before freeing the stream; whatever else is still alive is the driver's.
          d.invoker.afterCurrentReturns(() => {
            d.timers.cancelAtClose(stream)
            checkCloseStream(d, stream)
          })
        },
        onComplete: (srb) => {
          if (!NT_SUCCESS(srb._Status) && srb._state === SrbState.Completed) return done(srb._Status)
          stream.open = false
          stream.closed = true
          d.clocks.streamClosed(stream)
          this.staleExtensions.set(stream.number, stream.object.HwStreamExtension)
          const i = d.streams.indexOf(stream)
          if (i >= 0) d.streams.splice(i, 1)
          done(srb._Status)
        },
      }, stream)
    })
  }

  /** SRB_SET_STREAM_STATE, with the class driver's STOP bookkeeping. */
  setState(stream: StreamInstance, state: KSSTATE, done: (srb: Srb) => void): void {
    this.device.srbs.submitControl(stream, SRB_SET_STREAM_STATE, { StreamState: state }, {
      check: (srb) => {
        if (srb._Status !== STATUS_SUCCESS) return
        const from = stream.state
        stream.state = state
        if (state === KSSTATE_STOP || state === KSSTATE_ACQUIRE) stream.countersMayReset = true
        if (state === KSSTATE_STOP) {
          stream.lastPresentationTime = -Infinity
          this.device.invoker.afterCurrentReturns(() => this.afterStop(stream))
        }
        void from
      },
      onComplete: done,
    })
  }

  /** After STOP: under synchronization the class driver cancels leftover reads; then none may remain. */
  private afterStop(stream: StreamInstance): void {
    const d = this.device
    const reads = () => [...d.held].filter((s) => s._StreamObject === stream.object && s._queue === 'data')
    const verify = () => {
      for (const srb of reads()) {
        d.verifier.report('read-in-stop', `${srbCommandName(srb._Command)} #${srb._id} still outstanding after ${stream.label} was set to KSSTATE_STOP`, {
          srb: srbRef(srb),
          location: null,
          callback: null,
        })
      }
    }
    if (d.synchronized && d.settings.cancelReadsOnStop) d.srbs.callCancel(reads(), verify)
    else verify()
  }

  /** Property GET/SET on the device (stream null) or a stream. */
  property(stream: StreamInstance | null, command: number, descriptor: NonNullable<SRB_COMMAND_DATA['PropertyInfo']>, done: (srb: Srb) => void): void {
    const d = this.device
    withPropertyHeader(descriptor)
    const request: IoRequest = { check: (srb) => checkProperty(d, srb, descriptor), onComplete: done }
    if (stream === null) d.srbs.submitDevice(command, { PropertyInfo: descriptor }, request)
    else d.srbs.submitControl(stream, command, { PropertyInfo: descriptor }, request)
  }

  /**
   * A KS property request (IOCTL_KS_PROPERTY) on the device (stream null) or a stream, as ks.sys and
   * stream.sys handle it: looked up in the sets the minidriver declared, answered by the class driver
   * (BASICSUPPORT / DEFAULTVALUES from the item's Values, RELATIONS, lookup and size failures) or passed
   * to the minidriver as an SRB. `done` runs after the completion latency either way.
   */
  ksProperty(stream: StreamInstance | null, request: KsPropertyRequest, done: (result: KsPropertyResult) => void): void {
    const d = this.device
    const sets = stream === null ? (d.streamHeader?.DevicePropertiesArray ?? []).slice(0, d.streamHeader?.NumDevPropArrayEntries ?? 0) : (stream.info.StreamPropertiesArray ?? []).slice(0, stream.info.NumStreamPropArrayEntries)
    const route = routeProperty(sets, request)
    if ('answer' in route) {
      const k = d.kernel
      k.scheduleOs(k.now() + k.costs.clientCompletionLatency, (a: KsPropertyAnswer) => done({ ...a, srb: null }), route.answer)
      return
    }
    const get = route.command === 'get'
    const command = stream === null ? (get ? SRB_GET_DEVICE_PROPERTY : SRB_SET_DEVICE_PROPERTY) : get ? SRB_GET_STREAM_PROPERTY : SRB_SET_STREAM_PROPERTY
    this.property(stream, command, route.descriptor, (srb) => done({ status: srb._Status, bytes: srb._NumberOfBytesToTransfer, data: route.descriptor.PropertyInfo, srb }))
  }

  /** A data SRB whose completion is checked (DataUsed, time stamps, counters). */
  readWrite(stream: StreamInstance, command: number, buffers: DataBuffer[], done: (srb: Srb) => void): Srb {
    const d = this.device
    return d.srbs.submitData(stream, command, buffers, {
      check: (srb) => {
        if (isDataCommand(srb._Command)) checkDataCompletion(d, srb, stream)
      },
      onComplete: done,
    })
  }

  /** Any other SRB, for the SRB paths without special handling. */
  send(stream: StreamInstance | null, command: number, commandData: SRB_COMMAND_DATA, done: (srb: Srb) => void): Srb {
    const d = this.device
    if (stream === null) return d.srbs.submitDevice(command, commandData, { onComplete: done })
    return d.srbs.submitControl(stream, command, commandData, { onComplete: done })
  }

  /** Looks up a stream by any of its (open) instances' numbers. */
  openStreamsOf(number: number): StreamInstance[] {
    return this.device.streams.filter((s) => s.number === number && s.open)
  }

  streamOfObject(object: unknown): StreamInstance | null {
    if (object === null || typeof object !== 'object') return null
    return this.streamByObject.get(object) ?? null
  }
}

/**
 * A format as the class driver hands it to the minidriver: a deep copy (the C bytes are copied), with
 * the KSDATAFORMAT fields at the top and the same object as `DataFormat` / `DataRange`.
 */
export function copyFormat(format: object): PKSDATAFORMAT {
  const src = format as Record<string, any>
  const header = (src.DataFormat ?? src.DataRange ?? src) as Record<string, any>
  const out: Record<string, any> = structuredClone(
    Object.fromEntries(Object.entries(src).filter(([k, v]) => k !== 'DataFormat' && k !== 'DataRange' && typeof v !== 'function')),
  )
  for (const key of ['FormatSize', 'Flags', 'SampleSize', 'Reserved', 'MajorFormat', 'SubFormat', 'Specifier']) out[key] = header[key] ?? (key.endsWith('Format') || key === 'Specifier' ? '' : 0)
  for (const key of ['MajorFormat', 'SubFormat', 'Specifier']) if (typeof out[key] === 'string' && out[key]) out[key] = normalizeGuid(out[key])
  out.DataFormat = out
  out.DataRange = out
  return out as PKSDATAFORMAT
}
