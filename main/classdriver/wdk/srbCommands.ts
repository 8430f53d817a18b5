/** SRB_COMMAND values (docs/classdriver.md#srb-commands and docs/classdriver.md#values). */
export type SRB_COMMAND = number

// Stream commands: to the stream's ReceiveDataPacket (read, write) or ReceiveControlPacket (the rest).
/** Fill the buffers in `CommandData.DataBufferArray`. Accept only in PAUSE or RUN; in STOP complete at once. */
export const SRB_READ_DATA = 0x00
/** Consume the data in `CommandData.DataBufferArray` (`DataUsed` valid bytes per header). */
export const SRB_WRITE_DATA = 0x01
/** Report the current KSSTATE in `CommandData.StreamState` and set `ActualBytesTransferred`. */
export const SRB_GET_STREAM_STATE = 0x02
/** Move to the KSSTATE in `CommandData.StreamState`. */
export const SRB_SET_STREAM_STATE = 0x03
/** Set a stream property (`CommandData.PropertyInfo`). */
export const SRB_SET_STREAM_PROPERTY = 0x04
/** Get a stream property into `CommandData.PropertyInfo.PropertyInfo`; set `ActualBytesTransferred`. */
export const SRB_GET_STREAM_PROPERTY = 0x05
/** This stream is now the master clock; keep `CommandData.MasterClockHandle`. */
export const SRB_OPEN_MASTER_CLOCK = 0x06
/** The graph's master clock handle (`CommandData.MasterClockHandle`), or 0 for free-running. */
export const SRB_INDICATE_MASTER_CLOCK = 0x07
/** An IRP the class driver does not understand (`srb.Irp`). */
export const SRB_UNKNOWN_STREAM_COMMAND = 0x08
export const SRB_SET_STREAM_RATE = 0x09
/** Can the stream switch to `CommandData.OpenFormat`? SUCCESS or STATUS_NOT_SUPPORTED / STATUS_NO_MATCH. */
export const SRB_PROPOSE_DATA_FORMAT = 0x0a
/** This stream is no longer the master clock. */
export const SRB_CLOSE_MASTER_CLOCK = 0x0b
export const SRB_PROPOSE_STREAM_RATE = 0x0c
/** Switch to the format in `CommandData.OpenFormat`. */
export const SRB_SET_DATA_FORMAT = 0x0d
export const SRB_GET_DATA_FORMAT = 0x0e
export const SRB_BEGIN_FLUSH = 0x0f
export const SRB_END_FLUSH = 0x10

// Device commands: to HwReceivePacket.
/** Fill `CommandData.StreamBuffer` (HW_STREAM_DESCRIPTOR): the header and one HW_STREAM_INFORMATION per stream. */
export const SRB_GET_STREAM_INFO = 0x100
/** Validate `CommandData.OpenFormat` and fill in `srb.StreamObject` (packet routines, Dma/Pio, clock, header sizes). */
export const SRB_OPEN_STREAM = 0x101
/** Free the stream's resources; complete everything of the stream first. Can come at any time. */
export const SRB_CLOSE_STREAM = 0x102
/** Sent only when FilterInstanceExtensionSize != 0. */
export const SRB_OPEN_DEVICE_INSTANCE = 0x103
export const SRB_CLOSE_DEVICE_INSTANCE = 0x104
export const SRB_GET_DEVICE_PROPERTY = 0x105
export const SRB_SET_DEVICE_PROPERTY = 0x106
/** Check `CommandData.ConfigInfo`, initialise the hardware, set `ConfigInfo.StreamDescriptorSize`. */
export const SRB_INITIALIZE_DEVICE = 0x107
/** `CommandData.DeviceState`: PowerDeviceD0 (1) .. PowerDeviceD3 (4). */
export const SRB_CHANGE_POWER_STATE = 0x108
/** Free what the minidriver allocated and disable interrupts. */
export const SRB_UNINITIALIZE_DEVICE = 0x109
export const SRB_UNKNOWN_DEVICE_COMMAND = 0x10a
/** Cancel pending callbacks, disable interrupts; sent only with nothing open. */
export const SRB_PAGING_OUT_DRIVER = 0x10b
/** `CommandData.IntersectInfo`: produce a format from one data range, or report the size needed. */
export const SRB_GET_DATA_INTERSECTION = 0x10c
/** Initialisation finished; streams may be opened after this completes. */
export const SRB_INITIALIZATION_COMPLETE = 0x10d
/** The hardware has gone. */
export const SRB_SURPRISE_REMOVAL = 0x10e
export const SRB_DEVICE_METHOD = 0x10f
export const SRB_STREAM_METHOD = 0x110
/** `CommandData.Idle`: TRUE when no handles are open. The returned status is ignored. */
export const SRB_NOTIFY_IDLE_STATE = 0x111

