/**
 * The VCAP-1 register map (vcap1.md 7.3): one declarative table that drives the register file, the
 * access checks, the trace decoding, the 'vcap1' module drivers import, and docs/vcap1-registers.md.
 * Offsets, names and bits are a contract: drivers written by users depend on them.
 */

/**
 * RO read-only · RW read/write · W1C write 1 to clear · W1S write 1 to set · WO write-only (reads 0) ·
 * SC self-clearing (write 1 to act; reads 0 when done) · RC read-to-clear (quirk mode only).
 */
export type Access = 'RO' | 'RW' | 'W1C' | 'W1S' | 'WO' | 'SC' | 'RC'

export interface FieldSpec<Name extends string = string> {
  name: Name
  /** Lowest bit and width. */
  lsb: number
  width: number
  access: Access
  doc: string
  /** Names of values, for decoding (e.g. the pixel formats). */
  values?: Record<number, string>
}

export type Block = 'global' | 'video' | 'audio'

export interface RegisterSpec {
  offset: number
  name: string
  block: Block
  doc: string
  reset: number
  fields: readonly FieldSpec[]
  /** [stopped]: writable only while this channel is halted; writes while running are ignored. */
  stopped?: 'video' | 'audio'
  /** The high half of a 64-bit value whose low half latches it (read LO first). */
  highOf?: string
}

// Field names stay literal types, so FIELD below knows each register's fields.
const f = <const N extends string>(name: N, lsb: number, width: number, access: Access, doc: string, values?: Record<number, string>): FieldSpec<N> => ({ name, lsb, width, access, doc, values })
const word = <const N extends string>(name: N, access: Access, doc: string): [FieldSpec<N>] => [f(name, 0, 32, access, doc)]

/** INT_STATUS / INT_ENABLE / INT_PENDING / INT_FORCE bits. */
const INT_BITS = [
  ['VID_IOC', 0, 'a video descriptor with IOC completed (after coalescing)'],
  ['VID_SOF', 1, 'start of frame (VSYNC)'],
  ['VID_STARVED', 2, 'frame dropped: no owned descriptor at SOF'],
  ['VID_FIFO_OVF', 3, 'video FIFO overflow (frame truncated or dropped)'],
  ['VID_DMA_ERR', 4, 'video DMA error; channel halted (see VID_ERROR)'],
  ['VID_HALTED', 5, 'channel reached HALTED after RUN=0 (the stop handshake)'],
  ['AUD_IOC', 8, 'audio descriptor with IOC completed'],
  ['AUD_OVERRUN', 9, 'audio samples lost (no descriptor / FIFO full)'],
  ['AUD_DMA_ERR', 12, 'audio DMA error; channel halted'],
  ['AUD_HALTED', 13, 'audio stop handshake complete'],
  ['TIMER', 16, 'periodic timer'],
  ['SIGNAL_CHANGE', 24, 'lock lost / regained, or input timing changed'],
  ['SW', 30, 'set through INT_FORCE'],
  ['FATAL', 31, 'PCI master/target abort, or device internal error'],
] as const satisfies readonly (readonly [string, number, string])[]
type IntName = (typeof INT_BITS)[number][0]
const intFields = (access: Access): FieldSpec<IntName>[] => INT_BITS.map(([name, bit, doc]) => f(name, bit, 1, access, doc))

/** VID_ERROR / AUD_ERROR cause bits. */
const ERROR_BITS = [
  ['DESC_FETCH_ABORT', 0, 'master abort while fetching a descriptor'],
  ['DATA_WRITE_ABORT', 1, 'master abort while writing data'],
  ['ADDR_ALIGN', 2, 'buffer address not aligned'],
  ['ADDR_RANGE', 3, 'address above the DMA mask (4 GiB without DMA64)'],
  ['LEN_INVALID', 4, 'length 0, not a multiple of 4, or above MAX_SG_LEN'],
  ['NOT_OWNED', 5, 'OWN=0 inside the [HEAD, TAIL) window (STRICT_DESC)'],
  ['RESERVED_BITS', 6, 'reserved descriptor bits set (STRICT_DESC)'],
  ['BAD_CONFIG', 7, 'stride/size/format invalid at RUN, or bad SOF/EOF framing'],
  ['RING_OVERRUN', 8, 'TAIL moved past HEAD'],
  ['DMA_TIMEOUT', 9, 'the engine made no progress'],
] as const satisfies readonly (readonly [string, number, string])[]
type ErrorName = (typeof ERROR_BITS)[number][0]
const errorFields = (): FieldSpec<ErrorName>[] => ERROR_BITS.map(([name, bit, doc]) => f(name, bit, 1, 'W1C', doc))

