/**
 * The VCAP-1 card's signals over a run, rebuilt from its trace (docs/exports.md, "VCD" says which
 * row gives which signal). The trace records the INTA# level, the FIFO level, DMA and frame slices,
 * register accesses and the channels' events; RUN, HALTED, IN_FRAME and HEAD/TAIL are not traced as
 * such, so they are derived here the way the card sets them (vcap1.md 7.3-7.5):
 *
 * - RUN: CTRL.RUN as the driver wrote it (a read of CTRL resynchronises it), cleared by the card on a
 *   DMA error, by a soft reset, and when set while the channel is still stopping (the card refuses it).
 * - HALTED: 1 at reset; 0 when RUN goes 0 -> 1 on a halted channel with no error latched; 1 again at the
 *   channel's HALTED event, a DMA error (a BAD_CONFIG refusal at RUN is one, at the same instant), or a
 *   soft reset.
 * - IN_FRAME (video): from each SOF to the end of its frame slice; a frame without one (dropped at SOF,
 *   never started, cut by a stop, a halt or an error) ends at its drop, ABORTED, HALTED or error event.
 * - DMA busy: while any DMA slice of the channel is open (video: descriptor fetch, data write,
 *   writeback; audio: a period, from its first sample to its writeback).
 * - HEAD: the index after each written-back descriptor (modulo DESC_COUNT as written), one more after a
 *   stop's ABORTED writeback, the value of any read of DESC_HEAD, 0 after CH_RESET or a soft reset.
 * - TAIL: each write of DESC_TAIL the ring accepts (not one outside it or past HEAD); 0 after CH_RESET or a soft reset.
 * - HEAD and TAIL go to 0 when DESC_COUNT is written smaller than them (or invalid), as the ring does.
 *
 * A signal changes at most once per nanosecond: what a time step ends with is what the VCD shows, so
 * a pulse shorter than 1 ns (an MSI message: INTA# does not move for those) does not appear.
 */
import { FIELD } from '../../hw/vcap1/registers.js'
import { Ev, type VcdEvents } from './vcdEvents.js'

/** A signal of the export: a 1-bit wire or a vector of `width` bits. */
export interface VcdSignal {
  name: string
  width: number
  /** What it is, for the header's comment and the docs. */
  description: string
}

/** The signals in the order they are declared (their index is their number in `changes`). */
export const VCD_SIGNALS: readonly VcdSignal[] = [
  { name: 'INTA#', width: 1, description: 'the INTA# line, 1 while asserted (the electrical pin is active low)' },
  { name: 'vid_RUN', width: 1, description: 'VID_CTRL.RUN' },
  { name: 'vid_HALTED', width: 1, description: 'VID_STATUS.HALTED' },
  { name: 'vid_IN_FRAME', width: 1, description: 'VID_STATUS.IN_FRAME: a frame is being captured' },
  { name: 'vid_DMA_busy', width: 1, description: 'the video DMA engine fetches, writes or writes back a descriptor' },
  { name: 'aud_RUN', width: 1, description: 'AUD_CTRL.RUN' },
  { name: 'aud_HALTED', width: 1, description: 'AUD_STATUS.HALTED' },
  { name: 'aud_DMA_busy', width: 1, description: 'the audio DMA engine holds a period descriptor' },
  { name: 'vid_FIFO_level', width: 32, description: 'video FIFO level in bytes' },
  { name: 'vid_DESC_HEAD', width: 8, description: 'VID_DESC_HEAD' },
  { name: 'vid_DESC_TAIL', width: 8, description: 'VID_DESC_TAIL' },
  { name: 'aud_DESC_HEAD', width: 8, description: 'AUD_DESC_HEAD' },
  { name: 'aud_DESC_TAIL', width: 8, description: 'AUD_DESC_TAIL' },
]

/** Signal numbers. */
export const SIG = { INTA: 0, RUN: [1, 5], HALTED: [2, 6], IN_FRAME: 3, BUSY: [4, 7], FIFO: 8, HEAD: [9, 11], TAIL: [10, 12] } as const

