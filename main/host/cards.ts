import type { HardwareControl } from '../client/ksClient.js'
import type { PciDevice } from '../hw/pciDevice.js'
import type { Machine } from '../hw/machine.js'
import { Neighbour } from '../hw/neighbour.js'
import { SoftwareDevice } from '../hw/softwareDevice.js'
import { STUB_INT_EVENT, StubCard } from '../hw/stubCard.js'
import { parseDuration, US } from '../contract/time.js'
import type { StepOf } from '../client/scenario/schema.js'
import { FaultInjector, type FaultRequest } from '../hw/vcap1/faultInjector.js'
import { PATTERN_STAMP } from '../hw/vcap1/patterns.js'
import { Vcap1Card } from '../hw/vcap1/vcap1.js'
import { StampFrameChecker } from './stampFrameChecker.js'

export type CardName = 'vcap1' | 'stub' | 'none'

export interface InstalledCard {
  name: CardName
  device: PciDevice
  control: HardwareControl
  /** The VCAP-1 model, when that is the card (the session connects its findings and removal). */
  vcap1?: Vcap1Card
}

/** Card options from the scenario's `device` object. */
export interface CardOptions {
  neighbour?: boolean
  bandwidthMBps?: number
  iommu?: boolean
  msi?: boolean
}

/** A scenario fault step as the card's fault request (durations in ns). */
export function faultRequest(step: StepOf<'fault'>): FaultRequest {
  return {
    fault: step.fault,
    count: step.count,
    probability: step.probability,
    at: step.at === undefined ? undefined : parseDuration(step.at),
    duration: step.duration === undefined ? undefined : parseDuration(step.duration),
    register: step.register,
    access: step.access,
    scope: step.scope,
    value: step.value,
  }
}

/** Which card a driver runs on when the scenario says 'auto': VCAP-1 if it programs VCAP-1 registers. */
export function autoCard(workbenchImports: readonly string[]): CardName {
  return workbenchImports.includes('vcap1') ? 'vcap1' : 'none'
}

/**
 * Builds the card a scenario asks for and plugs it into the machine, with the scenario-facing fault
 * control for it. Faults are out of band: nothing here is reachable from the driver's registers.
 */
export function installCard(name: CardName, machine: Machine, options: CardOptions = {}): InstalledCard {
  const extra = options.neighbour ? new Neighbour(machine) : null
  switch (name) {
    case 'none': {
      const device = new SoftwareDevice()
      machine.plug(device)
      return { name, device, control: noFaults('a software-only device (card "none")') }
    }
    case 'stub': {
      const card = new StubCard()
      machine.plug(card)
      const neighbourDevice = extra ?? new Neighbour(machine)
      const faults: Record<string, () => void> = {
        interrupt: () => card.raise(STUB_INT_EVENT),
        'stuck-interrupt': () => {
          card.stuckBits |= STUB_INT_EVENT
          card.raise(STUB_INT_EVENT)
        },
        'spurious-interrupt': () => neighbourDevice.pulse(2 * US),
        'neighbour-interrupt': () => neighbourDevice.raise(),
        stall: () => card.stall(),
      }
      return {
        name,
        device: card,
        control: {
          frameChecker: null,
          faultNames: () => Object.keys(faults),
          injectFault(step) {
            const fault = faults[step.fault]
            if (fault === undefined) return `the STUB-1 card has no fault '${step.fault}' (faults: ${Object.keys(faults).join(', ')})`
            const k = machine.kernel
            const times = step.count ?? 1
            const first = step.at !== undefined ? parseDuration(step.at) : k.now()
            for (let i = 0; i < times; i++) k.scheduleHw(Math.max(k.now(), first) + i * 100 * US, fault, null)
            return null
          },
        },
      }
    }
    case 'vcap1': {
      const card = new Vcap1Card(machine.kernel, { bandwidthMBps: options.bandwidthMBps, iommu: options.iommu, msi: options.msi })
      machine.plug(card)
      return {
        name,
        device: card,
        vcap1: card,
        control: {
          frameChecker: new StampFrameChecker(() => (card.video.pattern & PATTERN_STAMP) !== 0),
          faultNames: () => FaultInjector.ids(),
          injectFault: (step) => card.faults.inject(faultRequest(step)),
          abortedFrames: () => card.video.abortedCount,
        },
      }
    }
  }
}

function noFaults(what: string): HardwareControl {
  return {
    frameChecker: null,
    faultNames: () => [],
    injectFault: (step) => `${what} has no faults to inject ('${step.fault}')`,
  }
}