export const PIXEL_FORMATS: Record<number, string> = { 0: 'YUY2', 1: 'UYVY', 2: 'RGB24', 3: 'RGB32', 4: 'NV12' }
export const AUDIO_GENERATORS: Record<number, string> = { 0: 'sine', 1: 'ramp', 2: 'silence', 3: 'noise', 4: 'left-beep' }

// The table as literal types (`as const`), so REG and FIELD below have one key per register and field.
const TABLE = [
  // ------------------------------------------------------------------ global block 0x000-0x0FF
  { offset: 0x000, name: 'DEV_ID', block: 'global', reset: 0x56430100, doc: 'Device identification: "VC" and the revision.', fields: [f('MINOR', 0, 8, 'RO', 'minor revision'), f('MAJOR', 8, 8, 'RO', 'major revision'), f('ID', 16, 16, 'RO', '0x5643 ("VC")')] },
  {
    offset: 0x004,
    name: 'CAPS',
    block: 'global',
    reset: 0x1fff0e11,
    doc: 'Capabilities.',
    fields: [
      f('VIDEO_CHANNELS', 0, 4, 'RO', 'number of video channels (1)'),
      f('AUDIO_CHANNELS', 4, 4, 'RO', 'number of audio channels (1)'),
      f('DMA64', 8, 1, 'RO', '64-bit DMA addressing (0: 32-bit only)'),
      f('MSI', 9, 1, 'RO', 'MSI capable'),
      f('HW_TIMESTAMPS', 10, 1, 'RO', 'hardware timestamps in descriptor writeback'),
      f('SOF_EOF_FRAMING', 11, 1, 'RO', 'SOF/EOF descriptor framing'),
      f('MAX_DESC', 16, 8, 'RO', 'maximum descriptors per ring minus 1 (255)'),
      f('FORMATS', 24, 8, 'RO', 'format bitmap: YUY2, UYVY, RGB24, RGB32, NV12'),
    ],
  },
  { offset: 0x008, name: 'SCRATCH', block: 'global', reset: 0, doc: 'Liveness: reads back the complement of the value written.', fields: word('VALUE', 'RW', 'any value; reads ~value') },
  {
    offset: 0x00c,
    name: 'GCTRL',
    block: 'global',
    reset: 0,
    doc: 'Global control.',
    fields: [
      f('SOFT_RESET', 0, 1, 'SC', 'reset the card (busy for about 10 µs: GSTATUS.RESET_BUSY)'),
      f('IRQ_MASTER_EN', 1, 1, 'RW', 'interrupts may assert the line'),
      f('MSI_MODE', 2, 1, 'RW', '0 = INTx level, 1 = MSI'),
      f('TS_SRC_EOF', 3, 1, 'RW', 'frame timestamp at EOF instead of SOF'),
      f('STRICT_DESC', 4, 1, 'RW', 'reserved-bit and ownership checks raise descriptor errors'),
    ],
  },
  {
    offset: 0x010,
    name: 'GSTATUS',
    block: 'global',
    reset: 0x6,
    doc: 'Global status.',
    fields: [f('RESET_BUSY', 0, 1, 'RO', 'a soft reset is in progress'), f('SIGNAL_LOCK', 1, 1, 'RO', 'video input locked'), f('AUDIO_CLK_LOCK', 2, 1, 'RO', 'audio clock locked'), f('FATAL', 8, 1, 'RO', 'a PCI abort was seen; cleared by reset')],
  },
  { offset: 0x020, name: 'INT_STATUS', block: 'global', reset: 0, doc: 'Latched interrupt events (write 1 to clear).', fields: intFields('W1C') },
  { offset: 0x024, name: 'INT_ENABLE', block: 'global', reset: 0, doc: '1 = the event may assert the interrupt.', fields: intFields('RW') },
  { offset: 0x028, name: 'INT_PENDING', block: 'global', reset: 0, doc: 'INT_STATUS & INT_ENABLE: what the ISR should read first.', fields: intFields('RO') },
  { offset: 0x02c, name: 'INT_FORCE', block: 'global', reset: 0, doc: 'Write 1 to set the bit in INT_STATUS (a software test interrupt).', fields: intFields('WO') },
  {
    offset: 0x030,
    name: 'INT_MODERATION',
    block: 'global',
    reset: 0,
    doc: 'Interrupt moderation and IOC coalescing.',
    fields: [f('MIN_GAP_US', 0, 16, 'RW', 'minimum gap between assertions in µs (0 = off)'), f('IOC_THRESHOLD', 16, 8, 'RW', 'raise VID_IOC only after this many completions (0 or 1 = each)')],
  },
  { offset: 0x040, name: 'TS_LO', block: 'global', reset: 0, doc: 'Timestamp counter, 100 ns units since reset, low word. Reading it latches TS_HI.', fields: word('VALUE', 'RO', 'low 32 bits') },
  { offset: 0x044, name: 'TS_HI', block: 'global', reset: 0, doc: 'Timestamp counter, latched high word (read TS_LO first).', fields: word('VALUE', 'RO', 'high 32 bits, latched by the TS_LO read'), highOf: 'TS_LO' },
  { offset: 0x048, name: 'TS_FREQ', block: 'global', reset: 10_000_000, doc: 'Timestamp frequency: 10,000,000 (100 ns units).', fields: word('HZ', 'RO', 'ticks per second') },
  { offset: 0x050, name: 'TIMER_PERIOD', block: 'global', reset: 0, doc: 'Periodic timer in µs (0 = off); raises INT_STATUS.TIMER.', fields: word('US', 'RW', 'period in microseconds') },
  // The input is locked at power-up (GSTATUS.SIGNAL_LOCK), so SIG_* read the detected 1080p59.94 timing, not 0.
  { offset: 0x060, name: 'SIG_WIDTH', block: 'global', reset: 1920, doc: 'Detected input width (signal mode; 0 without lock).', fields: word('PIXELS', 'RO', 'active pixels per line') },
  { offset: 0x064, name: 'SIG_HEIGHT', block: 'global', reset: 1080, doc: 'Detected input height (signal mode; 0 without lock).', fields: word('LINES', 'RO', 'active lines') },
  { offset: 0x068, name: 'SIG_INTERVAL', block: 'global', reset: 166_833, doc: 'Detected frame interval in 100 ns units (signal mode; 0 without lock).', fields: word('INTERVAL', 'RO', '100 ns units') },

  // ------------------------------------------------------------------ video channel 0x100-0x17F
  {
    offset: 0x100,
    name: 'VID_CTRL',
    block: 'video',
    reset: 0x100,
    doc: 'Video channel control.',
    fields: [
      f('RUN', 0, 1, 'RW', 'run the channel; 1 -> 0 starts the stop handshake (wait for HALTED)'),
      f('CH_RESET', 1, 1, 'SC', 'reset the channel: clears errors, HEAD, TAIL and the FIFO (only while HALTED)'),
      f('STOP_AT_EOF', 2, 1, 'RW', '0 = stop after the current line, 1 = finish the frame'),
      f('LATE_START', 3, 1, 'RW', '1 = start a frame without a descriptor and drop it only if none arrives before the FIFO overflows'),
      f('PATTERN_EN', 8, 1, 'RW', '1 = internal pattern generator, 0 = external input'),
    ],
  },
  {
    offset: 0x104,
    name: 'VID_STATUS',
    block: 'video',
    reset: 0x2,
    doc: 'Video channel status.',
    fields: [f('RUNNING', 0, 1, 'RO', 'the channel runs'), f('HALTED', 1, 1, 'RO', 'the channel is halted: no more DMA'), f('IN_FRAME', 2, 1, 'RO', 'a frame is being captured'), f('ERROR', 3, 1, 'RO', 'an error is latched (VID_ERROR)'), f('FIFO_FILL', 16, 8, 'RO', 'FIFO fill in %')],
  },
  {
    offset: 0x108,
    name: 'VID_FORMAT',
    block: 'video',
    reset: 0,
    stopped: 'video',
    doc: 'Pixel format.',
    fields: [f('FMT', 0, 4, 'RW', '0 YUY2, 1 UYVY, 2 RGB24 (BGR), 3 RGB32 (BGRX), 4 NV12', PIXEL_FORMATS), f('BOTTOM_UP', 8, 1, 'RW', 'DIB order (RGB only)'), f('HFLIP', 9, 1, 'RW', 'mirror horizontally')],
  },
  { offset: 0x10c, name: 'VID_SIZE', block: 'video', reset: (480 << 16) | 640, stopped: 'video', doc: 'Frame size (width even; height even for NV12).', fields: [f('WIDTH', 0, 16, 'RW', 'pixels'), f('HEIGHT', 16, 16, 'RW', 'lines')] },
  { offset: 0x110, name: 'VID_STRIDE', block: 'video', reset: 1280, stopped: 'video', doc: 'Bytes per line of plane 0: at least width × Bpp, a multiple of 4.', fields: word('BYTES', 'RW', 'line pitch') },
  { offset: 0x114, name: 'VID_UV_OFFSET', block: 'video', reset: 0, stopped: 'video', doc: 'NV12: byte offset of the UV plane (0 = stride × height).', fields: word('BYTES', 'RW', 'offset within the frame') },
  { offset: 0x118, name: 'VID_INTERVAL', block: 'video', reset: 333667, stopped: 'video', doc: 'Frame interval in 100 ns units (333667 = 29.97 fps, 166667 = 60).', fields: word('INTERVAL', 'RW', '100 ns units') },
  { offset: 0x11c, name: 'VID_FRAME_BYTES', block: 'video', reset: 614400, doc: 'Computed bytes per frame (check it against biSizeImage).', fields: word('BYTES', 'RO', 'stride × height (NV12: plus the UV plane)') },
  { offset: 0x120, name: 'VID_DESC_BASE_LO', block: 'video', reset: 0, stopped: 'video', doc: 'Descriptor ring base, low word (32-byte aligned).', fields: word('ADDR', 'RW', 'physical address bits 31:0') },
  { offset: 0x124, name: 'VID_DESC_BASE_HI', block: 'video', reset: 0, stopped: 'video', doc: 'Descriptor ring base, high word.', fields: word('ADDR', 'RW', 'physical address bits 63:32') },
  { offset: 0x128, name: 'VID_DESC_COUNT', block: 'video', reset: 0, stopped: 'video', doc: 'Ring size N (2..256); capacity N - 1.', fields: word('COUNT', 'RW', 'descriptors in the ring') },
  { offset: 0x12c, name: 'VID_DESC_TAIL', block: 'video', reset: 0, doc: 'Producer index (doorbell): the index after the last valid descriptor.', fields: word('INDEX', 'RW', 'written by the driver after filling descriptors') },
  { offset: 0x130, name: 'VID_DESC_HEAD', block: 'video', reset: 0, doc: 'Consumer index: the next descriptor the hardware will use.', fields: word('INDEX', 'RO', 'advanced by the hardware') },
  { offset: 0x134, name: 'VID_DESC_DONE_CNT', block: 'video', reset: 0, doc: 'Free-running count of completed descriptors.', fields: word('COUNT', 'RO', 'wraps at 2^32') },
  { offset: 0x138, name: 'VID_FRAME_CNT', block: 'video', reset: 0, doc: 'Frames produced by the source since RUN (VSYNC count). RUN sets it to the first frame\'s sequence (0); the first SOF comes one line time after RUN.', fields: word('COUNT', 'RO', 'frames') },
  { offset: 0x13c, name: 'VID_DELIVERED_CNT', block: 'video', reset: 0, doc: 'Frames fully written to memory.', fields: word('COUNT', 'RO', 'frames') },
  { offset: 0x140, name: 'VID_DROP_CNT', block: 'video', reset: 0, doc: 'Frames dropped (starvation, overflow, injected). A write of 0 resets it.', fields: word('COUNT', 'RW', 'frames; only 0 may be written') },
  { offset: 0x144, name: 'VID_LAST_TS_LO', block: 'video', reset: 0, doc: 'Timestamp of the last delivered frame, low word (latches HI).', fields: word('VALUE', 'RO', 'low 32 bits') },
  { offset: 0x148, name: 'VID_LAST_TS_HI', block: 'video', reset: 0, doc: 'Timestamp of the last delivered frame, high word.', fields: word('VALUE', 'RO', 'high 32 bits'), highOf: 'VID_LAST_TS_LO' },
  { offset: 0x150, name: 'VID_ERROR', block: 'video', reset: 0, doc: 'Cause of a video DMA error (write 1 to clear).', fields: errorFields() },
  { offset: 0x154, name: 'VID_ERR_ADDR_LO', block: 'video', reset: 0, doc: 'Faulting physical address, low word.', fields: word('ADDR', 'RO', 'bits 31:0') },
  { offset: 0x158, name: 'VID_ERR_ADDR_HI', block: 'video', reset: 0, doc: 'Faulting physical address, high word.', fields: word('ADDR', 'RO', 'bits 63:32') },
  { offset: 0x15c, name: 'VID_ERR_DESC', block: 'video', reset: 0, doc: 'Faulting descriptor index.', fields: word('INDEX', 'RO', 'ring index') },
  { offset: 0x160, name: 'VID_FIFO_SIZE', block: 'video', reset: 256 * 1024, doc: 'Video FIFO size in bytes.', fields: word('BYTES', 'RO', 'bytes') },
  {
    offset: 0x164,
    name: 'VID_PATTERN',
    block: 'video',
    reset: 0x200,
    doc: 'Test pattern and overlays.',
    fields: [f('PATTERN', 0, 8, 'RW', 'pattern id (vcap1.md 7.9)'), f('TEXT', 8, 1, 'RW', 'text overlay'), f('STAMP', 9, 1, 'RW', 'binary stamp rows'), f('MOTION', 10, 1, 'RW', 'motion'), f('INPUT', 12, 4, 'RW', 'input select: 0 pattern, 1 no signal, 2 noise')],
  },
  { offset: 0x168, name: 'MAX_SG_LEN', block: 'video', reset: 0x100000, doc: 'Maximum descriptor length in bytes.', fields: word('BYTES', 'RO', 'bytes') },

  // ------------------------------------------------------------------ audio channel 0x200-0x27F
  {
    offset: 0x200,
    name: 'AUD_CTRL',
    block: 'audio',
    reset: 0,
    doc: 'Audio channel control.',
    fields: [f('RUN', 0, 1, 'RW', 'run the channel'), f('CH_RESET', 1, 1, 'SC', 'reset the channel (only while HALTED)'), f('CYCLIC', 2, 1, 'RW', 'descriptors re-armed automatically (OWN not cleared)')],
  },
  {
    offset: 0x204,
    name: 'AUD_STATUS',
    block: 'audio',
    reset: 0x2,
    doc: 'Audio channel status.',
    fields: [f('RUNNING', 0, 1, 'RO', 'the channel runs'), f('HALTED', 1, 1, 'RO', 'the channel is halted'), f('ERROR', 2, 1, 'RO', 'an error is latched (AUD_ERROR)'), f('FIFO_FILL', 16, 8, 'RO', 'FIFO fill in %')],
  },
  {
    offset: 0x208,
    name: 'AUD_FORMAT',
    block: 'audio',
    reset: (48000 << 8) | 1,
    stopped: 'audio',
    doc: 'Audio format.',
    fields: [f('CHANNELS', 0, 2, 'RW', 'channels - 1 (1 or 2 channels)'), f('SAMPLE_SIZE', 4, 2, 'RW', '0 = 16-bit, 1 = 24-in-32'), f('RATE', 8, 24, 'RO', 'sample rate (48000)')],
  },
  { offset: 0x20c, name: 'AUD_DESC_BASE_LO', block: 'audio', reset: 0, stopped: 'audio', doc: 'Audio descriptor ring base, low word.', fields: word('ADDR', 'RW', 'physical address bits 31:0') },
  { offset: 0x210, name: 'AUD_DESC_BASE_HI', block: 'audio', reset: 0, stopped: 'audio', doc: 'Audio descriptor ring base, high word.', fields: word('ADDR', 'RW', 'physical address bits 63:32') },
  { offset: 0x214, name: 'AUD_DESC_COUNT', block: 'audio', reset: 0, stopped: 'audio', doc: 'Audio ring size N (2..256).', fields: word('COUNT', 'RW', 'descriptors') },
  { offset: 0x218, name: 'AUD_DESC_TAIL', block: 'audio', reset: 0, doc: 'Audio producer index (doorbell).', fields: word('INDEX', 'RW', 'written by the driver') },
  { offset: 0x21c, name: 'AUD_DESC_HEAD', block: 'audio', reset: 0, doc: 'Audio consumer index.', fields: word('INDEX', 'RO', 'advanced by the hardware') },
  { offset: 0x220, name: 'AUD_POSITION', block: 'audio', reset: 0, doc: 'Bytes written into the current descriptor, in 128-byte bursts.', fields: word('BYTES', 'RO', 'bytes') },
  { offset: 0x224, name: 'AUD_BYTES_LO', block: 'audio', reset: 0, doc: 'Total bytes delivered, low word (latches HI).', fields: word('VALUE', 'RO', 'low 32 bits') },
  { offset: 0x228, name: 'AUD_BYTES_HI', block: 'audio', reset: 0, doc: 'Total bytes delivered, high word.', fields: word('VALUE', 'RO', 'high 32 bits'), highOf: 'AUD_BYTES_LO' },
  { offset: 0x22c, name: 'AUD_LOST_SAMPLES', block: 'audio', reset: 0, doc: 'Sample frames lost to overrun.', fields: word('COUNT', 'RO', 'sample frames') },
  { offset: 0x230, name: 'AUD_TS_LO', block: 'audio', reset: 0, doc: 'Timestamp of the first sample of the current descriptor, low word (latches HI).', fields: word('VALUE', 'RO', 'low 32 bits') },
  { offset: 0x234, name: 'AUD_TS_HI', block: 'audio', reset: 0, doc: 'Timestamp of the first sample of the current descriptor, high word.', fields: word('VALUE', 'RO', 'high 32 bits'), highOf: 'AUD_TS_LO' },
  { offset: 0x238, name: 'AUD_ERROR', block: 'audio', reset: 0, doc: 'Cause of an audio DMA error (write 1 to clear).', fields: errorFields() },
  {
    offset: 0x23c,
    name: 'AUD_GEN',
    block: 'audio',
    reset: 1000 << 16,
    doc: 'Audio generator.',
    fields: [f('GEN', 0, 4, 'RW', '0 sine, 1 sample-counter ramp, 2 silence, 3 noise, 4 left-only beep', AUDIO_GENERATORS), f('FREQ', 16, 16, 'RW', 'sine frequency in Hz')],
  },
] as const satisfies readonly RegisterSpec[]

