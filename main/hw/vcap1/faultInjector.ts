import type { Kernel } from '../../sim/kernel.js'
import type { Rng } from '../../sim/rng.js'
import { MS, SECOND, US } from '../../contract/time.js'
import { Neighbour } from '../neighbour.js'
import { FAULT_BY_ID, FAULTS, type FaultSpec } from './faultCatalogue.js'
import { CMD_BUS_MASTER } from './pci.js'
import { INT, REGISTER_BY_NAME } from './registers.js'
import type { FrameFault } from './videoChannel.js'
import type { Vcap1Card } from './vcap1.js'

/** One injection: which fault, and its trigger (vcap1.md 7.10). Times in ns. */
export interface FaultRequest {
  fault: string
  /** Frames (frame faults) or uses (interrupt faults) it applies to. */
  count?: number
  /** Per-frame probability (frame faults), drawn from the seeded RNG. */
  probability?: number
  /** Virtual time at which it is armed (default: now). */
  at?: number
  /** How long a mode fault (or a probabilistic frame fault) stays active. */
  duration?: number
  /** Armed on the `access`-th access (read or write) to this register. */
  register?: string
  access?: number
  scope?: 'video' | 'audio' | 'global'
  /** The fault's parameter (see the catalogue). */
  value?: number
}

interface FrameRule {
  spec: FaultSpec
  remaining: number
  probability: number | null
  until: number
}

interface AccessWatch {
  offset: number
  remaining: number
  request: FaultRequest
}

/** What the race amplifier may latch: completions, frame starts, the timer, the software bit. */
const RACE_EVENTS = (INT.VID_IOC | INT.VID_SOF | INT.AUD_IOC | INT.TIMER | INT.SW) >>> 0

const FRAME_EFFECT: Record<string, FrameFault> = {
  'frame-drop': 'drop',
  'drop-percent': 'drop',
  'corrupt-frame': 'corrupt',
  'short-frame': 'short',
  'fifo-overflow': 'overflow',
}

/**
 * Out-of-band fault injection (vcap1.md 7.10): nothing here is reachable from the card's BAR, so a
 * driver cannot switch faults on or off. Scenarios (`{ "op": "fault" }`), `mdwb run --fault` and the
 * IDE's fault panel all come through `inject`. Every firing is an instant on the "VCAP-1 faults" track.
 */
export class FaultInjector {
  private readonly frameRules: FrameRule[] = []
  private readonly watches: AccessWatch[] = []
  /** Firings per fault id (for tests and the report). */
  readonly fired = new Map<string, number>()
  private neighbour: Neighbour | null = null
  private raceUntil = -1
  private stormEvent = false

  constructor(
    private readonly card: Vcap1Card,
    private readonly kernel: Kernel,
    private readonly rng: Rng,
  ) {
    card.video.frameFault = (sequence) => this.frameFault(sequence)
  }

  /** Every fault id, in catalogue order. */
  static ids(): string[] {
    return FAULTS.map((f) => f.id)
  }

  /** Arms a fault. Returns an error message for an unknown fault or register, else null. */
  inject(request: FaultRequest): string | null {
    const spec = FAULT_BY_ID.get(request.fault)
    if (spec === undefined) return `VCAP-1 has no fault '${request.fault}' (faults: ${FaultInjector.ids().join(', ')})`
    const k = this.kernel
    if (request.register !== undefined) {
      const r = REGISTER_BY_NAME.get(request.register)
      if (r === undefined) return `fault ${request.fault}: VCAP-1 has no register '${request.register}'`
      this.watches.push({ offset: r.offset, remaining: request.access ?? 1, request })
      return null
    }
    if (request.at !== undefined && request.at > k.now()) k.scheduleHw(request.at, this.arm, request)
    else this.arm(request)
    return null
  }

  /** Every register access passes here (the register trigger). */
  onAccess(offset: number): void {
    if (this.watches.length === 0) return
    for (let i = 0; i < this.watches.length; i++) {
      const w = this.watches[i]
      if (w.offset !== offset || --w.remaining > 0) continue
      this.watches.splice(i--, 1)
      // After the access completes: the fault affects what follows it.
      this.kernel.scheduleHw(this.kernel.now(), this.arm, w.request)
    }
  }

  /** The ISR read INT_STATUS or INT_PENDING (the race amplifier's cue). */
  onStatusRead(): void {
    const k = this.kernel
    if (k.now() > this.raceUntil) return
    const irq = this.card.irq
    // Only events the card raises in normal operation: a fake error would be a different fault.
    const enabled = (irq.enable & RACE_EVENTS) >>> 0
    const candidates = (enabled & ~irq.status) >>> 0
    const bits = candidates !== 0 ? candidates : enabled
    if (bits === 0) return
    const bit = (bits & -bits) >>> 0
    k.scheduleHw(k.now() + this.rng.int(0, 2000), () => {
      this.fire('race-amplifier', `latched 0x${bit.toString(16)} right after the status read`)
      irq.raise(bit)
    }, null)
  }

