/**
 * NTSTATUS values a stream minidriver uses (docs/classdriver.md#status-codes). Statuses are unsigned 32-bit numbers
 * here (0xC0000001, not -1073741823), which is how the WDK headers spell them.
 */
export type NTSTATUS = number

/** The operation completed successfully. */
export const STATUS_SUCCESS = 0x00000000
/** A wait timed out. The class driver never writes it into an SRB. */
export const STATUS_TIMEOUT = 0x00000102
/** The operation is in progress. Never a final SRB status: complete with the real one. */
export const STATUS_PENDING = 0x00000103
/** Property GET: the output buffer is too small (a warning-class status). */
export const STATUS_BUFFER_OVERFLOW = 0x80000005
/** GET_STREAM_STATE on a capture pin in PAUSE: capture sources cannot preroll (VFW_S_CANT_CUE). */
export const STATUS_NO_DATA_DETECTED = 0x80000022
export const STATUS_UNSUCCESSFUL = 0xc0000001
/** The minidriver does not handle this SRB command. */
export const STATUS_NOT_IMPLEMENTED = 0xc0000002
export const STATUS_INVALID_PARAMETER = 0xc000000d
/** The request is not valid for this device (StreamClassRegisterFilterWithNoKSPins with missing arguments). */
export const STATUS_INVALID_DEVICE_REQUEST = 0xc0000010
/** A breakpoint was hit (the exception a DbgBreakPoint raises, as StreamClassDebugAssert does). */
export const STATUS_BREAKPOINT = 0x80000003
/** StreamClassRegisterMinidriver: HwInitializationDataSize does not match. */
export const STATUS_REVISION_MISMATCH = 0xc0000059
/** SRB_INITIALIZE_DEVICE: the configuration is not a device this driver supports. */
export const STATUS_NO_SUCH_DEVICE = 0xc000000e
/** GET_DATA_INTERSECTION: the format buffer is too small for the format. */
export const STATUS_BUFFER_TOO_SMALL = 0xc0000023
export const STATUS_INSUFFICIENT_RESOURCES = 0xc000009a
export const STATUS_IO_TIMEOUT = 0xc00000b5
export const STATUS_NOT_SUPPORTED = 0xc00000bb
/** SRB_UNINITIALIZE_DEVICE: cannot uninitialize now. */
export const STATUS_ADAPTER_HARDWARE_ERROR = 0xc00000c2
/** The request was cancelled (HwCancelPacket, abort, stop). */
export const STATUS_CANCELLED = 0xc0000120
/** A hardware failure. */
export const STATUS_IO_DEVICE_ERROR = 0xc0000185
/** SRB_OPEN_STREAM: no instances or resources left for this stream. */
export const STATUS_TOO_MANY_NODES = 0xc000020e
/** GET_DATA_INTERSECTION / PROPOSE_DATA_FORMAT: no format matches. */
export const STATUS_NO_MATCH = 0xc0000272
/** The property or event set is not supported (returned by the class driver). */
export const STATUS_NOT_FOUND = 0xc0000225

export const NTSTATUS_NAMES: Record<number, string> = {
  [STATUS_SUCCESS]: 'STATUS_SUCCESS',
  [STATUS_TIMEOUT]: 'STATUS_TIMEOUT',
  [STATUS_PENDING]: 'STATUS_PENDING',
  [STATUS_BUFFER_OVERFLOW]: 'STATUS_BUFFER_OVERFLOW',
  [STATUS_NO_DATA_DETECTED]: 'STATUS_NO_DATA_DETECTED',
  [STATUS_UNSUCCESSFUL]: 'STATUS_UNSUCCESSFUL',
  [STATUS_NOT_IMPLEMENTED]: 'STATUS_NOT_IMPLEMENTED',
  [STATUS_INVALID_PARAMETER]: 'STATUS_INVALID_PARAMETER',
  [STATUS_INVALID_DEVICE_REQUEST]: 'STATUS_INVALID_DEVICE_REQUEST',
  [STATUS_BREAKPOINT]: 'STATUS_BREAKPOINT',
  [STATUS_REVISION_MISMATCH]: 'STATUS_REVISION_MISMATCH',
  [STATUS_NO_SUCH_DEVICE]: 'STATUS_NO_SUCH_DEVICE',
  [STATUS_BUFFER_TOO_SMALL]: 'STATUS_BUFFER_TOO_SMALL',
  [STATUS_INSUFFICIENT_RESOURCES]: 'STATUS_INSUFFICIENT_RESOURCES',
  [STATUS_IO_TIMEOUT]: 'STATUS_IO_TIMEOUT',
  [STATUS_NOT_SUPPORTED]: 'STATUS_NOT_SUPPORTED',
  [STATUS_ADAPTER_HARDWARE_ERROR]: 'STATUS_ADAPTER_HARDWARE_ERROR',
  [STATUS_CANCELLED]: 'STATUS_CANCELLED',
  [STATUS_IO_DEVICE_ERROR]: 'STATUS_IO_DEVICE_ERROR',
  [STATUS_TOO_MANY_NODES]: 'STATUS_TOO_MANY_NODES',
  [STATUS_NO_MATCH]: 'STATUS_NO_MATCH',
  [STATUS_NOT_FOUND]: 'STATUS_NOT_FOUND',
}

/** "STATUS_SUCCESS", or the hex value for statuses without a name here. */
export function ntStatusName(status: number): string {
  return NTSTATUS_NAMES[status >>> 0] ?? `0x${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`
}

/** NT_SUCCESS(Status): success and informational statuses (severity bits 00 and 01). */
export function NT_SUCCESS(Status: NTSTATUS): boolean {
  return (Status >>> 0) < 0x80000000
}
