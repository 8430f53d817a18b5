import type { Allocation } from '../hw/physicalMemory.js'
import type { RequestQueue } from './queues.js'
import type { StreamInstance } from './stream.js'
import type { KSTIME, KS_FRAME_INFO, KSSTREAM_HEADER, RECT } from './wdk/ks.js'
import type { LIST_ENTRY } from './wdk/lists.js'
import { KS_FRAME_INFO_LAYOUT, STRUCT_SIZES } from './wdk/sizes.js'
import { srbCommandName } from './wdk/srbCommands.js'
import type {
  HW_STREAM_OBJECT,
  HW_STREAM_REQUEST_BLOCK,
  IRP,
  KSSCATTER_GATHER,
  SRB_COMMAND_DATA,
} from './wdk/strminiTypes.js'

/** Where an SRB is in its life. */
export const SrbState = {
  /** Built by the class driver, not yet queued. */
  Created: 0,
  /** Waiting in a class-driver queue (synchronization on). */
  Queued: 1,
  /** Handed to the minidriver, which owns it now. */
  Delivered: 2,
  /** Completed by the minidriver. Dead: any touch is use-after-completion. */
  Completed: 3,
  /** Completed by the class driver (abort, cancel before delivery, close). Dead too. */
  Aborted: 4,
} as const
export type SrbState = (typeof SrbState)[keyof typeof SrbState]

/** Which queue (and which completion notification) an SRB belongs to. */
export type QueueKind = 'device' | 'control' | 'data'

/** The class driver's side of an SRB: who to tell when user code touches a dead one. */
export interface SrbWatcher {
  touchedAfterCompletion(srb: Srb, what: string): void
  /** A write into a media-specific extension beyond StreamHeaderMediaSpecific. */
  extensionOverrun(srb: Srb, field: string, end: number, size: number): void
}

/** Short form of an SRB for findings. */
export function srbRef(srb: Srb): { id: number; command: string; stream: number | null } {
  return { id: srb._id, command: srbCommandName(srb._Command), stream: srb._streamNumber }
}

/** A LIST_ENTRY as zeroed memory holds it: Flink and Blink NULL. */
function zeroListEntry(): LIST_ENTRY {
  return { Flink: null, Blink: null } as unknown as LIST_ENTRY
}

/** Value of `Status` until the minidriver sets it: "never set" (docs/classdriver.md#rule-basis). */
export const STATUS_POISON = 0xdeadc0de

/** The requester's side of one SRB (an IRP completion routine, in Windows terms). */
export interface IoRequest {
  /** Runs inside the completion notification, so findings point at the minidriver's completing line. */
  check?(srb: Srb): void
  /** Runs after the completion latency, as an event: the requester learns the result. */
  onComplete(srb: Srb): void
}

/** A client buffer backing one KSSTREAM_HEADER. */
export interface DataBuffer {
  alloc: Allocation
  /** Scatter/gather runs of the whole buffer (cached: the pages never move). */
  sg: KSSCATTER_GATHER[]
}

/**
 * HW_STREAM_REQUEST_BLOCK as the minidriver sees it. Every public field is an accessor over an
 * underscore field, so that touching the SRB after it completed is caught as it happens; the class
 * driver and the client use the underscore fields directly.
 */
export class Srb implements HW_STREAM_REQUEST_BLOCK {
  _state: SrbState = SrbState.Created
  /** Reported a use-after-completion already (one finding per SRB). */
  _touchReported = false
  /** OS cancel requested; HwCancelPacket called; timed out (counters for the verifier and report). */
  _cancelRequested = false
  _cancelCalled = false
  _timedOut = false
  /** Virtual time it entered the class driver and was delivered; CPU slice it was delivered in. */
  _submittedAt = 0
  _deliveredAt = -1
  _deliveryTrack = -1
  _deliverySliceStart = -1
  /** The requester's completion routine (an IoRequest of the device). */
  _request: IoRequest | null = null
  /** Position in the device's held list, or -1. */
  _heldSlot = -1
  /** The class-driver queue it travels through, and its stream (null for device SRBs). */
  _queueRef: RequestQueue | null = null
  _stream: StreamInstance | null = null
  /** Client buffers behind a data SRB, released at completion. */
  _buffers: DataBuffer[] | null = null
  _Irp: IRP | null = null

