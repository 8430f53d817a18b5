import type { StreamClassDevice } from '../classdriver/device.js'
import type { Srb } from '../classdriver/srb.js'
import type { Machine } from '../hw/machine.js'
import type { Vcap1Card } from '../hw/vcap1/vcap1.js'
import { EventKind } from '../sim/trace/recorder.js'

/**
 * Trace flows from a data SRB through the card: when the card writes back the last descriptor of a
 * frame (or audio chunk), the DMA slice joins the flow of the SRB whose buffer it filled, and so does
 * the next interrupt service. With the class driver's own delivery and completion ends, a flow reads
 * SRB delivered -> last descriptor written -> ISR -> SRB completed.
 */
export function connectDmaFlows(machine: Machine, card: Vcap1Card, device: StreamClassDevice): void {
  const k = machine.kernel
  const waiting: Srb[] = []
  const onChainEnd = (address: number, sliceStart: number, track: number): void => {
    const alloc = machine.memory.allocationAt(address)
    const srb = alloc === null ? undefined : device.buffersInFlight.get(alloc)
    if (srb === undefined) return
    k.trace.flow(EventKind.FlowStep, track, sliceStart, srb._id)
    waiting.push(srb)
  }
  card.video.onChainEnd = onChainEnd
  card.audio.onChainEnd = onChainEnd
  const onService = (): void => {
    if (waiting.length === 0) return
    const cpu = k.currentCpu
    const work = k.currentWork()
    // An SRB completed before this service (its flow has ended) gets no step after its end.
    if (cpu !== null && work !== null) for (const srb of waiting) if (!srb._dead) k.trace.flow(EventKind.FlowStep, cpu.track, work.startedAt, srb._id)
    waiting.length = 0
  }
  machine.intaVector.serviceHooks.push(onService)
  machine.msiVector.serviceHooks.push(onService)
}
