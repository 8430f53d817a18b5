/**
 * The verifier's rules: ids, default severities and documentation (docs/verifier-rules.md; the basis of
 * each is in docs/classdriver.md#rule-basis and vcap1.md 7.11-7.12). This table is data: the verifier, the
 * report, the trace and the generated docs page (`docs/verifier-rules.md`) all read it.
 */
import type { Severity } from '../../contract/report.js'

export type { Severity }

/** Which part of the emulator can judge the rule. */
export type RuleScope = 'class driver' | 'card'

export interface RuleInfo {
  id: string
  severity: Severity
  /** One line: what the finding means. */
  summary: string
  /** What a correct driver does instead. */
  fix: string
  /** docs/classdriver.md#rule-basis / vcap1.md sections the rule comes from. */
  basis: string
  scope: RuleScope
}

const RULE_LIST = [
  {
    id: 'double-completion',
    severity: 'error',
    summary: 'an SRB completed twice',
    fix: 'Complete each SRB exactly once; forget the pointer after the completion notification.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'use-after-completion',
    severity: 'error',
    summary: 'an SRB, its extension or its buffers touched after completion',
    fix: 'Copy what you need before completing; the class driver may free the SRB at once.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'pending-status-completion',
    severity: 'error',
    summary: 'completed with STATUS_PENDING or with Status never set',
    fix: 'Set srb.Status to the final status before the completion notification.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'wrong-notification',
    severity: 'error',
    summary: 'device completion for a stream SRB or the reverse, or a mismatched stream object',
    fix: 'Complete device SRBs with DeviceRequestComplete, stream SRBs with StreamRequestComplete on srb.StreamObject.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'foreign-srb-completion',
    severity: 'error',
    summary: 'completing an SRB the driver does not own (never delivered, aborted, other stream)',
    fix: 'Only complete SRBs your Receive*Packet routines were given and that were not aborted.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'queue-stalled',
    severity: 'error',
    summary: 'synchronization on, a queue never made ready again while requests wait',
    fix: 'Signal ReadyForNext (or use StreamClassCompleteRequestAndMarkQueueReady) when you can take another request.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'duplicate-ready',
    severity: 'warning',
    summary: 'ReadyForNext on a queue that is already ready',
    fix: 'Signal ready once per delivered request.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'ready-without-sync',
    severity: 'warning',
    summary: 'ReadyForNext with TurnOffSynchronization set',
    fix: 'ReadyForNext notifications mean nothing when synchronization is off; remove them.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'srb-orphaned',
    severity: 'warning',
    summary: 'an SRB left uncompleted with no way to finish (includes after a timeout)',
    fix: 'Every SRB needs a path to completion: a queue, a timer, DMA, or the timeout handler completing it.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'stream-descriptor-size',
    severity: 'error',
    summary: 'StreamDescriptorSize zero or overrun by GET_STREAM_INFO',
    fix: 'Set ConfigInfo.StreamDescriptorSize = sizeof(HW_STREAM_HEADER) + streams × sizeof(HW_STREAM_INFORMATION).',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'open-stream-incomplete',
    severity: 'error',
    summary: 'OPEN_STREAM succeeded without the required stream object fields',
    fix: 'Set ReceiveDataPacket and ReceiveControlPacket; a clock needs HwClockFunction, events need HwEventRoutine.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'too-many-instances',
    severity: 'warning',
    summary: 'more open instances than NumberOfPossibleInstances',
    fix: 'Fail the extra OPEN_STREAM with STATUS_TOO_MANY_NODES.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'read-in-stop',
    severity: 'error',
    summary: 'a read queued in STOP, or reads outstanding after STOP',
    fix: 'Complete SRB_READ_DATA at once in STOP, and complete every queued read when entering STOP.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'outstanding-at-close',
    severity: 'error',
    summary: 'SRBs or callbacks of a stream alive after CLOSE_STREAM, or services called on it afterwards',
    fix: 'Before completing CLOSE_STREAM, complete its SRBs and let its priority routine and clock query finish; schedule nothing on it afterwards (the class driver cancels its timer).',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'buffer-overrun',
    severity: 'error',
    summary: 'DataUsed > FrameExtent, writes past a buffer or a media-specific header',
    fix: 'Check FrameExtent before filling; write only StreamHeaderMediaSpecific bytes of extension.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'timestamp-invalid',
    severity: 'warning',
    summary: 'bad or backwards PresentationTime, flags without values',
    fix: 'With TIMEVALID set Numerator/Denominator and non-decreasing times; with DURATIONVALID a Duration.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'counter-reset',
    severity: 'warning',
    summary: 'PictureNumber/DropCount reset on PAUSE<->RUN',
    fix: 'Reset the counters only when leaving STOP (or on ACQUIRE).',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'irql-violation',
    severity: 'error',
    summary: 'a service called from a context where it is not allowed',
    fix: 'Use the service from an allowed context (docs/classdriver.md#service-contexts), e.g. the async clock query at raised IRQL.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'clock-query-pending',
    severity: 'error',
    summary: 'a second async master-clock query on a stream',
    fix: 'Wait for the query callback before issuing another StreamClassQueryMasterClock on the stream.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'stale-clock-handle',
    severity: 'warning',
    summary: 'a master clock handle used after it was withdrawn',
    fix: 'Forget the handle on INDICATE_MASTER_CLOCK(0), CLOSE_MASTER_CLOCK and CLOSE_STREAM.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'slot-busy',
    severity: 'warning',
    summary: 'a second timer or priority routine on a busy slot',
    fix: 'One timer and one priority routine per stream and per device: wait, or cancel the pending one first.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'raised-irql-budget',
    severity: 'warning',
    summary: 'too long at DIRQL (> 20 µs) or DISPATCH (> 1 ms)',
    fix: 'Move long work to a Dispatch (≤ 1 ms) or Low priority routine.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'interrupt-storm',
    severity: 'error',
    summary: 'level line still asserted after the ISR, N times in a row (bugcheck 0xF2)',
    fix: 'Acknowledge (W1C) what the ISR saw before returning, and return TRUE only for your own interrupts.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'interrupt-unclaimed',
    severity: 'warning',
    summary: 'ISR returned FALSE while the card asserted the line',
    fix: 'Read the card status; when it shows pending events, dismiss them and return TRUE.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'interrupt-stolen',
    severity: 'error',
    summary: 'ISR returned TRUE while the card did not assert the line',
    fix: 'Return FALSE at once when your card shows nothing pending: the line is shared.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'interrupts-left-enabled',
    severity: 'error',
    summary: 'card interrupts enabled after UNINITIALIZE, paging out or power down',
    fix: 'Disable the card interrupts in SRB_UNINITIALIZE_DEVICE, SRB_PAGING_OUT_DRIVER and when leaving D0.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'cancel-misuse',
    severity: 'error',
    summary: 'cancel handler completed an SRB it did not hold, or dropped one it removed',
    fix: 'In HwCancelPacket complete only the SRB you found and unlinked, and always complete it.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'dma-buffer-misuse',
    severity: 'error',
    summary: 'DMA buffer or physical address services misused',
    fix: 'Declare DmaBufferSize before using StreamClassGetDmaBuffer; pass the SRB for SRBDataBuffer addresses.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'dma-unowned-memory',
    severity: 'error',
    summary: 'the card wrote to memory not (or no longer) handed to it',
    fix: 'Keep buffers owned until the card reports HALTED; never reuse a descriptor before OWN=0.',
    basis: 'vcap1.md 7.11',
    scope: 'card',
  },
  {
    id: 'dma-mode-mismatch',
    severity: 'warning',
    summary: 'DMA into a stream with Dma = FALSE, or PIO with Pio = FALSE',
    fix: 'Declare how the stream moves data in the stream object at OPEN_STREAM.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'intersection-misuse',
    severity: 'error',
    summary: 'GET_DATA_INTERSECTION conventions broken',
    fix: 'Answer the sizeof(ULONG) size query, return STATUS_BUFFER_TOO_SMALL when the format does not fit, set ActualBytesTransferred.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'property-overrun',
    severity: 'error',
    summary: 'property GET overruns the output size or leaves the size unset',
    fix: 'Return STATUS_BUFFER_OVERFLOW when PropertyOutputSize is too small; set ActualBytesTransferred.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'event-misuse',
    severity: 'error',
    summary: 'events signalled or deleted that are not queued',
    fix: 'Keep only EventEntry from StrMiniEvent, and signal or delete entries that are still queued.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'init-data-invalid',
    severity: 'error',
    summary: 'HW_INITIALIZATION_DATA invalid',
    fix: 'Set HwInitializationDataSize and HwReceivePacket; use NameExtension fields only as a version 2.0 driver.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'unsynchronized-access',
    severity: 'error',
    summary: 'synchronization off, state shared with the ISR touched without a lock',
    fix: 'Guard state shared with the ISR with KeSynchronizeExecution or a High priority routine.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'obsolete-api',
    severity: 'warning',
    summary: 'StreamClassReenumerateStreams and other obsolete services',
    fix: 'Do not use obsolete services.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'pool-leak',
    severity: 'error',
    summary: 'pool allocations still outstanding when the device was stopped or the driver unloaded',
    fix: 'ExFreePool every ExAllocatePool(WithTag) block by SRB_UNINITIALIZE_DEVICE; the finding names the tag and the line that allocated it.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'pool-misuse',
    severity: 'error',
    summary: 'ExFreePool of a block twice, of memory the pool did not return, or pool calls at a forbidden IRQL',
    fix: 'Free each pool block once, with the pointer ExAllocatePool returned; use PagedPool only below DISPATCH_LEVEL.',
    basis: 'docs/classdriver.md#rule-basis',
    scope: 'class driver',
  },
  {
    id: 'register-access',
    severity: 'warning',
    summary: 'unaligned or wrong-width access, write to read-only/reserved bits, [stopped] register written while running',
    fix: 'Use aligned 32-bit accesses and respect the datasheet access rules.',
    basis: 'vcap1.md 7.12 C6',
    scope: 'card',
  },
  {
    id: 'descriptor-misuse',
    severity: 'error',
    summary: 'ring/doorbell protocol broken (OWN cleared, doorbell before descriptor, overrun)',
    fix: 'Fill descriptors, then set OWN, then ring the doorbell; never touch descriptors the card owns.',
    basis: 'vcap1.md 7.4, 7.12 C4',
    scope: 'card',
  },
] as const satisfies readonly RuleInfo[]

export const RULES: ReadonlyMap<string, RuleInfo> = new Map(RULE_LIST.map((r) => [r.id, r]))

/** Every rule id, from the table: a misspelt id does not compile. */
export type RuleId = (typeof RULE_LIST)[number]['id']

export function ruleInfo(id: string): RuleInfo {
  const r = RULES.get(id)
  if (!r) throw new Error(`unknown verifier rule '${id}'`)
  return r
}

export function allRules(): readonly RuleInfo[] {
  return RULE_LIST
}
