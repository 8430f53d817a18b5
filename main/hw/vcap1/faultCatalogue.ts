/**
 * The VCAP-1 fault catalogue (vcap1.md 7.10) as data: every fault's id (used in scenarios and
 * `mdwb run --fault`), its number in the datasheet, scope, kind, parameter, what the card does, and
 * what a correct driver must do. The fault injector implements each id; docs/vcap1-faults.md is
 * generated from this table.
 *
 * Kinds decide what the trigger means:
 * - `frame`: affects frames: the next `count` frames (default 1), or each frame with `probability`.
 * - `mode`: a behaviour switched on, for `duration` (default: until the run ends) or `count` uses.
 * - `action`: happens once, when triggered.
 * Every fault is triggered now, at `at`, or on the `access`-th access to `register`.
 */
export type FaultKind = 'frame' | 'mode' | 'action'
export type FaultScope = 'video' | 'audio' | 'global'

export interface FaultSpec {
  id: string
  /** Number in vcap1.md 7.10. */
  number: number
  scope: FaultScope
  kind: FaultKind
  /** The `value` parameter, when the fault has one. */
  value?: { meaning: string; default: number }
  device: string
  driver: string
}

export const FAULTS: FaultSpec[] = [
  { id: 'frame-drop', number: 1, scope: 'video', kind: 'frame', device: 'SOF happens but no data: VID_FRAME_CNT and VID_DROP_CNT advance, no IOC; the next delivered frame has DISCONTINUITY', driver: 'Report a drop count; set DATADISCONTINUITY; no stall' },
  { id: 'drop-percent', number: 2, scope: 'video', kind: 'frame', value: { meaning: 'percent of frames dropped (when no probability is given)', default: 10 }, device: 'Each frame is dropped with probability p (seeded)', driver: 'As frame-drop, statistically' },
  { id: 'corrupt-frame', number: 3, scope: 'video', kind: 'frame', device: 'The frame is delivered with a damaged band and WB_STATUS.ERROR', driver: 'Complete with an error or discard the frame; keep streaming' },
  { id: 'short-frame', number: 4, scope: 'video', kind: 'frame', device: 'The source stops after 60% of the lines: WB_BYTES < frame size, TRUNCATED', driver: 'Set DataUsed from WB_BYTES or drop; never report biSizeImage blindly' },
  { id: 'dma-write-abort', number: 5, scope: 'video', kind: 'action', value: { meaning: '1 also raises FATAL', default: 0 }, device: 'The next data write master-aborts: DATA_WRITE_ABORT with the address, channel HALTED, PCI status Received Master Abort', driver: 'Detect DMA_ERR, CH_RESET, re-program the ring, fail or re-queue in-flight buffers' },
  { id: 'desc-fetch-abort', number: 6, scope: 'video', kind: 'action', device: 'The next descriptor fetch master-aborts: DESC_FETCH_ABORT, channel HALTED', driver: 'As dma-write-abort' },
  { id: 'bus-master-disable', number: 7, scope: 'global', kind: 'action', device: 'Bus Master Enable is cleared: every DMA is a master abort', driver: 'Fail start cleanly' },
  { id: 'spurious-interrupt', number: 8, scope: 'global', kind: 'action', device: 'The card pulses INTA# for 2 µs with INT_PENDING = 0', driver: 'ISR returns FALSE quickly' },
  { id: 'neighbour-interrupt', number: 8, scope: 'global', kind: 'action', device: 'Another device on the shared line asserts it until its own ISR services it', driver: 'ISR returns FALSE for interrupts that are not its own' },
  { id: 'stuck-status-bit', number: 9, scope: 'global', kind: 'mode', value: { meaning: 'the INT_STATUS bit mask that ignores W1C', default: 1 }, device: 'One INT_STATUS bit ignores W1C and is set, so the line stays high: an interrupt storm', driver: 'Detect the storm (ISRs with no progress), mask the source, log, recover or stop' },
  { id: 'interrupt-storm', number: 10, scope: 'global', kind: 'mode', value: { meaning: 'period of the re-raised event in µs', default: 5 }, device: 'The card re-raises VID_IOC every few µs (default for 10 ms)', driver: 'Rate limiting or moderation; no livelock' },
  { id: 'lost-interrupt', number: 11, scope: 'global', kind: 'mode', device: 'The next `count` assertions (or MSI messages) never happen; the event stays latched', driver: 'A watchdog (SRB timeout or a timer) that polls DESC_DONE_CNT or the OWN bits' },
  { id: 'late-interrupt', number: 12, scope: 'global', kind: 'mode', value: { meaning: 'delay in frame intervals', default: 2 }, device: 'The next `count` assertions are delayed by k frames', driver: 'Process all completions per ISR/DPC (counter delta or OWN scan)' },
  { id: 'fifo-overflow', number: 13, scope: 'video', kind: 'frame', device: 'A forced FIFO overflow half way through the frame: it is dropped (TRUNCATED on its EOF descriptor), FIFO_OVF', driver: 'Count the drop; keep streaming' },
  { id: 'slow-dma', number: 14, scope: 'video', kind: 'mode', value: { meaning: 'bandwidth divisor (fetch latency is multiplied by it)', default: 4 }, device: 'Drain bandwidth divided by X, fetch latency times X', driver: 'Nothing special: drops must be reported correctly' },
  { id: 'dma-timeout', number: 15, scope: 'video', kind: 'action', value: { meaning: 'ms until DMA_TIMEOUT is raised (0: never)', default: 50 }, device: 'The channel silently stops making progress; DMA_TIMEOUT after the timeout (or never)', driver: 'A watchdog notices no progress while RUNNING' },
  { id: 'halt-never-arrives', number: 16, scope: 'video', kind: 'mode', device: 'After RUN=0 the engine hangs: no more DMA, and HALTED is never set (a soft reset recovers)', driver: 'Bounded wait, then CH_RESET or GCTRL reset; never free buffers before the device is quiesced' },
  { id: 'reset-stuck', number: 17, scope: 'global', kind: 'mode', device: 'GSTATUS.RESET_BUSY stays set after a soft reset', driver: 'Bounded wait, then fail start or PnP gracefully' },
  { id: 'signal-loss', number: 18, scope: 'video', kind: 'mode', device: 'SIGNAL_LOCK drops and SIGNAL_CHANGE fires; no frames until the lock returns (another SIGNAL_CHANGE)', driver: 'Signal end-of-stream or wait; no hang' },
  { id: 'signal-change', number: 18, scope: 'video', kind: 'action', device: 'SIG_WIDTH/SIG_HEIGHT/SIG_INTERVAL change and SIGNAL_CHANGE fires', driver: 'Signal a format change; no hang' },
  { id: 'timestamp-jump', number: 19, scope: 'global', kind: 'action', value: { meaning: 'jump backwards in ms', default: 100 }, device: 'The timestamp counter jumps backwards', driver: 'Monotonic PresentationTime policy' },
  { id: 'timestamp-freeze', number: 19, scope: 'global', kind: 'mode', device: 'The timestamp counter stops (default for 100 ms)', driver: 'Monotonic PresentationTime policy' },
  { id: 'timestamp-wrap', number: 19, scope: 'global', kind: 'action', value: { meaning: 'seconds until the 64-bit counter wraps', default: 1 }, device: 'The 64-bit counter is set just below 2^64 and wraps', driver: 'Wrap-safe timestamp arithmetic' },
  { id: 'timestamp-drift', number: 19, scope: 'global', kind: 'mode', value: { meaning: 'drift in ppm', default: 100 }, device: 'The timestamp counter runs fast (or slow, negative) against the system clock', driver: 'Drift handling against the master clock' },
  { id: 'sequence-wrap', number: 20, scope: 'video', kind: 'action', value: { meaning: 'frames before VID_FRAME_CNT wraps', default: 16 }, device: 'VID_FRAME_CNT (and the frame sequence) continue from just below 2^32', driver: 'Wrap-safe delta arithmetic' },
  { id: 'torn-timestamp', number: 21, scope: 'global', kind: 'mode', device: 'Reading TS_LO no longer latches TS_HI', driver: 'Read HI-LO-HI and retry' },
  { id: 'read-to-clear', number: 22, scope: 'global', kind: 'mode', device: 'INT_STATUS becomes read-to-clear (tw686x); errors stay in VID_ERROR/AUD_ERROR', driver: 'A driver written for RC semantics (an exercise mode)' },
  { id: 'surprise-removal', number: 23, scope: 'global', kind: 'action', device: 'Reads return 0xFFFFFFFF, writes are dropped, DMA and interrupts stop; the OS delivers surprise removal', driver: 'Treat all-ones as "device gone"; ISR returns FALSE; cancel every pending SRB; no infinite loops' },
  { id: 'power-context-loss', number: 24, scope: 'global', kind: 'mode', device: 'Leaving D0 clears every register (D3 -> D0 comes back at reset values)', driver: 'Re-initialise on power-up' },
  { id: 'audio-overrun', number: 25, scope: 'audio', kind: 'action', value: { meaning: 'ms of samples lost', default: 10 }, device: 'Samples are lost: AUD_LOST_SAMPLES grows, AUD_OVERRUN, the next chunk has DISCONTINUITY', driver: 'Report the discontinuity; position stays monotonic' },
  { id: 'audio-drift', number: 25, scope: 'audio', kind: 'mode', value: { meaning: 'audio clock drift in ppm', default: 200 }, device: 'The audio clock runs fast (or slow) against the timestamp counter', driver: 'Drift handling' },
  { id: 'audio-jitter', number: 25, scope: 'audio', kind: 'mode', value: { meaning: 'AUD_POSITION jitter in 128-byte bursts', default: 2 }, device: 'AUD_POSITION reads wobble by up to k bursts', driver: 'Keep the reported position monotonic' },
  { id: 'race-amplifier', number: 26, scope: 'global', kind: 'mode', device: 'A new enabled event is latched 0-2 µs after every INT_STATUS or INT_PENDING read', driver: 'Ack only the bits read (W1C), never write 0xFFFFFFFF' },
]

export const FAULT_BY_ID: ReadonlyMap<string, FaultSpec> = new Map(FAULTS.map((f) => [f.id, f]))
