/**
 * What each VCAP-1 fault does to the card when it fires, as a table keyed by fault id (the frame
 * faults, which act at the next SOF, are the video channel's: see faultInjector.ts). The catalogue
 * (faultCatalogue.ts) says what a fault is; this says how the card model produces it.
 */
import type { Kernel } from '../../sim/kernel.js'
import { MS, SECOND, US } from '../../contract/time.js'
import { Neighbour } from '../neighbour.js'
import type { FaultRequest } from './faultInjector.js'
import { CMD_BUS_MASTER } from './pci.js'
import { INT, REG } from './registers.js'
import type { Vcap1Card } from './vcap1.js'

/** What the injector keeps between firings. */
export interface FaultState {
  /** The device sharing INTA# (made the first time it interrupts). */
  neighbour: Neighbour | null
  /** The race amplifier is armed until this virtual time. */
  raceUntil: number
  /** An interrupt storm is ticking (a second injection only moves its end). */
  stormEvent: boolean
}

export interface FaultContext {
  id: string
  card: Vcap1Card
  kernel: Kernel
  state: FaultState
  request: FaultRequest
  /** The fault's parameter: the request's value, else the catalogue's default, else 0. */
  value: number
  channel: 'video' | 'audio'
  now: number
  /** An instant on the "VCAP-1 faults" track, counted as a firing. */
  fire: (detail: string) => void
  /** Runs `fn` `ns` after now. */
  later: (ns: number, fn: () => void) => void
  /** Runs `fn` when the request's duration has passed (never without one). */
  until: (fn: () => void) => void
}

export type FaultHandler = (context: FaultContext) => void

