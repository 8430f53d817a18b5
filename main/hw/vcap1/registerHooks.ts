// What each VCAP-1 register does beyond the table's access rules: its access hooks, keyed by register
// name (QEMU's register.h style), with the video and audio channel registers built from one template.
import { HUNDRED_NS, US } from '../../contract/time.js'
import { audioFormatFromRegister } from './audioGenerator.js'
import type { ChannelTrace, DmaChannel } from './dmaChannel.js'
import { frameBytes, layoutFromRegisters, validateLayout } from './pixelFormats.js'
import type { RegisterHookTable, RegisterHooks, WriteEffect } from './registerFile.js'
import { FIELD, INT, REG, SPEC, definedBits, shiftOf, type RegisterName } from './registers.js'
import type { Vcap1Card } from './vcap1.js'

type Hooks = RegisterHooks<Vcap1Card>
type Channel = DmaChannel<never, ChannelTrace>

const INT_DEFINED = definedBits(SPEC.INT_STATUS)
/** Frame intervals the card accepts: 15..60 fps (7.7). */
const MIN_INTERVAL = 166_666
const MAX_INTERVAL = 666_667
const TWO_32 = 0x1_0000_0000
/** A register name built from a channel prefix, checked against the table. */
const named = <R extends RegisterName>(name: R): R => name

/** GCTRL, INT_ENABLE and INT_MODERATION into the blocks that use them. */
export function applyGlobal(card: Vcap1Card): void {
  const g = card.regs.get(REG.GCTRL)
  const irq = card.irq
  irq.masterEnable = (g & FIELD.GCTRL.IRQ_MASTER_EN) !== 0
  irq.msiMode = (g & FIELD.GCTRL.MSI_MODE) !== 0
  irq.enable = card.regs.get(REG.INT_ENABLE) & INT_DEFINED
  const moderation = card.regs.get(REG.INT_MODERATION)
  irq.minGapNs = (moderation & FIELD.INT_MODERATION.MIN_GAP_US) * US
  irq.iocThreshold = (moderation & FIELD.INT_MODERATION.IOC_THRESHOLD) >>> shiftOf(FIELD.INT_MODERATION.IOC_THRESHOLD)
  card.video.tsAtEof = (g & FIELD.GCTRL.TS_SRC_EOF) !== 0
  const strict = (g & FIELD.GCTRL.STRICT_DESC) !== 0
  card.video.strict = strict
  card.audio.strict = strict
}

/** An INT_STATUS or INT_PENDING read: the ISR has seen these bits (7.12 C5). */
function statusRead(card: Vcap1Card, value: number): number {
  card.seenStatus = (card.seenStatus | value) >>> 0
  card.faults.onStatusRead()
  return value
}

/** W1C of INT_STATUS: only what the driver saw should be cleared (7.12 C5). */
function acknowledge(card: Vcap1Card, value: number): void {
  const unseen = (value & card.irq.status & ~card.seenStatus & INT_DEFINED) >>> 0
  if (unseen !== 0) {
    const names = Object.entries(INT)
      .filter(([, bit]) => (unseen & bit) !== 0)
      .map(([n]) => n)
    card.registerProblem(
      `unseen-${names.join(',')}`,
      `INT_STATUS write 0x${value.toString(16)} cleared ${names.join(', ')}, which the driver had not read: an event cleared unseen. Read INT_PENDING once and acknowledge exactly those bits`,
    )
  }
  if ((value & ~INT_DEFINED) !== 0) card.registerProblem('INT_STATUS-reserved', `write of 1 to reserved bits 0x${((value & ~INT_DEFINED) >>> 0).toString(16)} of INT_STATUS`)
  const cleared = card.irq.acknowledge(value & INT_DEFINED)
  card.seenStatus = (card.seenStatus & ~cleared) >>> 0
}

function configuredFrameBytes(card: Vcap1Card): number {
  const r = card.regs
  const layout = layoutFromRegisters(r.get(REG.VID_FORMAT), r.get(REG.VID_SIZE), r.get(REG.VID_STRIDE), r.get(REG.VID_UV_OFFSET))
  return validateLayout(layout) === null ? frameBytes(layout) : 0
}

/** RUN 0 -> 1 of the video channel: the [stopped] registers checked and latched. */
function startVideo(card: Vcap1Card): void {
  const v = card.video
  const r = card.regs
  if (v.stopping) {
    card.registerProblem('VID_CTRL-run-stopping', 'VID_CTRL.RUN set while the channel is still stopping (ignored): wait for HALTED')
    r.set(REG.VID_CTRL, r.get(REG.VID_CTRL) & ~FIELD.VID_CTRL.RUN)
    return
  }
  const layout = layoutFromRegisters(r.get(REG.VID_FORMAT), r.get(REG.VID_SIZE), r.get(REG.VID_STRIDE), r.get(REG.VID_UV_OFFSET))
  const interval = r.get(REG.VID_INTERVAL)
  let problem = validateLayout(layout)
  if (problem === null && (interval < MIN_INTERVAL || interval > MAX_INTERVAL)) problem = `VID_INTERVAL ${interval} is outside ${MIN_INTERVAL}..${MAX_INTERVAL} (60..15 fps)`
  if (problem === null) problem = v.ring.configError(r.get(REG.VID_DESC_BASE_LO), r.get(REG.VID_DESC_BASE_HI), r.get(REG.VID_DESC_COUNT))
  const refused = v.start({ layout, intervalNs: interval * HUNDRED_NS, lateStart: (r.get(REG.VID_CTRL) & FIELD.VID_CTRL.LATE_START) !== 0 }, problem)
  refuseRun(card, 'VID', refused)
}

