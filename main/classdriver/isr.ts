import type { Machine } from '../hw/machine.js'
import type { PciDevice } from '../hw/pciDevice.js'
import type { InterruptObject, StormReport } from '../sim/interrupts.js'
import type { DeviceServices } from './deviceParts.js'
import type { HW_INITIALIZATION_DATA } from './wdk/strminiTypes.js'

/** What the ISR wrapper reads of its device; the interrupt is connected at PnP start. */
export interface InterruptDevice extends DeviceServices {
  readonly machine: Machine
  readonly card: PciDevice
  readonly initData: Readonly<HW_INITIALIZATION_DATA>
  readonly extension: Record<string, any>
  readonly interrupt: InterruptObject | null
  readonly synchronized: boolean
  readonly priority: { readonly activeLower: number }
}

/**
 * The class driver's wrapper around the minidriver's HwInterrupt (docs/classdriver.md#interrupts). It calls the ISR
 * at DIRQL under the interrupt spin lock and judges the answer against what the card is doing: claiming
 * an interrupt the card did not raise steals it from a device sharing the line; refusing one the card
 * did raise leaves the level line asserted, which ends in a storm.
 */
export class InterruptService {
  invocations = 0
  claimed = 0
  spurious = 0
  private stolenReported = 0
  private unclaimedReported = 0
  private lowerReported = false

  constructor(private readonly device: InterruptDevice) {
    device.machine.intaVector.stormHooks.push((report) => this.onStorm(report))
  }

  readonly service = (): boolean => {
    const d = this.device
    const fn = d.initData.HwInterrupt
    if (typeof fn !== 'function') return false
    const k = d.kernel
    const vector = d.interrupt?.vector ?? d.machine.intaVector
    // A message-signalled interrupt is the card's by construction: nothing is shared on its vector.
    const asserting = vector.mode === 'latched' || d.card.interruptAsserted() || d.card.interruptRequested?.() === true
    if (!asserting) this.spurious++
    if (d.synchronized && d.priority.activeLower > 0) {
      if (d.card.interruptsEnabled() && !this.lowerReported) {
        this.lowerReported = true
        d.verifier.report(
          'unsynchronized-access',
          'an interrupt arrived while a Dispatch/Low priority routine ran with the card interrupts enabled; under synchronization that routine is not synchronized with the ISR',
          { severity: 'warning', location: null },
        )
      }
      if (d.settings.interruptDuringLowerPriority === 'lost') return false
    }
    if (vector.consecutive >= vector.stormThreshold - 1) d.invoker.captureNextLocation = true
    const cpu = k.currentCpu
    const start = cpu === null ? 0 : cpu.clock
    this.invocations++
    const result = d.invoker.call('HwInterrupt', fn, d.extension)
    const claimed = result === true || (typeof result === 'number' && result !== 0)
    if (cpu !== null && cpu.clock - start > d.settings.dirqlBudgetNs) {
      d.verifier.report('raised-irql-budget', `${fn.name || 'HwInterrupt'} ran ${((cpu.clock - start) / 1000).toFixed(1)} µs at DIRQL (budget ${d.settings.dirqlBudgetNs / 1000} µs)`, {
        callback: fn.name || 'HwInterrupt',
        location: null,
      })
    }
    if (claimed) {
      this.claimed++
      if (!asserting && this.stolenReported++ < 10) {
        d.verifier.report('interrupt-stolen', `${fn.name || 'HwInterrupt'} returned TRUE but the card was not asserting the interrupt (the line is shared)`, {
          callback: fn.name || 'HwInterrupt',
          location: null,
        })
      }
    } else if (asserting && this.unclaimedReported++ < 10) {
      d.verifier.report('interrupt-unclaimed', `${fn.name || 'HwInterrupt'} returned FALSE while the card was asserting the interrupt`, {
        callback: fn.name || 'HwInterrupt',
        location: null,
      })
    }
    return claimed
  }

  private onStorm(report: StormReport): void {
    const d = this.device
    if (d.interrupt === null || report.last !== d.interrupt) return
    const name = d.initData.HwInterrupt?.name || 'HwInterrupt'
    d.verifier.report('interrupt-storm', `the level-triggered line stayed asserted through ${report.invocations} consecutive invocations of ${name}`, {
      callback: name,
      location: d.invoker.capturedLocation,
    })
  }
}
