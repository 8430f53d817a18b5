/**
 * Interrupt request levels as the emulated kernel uses them. A CPU runs work at one level at a time;
 * work at a higher level preempts work at a lower level on the same CPU, never the reverse.
 */
export const PASSIVE_LEVEL = 0
export const APC_LEVEL = 1
export const DISPATCH_LEVEL = 2
/** The device interrupt level the emulated bus assigns to cards (BusInterruptLevel). */
export const DEVICE_IRQL = 5
export const HIGH_LEVEL = 15

export type Irql = number

export function irqlName(irql: Irql): string {
  switch (irql) {
    case PASSIVE_LEVEL:
      return 'PASSIVE_LEVEL'
    case APC_LEVEL:
      return 'APC_LEVEL'
    case DISPATCH_LEVEL:
      return 'DISPATCH_LEVEL'
    case HIGH_LEVEL:
      return 'HIGH_LEVEL'
    default:
      return `DIRQL(${irql})`
  }
}
