/**
 * Every behaviour of the emulated class driver that the documentation leaves open ([EMU] in
 * docs/classdriver.md) is a setting here, with the default that document recommends, plus the verifier's
 * thresholds. `docs/settings.md` lists them for users.
 */
export interface ClassDriverSettings {
  /** TimeoutOriginal given to device SRBs, in seconds (undocumented; docs/classdriver.md#timeouts). */
  deviceTimeoutSeconds: number
  /** TimeoutOriginal given to stream control SRBs, in seconds. */
  controlTimeoutSeconds: number
  /** TimeoutOriginal given to data SRBs, in seconds (longer: a paused graph holds reads legitimately). */
  dataTimeoutSeconds: number
  /** What `Status` holds before the minidriver sets it: a poison value, or STATUS_PENDING as ReactOS does (docs/classdriver.md#srb). */
  initialStatus: 'poison' | 'pending'
  /** Report touches of an SRB after its completion (docs/classdriver.md#rule-basis: poison freed SRBs). */
  poisonCompletedSrbs: boolean
  /** Hand each opened stream a zeroed extension; otherwise the previous instance's leftovers (docs/classdriver.md#init-data). */
  zeroStreamExtension: boolean
  /** How BufferAlignment is read: 'auto' takes 2^n - 1 as a mask and 2^n as a byte count (docs/classdriver.md#init-data). */
  bufferAlignment: 'auto' | 'mask' | 'bytes'
  /** Under synchronization, StrMiniEvent and StrMiniClock run at the synchronized ("High") level (docs/classdriver.md#contexts). */
  eventAndClockSynchronized: boolean
  /** StreamClassScheduleTimer on a busy slot replaces the pending timer, or is ignored (docs/classdriver.md#timers). */
  timerOnBusySlot: 'replace' | 'ignore'
  /** StreamClassCallAtNewPriority on a busy slot replaces the pending routine, or is ignored (docs/classdriver.md#priority). */
  priorityOnBusySlot: 'replace' | 'ignore'
  /** An interrupt while a Dispatch or Low routine runs under synchronization: delivered, or lost (docs/classdriver.md#interrupts). */
  interruptDuringLowerPriority: 'concurrent' | 'lost'
  /** Warn when stream-class services are called from a Low/Dispatch routine under synchronization (docs/classdriver.md#service-contexts). */
  warnServicesFromLowerPriority: boolean
  /** StreamClassAbortOutstandingRequests calls HwCancelPacket for held SRBs before completing them (docs/classdriver.md#abort). */
  abortCallsCancel: boolean
  /** Under synchronization, the class driver cancels reads still held after SET_STREAM_STATE(STOP) (docs/classdriver.md#stream-states). */
  cancelReadsOnStop: boolean
  /** Consecutive ISR invocations with the level line still asserted before bug check 0xF2 (docs/classdriver.md#interrupts). */
  stormThreshold: number
  /** A synchronized queue not ready for this long while requests wait is reported as stalled (docs/classdriver.md#rule-basis). */
  stallReportSeconds: number
  /** Raised-IRQL budgets (docs/classdriver.md#rule-basis): at DIRQL and at DISPATCH_LEVEL, in nanoseconds. */
  dirqlBudgetNs: number
  dispatchBudgetNs: number
  /** StreamDebug: StreamClassDebugPrint prints messages at or below this level (docs/classdriver.md#other-services; 0 = Fatal only). */
  streamDebugLevel: number
  /** Power the device to D3 when the last stream closes (the INF value PowerDownWhenUnopened). */
  powerDownWhenUnopened: boolean
  /** Verifier findings (repeats included) after which the run stops with bug check 0xC4 (0: no limit). */
  maxFindings: number
  /**
   * Not the class driver's: the wall time in seconds the simulation of one run may take (pauses and
   * pacing not counted) before the session ends the run as not completed (SessionCore).
   */
  wallClockLimitSeconds: number
}

export const DEFAULT_SETTINGS: Readonly<ClassDriverSettings> = Object.freeze({
  deviceTimeoutSeconds: 10,
  controlTimeoutSeconds: 10,
  dataTimeoutSeconds: 30,
  initialStatus: 'poison',
  poisonCompletedSrbs: true,
  zeroStreamExtension: true,
  bufferAlignment: 'auto',
  eventAndClockSynchronized: true,
  timerOnBusySlot: 'replace',
  priorityOnBusySlot: 'replace',
  interruptDuringLowerPriority: 'concurrent',
  warnServicesFromLowerPriority: true,
  abortCallsCancel: false,
  cancelReadsOnStop: true,
  stormThreshold: 1000,
  stallReportSeconds: 5,
  dirqlBudgetNs: 20_000,
  dispatchBudgetNs: 1_000_000,
  streamDebugLevel: 0,
  powerDownWhenUnopened: false,
  maxFindings: 10_000,
  wallClockLimitSeconds: 600,
})

