import { Ajv, type ValidateFunction } from 'ajv'

/**
 * A strict validator for Chrome Trace Event JSON (engineering-notes.md 1a). The real consumers are
 * lenient (Catapult accepts overlapping X events and non-numeric counters; Perfetto drops what it does
 * not like), so this checks what they silently forgive: a JSON schema per phase, then semantics:
 * B/E balance and nesting, no partially overlapping X on a thread, b/e matched and nested per (cat, id),
 * flow s -> t* -> f ordering with the same (cat, name, id) and each bound to a slice at exactly its
 * (ts, pid, tid, cat), numeric counter values, every pid/tid named by metadata, finite ts >= 0.
 */

export interface ValidationResult {
  ok: boolean
  errors: string[]
  warnings: string[]
  stats: { events: number; slices: number; asyncSpans: number; flows: number; counters: number; instants: number; threads: number }
}

const ID = { anyOf: [{ type: 'string' }, { type: 'integer' }] }
const common = {
  name: { type: 'string', minLength: 1 },
  cat: { type: 'string' },
  ts: { type: 'number' },
  pid: { type: 'integer' },
  tid: { type: 'integer' },
  args: { type: 'object' },
}
const phaseSchemas: Record<string, object> = {
  X: { type: 'object', required: ['name', 'ts', 'dur', 'pid', 'tid'], properties: { ...common, dur: { type: 'number', minimum: 0 } } },
  B: { type: 'object', required: ['name', 'ts', 'pid', 'tid'], properties: common },
  E: { type: 'object', required: ['name', 'ts', 'pid', 'tid'], properties: common },
  i: { type: 'object', required: ['name', 'ts', 'pid'], properties: { ...common, s: { enum: ['g', 'p', 't'] } } },
  I: { type: 'object', required: ['name', 'ts', 'pid'], properties: { ...common, s: { enum: ['g', 'p', 't'] } } },
  C: {
    type: 'object',
    required: ['name', 'ts', 'pid', 'args'],
    properties: { ...common, args: { type: 'object', minProperties: 1, additionalProperties: { type: 'number' } } },
  },
  b: { type: 'object', required: ['name', 'cat', 'ts', 'pid'], properties: { ...common, id: ID, id2: { type: 'object' } } },
  e: { type: 'object', required: ['name', 'cat', 'ts', 'pid'], properties: { ...common, id: ID, id2: { type: 'object' } } },
  n: { type: 'object', required: ['name', 'cat', 'ts', 'pid'], properties: { ...common, id: ID, id2: { type: 'object' } } },
  s: { type: 'object', required: ['name', 'cat', 'id', 'ts', 'pid', 'tid'], properties: { ...common, id: ID } },
  t: { type: 'object', required: ['name', 'cat', 'id', 'ts', 'pid', 'tid'], properties: { ...common, id: ID } },
  f: { type: 'object', required: ['name', 'cat', 'id', 'ts', 'pid', 'tid'], properties: { ...common, id: ID, bp: { enum: ['e'] } } },
  M: {
    type: 'object',
    required: ['name', 'pid', 'args'],
    properties: {
      name: { enum: ['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index', 'process_labels'] },
      pid: { type: 'integer' },
      tid: { type: 'integer' },
      args: { type: 'object' },
    },
  },
}
let compiledValidators: Record<string, ValidateFunction> | null = null
/** The per-phase validators, compiled at the first validation rather than at import (which every mdwb command would pay at start-up). */
function validators(): Record<string, ValidateFunction> {
  if (compiledValidators === null) {
    const ajv = new Ajv({ allErrors: true, strict: false })
    compiledValidators = Object.fromEntries(Object.entries(phaseSchemas).map(([ph, s]) => [ph, ajv.compile(s)]))
  }
  return compiledValidators
}

type Ev = Record<string, any>

/** Validates trace text (or an already-parsed value). */
export function validateChromeTrace(input: string | unknown): ValidationResult {
  const checker = new TraceChecker()
  const events = checker.documentEvents(input)
  if (events !== null) {
    checker.stats.events = events.length
    events.forEach((raw, i) => checker.event(raw, i))
    checker.unclosed()
    checker.sliceNesting()
    checker.flowBinding()
    checker.naming()
  }
  return checker.result()
}

/** One validation: what it has seen so far, and a method per check (chromeTraceValidateFile.ts feeds it a file's events one at a time). */
export class TraceChecker {
  readonly errors: string[] = []
  readonly warnings: string[] = []
  readonly stats = { events: 0, slices: 0, asyncSpans: 0, flows: 0, counters: 0, instants: 0, threads: 0 }
  private readonly processNames = new Set<number>()
  private readonly threadNames = new Set<string>()
  private readonly used: { pid: number; tid: number | undefined; i: number }[] = []
  // Per thread: open B stack, and X intervals for overlap and flow binding.
  private readonly bStacks = new Map<string, { name: string; ts: number; i: number }[]>()
  private readonly sliceStarts = new Map<string, Set<string>>()
  private readonly xByThread = new Map<string, { ts: number; end: number; i: number }[]>()
  private readonly asyncOpen = new Map<string, { name: string; ts: number; i: number }[]>()
  private readonly flows = new Map<string, { ph: string; ts: number; i: number }[]>()
  private readonly flowEvents: { ev: Ev; i: number }[] = []
  private readonly phaseValidators = validators()

