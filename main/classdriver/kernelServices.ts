import { BUGCHECK } from '../sim/bugcheck.js'
import { DISPATCH_LEVEL } from '../sim/irql.js'
import type { Work } from '../sim/work.js'
import { formatDbg } from './dbgFormat.js'
import type { StreamClassDriver } from './driver.js'
import { compareStructures, copyStructure, zeroStructure } from './structMemory.js'
import type { KIRQL, LARGE_INTEGER, OUT } from './wdk/strminiTypes.js'

/** KeQueryPerformanceCounter frequency: 10 MHz, as on current Windows. */
export const PERFORMANCE_FREQUENCY = 10_000_000

interface SpinLockState {
  holder: Work | null
  holderCpu: number
}

/** A structure operand of Rtl*Memory: an object (a pool block with fields counts too). */
function isStructure(x: unknown): x is object {
  return x !== null && typeof x === 'object'
}

/** A Length argument as a byte count. */
function bytes(length: unknown): number {
  return Math.max(0, Math.floor(Number(length)) || 0)
}

/** A KSPIN_LOCK as zeroed memory holds it: a plain object with nothing in it. */
function isZeroedLock(lock: object): boolean {
  const proto = Object.getPrototypeOf(lock)
  return (proto === Object.prototype || proto === null) && Reflect.ownKeys(lock).length === 0
}

function describeLock(lock: object): string {
  if (Array.isArray(lock) || ArrayBuffer.isView(lock)) return 'an array'
  const proto = Object.getPrototypeOf(lock)
  if (proto !== Object.prototype && proto !== null) return `a ${proto?.constructor?.name ?? 'class'} object`
  return `an object with fields (${Object.keys(lock).slice(0, 3).join(', ')})`
}

/**
 * The small kernel/HAL surface a minidriver uses: registers, time, stalls, spin locks,
 * KeSynchronizeExecution, memory copies (which cost PIO time) and DbgPrint. Each call is a checkpoint.
 */
export class KernelServices {
  private readonly spinLocks = new WeakMap<object, SpinLockState>()
  /** Streams already reported for CPU copies into buffers they declared DMA-only. */
  private readonly pioReported = new WeakSet<object>()

  constructor(private readonly driver: StreamClassDriver) {}

  private enter(service: string): void {
    this.driver.enter(service)
  }

  readRegister(address: number, size: 1 | 2 | 4): number {
    this.enter('READ_REGISTER')
    return this.driver.machine.bus.read(address, size)
  }

  writeRegister(address: number, size: 1 | 2 | 4, value: number): void {
    this.enter('WRITE_REGISTER')
    this.driver.machine.bus.write(address, size, value)
  }

  queryPerformanceCounter(frequency?: LARGE_INTEGER | null): LARGE_INTEGER {
    this.enter('KeQueryPerformanceCounter')
    if (frequency) frequency.QuadPart = PERFORMANCE_FREQUENCY
    return { QuadPart: Math.floor(this.driver.kernel.now() / 100) }
  }

  queryInterruptTime(): number {
    this.enter('KeQueryInterruptTime')
    return Math.floor(this.driver.kernel.now() / 100)
  }

  stall(microseconds: number): void {
    this.enter('KeStallExecutionProcessor')
    const k = this.driver.kernel
    k.charge(Math.max(0, Math.round(microseconds * 1000)))
    // A busy wait can be interrupted: whatever became due during it runs before it returns.
    k.checkpoint()
  }

  memoryBarrier(): void {
    this.enter('KeMemoryBarrier')
  }

  currentIrql(): KIRQL {
    this.enter('KeGetCurrentIrql')
    return this.driver.kernel.currentIrql()
  }

  initializeSpinLock(lock: object): void {
    this.enter('KeInitializeSpinLock')
    if (lock === null || typeof lock !== 'object') throw new TypeError('KeInitializeSpinLock: SpinLock must be a KSPIN_LOCK object ({})')
    this.spinLocks.set(lock, { holder: null, holderCpu: -1 })
  }

  /**
   * The state of a spin lock. KeInitializeSpinLock only stores 0, so a lock that was never initialised but
   * is zeroed (an empty KSPIN_LOCK object, as a zeroed extension's lock is) is a valid released lock.
   * Only what no KeInitializeSpinLock could have produced is refused: no object at all, or an object
   * that holds something (a structure, an SRB, an array passed in its place).
   */
  private lockState(lock: object, service: string): SpinLockState {
    if (lock === null || typeof lock !== 'object') {
      throw new TypeError(`${service}: SpinLock is ${lock === null ? 'NULL' : String(lock)}, not a KSPIN_LOCK object (create it: ext.Lock = {}): an access violation`)
    }
    let state = this.spinLocks.get(lock)
    if (state === undefined) {
      if (!isZeroedLock(lock)) {
        throw new TypeError(`${service}: the spin lock is garbage: ${describeLock(lock)} was never initialised with KeInitializeSpinLock and is not a zeroed KSPIN_LOCK`)
      }
      state = { holder: null, holderCpu: -1 }
      this.spinLocks.set(lock, state)
    }
    return state
  }

