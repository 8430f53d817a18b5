import type { InterruptObject } from '../sim/interrupts.js'
import type { IrqOutput } from './irqLine.js'
import type { Machine } from './machine.js'

/**
 * Another device on the same shared INTA# wire, with its own (well-behaved, built-in) ISR. It lets a
 * scenario or test check that the minidriver's ISR returns FALSE for interrupts that are not its own,
 * and catches ISRs that claim them (which starves the neighbour and storms the line).
 */
export class Neighbour {
  readonly name = 'neighbour'
  private readonly out: IrqOutput
  private isr: InterruptObject | null = null
  private pendingService = false
  /** Interrupts this device raised, and how many its ISR serviced. */
  raised = 0
  serviced = 0

  constructor(private readonly machine: Machine) {
    this.out = machine.inta.attach(this.name)
  }

  /** Asserts the line until the neighbour's own ISR services it. */
  raise(): void {
    this.connectIsr()
    this.raised++
    this.pendingService = true
    this.out.set(true)
  }

  /** A glitch: asserts the line for `durationNs`, with nothing to service (a spurious interrupt). */
  pulse(durationNs: number): void {
    const k = this.machine.kernel
    this.raised++
    this.out.set(true)
    k.scheduleHw(k.now() + durationNs, () => this.out.set(false), null)
  }

  get asserting(): boolean {
    return this.out.asserted
  }

  /** Connected on first use, after the minidriver's ISR, so the minidriver's ISR sees the interrupt first. */
  private connectIsr(): void {
    if (this.isr !== null) return
    this.isr = this.machine.intaVector.connect('NeighbourIsr', () => {
      this.machine.kernel.charge(500)
      if (!this.pendingService) return false
      this.pendingService = false
      this.serviced++
      this.out.set(false)
      return true
    })
  }
}