/** Values at reset: the channels are halted, everything else 0. */
export function initialValues(): Float64Array {
  const v = new Float64Array(VCD_SIGNALS.length)
  v[SIG.HALTED[0]] = 1
  v[SIG.HALTED[1]] = 1
  return v
}

const SOFT_RESET = FIELD.GCTRL.SOFT_RESET
const CTRL_RUN = 1
const CTRL_RESET = 2

/** Frames of the video channel between their SOF and their end (at most a few at once). */
class OpenFrames {
  n = 0
  readonly seq = new Float64Array(8)
  readonly sof = new Float64Array(8)
  readonly slice = new Uint8Array(8)

  open(seq: number, sof: number): void {
    if (this.n === this.seq.length) this.remove(0)
    this.seq[this.n] = seq
    this.sof[this.n] = sof
    this.slice[this.n] = 0
    this.n++
  }

  remove(i: number): void {
    for (let j = i + 1; j < this.n; j++) {
      this.seq[j - 1] = this.seq[j]
      this.sof[j - 1] = this.sof[j]
      this.slice[j - 1] = this.slice[j]
    }
    this.n--
  }

  /** Ends the frames that have no slice of their own (all of them, or the one with `seq`). */
  endUnsliced(seq: number | null): void {
    for (let i = this.n - 1; i >= 0; i--) if (this.slice[i] === 0 && (seq === null || this.seq[i] === seq)) this.remove(i)
  }
}

/** Events processed between two yields of deriveSignals (the writer flushes its text there). */
const EVENTS_PER_YIELD = 16384

/**
 * Runs the card's signals through the picked events and calls `emit(timeNs, signal, value)` for every
 * change, in time order, once per signal and nanosecond (times rounded to whole ns); `emit` is not
 * called for the initial values. A generator: it pauses between time steps every few thousand events,
 * so the caller can write what it has (and the file never becomes one string).
 */