  _Status: number = STATUS_POISON
  _TimeoutCounter = 0
  _TimeoutOriginal = 0
  _NextSRB: HW_STREAM_REQUEST_BLOCK | null = null
  _NumberOfBytesToTransfer = 0
  _ScatterGatherBuffer: KSSCATTER_GATHER[] | null = null
  _NumberOfPhysicalPages = 0
  _SRBExtension: any

  constructor(
    readonly _id: number,
    readonly _watcher: SrbWatcher,
    readonly _queue: QueueKind,
    readonly _Command: number,
    readonly _StreamObject: HW_STREAM_OBJECT | null,
    readonly _HwDeviceExtension: any,
    readonly _CommandData: SRB_COMMAND_DATA,
    readonly _NumberOfBuffers: number,
    readonly _Flags: number,
    readonly _HwInstanceExtension: any,
    /** The stream number, or null for device SRBs (for messages and the trace). */
    readonly _streamNumber: number | null,
  ) {}

  get _dead(): boolean {
    return this._state >= SrbState.Completed
  }

  private touch(what: string): void {
    if (this._state >= SrbState.Completed) this._watcher.touchedAfterCompletion(this, what)
  }

  get SizeOfThisPacket(): number {
    this.touch('SizeOfThisPacket')
    return STRUCT_SIZES.HW_STREAM_REQUEST_BLOCK
  }
  get Command(): number {
    this.touch('Command')
    return this._Command
  }
  get Status(): number {
    this.touch('Status')
    return this._Status
  }
  set Status(v: number) {
    this.touch('Status')
    this._Status = v >>> 0
  }
  get StreamObject(): HW_STREAM_OBJECT | null {
    this.touch('StreamObject')
    return this._StreamObject
  }
  get HwDeviceExtension(): any {
    this.touch('HwDeviceExtension')
    return this._HwDeviceExtension
  }
  get SRBExtension(): any {
    this.touch('SRBExtension')
    return this._SRBExtension
  }
  get CommandData(): SRB_COMMAND_DATA {
    this.touch('CommandData')
    return this._CommandData
  }
  get NumberOfBuffers(): number {
    this.touch('NumberOfBuffers')
    return this._NumberOfBuffers
  }
  get TimeoutCounter(): number {
    this.touch('TimeoutCounter')
    return this._TimeoutCounter
  }
  set TimeoutCounter(v: number) {
    this.touch('TimeoutCounter')
    this._TimeoutCounter = v >>> 0
  }
  get TimeoutOriginal(): number {
    this.touch('TimeoutOriginal')
    return this._TimeoutOriginal
  }
  set TimeoutOriginal(v: number) {
    this.touch('TimeoutOriginal')
    this._TimeoutOriginal = v >>> 0
  }
  get NextSRB(): HW_STREAM_REQUEST_BLOCK | null {
    this.touch('NextSRB')
    return this._NextSRB
  }
  set NextSRB(v: HW_STREAM_REQUEST_BLOCK | null) {
    this.touch('NextSRB')
    this._NextSRB = v
  }
  get Irp(): IRP | null {
    this.touch('Irp')
    // Built on first use: most minidrivers never look at it.
    return (this._Irp ??= { MajorFunction: 0x0e, MinorFunction: 0, Tail: { Overlay: { DriverContext: [null, null, null, null], ListEntry: zeroListEntry() } } })
  }
  get Flags(): number {
    this.touch('Flags')
    return this._Flags
  }
  get HwInstanceExtension(): any {
    this.touch('HwInstanceExtension')
    return this._HwInstanceExtension
  }
  get NumberOfBytesToTransfer(): number {
    this.touch('NumberOfBytesToTransfer')
    return this._NumberOfBytesToTransfer
  }
  set NumberOfBytesToTransfer(v: number) {
    this.touch('NumberOfBytesToTransfer')
    this._NumberOfBytesToTransfer = v >>> 0
  }
  get ActualBytesTransferred(): number {
    this.touch('ActualBytesTransferred')
    return this._NumberOfBytesToTransfer
  }
  set ActualBytesTransferred(v: number) {
    this.touch('ActualBytesTransferred')
    this._NumberOfBytesToTransfer = v >>> 0
  }
  get ScatterGatherBuffer(): KSSCATTER_GATHER[] | null {
    this.touch('ScatterGatherBuffer')
    return this._ScatterGatherBuffer
  }
  get NumberOfPhysicalPages(): number {
    this.touch('NumberOfPhysicalPages')
    return this._NumberOfPhysicalPages
  }
  get NumberOfScatterGatherElements(): number {
    this.touch('NumberOfScatterGatherElements')
    return this._ScatterGatherBuffer === null ? 0 : this._ScatterGatherBuffer.length
  }