/** RUN 0 -> 1 of the audio channel. */
function startAudio(card: Vcap1Card): void {
  const a = card.audio
  const r = card.regs
  const format = audioFormatFromRegister(r.get(REG.AUD_FORMAT))
  let problem = a.ring.configError(r.get(REG.AUD_DESC_BASE_LO), r.get(REG.AUD_DESC_BASE_HI), r.get(REG.AUD_DESC_COUNT))
  if ((r.get(REG.AUD_FORMAT) & FIELD.AUD_FORMAT.SAMPLE_SIZE) >>> shiftOf(FIELD.AUD_FORMAT.SAMPLE_SIZE) > 1) problem = 'AUD_FORMAT.SAMPLE_SIZE must be 0 (16-bit) or 1 (24-in-32)'
  if (a.stopping) problem = 'the channel is still stopping: wait for HALTED'
  refuseRun(card, 'AUD', a.start(format, problem))
}

/** A refused RUN: reported, and RUN reads 0 again. */
function refuseRun(card: Vcap1Card, p: 'VID' | 'AUD', refused: string | null): void {
  if (refused === null) return
  const ctrl = REG[`${p}_CTRL`]
  card.registerProblem(`${p}_CTRL-run-${refused}`, `${p}_CTRL.RUN refused: ${refused}`)
  card.regs.set(ctrl, card.regs.get(ctrl) & ~FIELD[`${p}_CTRL`].RUN)
}

/** The channel registers both channels have, for prefix `p` ('VID' or 'AUD'). */
function channelHooks(p: 'VID' | 'AUD', channel: (card: Vcap1Card) => Channel, start: (card: Vcap1Card) => void): { [R in RegisterName]?: Hooks } {
  const ctrl = FIELD[`${p}_CTRL`]
  const status = FIELD[`${p}_STATUS`]
  const configure: Hooks = {
    postWrite: (card) => channel(card).ring.configure(card.regs.get(REG[`${p}_DESC_BASE_LO`]), card.regs.get(REG[`${p}_DESC_BASE_HI`]), card.regs.get(REG[`${p}_DESC_COUNT`])),
  }
  return {
    [named(`${p}_CTRL`)]: {
      postWrite: (card: Vcap1Card, e: WriteEffect) => {
        const ch = channel(card)
        if (p === 'VID') card.video.stopAtEof = (e.after & FIELD.VID_CTRL.STOP_AT_EOF) !== 0
        else card.audio.cyclic = (e.after & FIELD.AUD_CTRL.CYCLIC) !== 0
        if ((e.strobes & ctrl.CH_RESET) !== 0 && !ch.reset()) {
          card.registerProblem(`${p}_CTRL-reset`, `${p}_CTRL.CH_RESET while the channel is not halted (ignored): stop and wait for HALTED first`)
        }
        const runNow = (e.after & ctrl.RUN) !== 0
        const runBefore = (e.before & ctrl.RUN) !== 0
        if (runNow && !runBefore) start(card)
        else if (!runNow && runBefore) ch.stop()
      },
    },
    [named(`${p}_STATUS`)]: {
      value: (card: Vcap1Card) => {
        const ch = channel(card)
        const inFrame = p === 'VID' && card.video.inFrame ? FIELD.VID_STATUS.IN_FRAME : 0
        const fill = ch.fifoPercent() << shiftOf(status.FIFO_FILL)
        return (ch.running ? status.RUNNING : 0) | (ch.halted ? status.HALTED : 0) | inFrame | (ch.error !== 0 ? status.ERROR : 0) | fill
      },
    },
    [named(`${p}_DESC_BASE_LO`)]: configure,
    [named(`${p}_DESC_BASE_HI`)]: configure,
    [named(`${p}_DESC_COUNT`)]: configure,
    [named(`${p}_DESC_TAIL`)]: { value: (card: Vcap1Card) => channel(card).ring.tail, postWrite: (card: Vcap1Card, e: WriteEffect) => channel(card).writeTail(e.written) },
    [named(`${p}_DESC_HEAD`)]: { value: (card: Vcap1Card) => channel(card).ring.head },
    [named(`${p}_ERROR`)]: { value: (card: Vcap1Card) => channel(card).error, postWrite: (card: Vcap1Card, e: WriteEffect) => channel(card).clearError(e.written) },
  }
}

