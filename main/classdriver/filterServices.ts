// The stream class services for filters beyond the streaming pins: StreamClassRegisterFilterWithNoKSPins
// (a tuner or crossbar described to the graph builder by its pins' mediums), StreamClassFilterReenumerateStreams
// (a version 2.0 driver's filter exposes new streams), and StreamClassDebugAssert
// (docs/classdriver.md#other-services).
import { BUGCHECK } from '../sim/bugcheck.js'
import { PASSIVE_LEVEL } from '../sim/irql.js'
import type { Kernel } from '../sim/kernel.js'
import type { Verifier } from './verifier/verifier.js'
import type { GUID, KSPIN_MEDIUM } from './wdk/ks.js'
import { STATUS_BREAKPOINT, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, ntStatusName, type NTSTATUS } from './wdk/ntstatus.js'
import type { PORT_CONFIGURATION_INFORMATION } from './wdk/strminiTypes.js'

/** One pin of a filter registered with StreamClassRegisterFilterWithNoKSPins. */
export interface RegisteredPin {
  /** PinDirection[i]: TRUE for an output pin. */
  output: boolean
  medium: KSPIN_MEDIUM
  category: GUID | null
}

/** A filter registered with StreamClassRegisterFilterWithNoKSPins: what ends up in its "FilterData" registry value. */
export interface RegisteredFilter {
  interfaceClass: GUID
  pins: RegisteredPin[]
}

/** What the filter services need of a device. */
export interface FilterDevice {
  readonly state: string
  readonly configInfo: PORT_CONFIGURATION_INFORMATION | null
  readonly instanceExtension: object | null
  readonly filtersWithNoKSPins: RegisteredFilter[]
  rescanStreams(size: number, done: (ok: boolean, status: number) => void): void
}

/** What the filter services need of the driver. */
export interface FilterHost {
  readonly kernel: Kernel
  readonly verifier: Verifier
  readonly devices: readonly FilterDevice[]
  enter(service: string): void
  print(text: string): void
  fatal(code: number, message: string): never
}

export class FilterServices {
  constructor(private readonly host: FilterHost) {}

  registerFilterWithNoKSPins(deviceObject: unknown, interfaceClass: unknown, pinCount: number, pinDirection: unknown, mediumList: unknown, categoryList: unknown): NTSTATUS {
    const h = this.host
    const service = 'StreamClassRegisterFilterWithNoKSPins'
    h.enter(service)
    if (h.kernel.currentIrql() !== PASSIVE_LEVEL) h.verifier.report('irql-violation', `${service} is PASSIVE_LEVEL only (it writes the registry); IRQL is ${h.kernel.currentIrql()}`)
    const device = h.devices.find((d) => d.configInfo !== null && (d.configInfo.PhysicalDeviceObject === deviceObject || d.configInfo.RealPhysicalDeviceObject === deviceObject))
    if (device === undefined) throw new TypeError(`${service}: DeviceObject must be the device's PDO (ConfigInfo.PhysicalDeviceObject from SRB_INITIALIZE_DEVICE)`)
    const count = Number(pinCount) >>> 0
    if (count === 0 || typeof interfaceClass !== 'string' || !Array.isArray(pinDirection) || !Array.isArray(mediumList)) return STATUS_INVALID_DEVICE_REQUEST
    if (pinDirection.length < count || mediumList.length < count || (Array.isArray(categoryList) && categoryList.length < count)) {
      throw new TypeError(`${service}: PinDirection, MediumList${Array.isArray(categoryList) ? ' and CategoryList' : ''} must each have PinCount (${count}) entries (a read past the end of an array)`)
    }
    const categories = Array.isArray(categoryList) ? categoryList : null
    device.filtersWithNoKSPins.push({
      interfaceClass,
      pins: Array.from({ length: count }, (_, i) => ({ output: Boolean(pinDirection[i]), medium: { ...(mediumList[i] as KSPIN_MEDIUM) }, category: (categories?.[i] as GUID | undefined) ?? null })),
    })
    return STATUS_SUCCESS
  }

  filterReenumerateStreams(instanceExtension: unknown, streamDescriptorSize: number): void {
    const h = this.host
    const service = 'StreamClassFilterReenumerateStreams'
    h.enter(service)
    const device = h.devices.find((d) => d.instanceExtension !== null && d.instanceExtension === instanceExtension)
    if (device === undefined) throw new TypeError(`${service}: HwInstanceExtension is not a filter instance extension of this driver (a version 2.0 driver with FilterInstanceExtensionSize > 0 passes srb.HwInstanceExtension)`)
    const size = Number(streamDescriptorSize) >>> 0
    // As stream.sys: the request is flagged and a DPC rescans: SRB_GET_STREAM_INFO after the caller returns.
    h.kernel.scheduleOs(h.kernel.now(), () => {
      if (device.state !== 'started') return
      device.rescanStreams(size, (ok, status) => {
        if (!ok) h.verifier.report('stream-descriptor-size', `${service}: the SRB_GET_STREAM_INFO it caused failed with ${ntStatusName(status)}`, { location: null, callback: null })
      })
    }, null)
  }

  debugAssert(file: unknown, line: unknown, assertText: unknown, assertValue: unknown): never {
    const h = this.host
    h.enter('StreamClassDebugAssert')
    const text = `(${String(file)}:${Number(line)}) Assert failed (${String(assertText)})=0x${(Number(assertValue) >>> 0).toString(16)}`
    h.print(text)
    return h.fatal(
      BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED,
      `StreamClassDebugAssert: ${text}. A checked stream.sys prints this and breaks into the kernel debugger (DbgBreakPoint, exception 0x${STATUS_BREAKPOINT.toString(16).toUpperCase()} STATUS_BREAKPOINT); with no debugger attached the machine stops`,
    )
  }
}
