import type { HardwareControl } from '../client/ksClient.js'
import type { PciDevice } from '../hw/device.js'
import type { Machine } from '../hw/machine.js'
import { Neighbour } from '../hw/neighbour.js'
import { SoftwareDevice } from '../hw/softwareDevice.js'
import { STUB_INT_EVENT, StubCard } from '../hw/stubCard.js'
import { parseDuration, US } from '../sim/time.js'

export type CardName = 'vcap1' | 'stub' | 'none'

export interface InstalledCard {
  name: CardName
  device: PciDevice
  control: HardwareControl
}

/** Which card a driver runs on when the scenario says 'auto': VCAP-1 if it programs VCAP-1 registers. */
export function autoCard(workbenchImports: Set<string>): CardName {
  return workbenchImports.has('vcap1') ? 'vcap1' : 'none'
}

/**
 * Builds the card a scenario asks for and plugs it into the machine, with the scenario-facing fault
 * control for it. Faults are out of band: nothing here is reachable from the driver's registers.
 */
export function installCard(name: CardName, machine: Machine, neighbour: boolean): InstalledCard {
  const extra = neighbour ? new Neighbour(machine) : null
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
    case 'vcap1':
      throw new Error('the VCAP-1 card model is not part of this build yet; use "card": "stub" or "none"')
  }
}

function noFaults(what: string): HardwareControl {
  return {
    frameChecker: null,
    faultNames: () => [],
    injectFault: (step) => `${what} has no faults to inject ('${step.fault}')`,
  }
}
