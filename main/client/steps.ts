/**
 * What each scenario step does (docs/scenarios.md lists them), as a table keyed by the step's op: the
 * client (ksClient.ts) runs a scenario by looking each step up here. A handler is a generator: it
 * yields a Suspend to wait for a request to complete, in virtual time, and fails the step through
 * `c.fail`. `repeat` is the client's own (it runs its steps in turn).
 */
import type { Srb, StreamHeader } from '../classdriver/srb.js'
import * as ks from '../classdriver/wdk/ks.js'
import { NT_SUCCESS, STATUS_NO_DATA_DETECTED, STATUS_NOT_IMPLEMENTED, STATUS_SUCCESS, ntStatusName } from '../classdriver/wdk/ntstatus.js'
import {
  SRB_CLOSE_MASTER_CLOCK,
  SRB_GET_STREAM_STATE,
  SRB_INDICATE_MASTER_CLOCK,
  SRB_OPEN_MASTER_CLOCK,
  SRB_PROPOSE_DATA_FORMAT,
  SRB_READ_DATA,
  SRB_SET_DATA_FORMAT,
  SRB_WRITE_DATA,
  isDeviceCommand,
} from '../classdriver/wdk/srbCommands.js'
import { parseDuration } from '../contract/time.js'
import { describeFormat, formatFromRange } from './formats.js'
import type { StepRunner, Suspend } from './ksClient.js'
import { propertyRequest, queryDroppedFrames } from './properties.js'
import { KSSTATE_BY_NAME, commandCode, resolveId, resolveSetName } from './scenario/names.js'
import type { Step, StepOf } from './scenario/schema.js'

/** The ops a handler serves: all but `repeat`. */
export type HandledOp = Exclude<Step['op'], 'repeat'>

export type StepHandler<Op extends HandledOp> = (c: StepRunner, step: StepOf<Op>) => Generator<Suspend, void, unknown>