  /** Keeps console output of an SRB readable (the minidriver's view, not the accessors' storage). */
  toJSON(): object {
    return { id: this._id, Command: this._Command, Status: this._Status, stream: this._streamNumber }
  }
}

/**
 * Guards the per-request extension: a plain object for the minidriver, but reads and writes after the
 * SRB completed are reported (the class driver frees the extension with the SRB).
 */
export class ExtensionGuard implements ProxyHandler<Record<string | symbol, unknown>> {
  constructor(private readonly srb: Srb) {}
  get(target: Record<string | symbol, unknown>, p: string | symbol): unknown {
    if (this.srb._dead) this.srb._watcher.touchedAfterCompletion(this.srb, `SRBExtension.${String(p)}`)
    return target[p]
  }
  set(target: Record<string | symbol, unknown>, p: string | symbol, value: unknown): boolean {
    if (this.srb._dead) this.srb._watcher.touchedAfterCompletion(this.srb, `SRBExtension.${String(p)}`)
    target[p] = value
    return true
  }
}

/**
 * One KSSTREAM_HEADER of a data SRB. The class driver makes fresh headers for each SRB over the
 * client's buffer, so a header kept past completion is caught when touched.
 */
export class StreamHeader implements KSSTREAM_HEADER {
  _srb: Srb | null = null
  _TypeSpecificFlags = 0
  _PresentationTime: KSTIME = { Time: 0, Numerator: 1, Denominator: 1 }
  _Duration = 0
  _DataUsed = 0
  _OptionsFlags = 0
  readonly _frameInfo: FrameInfo

  constructor(
    readonly _Data: Uint8Array,
    readonly _FrameExtent: number,
    /** StreamHeaderMediaSpecific of the stream when the SRB was built. */
    readonly _mediaSpecificSize: number,
  ) {
    this._frameInfo = new FrameInfo(this)
  }

  private touch(what: string): void {
    const srb = this._srb
    if (srb !== null && srb._dead) srb._watcher.touchedAfterCompletion(srb, `DataBufferArray[].${what}`)
  }

  get Size(): number {
    this.touch('Size')
    return STRUCT_SIZES.KSSTREAM_HEADER + this._mediaSpecificSize
  }
  get TypeSpecificFlags(): number {
    this.touch('TypeSpecificFlags')
    return this._TypeSpecificFlags
  }
  set TypeSpecificFlags(v: number) {
    this.touch('TypeSpecificFlags')
    this._TypeSpecificFlags = v >>> 0
  }
  get PresentationTime(): KSTIME {
    this.touch('PresentationTime')
    return this._PresentationTime
  }
  set PresentationTime(v: KSTIME) {
    this.touch('PresentationTime')
    this._PresentationTime = v
  }
  get Duration(): number {
    this.touch('Duration')
    return this._Duration
  }
  set Duration(v: number) {
    this.touch('Duration')
    this._Duration = v
  }
  get FrameExtent(): number {
    this.touch('FrameExtent')
    return this._FrameExtent
  }
  get DataUsed(): number {
    this.touch('DataUsed')
    return this._DataUsed
  }
  set DataUsed(v: number) {
    this.touch('DataUsed')
    this._DataUsed = v >>> 0
  }
  get Data(): Uint8Array {
    this.touch('Data')
    return this._Data
  }
  get OptionsFlags(): number {
    this.touch('OptionsFlags')
    return this._OptionsFlags
  }
  set OptionsFlags(v: number) {
    this.touch('OptionsFlags')
    this._OptionsFlags = v >>> 0
  }
  get MediaSpecific(): KS_FRAME_INFO {
    this.touch('MediaSpecific')
    return this._frameInfo
  }
}