/** Every VCAP-1 register with behaviour of its own; the rest read what the table's access rules stored. */
export const VCAP1_HOOKS: RegisterHookTable<Vcap1Card> = {
  // ---------------------------------------------------------------- global block
  SCRATCH: { value: (card) => ~card.regs.get(REG.SCRATCH) >>> 0 },
  GCTRL: { postWrite: (card, e) => ((e.strobes & FIELD.GCTRL.SOFT_RESET) !== 0 ? card.softReset() : applyGlobal(card)) },
  GSTATUS: {
    value: (card, now) =>
      (card.resetBusy(now) ? FIELD.GSTATUS.RESET_BUSY : 0) | (card.signalLock ? FIELD.GSTATUS.SIGNAL_LOCK : 0) | FIELD.GSTATUS.AUDIO_CLK_LOCK | (card.fatal ? FIELD.GSTATUS.FATAL : 0),
  },
  INT_STATUS: {
    value: (card) => card.irq.status,
    read: (card) => statusRead(card, card.irq.readStatus()),
    preWrite: (card, value) => {
      acknowledge(card, value)
      return false
    },
  },
  INT_ENABLE: { value: (card) => card.irq.enable, postWrite: (card) => applyGlobal(card) },
  INT_PENDING: { value: (card) => card.irq.pending, read: (card) => statusRead(card, card.irq.pending) },
  INT_FORCE: { postWrite: (card, e) => card.irq.raise(e.strobes & INT_DEFINED) },
  INT_MODERATION: { postWrite: (card) => applyGlobal(card) },
  // at() only computes into lo/hi, which every other user reads right after its own call.
  TS_LO: {
    value: (card, now) => {
      card.ts.at(now)
      return card.ts.lo
    },
    high: (card) => card.ts.hi,
  },
  // The torn-timestamp fault: TS_HI reads the counter now instead of the latch.
  TS_HI: {
    value: (card, now) => {
      if (!card.tornTimestamp) return card.latches.peek(REG.TS_HI)
      card.ts.at(now)
      return card.ts.hi
    },
    read: (card, now) => {
      if (!card.tornTimestamp) return card.latches.read(SPEC.TS_HI)
      card.latches.forget(REG.TS_HI)
      card.ts.at(now)
      return card.ts.hi
    },
  },
  TIMER_PERIOD: { postWrite: (card) => card.restartTimer() },
  SIG_WIDTH: { value: (card) => (card.signalLock ? card.signal.width : 0) },
  SIG_HEIGHT: { value: (card) => (card.signalLock ? card.signal.height : 0) },
  SIG_INTERVAL: { value: (card) => (card.signalLock ? card.signal.interval : 0) },

  // ---------------------------------------------------------------- video channel
  ...channelHooks('VID', (card) => card.video, startVideo),
  VID_FRAME_BYTES: { value: (card) => configuredFrameBytes(card) },
  VID_DESC_DONE_CNT: { value: (card) => card.video.ring.doneCount },
  VID_FRAME_CNT: { value: (card) => card.video.frameCount },
  VID_DELIVERED_CNT: { value: (card) => card.video.deliveredCount },
  VID_DROP_CNT: {
    value: (card) => card.video.dropCount,
    postWrite: (card, e) => {
      if (e.written === 0) card.video.dropCount = 0
      else card.registerProblem('VID_DROP_CNT-value', `VID_DROP_CNT written with ${e.written}: only 0 (reset) may be written`)
    },
  },
  VID_LAST_TS_LO: { value: (card) => card.video.lastTsLo >>> 0, high: (card) => card.video.lastTsHi },
  VID_ERR_ADDR_LO: { value: (card) => card.video.errorAddress % TWO_32 },
  VID_ERR_ADDR_HI: { value: (card) => Math.floor(card.video.errorAddress / TWO_32) },
  VID_ERR_DESC: { value: (card) => card.video.errorDescriptor },
  VID_FIFO_SIZE: { value: (card) => card.video.fifoBytes },
  VID_PATTERN: { postWrite: (card, e) => (card.video.pattern = e.written) },

  // ---------------------------------------------------------------- audio channel
  ...channelHooks('AUD', (card) => card.audio, startAudio),
  AUD_POSITION: { value: (card) => card.audio.peekPosition(), read: (card) => card.audio.readPosition() },
  AUD_BYTES_LO: { value: (card) => card.audio.totalBytes() % TWO_32, high: (card) => Math.floor(card.audio.totalBytes() / TWO_32) },
  AUD_LOST_SAMPLES: { value: (card) => card.audio.lostSamplesNow() },
  AUD_TS_LO: { value: (card) => card.audio.chunkTsLo >>> 0, high: (card) => card.audio.chunkTsHi },
  AUD_GEN: { postWrite: (card, e) => (card.audio.generator = e.written) },
}