export const REGISTERS: readonly RegisterSpec[] = TABLE

/** A register's name in the table ('VID_CTRL'). */
export type RegisterName = (typeof TABLE)[number]['name']
/** The names of one register's fields ('RUN' | 'CH_RESET' | ... for 'VID_CTRL'). */
export type FieldName<R extends RegisterName> = Extract<(typeof TABLE)[number], { name: R }>['fields'][number]['name']

/** BAR0 size. */
export const BAR0_SIZE = 0x1000

/** Descriptor layout (vcap1.md 7.4): 32 bytes, little-endian. */
export const DESCRIPTOR = {
  SIZE: 32,
  BUF_ADDR: 0x00,
  BUF_LEN: 0x08,
  CTRL: 0x0c,
  WB_STATUS: 0x10,
  WB_BYTES: 0x14,
  WB_TIMESTAMP: 0x18,
} as const

/** Descriptor CTRL bits. */
export const DESC_CTRL = { OWN: 1 << 0, IOC: 1 << 1, SOF: 1 << 2, EOF: 1 << 3, RESERVED: 0xfffffff0 } as const

/** Descriptor WB_STATUS bits; [15:8] error code, [31:16] low 16 bits of the frame sequence. */
export const DESC_WB = { DONE: 1 << 0, ERROR: 1 << 1, TRUNCATED: 1 << 2, DISCONTINUITY: 1 << 3, ABORTED: 1 << 4 } as const