  /** Asked by the video channel at each SOF. */
  frameFault(sequence: number): FrameFault {
    const now = this.kernel.now()
    for (let i = 0; i < this.frameRules.length; i++) {
      const rule = this.frameRules[i]
      if (now > rule.until) {
        this.frameRules.splice(i--, 1)
        continue
      }
      if (rule.probability !== null) {
        if (!this.rng.chance(rule.probability)) continue
      } else if (--rule.remaining <= 0) this.frameRules.splice(i--, 1)
      this.fire(rule.spec.id, `frame ${sequence}`)
      return FRAME_EFFECT[rule.spec.id] ?? null
    }
    return null
  }

  private fire(id: string, detail: string): void {
    this.fired.set(id, (this.fired.get(id) ?? 0) + 1)
    this.card.faultEvent(id, detail)
  }

  private readonly arm = (request: FaultRequest): void => {
    const spec = FAULT_BY_ID.get(request.fault)!
    const k = this.kernel
    const now = k.now()
    if (spec.kind === 'frame') {
      let probability = request.probability ?? null
      if (probability === null && spec.id === 'drop-percent') probability = (request.value ?? spec.value!.default) / 100
      const until = request.duration !== undefined ? now + request.duration : Infinity
      this.frameRules.push({ spec, remaining: request.count ?? 1, probability, until })
      this.card.faultEvent(spec.id, probability !== null ? `armed: each frame with p=${probability}` : `armed for ${request.count ?? 1} frame(s)`)
      return
    }
    this.apply(spec, request)
  }