  acquireSpinLock(lock: object, oldIrql: OUT<KIRQL> | null): void {
    this.enter('KeAcquireSpinLock')
    const k = this.driver.kernel
    const state = this.lockState(lock, 'KeAcquireSpinLock')
    const irql = k.currentIrql()
    if (irql > DISPATCH_LEVEL) {
      this.driver.verifier.report(
        'irql-violation',
        `KeAcquireSpinLock called at IRQL ${irql} (above DISPATCH_LEVEL): it may only raise to DISPATCH_LEVEL; at DIRQL use KeSynchronizeExecution, or KeAcquireSpinLockAtDpcLevel, which leaves the IRQL as it is`,
      )
    }
    this.take(state, 'KeAcquireSpinLock')
    const old = k.raiseIrql(DISPATCH_LEVEL)
    if (oldIrql) oldIrql.value = old
  }

  releaseSpinLock(lock: object, newIrql: KIRQL): void {
    this.enter('KeReleaseSpinLock')
    const k = this.driver.kernel
    const state = this.lockState(lock, 'KeReleaseSpinLock')
    this.give(state, 'KeReleaseSpinLock')
    k.lowerIrql(typeof newIrql === 'number' ? newIrql : 0)
  }

  /**
   * KeAcquireSpinLockAtDpcLevel: takes the lock without touching the IRQL, for a caller already at
   * DISPATCH_LEVEL or above (a timer, cancel or timeout routine, a Dispatch priority routine, code
   * holding another spin lock). Below DISPATCH_LEVEL the thread could be preempted or switched while it
   * holds the lock, which is the irql-violation; the lock is still taken, as the real routine would.
   */
  acquireSpinLockAtDpcLevel(lock: object): void {
    this.enter('KeAcquireSpinLockAtDpcLevel')
    const state = this.lockState(lock, 'KeAcquireSpinLockAtDpcLevel')
    const irql = this.driver.kernel.currentIrql()
    if (irql < DISPATCH_LEVEL) {
      this.driver.verifier.report(
        'irql-violation',
        `KeAcquireSpinLockAtDpcLevel called at IRQL ${irql} (below DISPATCH_LEVEL): it does not raise the IRQL, so the holder can be preempted; use KeAcquireSpinLock, which raises to DISPATCH_LEVEL`,
      )
    }
    this.take(state, 'KeAcquireSpinLockAtDpcLevel')
  }

  /** KeReleaseSpinLockFromDpcLevel: releases a lock without touching the IRQL (the pair of KeAcquireSpinLockAtDpcLevel). */
  releaseSpinLockFromDpcLevel(lock: object): void {
    this.enter('KeReleaseSpinLockFromDpcLevel')
    const state = this.lockState(lock, 'KeReleaseSpinLockFromDpcLevel')
    const irql = this.driver.kernel.currentIrql()
    if (irql < DISPATCH_LEVEL) {
      this.driver.verifier.report('irql-violation', `KeReleaseSpinLockFromDpcLevel called at IRQL ${irql} (below DISPATCH_LEVEL); a lock taken with KeAcquireSpinLock is released with KeReleaseSpinLock`)
    }
    this.give(state, 'KeReleaseSpinLockFromDpcLevel')
  }

  /** Takes a released lock for the running Work; a lock already held is the deadlock it would be (0x0F). */
  private take(state: SpinLockState, service: string): void {
    const k = this.driver.kernel
    const cpu = k.currentCpu
    if (state.holder !== null) {
      const preempted = cpu !== null && cpu.stack.includes(state.holder)
      this.driver.fatal(
        BUGCHECK.SPIN_LOCK_ALREADY_OWNED,
        preempted
          ? `${service} on a spin lock this CPU already holds (the holder was preempted): a deadlock`
          : `${service} on a spin lock that a routine which has returned still holds (never released): a deadlock`,
      )
    }
    state.holder = k.currentWork()
    state.holderCpu = cpu?.index ?? -1
  }

  /** Releases a held lock; releasing one nobody holds is bug check 0x10. */
  private give(state: SpinLockState, service: string): void {
    if (state.holder === null) this.driver.fatal(BUGCHECK.SPIN_LOCK_NOT_OWNED, `${service} on a spin lock that is not held`)
    state.holder = null
    state.holderCpu = -1
  }

  /** KeSynchronizeExecution: the routine runs at the interrupt's DIRQL holding its spin lock. */
  synchronizeExecution(interrupt: unknown, routine: (ctx: unknown) => unknown, context: unknown): unknown {
    this.enter('KeSynchronizeExecution')
    const k = this.driver.kernel
    const device = this.driver.deviceOfInterrupt(interrupt)
    if (device === null) throw new TypeError('KeSynchronizeExecution: Interrupt must be ConfigInfo.InterruptObject of a connected interrupt')
    if (typeof routine !== 'function') throw new TypeError('KeSynchronizeExecution: SynchronizeRoutine is not a function')
    const lock = device.interruptLock
    const cpu = k.currentCpu
    if (lock.holder !== null && cpu !== null && cpu.stack.includes(lock.holder)) {
      this.driver.fatal(
        BUGCHECK.SPIN_LOCK_ALREADY_OWNED,
        device.synchronized
          ? 'KeSynchronizeExecution from code that already holds the interrupt spin lock (under synchronization every minidriver routine does): a deadlock'
          : 'KeSynchronizeExecution from inside the ISR or another synchronized routine: a deadlock',
      )
    }
    const old = k.raiseIrql(device.machine.intaVector.irql)
    lock.holder = k.currentWork()
    try {
      return this.driver.invoker.call('SynchronizeRoutine', routine, context)
    } finally {
      lock.holder = null
      lock.freeAt = k.now()
      k.lowerIrql(old)
    }
  }

