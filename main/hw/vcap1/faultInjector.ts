import type { Kernel } from '../../sim/kernel.js'
import type { Rng } from '../../sim/rng.js'
import { FAULT_BY_ID, FAULTS, type FaultSpec } from './faultCatalogue.js'
import { FAULT_HANDLERS, type FaultState } from './faultHandlers.js'
import { INT, REGISTER_BY_NAME } from './registers.js'
import type { FrameFault } from './videoFrame.js'
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
  private readonly state: FaultState = { neighbour: null, raceUntil: -1, stormEvent: false }

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
    if (k.now() > this.state.raceUntil) return
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
    const handler = FAULT_HANDLERS[spec.id]
    if (handler === undefined) throw new Error(`fault ${spec.id} is in the catalogue but not implemented`)
    const k = this.kernel
    const now = k.now()
    handler({
      id: spec.id,
      card: this.card,
      kernel: k,
      state: this.state,
      request,
      value: request.value ?? spec.value?.default ?? 0,
      channel: request.scope === 'audio' ? 'audio' : 'video',
      now,
      fire: (detail) => this.fire(spec.id, detail),
      later: (ns, fn) => void k.scheduleHw(now + ns, fn, null),
      until: (fn) => {
        if (request.duration !== undefined) k.scheduleHw(now + request.duration, fn, null)
      },
    })
  }
}