/**
 * The KS_FRAME_INFO that follows a video stream header. Writes are checked against the extension size
 * the stream object declared (StreamHeaderMediaSpecific): past it is a buffer overrun.
 */
export class FrameInfo implements KS_FRAME_INFO {
  _ExtendedHeaderSize = 0
  _dwFrameFlags = 0
  _PictureNumber = 0
  _DropCount = 0
  _hDirectDraw = 0
  _hSurfaceHandle = 0
  _DirectDrawRect: RECT = { left: 0, top: 0, right: 0, bottom: 0 }
  _Reserved1 = 0
  _Reserved2 = 0
  _Reserved3 = 0
  _Reserved4 = 0
  /** Set once any field was written (the client ignores frame info nobody filled). */
  _written = false

  constructor(private readonly header: StreamHeader) {}

  private touch(field: string, write: boolean): void {
    const srb = this.header._srb
    if (srb === null) return
    if (srb._dead) srb._watcher.touchedAfterCompletion(srb, `KS_FRAME_INFO.${field}`)
    if (write) {
      this._written = true
      const f = KS_FRAME_INFO_LAYOUT[field]
      const end = f.offset + f.size
      if (end > this.header._mediaSpecificSize) srb._watcher.extensionOverrun(srb, field, end, this.header._mediaSpecificSize)
    }
  }

  get ExtendedHeaderSize(): number {
    this.touch('ExtendedHeaderSize', false)
    return this._ExtendedHeaderSize
  }
  set ExtendedHeaderSize(v: number) {
    this.touch('ExtendedHeaderSize', true)
    this._ExtendedHeaderSize = v
  }
  get dwFrameFlags(): number {
    this.touch('dwFrameFlags', false)
    return this._dwFrameFlags
  }
  set dwFrameFlags(v: number) {
    this.touch('dwFrameFlags', true)
    this._dwFrameFlags = v
  }
  get PictureNumber(): number {
    this.touch('PictureNumber', false)
    return this._PictureNumber
  }
  set PictureNumber(v: number) {
    this.touch('PictureNumber', true)
    this._PictureNumber = v
  }
  get DropCount(): number {
    this.touch('DropCount', false)
    return this._DropCount
  }
  set DropCount(v: number) {
    this.touch('DropCount', true)
    this._DropCount = v
  }
  get hDirectDraw(): number {
    this.touch('hDirectDraw', false)
    return this._hDirectDraw
  }
  set hDirectDraw(v: number) {
    this.touch('hDirectDraw', true)
    this._hDirectDraw = v
  }
  get hSurfaceHandle(): number {
    this.touch('hSurfaceHandle', false)
    return this._hSurfaceHandle
  }
  set hSurfaceHandle(v: number) {
    this.touch('hSurfaceHandle', true)
    this._hSurfaceHandle = v
  }
  get DirectDrawRect(): RECT {
    this.touch('DirectDrawRect', false)
    return this._DirectDrawRect
  }
  set DirectDrawRect(v: RECT) {
    this.touch('DirectDrawRect', true)
    this._DirectDrawRect = v
  }
  get Reserved1(): number {
    this.touch('Reserved1', false)
    return this._Reserved1
  }
  set Reserved1(v: number) {
    this.touch('Reserved1', true)
    this._Reserved1 = v
  }
  get Reserved2(): number {
    this.touch('Reserved2', false)
    return this._Reserved2
  }
  set Reserved2(v: number) {
    this.touch('Reserved2', true)
    this._Reserved2 = v
  }
  get Reserved3(): number {
    this.touch('Reserved3', false)
    return this._Reserved3
  }
  set Reserved3(v: number) {
    this.touch('Reserved3', true)
    this._Reserved3 = v
  }
  get Reserved4(): number {
    this.touch('Reserved4', false)
    return this._Reserved4
  }
  set Reserved4(v: number) {
    this.touch('Reserved4', true)
    this._Reserved4 = v
  }
}
