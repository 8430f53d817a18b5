import { HUNDRED_NS } from '../../contract/time.js'

const TWO_32 = 0x1_0000_0000

/**
 * The card's 64-bit timestamp counter: 100 ns units since reset, TS(t) = floor((t - t_reset) / 100 ns ·
 * (1 + drift_ppm · 1e-6)) (vcap1.md 7.6). Faults add jumps, a freeze, a 64-bit wrap and drift (7.10
 * #19). The value is produced as two 32-bit words, because near a wrap it does not fit a double.
 */
export class TimestampCounter {
  private resetAt = 0
  driftPpm = 0
  /** Added ticks (negative: a backwards jump). */
  private jumpTicks = 0
  /** While frozen, the counter holds this tick value. */
  private frozenTicks: number | null = null
  /** A base added to the count, as two words (the 64-bit wrap fault starts it just below 2^64). */
  private baseHi = 0
  private baseLo = 0
  /** Result words of the last `at()`; read them right after the call. */
  lo = 0
  hi = 0

  reset(now: number): void {
    this.resetAt = now
    this.jumpTicks = 0
    this.frozenTicks = null
    this.baseHi = 0
    this.baseLo = 0
  }

  /** Ticks since reset at virtual time `now` (before the 64-bit base). */
  ticks(now: number): number {
    if (this.frozenTicks !== null) return this.frozenTicks
    const elapsed = (now - this.resetAt) / HUNDRED_NS
    const scaled = this.driftPpm === 0 ? elapsed : elapsed * (1 + this.driftPpm * 1e-6)
    return Math.max(0, Math.floor(scaled) + this.jumpTicks)
  }

  /** Computes the 64-bit value at `now` into `lo`/`hi`, and returns it as a number (exact below 2^53). */
  at(now: number): number {
    const t = this.ticks(now)
    const tLo = t % TWO_32
    const tHi = Math.floor(t / TWO_32)
    const lo = tLo + this.baseLo
    this.lo = lo % TWO_32
    this.hi = (tHi + this.baseHi + Math.floor(lo / TWO_32)) % TWO_32
    return this.hi * TWO_32 + this.lo
  }

  /**
   * Fault: from `now` on the counter runs `ppm` fast (negative: slow). Drift is a rate, so the count is
   * rebased to go on from its value now: setting or ending it must not look like a jump.
   */
  setDrift(now: number, ppm: number): void {
    const before = this.ticks(now)
    this.driftPpm = ppm
    this.jumpTicks += before - this.ticks(now)
  }

  /** Fault: jump by `ticks` (negative jumps backwards). */
  jump(ticks: number): void {
    this.jumpTicks += ticks
  }

  freeze(now: number): void {
    this.frozenTicks = this.ticks(now)
  }

  /** Ends a freeze: the counter goes on from where it held (the frozen time is lost, like a stalled clock). */
  thaw(now: number): void {
    if (this.frozenTicks === null) return
    const held = this.frozenTicks
    this.frozenTicks = null
    this.jumpTicks += held - this.ticks(now)
  }

  /** Fault: the count restarts `ticksBeforeWrap` ticks below 2^64. */
  nearWrap(now: number, ticksBeforeWrap: number): void {
    const t = this.ticks(now)
    // base = 2^64 - ticksBeforeWrap - t, as two words
    const sub = ticksBeforeWrap + t
    const subHi = Math.floor(sub / TWO_32)
    const subLo = sub % TWO_32
    this.baseLo = (TWO_32 - subLo) % TWO_32
    this.baseHi = (TWO_32 - subHi - (subLo === 0 ? 0 : 1) + TWO_32) % TWO_32
  }
}
