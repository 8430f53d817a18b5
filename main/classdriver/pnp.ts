// PnP and power of one device: start (resources, interrupt, DMA buffer, INITIALIZE, GET_STREAM_INFO),
// stop and remove, surprise removal, power changes and paging out.
import type { Machine } from '../hw/machine.js'
import type { PciDevice } from '../hw/pciDevice.js'
import type { Allocation } from '../hw/physicalMemory.js'
import type { InterruptObject } from '../sim/interrupts.js'
import { DISPATCH_LEVEL, type Irql } from '../sim/irql.js'
import type { KernelLock } from '../sim/work.js'
import { checkStreamInfo } from './commandChecks.js'
import type { DeviceServices, DeviceState } from './deviceParts.js'
import type { HeldSrbs } from './heldSrbs.js'
import type { PoolAllocator } from './pool.js'
import type { RequestQueue } from './queues.js'
import { SrbState, srbRef } from './srb.js'
import type { SrbEngine } from './srbEngine.js'
import type { StreamInstance } from './stream.js'
import { NT_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_NO_SUCH_DEVICE, STATUS_NOT_IMPLEMENTED, STATUS_SUCCESS } from './wdk/ntstatus.js'
import { STRUCT_SIZES } from './wdk/sizes.js'
import {
  SRB_CHANGE_POWER_STATE,
  SRB_GET_STREAM_INFO,
  SRB_INITIALIZATION_COMPLETE,
  SRB_INITIALIZE_DEVICE,
  SRB_PAGING_OUT_DRIVER,
  SRB_SURPRISE_REMOVAL,
  SRB_UNINITIALIZE_DEVICE,
  srbCommandName,
} from './wdk/srbCommands.js'
import type { HW_INITIALIZATION_DATA, HW_STREAM_DESCRIPTOR, HW_STREAM_HEADER, HW_STREAM_INFORMATION, PORT_CONFIGURATION_INFORMATION } from './wdk/strminiTypes.js'

/** What PnP and power read and change of their device. */
export interface PnpDevice extends Pick<DeviceServices, 'verifier'> {
  state: DeviceState
  readonly machine: Machine
  readonly card: PciDevice
  readonly initData: Readonly<HW_INITIALIZATION_DATA>
  readonly extension: Record<string, any>
  interrupt: InterruptObject | null
  syncIrql: Irql
  readonly interruptLock: KernelLock
  configInfo: PORT_CONFIGURATION_INFORMATION | null
  streamHeader: HW_STREAM_HEADER | null
  streamInfos: HW_STREAM_INFORMATION[]
  dmaBuffer: Allocation | null
  power: number
  readonly openInstances: number
  readonly streams: readonly StreamInstance[]
  readonly held: HeldSrbs
  readonly deviceQueue: RequestQueue
  readonly srbs: Pick<SrbEngine, 'newSrb' | 'submit' | 'submitDevice'>
  readonly isr: { readonly service: () => boolean }
  readonly pool: Pick<PoolAllocator, 'mark' | 'reportLeaks'>
  readonly watchdog: { start(): void; stop(): void }
}

export class PnpPower {
  /** The pool's allocation mark when the device last started: later blocks are the device's. */
  private poolMark = 0

  constructor(private readonly device: PnpDevice) {}

