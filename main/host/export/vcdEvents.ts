/**
 * The trace rows the VCD export reads (vcdSignals.ts), picked out of a run's trace and put in time
 * order: the INTA# level, the VCAP-1 register accesses that move a signal, the channels' events, DMA
 * slices, frames and the FIFO counter. Stored as columns of typed arrays (a trace of millions of rows
 * gives a few hundred thousand of these), sorted once by (time, row order).
 */
import { EventKind, type TraceRecorder } from '../../sim/trace/recorder.js'
import { INTA_VECTOR } from '../../hw/machine.js'

/** What a picked row means to the signals. `ch` is 0 for video, 1 for audio. */
export const Ev = {
  IrqLevel: 1,
  CtrlWrite: 2,
  CtrlRead: 3,
  StatusRead: 4,
  GctrlWrite: 5,
  ErrorW1c: 6,
  DescCountWrite: 7,
  TailWrite: 8,
  HeadRead: 9,
  DmaError: 10,
  Halted: 11,
  Sof: 12,
  FrameStart: 13,
  FrameEnd: 14,
  FrameEnded: 15,
  Aborted: 16,
  BusyStart: 17,
  BusyEnd: 18,
  WritebackEnd: 19,
  Fifo: 20,
} as const

/** The track names the export looks for (the card's, the machine's INTA# vector). */
export const VCD_TRACKS = {
  inta: `IRQ ${INTA_VECTOR}`,
  mmio: 'MMIO VCAP-1 BAR0',
  videoDma: 'VCAP-1 video DMA',
  videoFrames: 'VCAP-1 video frames',
  videoFifo: 'VCAP-1 video FIFO',
  videoEvents: 'VCAP-1 video events',
  audioDma: 'VCAP-1 audio DMA',
  audioEvents: 'VCAP-1 audio events',
} as const

/** Register accesses by their trace name ("write VID_CTRL"): [event, channel]. */
const MMIO_EVENTS: Record<string, [number, number]> = {
  'write VID_CTRL': [Ev.CtrlWrite, 0],
  'write AUD_CTRL': [Ev.CtrlWrite, 1],
  'read VID_CTRL': [Ev.CtrlRead, 0],
  'read AUD_CTRL': [Ev.CtrlRead, 1],
  'read VID_STATUS': [Ev.StatusRead, 0],
  'read AUD_STATUS': [Ev.StatusRead, 1],
  'write GCTRL': [Ev.GctrlWrite, 0],
  'write VID_ERROR': [Ev.ErrorW1c, 0],
  'write AUD_ERROR': [Ev.ErrorW1c, 1],
  'write VID_DESC_COUNT': [Ev.DescCountWrite, 0],
  'write AUD_DESC_COUNT': [Ev.DescCountWrite, 1],
  'write VID_DESC_TAIL': [Ev.TailWrite, 0],
  'write AUD_DESC_TAIL': [Ev.TailWrite, 1],
  'read VID_DESC_HEAD': [Ev.HeadRead, 0],
  'read AUD_DESC_HEAD': [Ev.HeadRead, 1],
}

/** The picked rows in time order: `n` events, columns indexed through `order`. */
export class VcdEvents {
  n = 0
  t = new Float64Array(1024)
  ev = new Uint8Array(1024)
  ch = new Uint8Array(1024)
  a0 = new Float64Array(1024)
  a1 = new Float64Array(1024)
  /** Indices in time order (ties: the order rows were recorded, slice starts after the instants at their time). */
  order = new Uint32Array(0)
  /** The latest time on the trace (the VCD's last timestamp). */
  endNs = 0
  /** Which of the card's tracks the trace has (a run without VCAP-1 has none of them). */
  hasCard = false

  push(t: number, ev: number, ch: number, a0 = 0, a1 = 0): void {
    if (this.n === this.t.length) this.grow()
    const i = this.n++
    this.t[i] = t
    this.ev[i] = ev
    this.ch[i] = ch
    this.a0[i] = a0
    this.a1[i] = a1
  }

  private grow(): void {
    const size = this.t.length * 2
    const f = (a: Float64Array) => {
      const b = new Float64Array(size)
      b.set(a)
      return b
    }
    const u = (a: Uint8Array) => {
      const b = new Uint8Array(size)
      b.set(a)
      return b
    }
    this.t = f(this.t)
    this.a0 = f(this.a0)
    this.a1 = f(this.a1)
    this.ev = u(this.ev)
    this.ch = u(this.ch)
  }

