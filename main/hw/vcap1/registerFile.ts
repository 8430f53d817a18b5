import { REGISTER_AT, REGISTERS, REGISTER_BY_NAME, bitsOf, definedBits, type FieldSpec, type RegisterName, type RegisterSpec } from './registers.js'

/** What a CPU write did, after the access rules of every field were applied. */
export interface WriteEffect {
  spec: RegisterSpec
  /** The value the driver wrote. */
  written: number
  /** The stored value before and after. */
  before: number
  after: number
  /** Bits written 1 in W1S/WO/SC fields (the "action" bits the device acts on). */
  strobes: number
  /** Bits written 1 in W1C fields (what was cleared). */
  cleared: number
  /** Problems for the register-access check: writes to read-only or reserved bits. */
  problems: string[]
}

/**
 * The access rules of one register as masks, computed once from the table (QEMU's RegisterAccessInfo
 * with its ro and w1c masks). Fields never overlap (registers.test.ts), so each mask is a plain OR.
 */
export interface RegisterRules {
  spec: RegisterSpec
  /** RW bits: stored as written. */
  rw: number
  /** W1C bits: a 1 clears the stored bit. */
  w1c: number
  /** W1S, WO and SC bits: a 1 is an action for the device (a strobe), never stored. */
  strobe: number
  /** WO and SC bits: they read 0. */
  readZero: number
  /** Every defined bit; the rest are reserved. */
  defined: number
  /** RO and RC fields, in table order: writing them is a register-access problem. */
  readOnlyFields: readonly FieldSpec[]
  /** Every field is RO or RC. */
  readOnly: boolean
  /** For the low word of a 64-bit pair: its high word's offset (the high word names it in `highOf`). */
  highWord?: number
}

function maskOf(spec: RegisterSpec, ...access: FieldSpec['access'][]): number {
  return spec.fields.reduce((bits, field) => (access.includes(field.access) ? bits | bitsOf(field) : bits), 0) >>> 0
}

function rulesOf(spec: RegisterSpec): RegisterRules {
  const high = REGISTERS.find((r) => r.highOf === spec.name)
  return {
    spec,
    rw: maskOf(spec, 'RW'),
    w1c: maskOf(spec, 'W1C'),
    strobe: maskOf(spec, 'W1S', 'WO', 'SC'),
    readZero: maskOf(spec, 'WO', 'SC'),
    defined: definedBits(spec),
    readOnlyFields: spec.fields.filter((f) => f.access === 'RO' || f.access === 'RC'),
    readOnly: spec.fields.every((f) => f.access === 'RO' || f.access === 'RC'),
    highWord: high?.offset,
  }
}

/** The rules of every register, by offset. */
export const RULES_AT: ReadonlyMap<number, RegisterRules> = new Map(REGISTERS.map((r) => [r.offset, rulesOf(r)]))

/**
 * Register storage with the access semantics of the register table: RW stores, RO ignores writes, W1C
 * clears, W1S and WO strobe (the device decides what they do), SC strobes and reads 0, reserved bits
 * read 0. It knows nothing of the device: the device's access hooks act on the strobes.
 */
export class RegisterFile {
  readonly values = new Uint32Array(0x400)

  constructor() {
    this.reset()
  }

  reset(filter?: (r: RegisterSpec) => boolean): void {
    for (const r of REGISTERS) if (!filter || filter(r)) this.values[r.offset >>> 2] = r.reset >>> 0
  }

  get(offset: number): number {
    return this.values[offset >>> 2]
  }

  set(offset: number, value: number): void {
    this.values[offset >>> 2] = value >>> 0
  }

  spec(offset: number): RegisterSpec | undefined {
    return REGISTER_AT.get(offset)
  }

  /** The stored value as a read sees it: WO and SC bits read 0. */
  stored(rules: RegisterRules): number {
    const value = this.values[rules.spec.offset >>> 2]
    return rules.readZero === 0 ? value : (value & ~rules.readZero) >>> 0
  }

  /** Applies a 32-bit CPU write to a defined register; the caller checks alignment and [stopped]. */
  write(spec: RegisterSpec, written: number): WriteEffect {
    const rules = RULES_AT.get(spec.offset)!
    const before = this.values[spec.offset >>> 2]
    const w = written >>> 0
    const cleared = (w & rules.w1c) >>> 0
    const after = (((before & ~rules.rw) | (w & rules.rw)) & ~cleared) >>> 0
    const problems: string[] = []
    for (const field of rules.readOnlyFields) {
      // In a register that also has writable fields, writing 0 (or the current value) to a read-only
      // field is how drivers leave it alone; anything else tries to change it.
      const mask = bitsOf(field) >>> 0
      const bits = (w & mask) >>> 0
      if (bits !== ((before & mask) >>> 0) && (bits !== 0 || rules.readOnly)) problems.push(`write to read-only ${spec.name}.${field.name}`)
    }
    const reserved = (w & ~rules.defined) >>> 0
    if (reserved !== 0) problems.push(`write of 1 to reserved bits 0x${reserved.toString(16)} of ${spec.name}`)
    this.values[spec.offset >>> 2] = after
    return { spec, written: w, before, after, strobes: (w & rules.strobe) >>> 0, cleared, problems }
  }
}