  /** PnP start: resources to ConfigInfo, interrupt, DMA buffer, then INITIALIZE, GET_STREAM_INFO, INITIALIZATION_COMPLETE. */
  start(done: (status: number) => void): void {
    const d = this.device
    if (d.state !== 'added' && d.state !== 'stopped') return done(STATUS_INVALID_PARAMETER)
    d.state = 'starting'
    this.poolMark = d.pool.mark()
    const res = d.card.resources()
    const accessRanges = res.memory.map((m) => ({
      RangeStart: d.machine.bus.vaOfPhysical(m.physical) ?? m.physical,
      RangeLength: m.length,
      RangeInMemory: 1,
      Reserved: 0,
    }))
    if (typeof d.initData.HwInterrupt === 'function' && res.interrupt !== null) {
      // MSI resources come on the message vector (latched, not shared); INTx on the shared line.
      const vector = res.interrupt.mode === 'latched' ? d.machine.msiVector : d.machine.intaVector
      d.interrupt = vector.connect(d.initData.HwInterrupt.name || 'HwInterrupt', d.isr.service, d.interruptLock)
      d.syncIrql = vector.irql
    }
    const dmaSize = d.initData.DmaBufferSize ?? 0
    if (dmaSize > 0 && d.dmaBuffer === null) {
      d.dmaBuffer = d.machine.memory.allocate(dmaSize, { kind: 'common-buffer', owner: 'stream class DMA buffer', contiguous: true })
      d.dmaBuffer.locked = true
      d.dmaBuffer.mappedForDevice = true
    }
    const pdo = { name: `PDO ${d.card.name}` }
    const interrupt = d.interrupt
    d.configInfo = {
      SizeOfThisPacket: STRUCT_SIZES.PORT_CONFIGURATION_INFORMATION,
      HwDeviceExtension: d.extension,
      ClassDeviceObject: { name: 'stream class FDO' },
      PhysicalDeviceObject: pdo,
      SystemIoBusNumber: 0,
      AdapterInterfaceType: 5,
      BusInterruptLevel: res.interrupt?.level ?? 0,
      BusInterruptVector: res.interrupt?.vector ?? 0,
      InterruptMode: res.interrupt?.mode === 'latched' ? 1 : 0,
      DmaChannel: 0xffffffff,
      NumberOfAccessRanges: accessRanges.length,
      AccessRanges: accessRanges,
      StreamDescriptorSize: 0,
      Irp: { MajorFunction: 0x1b, MinorFunction: 0, Tail: { Overlay: { DriverContext: [] } } },
      InterruptObject: interrupt === null ? null : { Vector: res.interrupt!.vector, Irql: interrupt.vector.irql },
      DmaAdapterObject: d.initData.BusMasterDMA ? { name: 'DMA adapter', addressBits: res.dma?.addressBits ?? 32 } : null,
      RealPhysicalDeviceObject: pdo,
      Reserved: [0],
    }
    const config = d.configInfo
    d.watchdog.start()
    d.srbs.submitDevice(SRB_INITIALIZE_DEVICE, { ConfigInfo: config }, {
      check: (srb) => {
        if (srb._Status === STATUS_SUCCESS && !(config.StreamDescriptorSize > 0)) {
          d.verifier.report('stream-descriptor-size', 'SRB_INITIALIZE_DEVICE succeeded without setting ConfigInfo.StreamDescriptorSize', { srb: srbRef(srb) })
        }
      },
      onComplete: (srb) => {
        const size = config.StreamDescriptorSize >>> 0
        if (!NT_SUCCESS(srb._Status) || srb._state !== SrbState.Completed) return this.startFailed(srb._Status, done)
        if (size === 0) return this.startFailed(STATUS_NO_SUCH_DEVICE, done)
        this.requestStreamInfo(size, done)
      },
    })
  }

  private requestStreamInfo(size: number, done: (status: number) => void): void {
    const d = this.device
    this.queryStreamInfo(size, (ok, status) => {
      if (!ok) return this.startFailed(status, done)
      d.srbs.submitDevice(SRB_INITIALIZATION_COMPLETE, {}, {
        onComplete: () => {
          d.state = 'started'
          done(STATUS_SUCCESS)
        },
      })
    })
  }

  /**
   * SRB_GET_STREAM_INFO into a zeroed descriptor of `size` bytes (StreamDescriptorSize). On success the
   * device's stream header and stream information are replaced; streams already open keep theirs.
   */
  queryStreamInfo(size: number, done: (ok: boolean, status: number) => void): void {
    const d = this.device
    const capacity = Math.max(0, Math.floor((size - STRUCT_SIZES.HW_STREAM_HEADER) / STRUCT_SIZES.HW_STREAM_INFORMATION))
    const descriptor: HW_STREAM_DESCRIPTOR = {
      StreamHeader: zeroStreamHeader(),
      StreamInfo: Array.from({ length: capacity }, zeroStreamInformation),
    }
    const srb = d.srbs.newSrb(d.deviceQueue, SRB_GET_STREAM_INFO, null, { StreamBuffer: descriptor }, {
      check: (s) => checkStreamInfo(d, s, descriptor, size, capacity),
      onComplete: (s) => {
        if (!NT_SUCCESS(s._Status) || s._state !== SrbState.Completed) return done(false, s._Status)
        d.streamHeader = descriptor.StreamHeader
        d.streamInfos = descriptor.StreamInfo.slice(0, descriptor.StreamHeader.NumberOfStreams >>> 0)
        done(true, s._Status)
      },
    })
    srb._NumberOfBytesToTransfer = size
    d.srbs.submit(d.deviceQueue, srb)
  }

  private startFailed(status: number, done: (status: number) => void): void {
    this.device.state = 'start-failed'
    this.disconnectInterrupt()
    this.device.watchdog.stop()
    done(NT_SUCCESS(status) ? STATUS_NO_SUCH_DEVICE : status)
  }