export const SRB_COMMAND_NAMES: Record<number, string> = {
  0x00: 'SRB_READ_DATA',
  0x01: 'SRB_WRITE_DATA',
  0x02: 'SRB_GET_STREAM_STATE',
  0x03: 'SRB_SET_STREAM_STATE',
  0x04: 'SRB_SET_STREAM_PROPERTY',
  0x05: 'SRB_GET_STREAM_PROPERTY',
  0x06: 'SRB_OPEN_MASTER_CLOCK',
  0x07: 'SRB_INDICATE_MASTER_CLOCK',
  0x08: 'SRB_UNKNOWN_STREAM_COMMAND',
  0x09: 'SRB_SET_STREAM_RATE',
  0x0a: 'SRB_PROPOSE_DATA_FORMAT',
  0x0b: 'SRB_CLOSE_MASTER_CLOCK',
  0x0c: 'SRB_PROPOSE_STREAM_RATE',
  0x0d: 'SRB_SET_DATA_FORMAT',
  0x0e: 'SRB_GET_DATA_FORMAT',
  0x0f: 'SRB_BEGIN_FLUSH',
  0x10: 'SRB_END_FLUSH',
  0x100: 'SRB_GET_STREAM_INFO',
  0x101: 'SRB_OPEN_STREAM',
  0x102: 'SRB_CLOSE_STREAM',
  0x103: 'SRB_OPEN_DEVICE_INSTANCE',
  0x104: 'SRB_CLOSE_DEVICE_INSTANCE',
  0x105: 'SRB_GET_DEVICE_PROPERTY',
  0x106: 'SRB_SET_DEVICE_PROPERTY',
  0x107: 'SRB_INITIALIZE_DEVICE',
  0x108: 'SRB_CHANGE_POWER_STATE',
  0x109: 'SRB_UNINITIALIZE_DEVICE',
  0x10a: 'SRB_UNKNOWN_DEVICE_COMMAND',
  0x10b: 'SRB_PAGING_OUT_DRIVER',
  0x10c: 'SRB_GET_DATA_INTERSECTION',
  0x10d: 'SRB_INITIALIZATION_COMPLETE',
  0x10e: 'SRB_SURPRISE_REMOVAL',
  0x10f: 'SRB_DEVICE_METHOD',
  0x110: 'SRB_STREAM_METHOD',
  0x111: 'SRB_NOTIFY_IDLE_STATE',
}

export function srbCommandName(command: number): string {
  return SRB_COMMAND_NAMES[command] ?? `SRB_0x${command.toString(16)}`
}

/** SRB_STREAM_METHOD is numbered in the device range but is stream-scoped. */
export function isDeviceCommand(command: number): boolean {
  return command >= 0x100 && command !== SRB_STREAM_METHOD
}

export function isDataCommand(command: number): boolean {
  return command === SRB_READ_DATA || command === SRB_WRITE_DATA
}

/** `srb.Flags`: set for SRB_READ_DATA and SRB_WRITE_DATA. */
export const SRB_HW_FLAGS_DATA_TRANSFER = 0x1
/** `srb.Flags`: set for every stream SRB (data and control). Device SRBs have neither bit. */
export const SRB_HW_FLAGS_STREAM_REQUEST = 0x2