  private apply(spec: FaultSpec, request: FaultRequest): void {
    const card = this.card
    const k = this.kernel
    const now = k.now()
    const value = request.value ?? spec.value?.default ?? 0
    const channel = request.scope === 'audio' ? 'audio' : 'video'
    const later = (ns: number, fn: () => void): void => {
      k.scheduleHw(now + ns, fn, null)
    }
    const until = (fn: () => void): void => {
      if (request.duration !== undefined) later(request.duration, fn)
    }
    switch (spec.id) {
      case 'dma-write-abort':
        card.port.abortNextWrite = channel
        this.fire(spec.id, `the next ${channel} data write master-aborts`)
        if (value === 1) card.raiseFatal()
        return
      case 'desc-fetch-abort':
        card.port.abortNextFetch = channel
        this.fire(spec.id, `the next ${channel} descriptor fetch master-aborts`)
        return
      case 'bus-master-disable':
        card.pci.command = card.pci.command & ~CMD_BUS_MASTER
        this.fire(spec.id, 'Bus Master Enable cleared in the PCI Command register')
        return
      case 'spurious-interrupt':
        this.fire(spec.id, 'INTA# pulsed with nothing pending')
        card.irq.pulse(2 * US)
        return
      case 'neighbour-interrupt':
        this.neighbour ??= new Neighbour(card.machine)
        this.fire(spec.id, 'the neighbour device asserts the shared line')
        this.neighbour.raise()
        return
      case 'stuck-status-bit': {
        const bits = (value || INT.VID_IOC) >>> 0
        card.irq.stuckBits = (card.irq.stuckBits | bits) >>> 0
        this.fire(spec.id, `INT_STATUS 0x${bits.toString(16)} ignores W1C`)
        card.irq.raise(bits)
        until(() => {
          card.irq.stuckBits = (card.irq.stuckBits & ~bits) >>> 0
          card.faultEvent(spec.id, 'ended')
        })
        return
      }
      case 'interrupt-storm': {
        const period = Math.max(1, value) * US
        const end = now + (request.duration ?? 10 * MS)
        this.fire(spec.id, `VID_IOC every ${value} µs until ${Math.round(end / US)} µs`)
        if (this.stormEvent) return
        this.stormEvent = true
        const tick = (): void => {
          if (k.now() >= end || card.removed) {
            this.stormEvent = false
            return
          }
          card.irq.raise(INT.VID_IOC)
          k.scheduleHw(k.now() + period, tick, null)
        }
        tick()
        return
      }
      case 'lost-interrupt':
        card.irq.lostAssertions += request.count ?? 1
        this.fire(spec.id, `the next ${request.count ?? 1} assertion(s) are lost`)
        return
      case 'late-interrupt': {
        const interval = (card.regs.get(REGISTER_BY_NAME.get('VID_INTERVAL')!.offset) * 100) || 33 * MS
        card.irq.lateAssertions += request.count ?? 1
        card.irq.lateDelayNs = value * interval
        this.fire(spec.id, `the next ${request.count ?? 1} assertion(s) come ${value} frame(s) late`)
        return
      }
      case 'slow-dma':
        card.video.slowFactor = Math.max(1, value)
        this.fire(spec.id, `bandwidth divided by ${value}`)
        until(() => {
          card.video.slowFactor = 1
          card.faultEvent(spec.id, 'ended')
        })
        return
      case 'dma-timeout':
        this.fire(spec.id, value > 0 ? `the engine stops; DMA_TIMEOUT in ${value} ms` : 'the engine stops silently')
        card.video.freeze()
        if (value > 0) later(value * MS, () => card.video.timeout())
        return
      case 'halt-never-arrives':
        card.video.hangOnStop = true
        this.fire(spec.id, 'the next stop will never reach HALTED')
        until(() => (card.video.hangOnStop = false))
        return
      case 'reset-stuck':
        card.resetStuck = true
        this.fire(spec.id, 'RESET_BUSY stays set')
        until(() => (card.resetStuck = false))
        return
      case 'signal-loss':
        card.signalLock = false
        card.video.signalLost = true
        this.fire(spec.id, 'video signal lost')
        card.irq.raise(INT.SIGNAL_CHANGE)
        until(() => {
          card.signalLock = true
          card.video.signalLost = false
          card.faultEvent(spec.id, 'signal regained')
          card.irq.raise(INT.SIGNAL_CHANGE)
        })
        return
      case 'signal-change':
        card.signal.width = card.signal.width === 1920 ? 1280 : 1920
        card.signal.height = card.signal.height === 1080 ? 720 : 1080
        card.signal.interval = card.signal.interval === 166_833 ? 333_667 : 166_833
        this.fire(spec.id, `input timing now ${card.signal.width}x${card.signal.height}, interval ${card.signal.interval}`)
        card.irq.raise(INT.SIGNAL_CHANGE)
        return
      case 'timestamp-jump':
        card.ts.jump(-Math.round((value * MS) / 100))
        this.fire(spec.id, `timestamp jumps back ${value} ms`)
        return
      case 'timestamp-freeze':
        card.ts.freeze(now)
        this.fire(spec.id, 'timestamp counter frozen')
        later(request.duration ?? 100 * MS, () => {
          card.ts.thaw(k.now())
          card.faultEvent(spec.id, 'ended')
        })
        return
      case 'timestamp-wrap':
        card.ts.nearWrap(now, Math.round((value * SECOND) / 100))
        this.fire(spec.id, `the 64-bit timestamp wraps in ${value} s`)
        return
      case 'timestamp-drift':
        card.ts.setDrift(now, value)
        this.fire(spec.id, `timestamp drift ${value} ppm`)
        until(() => card.ts.setDrift(k.now(), 0))
        return
      case 'sequence-wrap': {
        const start = (0x1_0000_0000 - Math.max(1, value)) >>> 0
        if (card.video.running) card.video.frameCount = start
        else card.video.frameCountStart = start
        card.video.sourceFrames = start
        this.fire(spec.id, `VID_FRAME_CNT continues from 0x${start.toString(16)}`)
        return
      }
      case 'torn-timestamp':
        card.tornTimestamp = true
        this.fire(spec.id, 'TS_LO no longer latches TS_HI')
        until(() => (card.tornTimestamp = false))
        return
      case 'read-to-clear':
        card.irq.readToClear = true
        this.fire(spec.id, 'INT_STATUS is read-to-clear')
        until(() => (card.irq.readToClear = false))
        return
      case 'surprise-removal':
        this.fire(spec.id, 'the card is gone')
        card.surpriseRemove()
        card.onSurpriseRemoval?.()
        return
      case 'power-context-loss':
        card.contextLossOnPowerDown = true
        this.fire(spec.id, 'leaving D0 will clear every register')
        until(() => (card.contextLossOnPowerDown = false))
        return
      case 'audio-overrun': {
        const frames = Math.round((value * 48_000) / 1000)
        this.fire(spec.id, `${frames} sample frames lost`)
        card.audio.loseSamples(frames)
        return
      }
      case 'audio-drift':
        card.audio.setDrift(value)
        this.fire(spec.id, `audio clock drift ${value} ppm`)
        until(() => card.audio.setDrift(0))
        return
      case 'audio-jitter':
        card.audio.positionJitter = value
        this.fire(spec.id, `AUD_POSITION jitter ±${value} bursts`)
        until(() => (card.audio.positionJitter = 0))
        return
      case 'race-amplifier':
        this.raceUntil = request.duration !== undefined ? now + request.duration : Infinity
        card.faultEvent(spec.id, 'armed')
        return
      default:
        throw new Error(`fault ${spec.id} is in the catalogue but not implemented`)
    }
  }
}