/** One-line documentation of each setting, for `docs/settings.md` and `mdwb --help`. */
export const SETTINGS_DOCS: Record<keyof ClassDriverSettings, string> = {
  deviceTimeoutSeconds: 'TimeoutOriginal of device SRBs in seconds (undocumented in the WDK).',
  controlTimeoutSeconds: 'TimeoutOriginal of stream control SRBs in seconds.',
  dataTimeoutSeconds: 'TimeoutOriginal of data SRBs in seconds; a paused graph may hold reads longer.',
  initialStatus: "srb.Status before the minidriver sets it: 'poison' (never set) or 'pending' (ReactOS style).",
  poisonCompletedSrbs: 'Report any touch of an SRB, its extension or headers after completion.',
  zeroStreamExtension: 'Give each opened stream a zeroed HwStreamExtension (false: stale leftovers).',
  bufferAlignment: "Interpretation of BufferAlignment: 'auto', 'mask' (3 = DWORD) or 'bytes' (4 = DWORD).",
  eventAndClockSynchronized: 'Under synchronization, call StrMiniEvent and StrMiniClock at the synchronized level.',
  timerOnBusySlot: "StreamClassScheduleTimer on a busy slot: 'replace' the pending timer or 'ignore' the call.",
  priorityOnBusySlot: "StreamClassCallAtNewPriority on a busy slot: 'replace' or 'ignore'.",
  interruptDuringLowerPriority: "Interrupt during a Dispatch/Low routine under synchronization: 'concurrent' or 'lost'.",
  warnServicesFromLowerPriority: 'Warn on stream-class services called from Low/Dispatch routines without LowToHigh.',
  abortCallsCancel: 'StreamClassAbortOutstandingRequests calls HwCancelPacket before completing held SRBs.',
  cancelReadsOnStop: 'Under synchronization, cancel reads still held after SET_STREAM_STATE(STOP) via HwCancelPacket.',
  stormThreshold: 'Back-to-back ISR invocations with the line still asserted before bug check 0xF2.',
  stallReportSeconds: 'Seconds a synchronized queue may stay not-ready with requests waiting before queue-stalled.',
  dirqlBudgetNs: 'Longest callback at DIRQL before raised-irql-budget (ns).',
  dispatchBudgetNs: 'Longest callback at DISPATCH_LEVEL before raised-irql-budget (ns).',
  streamDebugLevel: 'StreamDebug: StreamClassDebugPrint prints levels at or below this (0 = Fatal only).',
  powerDownWhenUnopened: 'Send SRB_CHANGE_POWER_STATE(D3) after the last stream closes (INF PowerDownWhenUnopened).',
  maxFindings: 'Verifier findings, repeats included, after which the run stops with bug check 0xC4 instead of recording more (0 = no limit).',
  wallClockLimitSeconds: 'Wall-clock seconds the simulation of a run may take (pauses and pacing not counted); then the run ends as not completed (exit 1).',
}

/** The values a string setting may take. */
const SETTING_CHOICES: Record<string, readonly string[]> = {
  initialStatus: ['poison', 'pending'],
  bufferAlignment: ['auto', 'mask', 'bytes'],
  timerOnBusySlot: ['replace', 'ignore'],
  priorityOnBusySlot: ['replace', 'ignore'],
  interruptDuringLowerPriority: ['concurrent', 'lost'],
}

/** What is wrong with a value for a setting (by name), or null when it is a valid one. */
export function settingProblem(key: string, value: unknown): string | null {
  if (!(key in DEFAULT_SETTINGS)) return `is not a setting (settings: ${Object.keys(DEFAULT_SETTINGS).join(', ')})`
  const def = DEFAULT_SETTINGS[key as keyof ClassDriverSettings]
  if (typeof value !== typeof def) return `must be a ${typeof def}, like its default ${JSON.stringify(def)}`
  if (key === 'wallClockLimitSeconds' && !((value as number) > 0 && Number.isFinite(value))) return 'must be a positive number of seconds'
  if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) return `must be a number of at least 0, like its default ${JSON.stringify(def)}`
  const choices = SETTING_CHOICES[key]
  if (choices !== undefined && !choices.includes(value as string)) return `must be one of ${choices.map((c) => `'${c}'`).join(', ')}`
  return null
}

export function resolveSettings(overrides: Partial<ClassDriverSettings> = {}): ClassDriverSettings {
  const s = { ...DEFAULT_SETTINGS, ...overrides }
  for (const key of Object.keys(overrides)) {
    if (!(key in DEFAULT_SETTINGS)) throw new Error(`unknown class driver setting '${key}'`)
    const want = typeof DEFAULT_SETTINGS[key as keyof ClassDriverSettings]
    if (typeof s[key as keyof ClassDriverSettings] !== want) throw new Error(`class driver setting '${key}' must be a ${want}`)
  }
  return s
}
