import { US } from '../contract/time.js'

/**
 * How much virtual CPU time driver code costs. Every constant of the cost model is here, so the
 * durations on the timeline can be explained from one page. Values are nanoseconds unless named
 * otherwise; they are deliberately round numbers in the range a 2020s x64 machine shows.
 */
export interface CostModel {
  /** Entering and leaving any minidriver callback (prologue, class-driver bookkeeping around it). */
  callbackBase: number
  /** Any call into a kernel or stream-class service. */
  serviceCall: number
  /** READ_REGISTER_*: an uncached read is a full PCIe round trip. */
  registerRead: number
  /** WRITE_REGISTER_*: posted writes retire quickly. */
  registerWrite: number
  /** Per byte copied by RtlCopyMemory / RtlFillMemory / RtlZeroMemory (PIO into frame buffers). */
  pioPerByte: number
  /** From the line asserting to the ISR's first instruction: minimum and maximum (uniform, seeded). */
  isrDispatchMin: number
  isrDispatchMax: number
  /** A level line still asserted after the ISR returns is taken again this soon (EOI to re-entry). */
  isrReentry: number
  /** From KeInsertQueueDpc to the DPC running, when the CPU is free: minimum and maximum. */
  dpcLatencyMin: number
  dpcLatencyMax: number
  /** From a completed IRP to the application seeing it (I/O completion port wake-up). */
  clientCompletionLatency: number
  /** The application's own work between two requests (one step of the client). */
  clientStep: number
}

export const DEFAULT_COSTS: Readonly<CostModel> = Object.freeze({
  callbackBase: 200,
  serviceCall: 50,
  registerRead: 1 * US,
  registerWrite: 100,
  pioPerByte: 0.1,
  isrDispatchMin: 5 * US,
  isrDispatchMax: 20 * US,
  isrReentry: 1 * US,
  dpcLatencyMin: 10 * US,
  dpcLatencyMax: 100 * US,
  clientCompletionLatency: 2 * US,
  clientStep: 1 * US,
})