export const STEPS: { readonly [Op in HandledOp]: StepHandler<Op> } = {
  'start-device': function* (c) {
    const d = c.device
    const status = yield* c.await<number>((done) => d.start(done))
    return c.checkStatus(status, undefined, 'start-device (PnP start)')
  },
  'stop-device': function* (c) {
    const d = c.device
    for (const s of c.streams.values()) s.pumping = false
    const status = yield* c.await<number>((done) => d.stop(done))
    return c.checkStatus(status, undefined, 'stop-device (SRB_UNINITIALIZE_DEVICE)')
  },
  'surprise-removal': function* (c) {
    const d = c.device
    for (const s of c.streams.values()) s.pumping = false
    yield* c.await<number>((done) => d.surpriseRemove(done))
  },
  'page-out': function* (c) {
    const d = c.device
    const status = yield* c.await<number>((done) => d.pageOut(done))
    return c.checkStatus(status, undefined, 'page-out (SRB_PAGING_OUT_DRIVER)', succeededOrNotImplemented)
  },
  'power': function* (c, step) {
    const d = c.device
    const state = { D0: 1, D1: 2, D2: 3, D3: 4 }[step.state]
    const status = yield* c.await<number>((done) => d.changePower(state, done))
    return c.checkStatus(status, undefined, `power ${step.state}`, succeededOrNotImplemented)
  },
  'open-stream': function* (c, step) {
    return yield* c.openStream(step)
  },
  'close-stream': function* (c, step) {
    const d = c.device
    const s = c.stream(step.stream)
    s.pumping = false
    const abortedBefore = c.abortedFrames(s)
    const status = yield* c.await<number>((done) => d.closeStream(s.instance, done))
    // A close in RUN stops the stream too: a frame it cuts short is not a drop either.
    s.tracker.noteStopped(c.abortedFrames(s) - abortedBefore)
    c.streams.delete(s.number)
    c.checkStatus(status, undefined, `close-stream ${s.number}`)
    if (--c.filterOpen === 0) yield* c.await<void>((done) => d.closeFilter(() => done()))
  },
  'indicate-master-clock': function* (c, step) {
    const d = c.device
    const s = c.stream(step.stream)
    let handle = 0
    const clock = step.clock ?? 'system'
    if (clock === 'system') {
      if (c.systemClockHandle === 0) c.systemClockHandle = d.clocks.register(c.graphClock)
      handle = c.systemClockHandle
    } else if (clock !== 'none') {
      const master = c.stream(clock.stream)
      if (master.ownClock === 0) c.fail(`stream ${master.number} is not a master clock (open-master-clock first)`)
      handle = master.ownClock
    }
    const srb = yield* c.await<Srb>((done) => d.send(s.instance, SRB_INDICATE_MASTER_CLOCK, { MasterClockHandle: handle }, done))
    if (srb._Status === STATUS_SUCCESS) {
      if (s.instance.indicatedClock && s.instance.indicatedClock !== handle) s.instance.withdrawnClocks.add(s.instance.indicatedClock)
      s.instance.indicatedClock = handle
    }
    return c.checkStatus(srb._Status, undefined, 'indicate-master-clock', succeededOrNotImplemented)
  },
  'open-master-clock': function* (c, step) {
    const d = c.device
    const s = c.stream(step.stream)
    const handle = d.clocks.register(d.clocks.streamClock(s.instance))
    const srb = yield* c.await<Srb>((done) => d.send(s.instance, SRB_OPEN_MASTER_CLOCK, { MasterClockHandle: handle }, done))
    if (srb._Status === STATUS_SUCCESS) s.ownClock = s.instance.ownClock = handle
    else d.clocks.withdraw(handle)
    return c.checkStatus(srb._Status, undefined, 'open-master-clock')
  },
  'close-master-clock': function* (c, step) {
    const d = c.device
    const s = c.stream(step.stream)
    const srb = yield* c.await<Srb>((done) => d.send(s.instance, SRB_CLOSE_MASTER_CLOCK, {}, done))
    if (s.ownClock) d.clocks.withdraw(s.ownClock)
    s.ownClock = s.instance.ownClock = 0
    return c.checkStatus(srb._Status, undefined, 'close-master-clock', succeededOrNotImplemented)
  },
  'set-state': function* (c, step) {
    const d = c.device
    const s = c.stream(step.stream)
    const state = KSSTATE_BY_NAME[step.state]
    if (state === ks.KSSTATE_STOP) s.pumping = false
    // Leaving RUN, an application asks how many frames were dropped (IAMDroppedFrames).
    const leavingRun = s.state === ks.KSSTATE_RUN && state !== ks.KSSTATE_RUN
    if (leavingRun) yield* queryDroppedFrames(c, s)
    c.setGraphState(s, state)
    const abortedBefore = c.abortedFrames(s)
    const srb = yield* c.await<Srb>((done) => d.setState(s.instance, state, done))
    // Frames the card was filling when the stream left RUN (or PAUSE, for a driver that keeps the
    // card running there): the application's own stop ended them.
    if (state !== ks.KSSTATE_RUN) s.tracker.noteStopped(c.abortedFrames(s) - abortedBefore)
    if (srb._Status === STATUS_SUCCESS) {
      if (state === ks.KSSTATE_STOP && s.state !== ks.KSSTATE_STOP) s.tracker.restart()
      s.state = state
    }
    return c.checkStatus(srb._Status, undefined, `set-state ${step.state} on stream ${s.number}`)
  },
  'get-state': function* (c, step) {
    const d = c.device
    const s = c.stream(step.stream)
    for (let n = step.count ?? 1; n > 0; n--) {
      const srb = (yield (done) => d.send(s.instance, SRB_GET_STREAM_STATE, { StreamState: 0 }, done)) as Srb
      const st = srb._Status
      if (st !== STATUS_SUCCESS && st !== STATUS_NO_DATA_DETECTED) c.fail(`get-state failed with ${ntStatusName(st)}`)
    }
  },
  'read': function* (c, step) {
    const s = c.stream(step.stream)
    s.pumping = step.continuous ?? false
    const want = step.buffers - s.inflight.filter((x) => x._Command === SRB_READ_DATA).length
    const perSrb = step.headersPerSrb ?? 1
    c.checkBufferBytes('read', step.buffers * perSrb, s)
    for (let i = 0; i < want; i++) c.submitRead(s, c.takeBuffers(s, perSrb))
  },
  'write': function* (c, step) {
    const d = c.device
    const s = c.stream(step.stream)
    if (step.bytes !== undefined && step.bytes > s.bufferSize) c.fail(`write of ${step.bytes} bytes: the stream's buffers hold ${s.bufferSize} bytes`)
    c.checkBufferBytes('write', step.buffers, s)
    for (let i = 0; i < step.buffers; i++) {
      const bufs = c.takeBuffers(s, 1)
      const n = Math.min(step.bytes ?? bufs[0].alloc.size, bufs[0].alloc.size)
      for (let j = 0; j < n; j++) bufs[0].alloc.bytes[j] = j & 0xff
      const srb = d.readWrite(s.instance, SRB_WRITE_DATA, bufs, (done) => c.onDataDone(s, done))
      ;(srb._CommandData.DataBufferArray![0] as StreamHeader)._DataUsed = n
      s.inflight.push(srb)
    }
  },
  'wait': function* (c, step) {
    const ns = parseDuration(step.duration)
    yield (resume) => c.kernel.scheduleOs(c.kernel.now() + ns, resume, undefined)
  },
  'wait-frames': function* (c, step) {
    return yield* c.waitFrames(step)
  },
  'cancel': function* (c, step) {
    const d = c.device
    const s = c.stream(step.stream)
    const targets = step.which === 'newest' ? s.inflight.slice(-1) : step.which === 'all' ? [...s.inflight] : s.inflight.slice(0, 1)
    if (step.which === 'all') s.pumping = false
    for (const srb of targets) d.cancel(srb)
  },
  'get-property': function* (c, step) {
    for (let n = step.count ?? 1; n > 0; n--) yield* propertyRequest(c, step)
  },
  'set-property': function* (c, step) {
    return yield* propertyRequest(c, step)
  },
  'enable-event': function* (c, step) {
    const d = c.device
    const owner = step.stream === undefined ? null : c.stream(step.stream).instance
    const set = resolveSetName(step.set)!
    const id = resolveId(step.id)!
    const [status, clientId] = yield* c.await<[number, number]>((done) =>
      d.events.enable(owner, set, id, { NotificationType: ks.KSEVENTF_EVENT_HANDLE }, (st, cid) => done([st, cid])),
    )
    c.checkStatus(status, undefined, `enable-event ${step.set}/${step.id}`)
    c.events.set(step.name ?? `${step.set}/${step.id}`, clientId)
  },
  'disable-event': function* (c, step) {
    const d = c.device
    const id = c.events.get(step.name)
    if (id === undefined) return c.fail(`no enabled event named '${step.name}'`)
    yield* c.await<void>((done) => d.events.disable(id, () => done()))
    c.events.delete(step.name)
  },
  'propose-format': (c, step) => formatStep(c, step),
  'set-format': (c, step) => formatStep(c, step),
  'send': function* (c, step) {
    const d = c.device
    const command = commandCode(step.command)
    const s = step.stream === undefined ? null : c.stream(step.stream)
    if (!isDeviceCommand(command) && s === null) c.fail(`${step.command} is a stream command: give 'stream'`)
    for (let n = step.count ?? 1; n > 0; n--) {
      const srb = yield* c.await<Srb>((done) => d.send(isDeviceCommand(command) ? null : s!.instance, command, {}, done))
      if (step.expectStatus !== undefined) c.checkStatus(srb._Status, step.expectStatus, step.command)
    }
  },
  'fault': function* (c, step) {
    const error = c.hardware.injectFault(step)
    if (error !== null) c.fail(error)
  },
}

/** SRB_PROPOSE_DATA_FORMAT or SRB_SET_DATA_FORMAT with a format built from a range of the stream's. */
function* formatStep(c: StepRunner, step: StepOf<'propose-format'> | StepOf<'set-format'>): Generator<Suspend, void, unknown> {
    const d = c.device
    const s = c.stream(step.stream)
    const format = formatFromRange(c.rangeFor({ format: step.format }, s.instance.info, s.number))
    const command = step.op === 'propose-format' ? SRB_PROPOSE_DATA_FORMAT : SRB_SET_DATA_FORMAT
    const srb = yield* c.await<Srb>((done) => d.send(s.instance, command, { OpenFormat: format }, done))
    // A refused proposal is an answer, not a failure; a refused SET is.
    if (step.op === 'set-format') c.checkStatus(srb._Status, step.expectStatus, `set-format ${describeFormat(format)}`)
}

/** Requests a minidriver may leave unimplemented (paging, power, the master clock): both answers are accepted. */
function succeededOrNotImplemented(status: number): boolean {
  return NT_SUCCESS(status) || status === STATUS_NOT_IMPLEMENTED
}