  sort(): void {
    const order = new Uint32Array(this.n)
    for (let i = 0; i < this.n; i++) order[i] = i
    const t = this.t
    // Push order is row order, so the index breaks ties between equal times as the run recorded them.
    order.sort((a, b) => t[a] - t[b] || a - b)
    this.order = order
  }
}

/** Picks the rows of `trace` that move the VCD's signals, in time order. */
export function collectVcdEvents(trace: TraceRecorder): VcdEvents {
  const out = new VcdEvents()
  const trackIds = new Map<string, number>()
  trace.tracks.forEach((info, id) => trackIds.set(info.name, id))
  const id = (name: string) => trackIds.get(name) ?? -1
  const inta = id(VCD_TRACKS.inta)
  const mmio = id(VCD_TRACKS.mmio)
  const vDma = id(VCD_TRACKS.videoDma)
  const vFrames = id(VCD_TRACKS.videoFrames)
  const vFifo = id(VCD_TRACKS.videoFifo)
  const vEvents = id(VCD_TRACKS.videoEvents)
  const aDma = id(VCD_TRACKS.audioDma)
  const aEvents = id(VCD_TRACKS.audioEvents)
  out.hasCard = mmio >= 0 || vDma >= 0 || aDma >= 0
  // What each interned name means here, looked up once per name (-1: not ours, 0: unknown yet).
  const meaning = new Map<number, number>()
  const nameEvent = (name: number, track: number): number => {
    let m = meaning.get(name * 8 + (track === mmio ? 1 : track === vEvents ? 2 : 3))
    if (m !== undefined) return m
    const text = trace.strings.get(name)
    if (track === mmio) {
      const e = MMIO_EVENTS[text]
      m = e === undefined ? -1 : e[0] * 2 + e[1]
    } else if (text === 'SOF') m = Ev.Sof
    else if (text === 'HALTED') m = Ev.Halted
    else if (text === 'DMA error') m = Ev.DmaError
    else if (text === 'frame dropped' || text === 'FIFO_OVF') m = Ev.FrameEnded
    else if (text === 'ABORTED') m = Ev.Aborted
    else m = -1
    meaning.set(name * 8 + (track === mmio ? 1 : track === vEvents ? 2 : 3), m)
    return m
  }
  const wbName = trace.strings.has('writeback') ? trace.strings.intern('writeback') : -1
  let rowBase = 0
  for (const c of trace.chunks) {
    const rows = Math.min(c.ts.length, trace.count - rowBase)
    rowBase += rows
    for (let i = 0; i < rows; i++) {
      const track = c.track[i]
      const kind = c.kind[i]
      const ts = c.ts[i]
      const end = kind === EventKind.Slice ? ts + c.x[i] : ts
      if (end > out.endNs) out.endNs = end
      if (track === inta) {
        if (kind === EventKind.Counter) out.push(ts, Ev.IrqLevel, 0, c.a0[i])
      } else if (track === mmio) {
        const m = nameEvent(c.name[i], track)
        if (m > 0) out.push(ts, m >> 1, m & 1, c.a0[i])
      } else if (track === vEvents || track === aEvents) {
        const m = nameEvent(c.name[i], track)
        if (m > 0) out.push(ts, m, track === vEvents ? 0 : 1, c.a0[i], c.a1[i])
      } else if (track === vFifo) {
        if (kind === EventKind.Counter) out.push(ts, Ev.Fifo, 0, c.a0[i])
      } else if (kind === EventKind.Slice && (track === vDma || track === aDma)) {
        const ch = track === vDma ? 0 : 1
        out.push(ts, Ev.BusyStart, ch)
        out.push(end, Ev.BusyEnd, ch)
        // Audio periods end when their descriptor is written back; video has its own writeback slice.
        if (ch === 1 || c.name[i] === wbName) out.push(end, Ev.WritebackEnd, ch, c.a0[i])
      } else if (kind === EventKind.Slice && track === vFrames) {
        out.push(ts, Ev.FrameStart, 0, ts)
        out.push(end, Ev.FrameEnd, 0, ts)
      }
    }
  }
  out.sort()
  return out
}