export function* deriveSignals(events: VcdEvents, emit: (timeNs: number, signal: number, value: number) => void): Generator<void, void, void> {
  const shown = initialValues()
  const value = initialValues()
  const busyDepth = new Int32Array(2)
  const stopping = new Uint8Array(2)
  const error = new Uint32Array(2)
  const count = new Uint32Array(2)
  const frames = new OpenFrames()
  const touched = new Uint8Array(VCD_SIGNALS.length)
  const { t, ev, ch, a0, order, n } = events
  const set = (signal: number, v: number) => {
    value[signal] = v
    touched[signal] = 1
  }
  const resetChannel = (c: number) => {
    set(SIG.RUN[c], 0)
    set(SIG.HALTED[c], 1)
    set(SIG.HEAD[c], 0)
    set(SIG.TAIL[c], 0)
    stopping[c] = 0
    error[c] = 0
  }
  const inFrame = () => set(SIG.IN_FRAME, frames.n > 0 ? 1 : 0)
  let k = 0
  let sinceYield = 0
  while (k < n) {
    if (sinceYield >= EVENTS_PER_YIELD) {
      sinceYield = 0
      yield
    }
    const time = Math.round(t[order[k]])
    // One time step: every event of this nanosecond, then the changes it leaves.
    for (; k < n && Math.round(t[order[k]]) === time; k++) {
      sinceYield++
      const i = order[k]
      const c = ch[i]
      const v = a0[i]
      switch (ev[i]) {
        case Ev.IrqLevel:
          set(SIG.INTA, v !== 0 ? 1 : 0)
          break
        case Ev.CtrlWrite: {
          const run = value[SIG.RUN[c]] !== 0
          if ((v & CTRL_RUN) !== 0 && !run) {
            if (stopping[c] !== 0 || error[c] !== 0) set(SIG.RUN[c], 0)
            else {
              set(SIG.RUN[c], 1)
              if (value[SIG.HALTED[c]] !== 0) set(SIG.HALTED[c], 0)
            }
          } else if ((v & CTRL_RUN) === 0 && run) {
            set(SIG.RUN[c], 0)
            if (value[SIG.HALTED[c]] === 0) stopping[c] = 1
          }
          if ((v & CTRL_RESET) !== 0 && value[SIG.HALTED[c]] !== 0) {
            error[c] = 0
            set(SIG.HEAD[c], 0)
            set(SIG.TAIL[c], 0)
          }
          break
        }
        case Ev.CtrlRead:
          set(SIG.RUN[c], v & CTRL_RUN)
          break
        case Ev.GctrlWrite:
          if ((v & SOFT_RESET) !== 0) {
            resetChannel(0)
            resetChannel(1)
            frames.endUnsliced(null)
            inFrame()
          }
          break
        case Ev.ErrorW1c:
          error[c] = (error[c] & ~v) >>> 0
          break
        case Ev.DescCountWrite:
          // The ring follows the register (descriptorRing.ts configure): an index past a new count is 0.
          count[c] = v >= 2 && v <= 256 ? v : 0
          if (value[SIG.HEAD[c]] >= count[c]) set(SIG.HEAD[c], 0)
          if (value[SIG.TAIL[c]] >= count[c]) set(SIG.TAIL[c], 0)
          break
        case Ev.TailWrite: {
          // A TAIL outside the ring or past HEAD is refused (RING_OVERRUN, descriptorRing.ts doorbell).
          const nd = count[c]
          const tail = value[SIG.TAIL[c]]
          const available = nd > 0 ? (tail - value[SIG.HEAD[c]] + nd) % nd : 0
          if (nd === 0 || (v < nd && available + ((v - tail + nd) % nd) < nd)) set(SIG.TAIL[c], v & 0xff)
          break
        }
        case Ev.HeadRead:
          set(SIG.HEAD[c], v & 0xff)
          break
        case Ev.DmaError:
          error[c] = (error[c] | (1 << (events.a1[i] & 31))) >>> 0
          set(SIG.RUN[c], 0)
          set(SIG.HALTED[c], 1)
          stopping[c] = 0
          if (c === 0) {
            frames.endUnsliced(null)
            inFrame()
          }
          break
        case Ev.Halted:
          set(SIG.HALTED[c], 1)
          stopping[c] = 0
          if (c === 0) {
            frames.endUnsliced(null)
            inFrame()
          }
          break
        case Ev.Sof:
          frames.open(v, t[i])
          inFrame()
          break
        case Ev.FrameStart:
          for (let f = 0; f < frames.n; f++) if (frames.sof[f] === v) frames.slice[f] = 1
          break
        case Ev.FrameEnd:
          for (let f = 0; f < frames.n; f++) {
            if (frames.sof[f] === v) {
              frames.remove(f)
              break
            }
          }
          inFrame()
          break
        case Ev.FrameEnded:
          frames.endUnsliced(v)
          inFrame()
          break
        case Ev.Aborted:
          frames.endUnsliced(v)
          inFrame()
          set(SIG.HEAD[c], count[c] > 0 ? (value[SIG.HEAD[c]] + 1) % count[c] : value[SIG.HEAD[c]] + 1)
          break
        case Ev.BusyStart:
          if (busyDepth[c]++ === 0) set(SIG.BUSY[c], 1)
          break
        case Ev.BusyEnd:
          if (busyDepth[c] > 0 && --busyDepth[c] === 0) set(SIG.BUSY[c], 0)
          break
        case Ev.WritebackEnd:
          set(SIG.HEAD[c], (count[c] > 0 ? (v + 1) % count[c] : v + 1) & 0xff)
          break
        case Ev.Fifo:
          set(SIG.FIFO, Math.max(0, Math.round(v)) >>> 0)
          break
      }
    }
    for (let s = 0; s < touched.length; s++) {
      if (touched[s] === 0) continue
      touched[s] = 0
      if (value[s] === shown[s]) continue
      shown[s] = value[s]
      emit(time, s, value[s])
    }
  }
}