export function bitsOf(spec: FieldSpec): number {
  return spec.width === 32 ? 0xffffffff : ((1 << spec.width) - 1) << spec.lsb
}

/** All the defined bits of a register (reserved bits are the rest). */
export function definedBits(spec: RegisterSpec): number {
  return spec.fields.reduce((bits, field) => bits | bitsOf(field), 0) >>> 0
}

/** Where a field's lowest bit is, from its mask (for values wider than one bit). */
export function shiftOf(mask: number): number {
  return 31 - Math.clz32(mask & -mask)
}

/** The register at an offset, by a table built once. */
export const REGISTER_AT: ReadonlyMap<number, RegisterSpec> = new Map(REGISTERS.map((r) => [r.offset, r]))
export const REGISTER_BY_NAME: ReadonlyMap<string, RegisterSpec> = new Map(REGISTERS.map((r) => [r.name, r]))

/** Register offsets by name, from the table: `REG.VID_CTRL` (a misspelt name does not compile). */
export const REG = Object.fromEntries(REGISTERS.map((r) => [r.name, r.offset])) as { readonly [R in RegisterName]: number }
/** Registers by name, from the table: `SPEC.VID_CTRL.fields`. */
export const SPEC = Object.fromEntries(REGISTERS.map((r) => [r.name, r])) as { readonly [R in RegisterName]: RegisterSpec }
/** Field masks (in place) by register and field, from the table: `FIELD.VID_CTRL.RUN`, `FIELD.VID_STATUS.FIFO_FILL`. */
export const FIELD = Object.fromEntries(REGISTERS.map((r) => [r.name, Object.fromEntries(r.fields.map((field) => [field.name, bitsOf(field)]))])) as {
  readonly [R in RegisterName]: { readonly [F in FieldName<R>]: number }
}