  /** After the events of a file were fed one at a time (chromeTraceValidateFile.ts): the document checks, then the checks over all events. */
  finish(events: number, displayTimeUnit: unknown): ValidationResult {
    if (displayTimeUnit !== undefined && displayTimeUnit !== 'ms' && displayTimeUnit !== 'ns') this.errors.unshift(`displayTimeUnit must be "ms" or "ns", got ${JSON.stringify(displayTimeUnit)}`)
    this.stats.events = events
    this.unclosed()
    this.sliceNesting()
    this.flowBinding()
    this.naming()
    return this.result()
  }

  result(): ValidationResult {
    return { ok: this.errors.length === 0, errors: this.errors, warnings: this.warnings, stats: this.stats }
  }

  private limit(list: string[], msg: string): void {
    if (list.length < 200) list.push(msg)
    else if (list.length === 200) list.push('... further problems omitted')
  }

  private err(i: number, msg: string): void {
    this.limit(this.errors, `event ${i}: ${msg}`)
  }

  /** The event list of the document (an array, or an object with traceEvents), or null after an error. */
  documentEvents(input: string | unknown): unknown[] | null {
    let doc: unknown = input
    if (typeof input === 'string') {
      try {
        doc = JSON.parse(input)
      } catch (e) {
        this.errors.push(`not JSON: ${(e as Error).message}`)
        return null
      }
    }
    if (Array.isArray(doc)) return doc
    if (doc !== null && typeof doc === 'object' && Array.isArray((doc as Ev).traceEvents)) {
      const unit = (doc as Ev).displayTimeUnit
      if (unit !== undefined && unit !== 'ms' && unit !== 'ns') this.errors.push(`displayTimeUnit must be "ms" or "ns", got ${JSON.stringify(unit)}`)
      return (doc as Ev).traceEvents
    }
    this.errors.push('expected a JSON array of events or an object with a traceEvents array')
    return null
  }

  /** One event: its phase's schema, then what its phase pairs with. */
  event(raw: unknown, i: number): void {
    if (raw === null || typeof raw !== 'object') return this.err(i, 'not an object')
    const ev = raw as Ev
    const ph = ev.ph
    const validate = this.phaseValidators[ph as string]
    if (!validate) return this.err(i, `unknown phase ${JSON.stringify(ph)}`)
    const valid: boolean = validate(raw)
    if (!valid) {
      for (const e of validate.errors ?? []) this.err(i, `(${ph} ${JSON.stringify(ev.name ?? '')}) ${e.instancePath || 'event'} ${e.message}`)
      return
    }
    if (ph === 'M') {
      if (ev.name === 'process_name') this.processNames.add(ev.pid)
      if (ev.name === 'thread_name') this.threadNames.add(`${ev.pid}/${ev.tid}`)
      return
    }
    if (!Number.isFinite(ev.ts) || ev.ts < 0) return this.err(i, `ts must be finite and >= 0, got ${ev.ts}`)
    this.used.push({ pid: ev.pid, tid: ev.tid, i })
    const thread = `${ev.pid}/${ev.tid}`
    switch (ph) {
      case 'X': {
        this.stats.slices++
        if (!Number.isFinite(ev.dur)) return this.err(i, 'X without a finite dur')
        const list = this.xByThread.get(thread) ?? []
        list.push({ ts: ev.ts, end: ev.ts + ev.dur, i })
        this.xByThread.set(thread, list)
        addStart(this.sliceStarts, thread, ev)
        break
      }
      case 'B': {
        this.stats.slices++
        const st = this.bStacks.get(thread) ?? []
        st.push({ name: ev.name, ts: ev.ts, i })
        this.bStacks.set(thread, st)
        addStart(this.sliceStarts, thread, ev)
        break
      }
      case 'E': {
        const st = this.bStacks.get(thread) ?? []
        const open = st.pop()
        if (!open) this.err(i, `E "${ev.name}" on ${thread} without a matching B`)
        else {
          if (open.name !== ev.name) this.err(i, `E "${ev.name}" closes B "${open.name}" (event ${open.i}): B/E must nest`)
          if (ev.ts < open.ts) this.err(i, `E "${ev.name}" ends before its B started`)
        }
        break
      }
      case 'b':
      case 'e':
      case 'n': {
        const id = asyncId(ev)
        if (id === null) return this.err(i, `${ph} "${ev.name}" needs an id or id2`)
        const key = `${ev.cat}|${id}`
        const open = this.asyncOpen.get(key) ?? []
        if (ph === 'b') {
          this.stats.asyncSpans++
          open.push({ name: ev.name, ts: ev.ts, i })
          this.asyncOpen.set(key, open)
        } else if (ph === 'e') {
          const top = open.pop()
          if (!top) this.err(i, `async end "${ev.name}" (cat ${ev.cat}, id ${id}) without a begin`)
          else {
            if (top.name !== ev.name) this.err(i, `async end "${ev.name}" closes "${top.name}" (event ${top.i}): nested async spans must close in order`)
            if (ev.ts < top.ts) this.err(i, `async end "${ev.name}" before its begin`)
          }
        } else if (open.length === 0) this.err(i, `async instant "${ev.name}" (cat ${ev.cat}, id ${id}) outside any open span`)
        break
      }
      case 's':
      case 't':
      case 'f': {
        const key = `${ev.cat}|${ev.name}|${ev.id}`
        const list = this.flows.get(key) ?? []
        list.push({ ph, ts: ev.ts, i })
        this.flows.set(key, list)
        this.flowEvents.push({ ev, i })
        break
      }
      case 'C':
        this.stats.counters++
        break
      case 'i':
      case 'I':
        this.stats.instants++
        break
    }
  }