  copyMemory(destination: unknown, source: unknown, length: number, service = 'RtlCopyMemory'): void {
    this.enter(service)
    if (source instanceof Uint8Array && !(destination instanceof Uint8Array) && this.driver.pool.blockOf(source) === null) {
      throw new TypeError(`${service}: bytes cannot be copied into a structure object (the emulator has no byte image of it); copy the fields from a structure, or bytes into a Uint8Array`)
    }
    if (!(source instanceof Uint8Array && destination instanceof Uint8Array) && isStructure(source) && isStructure(destination)) {
      copyStructure(destination, source, bytes(length), this.separate())
      this.chargePio(bytes(length))
      return
    }
    if (!(destination instanceof Uint8Array) || !(source instanceof Uint8Array)) throw new TypeError(`${service}: Destination and Source must be Uint8Array views or structure objects`)
    const n = this.checkLength(destination, length, service)
    const m = Math.min(n, source.length)
    destination.set(m === source.length ? source : source.subarray(0, m))
    this.chargePio(n)
    this.checkPio(destination, service)
  }

  fillMemory(destination: unknown, length: number, fill: number, service = 'RtlFillMemory'): void {
    this.enter(service)
    if (!(destination instanceof Uint8Array) && isStructure(destination) && (fill & 0xff) === 0) {
      zeroStructure(destination, bytes(length), this.separate())
      this.chargePio(bytes(length))
      return
    }
    if (!(destination instanceof Uint8Array)) throw new TypeError(`${service}: Destination must be a Uint8Array view${isStructure(destination) ? ' (a structure can only be zeroed)' : ''}`)
    const n = this.checkLength(destination, length, service)
    destination.fill(fill & 0xff, 0, n)
    this.chargePio(n)
    this.checkPio(destination, service)
  }

  /** RtlCompareMemory: how many bytes from the start are equal, up to `length` (buffers or structures). */
  compareMemory(source1: unknown, source2: unknown, length: number, service = 'RtlCompareMemory'): number {
    this.enter(service)
    const n = bytes(length)
    let equal: number
    if (source1 instanceof Uint8Array && source2 instanceof Uint8Array) {
      const m = Math.min(n, source1.length, source2.length)
      if (m < n) this.driver.verifier.report('buffer-overrun', `${service} of ${n} bytes reads past a ${Math.min(source1.length, source2.length)}-byte buffer`)
      equal = 0
      while (equal < m && source1[equal] === source2[equal]) equal++
    } else if (isStructure(source1) && isStructure(source2)) {
      equal = compareStructures(source1, source2, n, this.separate())
    } else {
      throw new TypeError(`${service}: Source1 and Source2 must both be Uint8Array views or both structure objects`)
    }
    this.chargePio(equal)
    return equal
  }

  /** Objects that are memory of their own: a field holding one is a pointer, not an embedded structure. */
  private separate(): (o: object) => boolean {
    const roots = new Set(this.driver.memoryRoots())
    return (o) => roots.has(o)
  }

  /** A CPU copy into a data buffer of a stream that declared Pio = FALSE (docs/classdriver.md#rule-basis). */
  private checkPio(destination: Uint8Array, service: string): void {
    const r = this.driver.machine.memory.resolveView(destination)
    if (r === null) return
    for (const device of this.driver.devices) {
      const srb = device.buffersInFlight.get(r.alloc)
      const stream = srb?._StreamObject
      if (!stream || stream.Pio || this.pioReported.has(stream)) continue
      this.pioReported.add(stream)
      this.driver.verifier.report('dma-mode-mismatch', `${service} into a data buffer of stream ${stream.StreamNumber}, whose stream object says Pio = FALSE`)
    }
  }

  private checkLength(destination: Uint8Array, length: number, service: string): number {
    const n = Math.max(0, Math.floor(Number(length)))
    if (n > destination.length) {
      this.driver.verifier.report('buffer-overrun', `${service} of ${n} bytes into a ${destination.length}-byte buffer`)
      return destination.length
    }
    return n
  }

  private chargePio(bytes: number): void {
    const k = this.driver.kernel
    k.charge(Math.round(bytes * k.costs.pioPerByte))
  }

  dbgPrint(format: unknown, args: unknown[]): number {
    this.enter('DbgPrint')
    this.driver.print(formatDbg(format, args))
    return 0
  }
}