export const FAULT_HANDLERS: Readonly<Record<string, FaultHandler>> = {
  'dma-write-abort': ({ card, fire, value, channel }) => {
    card.port.abortNextWrite = channel
    fire(`the next ${channel} data write master-aborts`)
    if (value === 1) card.raiseFatal()
  },
  'desc-fetch-abort': ({ card, fire, channel }) => {
    card.port.abortNextFetch = channel
    fire(`the next ${channel} descriptor fetch master-aborts`)
  },
  'bus-master-disable': ({ card, fire }) => {
    card.pci.command = card.pci.command & ~CMD_BUS_MASTER
    fire('Bus Master Enable cleared in the PCI Command register')
  },
  'spurious-interrupt': ({ card, fire }) => {
    fire('INTA# pulsed with nothing pending')
    card.irq.pulse(2 * US)
  },
  'neighbour-interrupt': ({ card, fire, state }) => {
    state.neighbour ??= new Neighbour(card.machine)
    fire('the neighbour device asserts the shared line')
    state.neighbour.raise()
  },
  'stuck-status-bit': ({ card, fire, value, until, id }) => {
    const bits = (value || INT.VID_IOC) >>> 0
    card.irq.stuckBits = (card.irq.stuckBits | bits) >>> 0
    fire(`INT_STATUS 0x${bits.toString(16)} ignores W1C`)
    card.irq.raise(bits)
    until(() => {
      card.irq.stuckBits = (card.irq.stuckBits & ~bits) >>> 0
      card.faultEvent(id, 'ended')
    })
  },
  'interrupt-storm': ({ card, kernel: k, fire, state, request, value, now, until }) => {
    const period = Math.max(1, value) * US
    const end = now + (request.duration ?? 10 * MS)
    fire(`VID_IOC every ${value} µs until ${Math.round(end / US)} µs`)
    if (state.stormEvent) return
    state.stormEvent = true
    const tick = (): void => {
      if (k.now() >= end || card.removed) {
        state.stormEvent = false
        return
      }
      card.irq.raise(INT.VID_IOC)
      k.scheduleHw(k.now() + period, tick, null)
    }
    tick()
  },
  'lost-interrupt': ({ card, fire, request }) => {
    card.irq.lostAssertions += request.count ?? 1
    fire(`the next ${request.count ?? 1} assertion(s) are lost`)
  },
  'late-interrupt': ({ card, fire, request, value }) => {
    const interval = (card.regs.get(REG.VID_INTERVAL) * 100) || 33 * MS
    card.irq.lateAssertions += request.count ?? 1
    card.irq.lateDelayNs = value * interval
    fire(`the next ${request.count ?? 1} assertion(s) come ${value} frame(s) late`)
  },
  'slow-dma': ({ card, fire, value, until, id }) => {
    card.video.slowFactor = Math.max(1, value)
    fire(`bandwidth divided by ${value}`)
    until(() => {
      card.video.slowFactor = 1
      card.faultEvent(id, 'ended')
    })
  },
  'dma-timeout': ({ card, fire, value, later }) => {
    fire(value > 0 ? `the engine stops; DMA_TIMEOUT in ${value} ms` : 'the engine stops silently')
    card.video.freeze()
    if (value > 0) later(value * MS, () => card.video.timeout())
  },
  'halt-never-arrives': ({ card, fire, until }) => {
    card.video.hangOnStop = true
    fire('the next stop will never reach HALTED')
    until(() => (card.video.hangOnStop = false))
  },
  'reset-stuck': ({ card, fire, until }) => {
    card.resetStuck = true
    fire('RESET_BUSY stays set')
    until(() => (card.resetStuck = false))
  },
  'signal-loss': ({ card, fire, until, id }) => {
    card.signalLock = false
    card.video.signalLost = true
    fire('video signal lost')
    card.irq.raise(INT.SIGNAL_CHANGE)
    until(() => {
      card.signalLock = true
      card.video.signalLost = false
      card.faultEvent(id, 'signal regained')
      card.irq.raise(INT.SIGNAL_CHANGE)
    })
  },
  'signal-change': ({ card, fire, now }) => {
    card.signal.width = card.signal.width === 1920 ? 1280 : 1920
    card.signal.height = card.signal.height === 1080 ? 720 : 1080
    card.signal.interval = card.signal.interval === 166_833 ? 333_667 : 166_833
    fire(`input timing now ${card.signal.width}x${card.signal.height}, interval ${card.signal.interval}`)
    card.irq.raise(INT.SIGNAL_CHANGE)
  },
  'timestamp-jump': ({ card, fire, value }) => {
    card.ts.jump(-Math.round((value * MS) / 100))
    fire(`timestamp jumps back ${value} ms`)
  },
  'timestamp-freeze': ({ card, kernel: k, fire, request, now, later, id }) => {
    card.ts.freeze(now)
    fire('timestamp counter frozen')
    later(request.duration ?? 100 * MS, () => {
      card.ts.thaw(k.now())
      card.faultEvent(id, 'ended')
    })
  },
  'timestamp-wrap': ({ card, fire, value, now }) => {
    card.ts.nearWrap(now, Math.round((value * SECOND) / 100))
    fire(`the 64-bit timestamp wraps in ${value} s`)
  },
  'timestamp-drift': ({ card, kernel: k, fire, value, now, until }) => {
    card.ts.setDrift(now, value)
    fire(`timestamp drift ${value} ppm`)
    until(() => card.ts.setDrift(k.now(), 0))
  },
  'sequence-wrap': ({ card, fire, value }) => {
    const start = (0x1_0000_0000 - Math.max(1, value)) >>> 0
    if (card.video.running) card.video.frameCount = start
    else card.video.frameCountStart = start
    card.video.sourceFrames = start
    fire(`VID_FRAME_CNT continues from 0x${start.toString(16)}`)
  },
  'torn-timestamp': ({ card, fire, until }) => {
    card.tornTimestamp = true
    fire('TS_LO no longer latches TS_HI')
    until(() => (card.tornTimestamp = false))
  },
  'read-to-clear': ({ card, fire, until }) => {
    card.irq.readToClear = true
    fire('INT_STATUS is read-to-clear')
    until(() => (card.irq.readToClear = false))
  },
  'surprise-removal': ({ card, fire }) => {
    fire('the card is gone')
    card.surpriseRemove()
    card.onSurpriseRemoval?.()
  },
  'power-context-loss': ({ card, fire, until }) => {
    card.contextLossOnPowerDown = true
    fire('leaving D0 will clear every register')
    until(() => (card.contextLossOnPowerDown = false))
  },
  'audio-overrun': ({ card, fire, value }) => {
    const frames = Math.round((value * 48_000) / 1000)
    fire(`${frames} sample frames lost`)
    card.audio.loseSamples(frames)
  },
  'audio-drift': ({ card, fire, value, until }) => {
    card.audio.setDrift(value)
    fire(`audio clock drift ${value} ppm`)
    until(() => card.audio.setDrift(0))
  },
  'audio-jitter': ({ card, fire, value, until }) => {
    card.audio.positionJitter = value
    fire(`AUD_POSITION jitter ±${value} bursts`)
    until(() => (card.audio.positionJitter = 0))
  },
  'race-amplifier': ({ card, state, request, now, id }) => {
    state.raceUntil = request.duration !== undefined ? now + request.duration : Infinity
    card.faultEvent(id, 'armed')
  },
}