  /** B slices and async spans that never end. */
  unclosed(): void {
    for (const [thread, st] of this.bStacks) for (const open of st) this.err(open.i, `B "${open.name}" on ${thread} is never ended`)
    for (const [key, open] of this.asyncOpen) for (const o of open) this.err(o.i, `async span "${o.name}" (${key}) is never ended`)
  }

  /** X slices of a thread nest. */
  sliceNesting(): void {
    // X events on one thread must nest properly: a slice starting inside another ends inside it too.
    // Times are microseconds with nanosecond decimals, so sums are compared within a thousandth of that.
    const EPS = 1e-6
    for (const [thread, list] of this.xByThread) {
      list.sort((a, b) => a.ts - b.ts || b.end - a.end)
      const stack: { ts: number; end: number; i: number }[] = []
      for (const x of list) {
        while (stack.length > 0 && stack[stack.length - 1].end <= x.ts + EPS) stack.pop()
        const parent = stack[stack.length - 1]
        if (parent !== undefined && x.end > parent.end + EPS) {
          this.err(x.i, `X on ${thread} [${x.ts}, ${x.end}] overlaps event ${parent.i} [${parent.ts}, ${parent.end}] without nesting in it`)
        }
        stack.push(x)
      }
    }
  }

  /** Flows in order, each bound to a slice start. */
  flowBinding(): void {
    // Flows: s first, then t*, then f; ts never going back; each bound to a slice start.
    for (const [key, list] of this.flows) {
      this.stats.flows++
      const phs = list.map((x) => x.ph).join('')
      if (!/^st*f$/.test(phs)) this.err(list[0].i, `flow ${key} has phases "${phs}"; expected s, any t, then f`)
      for (let k = 1; k < list.length; k++) if (list[k].ts < list[k - 1].ts) this.err(list[k].i, `flow ${key} goes back in time`)
    }
    for (const { ev, i } of this.flowEvents) {
      const starts = this.sliceStarts.get(`${ev.pid}/${ev.tid}`)
      if (!starts || !starts.has(`${ev.ts}|${ev.cat}`)) {
        this.err(i, `flow ${ev.ph} (cat ${ev.cat}, id ${ev.id}) at ts ${ev.ts} on ${ev.pid}/${ev.tid} does not coincide with the start of a slice of the same category`)
      }
    }
  }

  /** Every process and thread named. */
  naming(): void {
    // Every process and thread named.
    const reported = new Set<string>()
    for (const u of this.used) {
      if (!this.processNames.has(u.pid) && !reported.has(`p${u.pid}`)) {
        reported.add(`p${u.pid}`)
        this.err(u.i, `pid ${u.pid} has no process_name metadata`)
      }
      if (u.tid !== undefined && !this.threadNames.has(`${u.pid}/${u.tid}`) && !reported.has(`t${u.pid}/${u.tid}`)) {
        reported.add(`t${u.pid}/${u.tid}`)
        this.err(u.i, `thread ${u.pid}/${u.tid} has no thread_name metadata`)
      }
    }
    this.stats.threads = this.threadNames.size
    if (this.stats.events > 0 && this.used.length === 0) this.limit(this.warnings, 'the trace has only metadata events')
  }
}

function asyncId(ev: Ev): string | null {
  if (ev.id2 && typeof ev.id2 === 'object') {
    if (ev.id2.local !== undefined) return `local:${ev.pid}:${ev.id2.local}`
    if (ev.id2.global !== undefined) return `global:${ev.id2.global}`
    return null
  }
  return ev.id === undefined ? null : String(ev.id)
}

function addStart(map: Map<string, Set<string>>, thread: string, ev: Ev): void {
  let set = map.get(thread)
  if (!set) map.set(thread, (set = new Set()))
  set.add(`${ev.ts}|${ev.cat ?? ''}`)
}
