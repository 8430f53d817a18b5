import type { RegisterAccess } from '../../contract/api.js'
import type { Invoker } from '../../classdriver/invocation.js'
import { srbCommandName } from '../../classdriver/wdk/srbCommands.js'
import { BAR0_SIZE, REGISTERS } from '../../hw/vcap1/registers.js'
import type { Vcap1Card } from '../../hw/vcap1/vcap1.js'
import type { Kernel } from '../../sim/kernel.js'

/** Accesses kept per register (the inspector's "who touched it" list). */
export const HISTORY_DEPTH = 32

const READ = 1
const WRITE = 2

/**
 * The last accesses to each VCAP-1 register (*context*): read or write, value, virtual time, and the
 * driver callback that made it, as the class driver's invoker knows it at the moment of the access
 * ("Vcap1ReceivePacket SRB_INITIALIZE_DEVICE", "Vcap1Interrupt"), with the SRB command the way the
 * timeline names slices. The trace's MMIO instants carry the same times and values, but its CPU slices
 * are named after the work, which for an interrupt is "Interrupt vector 59", not the driver's ISR: so
 * the log is kept where the callback is known. It costs a few typed-array stores per register access
 * (a capture makes a few dozen a frame) and allocates nothing after the first access of each callback.
 */
export class RegisterLog {
  /** BAR0 word index -> slot (-1: no register there). */
  private readonly slotOf = new Int16Array(BAR0_SIZE / 4).fill(-1)
  private readonly times: Float64Array
  private readonly values: Uint32Array
  private readonly ops: Uint8Array
  private readonly callbacks: Int32Array
  /** Accesses recorded per slot (the next entry goes to count % HISTORY_DEPTH). */
  private readonly counts: Float64Array
  private readonly names: string[] = []
  /** Callback name -> name ids by SRB command + 1 (0: no SRB). */
  private readonly nameIds = new Map<string, number[]>()

  constructor(
    private readonly kernel: Kernel,
    private readonly invoker: Invoker,
  ) {
    REGISTERS.forEach((r, slot) => (this.slotOf[r.offset >>> 2] = slot))
    const n = REGISTERS.length * HISTORY_DEPTH
    this.times = new Float64Array(n)
    this.values = new Uint32Array(n)
    this.ops = new Uint8Array(n)
    this.callbacks = new Int32Array(n)
    this.counts = new Float64Array(REGISTERS.length)
  }

  /** Logs every 32-bit register access the card's BAR sees from now on. */
  attach(card: Vcap1Card): void {
    const read = card.mmioRead
    const write = card.mmioWrite
    card.mmioRead = (bar, offset, size) => {
      const value = read.call(card, bar, offset, size)
      if (size === 4) this.record(offset, READ, value)
      return value
    }
    card.mmioWrite = (bar, offset, size, value) => {
      if (size === 4) this.record(offset, WRITE, value)
      write.call(card, bar, offset, size, value)
    }
  }

  /** The accesses to the register at `offset`, oldest first (at most HISTORY_DEPTH). */
  history(offset: number): RegisterAccess[] {
    const slot = offset % 4 === 0 && offset >= 0 && offset < BAR0_SIZE ? this.slotOf[offset >>> 2] : -1
    if (slot < 0) return []
    const count = this.counts[slot]
    const out: RegisterAccess[] = []
    for (let k = Math.max(0, count - HISTORY_DEPTH); k < count; k++) {
      const i = slot * HISTORY_DEPTH + (k % HISTORY_DEPTH)
      const name = this.callbacks[i]
      out.push({ timeNs: this.times[i], op: this.ops[i] === WRITE ? 'write' : 'read', value: this.values[i], callback: name < 0 ? null : this.names[name] })
    }
    return out
  }

  private record(offset: number, op: number, value: number): void {
    if (offset % 4 !== 0 || offset < 0 || offset >= BAR0_SIZE) return
    const slot = this.slotOf[offset >>> 2]
    if (slot < 0) return
    const i = slot * HISTORY_DEPTH + (this.counts[slot]++ % HISTORY_DEPTH)
    this.times[i] = this.kernel.now()
    this.values[i] = value >>> 0
    this.ops[i] = op
    this.callbacks[i] = this.callbackId()
  }

  private callbackId(): number {
    const inv = this.invoker.current
    if (inv === null) return -1
    let ids = this.nameIds.get(inv.name)
    if (ids === undefined) this.nameIds.set(inv.name, (ids = []))
    const slot = inv.srb === null ? 0 : inv.srb._Command + 1
    let id = ids[slot]
    if (id === undefined) {
      id = ids[slot] = this.names.length
      this.names.push(inv.srb === null ? inv.name : `${inv.name} ${srbCommandName(inv.srb._Command)}`)
    }
    return id
  }
}