/** Reports a register-access problem once per key (the device's findings). */
export type ReportProblem = (key: string, message: string) => void

/**
 * The high words of the 64-bit pairs (a high word names its low word in `highOf`): reading the low
 * word latches the high one, and reading the high word without the low word first is reported.
 */
export class HighWordLatches {
  private readonly latched = new Map<number, number>()
  private readonly lowRead = new Set<number>()

  constructor(private readonly report: ReportProblem) {}

  /** The low word was read: `high` now reads `value`. */
  latch(high: number, value: number): void {
    this.latched.set(high, value >>> 0)
    this.lowRead.add(high)
  }

  /** A CPU read of the high word `spec`. */
  read(spec: RegisterSpec): number {
    const high = spec.offset
    if (!this.lowRead.has(high)) this.report(`${spec.name}-order`, `${spec.name} read without reading ${spec.highOf} first: the 64-bit value may be torn (read LO, then HI)`)
    this.lowRead.delete(high)
    return this.latched.get(high) ?? 0
  }

  /** What the next read of the high word returns, with no side effect. */
  peek(high: number): number {
    return this.latched.get(high) ?? 0
  }

  /** The next read of `high` counts as not preceded by its low word. */
  forget(high: number): void {
    this.lowRead.delete(high)
  }

  clear(): void {
    this.latched.clear()
    this.lowRead.clear()
  }
}

/**
 * What one register does beyond the access rules of the table (QEMU's register.h: pre_write,
 * post_write, post_read). `D` is the device. A register without hooks reads its stored value.
 */
export interface RegisterHooks<D> {
  /** What the register reads now, with no side effects: the inspector's peek, and a CPU read unless `read` is given. Default: the stored value. */
  value?: (dev: D, now: number) => number
  /** A CPU read with its side effects (read-to-clear, a flush, a latch). Default: `value`. */
  read?: (dev: D, now: number) => number
  /** The low word of a 64-bit pair: the high word a read latches, asked right after `value`. */
  high?: (dev: D, now: number) => number
  /** Before the access rules: false when the hook dealt with the write itself (nothing is stored). */
  preWrite?: (dev: D, value: number) => boolean
  /** After the access rules stored the value: what the write sets going. */
  postWrite?: (dev: D, effect: WriteEffect) => void
}

/** Hooks by register name; a misspelt name does not compile. */
export type RegisterHookTable<D> = { readonly [R in RegisterName]?: RegisterHooks<D> }

interface Entry<D> {
  rules: RegisterRules
  hooks: RegisterHooks<D>
}

/**
 * The generic read and write of a register block: the table's access rules (registerFile), the 64-bit
 * latches (the table's highOf), and the device's hooks. So the device has no switch on offsets.
 */
export class RegisterDispatch<D> {
  private readonly entries = new Map<number, Entry<D>>()
  /** The 64-bit pairs' high words (hooks may read them, e.g. a fault that tears a pair). */
  readonly latches: HighWordLatches

  constructor(
    private readonly regs: RegisterFile,
    hooks: RegisterHookTable<D>,
    private readonly dev: D,
    private readonly report: ReportProblem,
  ) {
    this.latches = new HighWordLatches(report)
    for (const name of Object.keys(hooks)) if (REGISTER_BY_NAME.get(name) === undefined) throw new Error(`hooks for unknown register ${name}`)
    for (const [offset, rules] of RULES_AT) this.entries.set(offset, { rules, hooks: hooks[rules.spec.name as RegisterName] ?? {} })
  }

  /** A CPU read of an aligned offset; reserved space reads 0. */
  read(offset: number, now: number): number {
    const entry = this.entries.get(offset)
    if (entry === undefined) return 0
    const { rules, hooks } = entry
    if (hooks.read !== undefined) return hooks.read(this.dev, now)
    if (rules.spec.highOf !== undefined && hooks.value === undefined) return this.latches.read(rules.spec)
    const value = hooks.value !== undefined ? hooks.value(this.dev, now) : this.regs.stored(rules)
    if (hooks.high === undefined || rules.highWord === undefined) return value
    this.latches.latch(rules.highWord, hooks.high(this.dev, now))
    return value >>> 0
  }

  /** What a read of `offset` would return now, with none of a read's side effects. */
  peek(offset: number, now: number): number {
    const entry = this.entries.get(offset)
    if (entry === undefined) return 0
    const { rules, hooks } = entry
    if (hooks.value !== undefined) return hooks.value(this.dev, now)
    if (rules.spec.highOf !== undefined) return this.latches.peek(offset)
    return this.regs.stored(rules)
  }

  /** A CPU write of a defined register that the device has let through ([stopped], reset busy). */
  write(spec: RegisterSpec, value: number): void {
    const { hooks } = this.entries.get(spec.offset)!
    if (hooks.preWrite !== undefined && !hooks.preWrite(this.dev, value)) return
    const effect = this.regs.write(spec, value)
    for (const problem of effect.problems) this.report(`${spec.name}-${problem}`, problem)
    hooks.postWrite?.(this.dev, effect)
  }
}