/** Bit numbers of INT_STATUS by name. */
export const INT = Object.fromEntries(INT_BITS.map(([name, bit]) => [name, 1 << bit])) as Record<IntName, number>
/** Bit numbers of VID_ERROR / AUD_ERROR by name. */
export const ERR = Object.fromEntries(ERROR_BITS.map(([name, bit]) => [name, 1 << bit])) as Record<ErrorName, number>

/** The name of the highest cause bit of an error value ("DATA_WRITE_ABORT"), for messages and the trace. */
export function errorCauseName(cause: number): string {
  const bit = 31 - Math.clz32(cause)
  return ERROR_BITS.find(([, b]) => b === bit)?.[0] ?? `bit ${bit}`
}

/** "VID_CTRL RUN=1 LATE_START=1" for the trace. */
export function decodeRegister(offset: number, value: number): string {
  const r = REGISTER_AT.get(offset)
  if (r === undefined) return `reserved 0x${offset.toString(16).padStart(3, '0')}`
  if (r.fields.length === 1 && r.fields[0].width === 32) return `${r.name} ${r.fields[0].name}=0x${(value >>> 0).toString(16)}`
  const parts: string[] = []
  for (const field of r.fields) {
    const v = field.width === 32 ? value >>> 0 : (value >>> field.lsb) & ((1 << field.width) - 1)
    if (v === 0 && field.width === 1) continue
    parts.push(`${field.name}=${field.values?.[v] ?? (field.width === 1 ? 1 : v)}`)
  }
  return `${r.name}${parts.length ? ` ${parts.join(' ')}` : ' 0'}`
}