  /** PnP stop or remove: SRB_UNINITIALIZE_DEVICE, then the class driver frees what it allocated. */
  stop(done: (status: number) => void): void {
    const d = this.device
    if (d.state !== 'started' && d.state !== 'removed') return done(STATUS_INVALID_PARAMETER)
    const wasRemoved = d.state === 'removed'
    d.state = 'stopping'
    d.srbs.submitDevice(SRB_UNINITIALIZE_DEVICE, {}, {
      onComplete: (srb) => {
        // STATUS_NOT_IMPLEMENTED is accepted as stream.sys accepts it: there was nothing to uninitialize.
        const accepted = srb._Status === STATUS_SUCCESS || srb._Status === STATUS_NOT_IMPLEMENTED
        if (accepted || wasRemoved) {
          this.checkInterruptsDisabled('SRB_UNINITIALIZE_DEVICE')
          for (const held of d.held) {
            d.verifier.report('srb-orphaned', `${srbCommandName(held._Command)} #${held._id} was never completed before the device was uninitialized`, { srb: srbRef(held), location: null, callback: null })
          }
          this.disconnectInterrupt()
          if (d.dmaBuffer !== null) d.machine.memory.free(d.dmaBuffer)
          d.dmaBuffer = null
          d.watchdog.stop()
          d.state = wasRemoved ? 'removed' : 'stopped'
          d.pool.reportLeaks(this.poolMark, `the device was ${wasRemoved ? 'removed' : 'stopped'} (SRB_UNINITIALIZE_DEVICE)`)
        } else {
          d.state = 'started'
        }
        done(accepted ? STATUS_SUCCESS : srb._Status)
      },
    })
  }

  /** The hardware vanished: the card stops answering, then SRB_SURPRISE_REMOVAL. */
  surpriseRemove(done: (status: number) => void): void {
    const d = this.device
    d.card.surpriseRemove()
    d.srbs.submitDevice(SRB_SURPRISE_REMOVAL, {}, {
      onComplete: (srb) => {
        d.state = 'removed'
        done(srb._Status)
      },
    })
  }

  /** SRB_CHANGE_POWER_STATE. Going down, the driver must have disabled interrupts first; the card then loses power. */
  changePower(state: number, done: (status: number) => void): void {
    const d = this.device
    if (state === 1) d.card.setPowerState(1)
    d.srbs.submitDevice(SRB_CHANGE_POWER_STATE, { DeviceState: state }, {
      onComplete: (srb) => {
        if (NT_SUCCESS(srb._Status) || srb._Status === STATUS_NOT_IMPLEMENTED) {
          if (state !== 1) {
            this.checkInterruptsDisabled(`SRB_CHANGE_POWER_STATE(D${state - 1})`)
            d.card.setPowerState(state as 2 | 3 | 4)
          }
          d.power = state
        }
        done(srb._Status)
      },
    })
  }

  /** SRB_PAGING_OUT_DRIVER: only with nothing open. */
  pageOut(done: (status: number) => void): void {
    const d = this.device
    if (d.streams.length > 0 || d.openInstances > 0) return done(STATUS_INVALID_PARAMETER)
    d.srbs.submitDevice(SRB_PAGING_OUT_DRIVER, {}, {
      onComplete: (srb) => {
        if (NT_SUCCESS(srb._Status)) this.checkInterruptsDisabled('SRB_PAGING_OUT_DRIVER')
        done(srb._Status)
      },
    })
  }

  private checkInterruptsDisabled(after: string): void {
    if (this.device.card.interruptsEnabled()) {
      this.device.verifier.report('interrupts-left-enabled', `the card still has interrupts enabled after ${after}`, { location: null, callback: null })
    }
  }

  private disconnectInterrupt(): void {
    const d = this.device
    if (d.interrupt !== null) d.interrupt.vector.disconnect(d.interrupt)
    d.interrupt = null
    d.syncIrql = DISPATCH_LEVEL
  }
}

function zeroStreamHeader(): HW_STREAM_HEADER {
  return {
    NumberOfStreams: 0,
    SizeOfHwStreamInformation: 0,
    NumDevPropArrayEntries: 0,
    DevicePropertiesArray: null,
    NumDevEventArrayEntries: 0,
    DeviceEventsArray: null,
    Topology: null,
    DeviceEventRoutine: null,
    NumDevMethodArrayEntries: 0,
    DeviceMethodsArray: null,
  }
}

function zeroStreamInformation(): HW_STREAM_INFORMATION {
  return {
    NumberOfPossibleInstances: 0,
    DataFlow: 0,
    DataAccessible: 0,
    NumberOfFormatArrayEntries: 0,
    StreamFormatsArray: null,
    ClassReserved: [null, null, null, null],
    NumStreamPropArrayEntries: 0,
    StreamPropertiesArray: null,
    NumStreamEventArrayEntries: 0,
    StreamEventsArray: null,
    Category: null,
    Name: null,
    MediumsCount: 0,
    Mediums: null,
    BridgeStream: 0,
    Reserved: [0, 0],
  }
}
