import { newTraceColumns, type TraceColumns } from '../../contract/trace.js'

/**
 * The rows of a trace being imported, in growable typed columns (the file's size is not known in
 * rows until it is read). Tracks are provisional numbers here; `columns` writes the rows in a given
 * order with the final track numbers.
 */
export class ImportRows {
  n = 0
  kind = new Uint8Array(1024)
  depth = new Uint8Array(1024)
  track = new Uint32Array(1024)
  args = new Uint16Array(1024)
  name = new Uint32Array(1024)
  detail = new Int32Array(1024)
  ts = new Float64Array(1024)
  x = new Float64Array(1024)
  a0 = new Float64Array(1024)
  a1 = new Float64Array(1024)
  a2 = new Float64Array(1024)

  /** Appends a row and returns its index; depth 0, no arguments, no detail. */
  add(kind: number, track: number, ts: number, name: number, x: number): number {
    if (this.n === this.ts.length) this.grow()
    const i = this.n++
    this.kind[i] = kind
    this.track[i] = track
    this.ts[i] = ts
    this.name[i] = name
    this.x[i] = x
    this.detail[i] = -1
    return i
  }

  /** The rows in `order`, with provisional track t renamed to `trackMap[t]`. */
  columns(order: Uint32Array, trackMap: Uint32Array): TraceColumns {
    const steps = this.columnsInParts(order, trackMap)
    for (;;) {
      const step = steps.next()
      if (step.done === true) return step.value
    }
  }

  /** columns(), yielding every 65,536 rows (the async import pauses there). */
  *columnsInParts(order: Uint32Array, trackMap: Uint32Array): Generator<void, TraceColumns> {
    const m = order.length
    const out = newTraceColumns(m)
    for (let k = 0; k < m; k++) {
      if ((k & 0xffff) === 0xffff) yield
      const i = order[k]
      out.kind[k] = this.kind[i]
      out.depth[k] = this.depth[i]
      out.track[k] = trackMap[this.track[i]]
      out.args[k] = this.args[i]
      out.name[k] = this.name[i]
      out.detail[k] = this.detail[i]
      out.ts[k] = this.ts[i]
      out.x[k] = this.x[i]
      out.a0[k] = this.a0[i]
      out.a1[k] = this.a1[i]
      out.a2[k] = this.a2[i]
    }
    return out
  }

  private grow(): void {
    const size = this.ts.length * 2
    const bigger = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size)
      b.set(a)
      return b
    }
    this.kind = bigger(this.kind)
    this.depth = bigger(this.depth)
    this.track = bigger(this.track)
    this.args = bigger(this.args)
    this.name = bigger(this.name)
    this.detail = bigger(this.detail)
    this.ts = bigger(this.ts)
    this.x = bigger(this.x)
    this.a0 = bigger(this.a0)
    this.a1 = bigger(this.a1)
    this.a2 = bigger(this.a2)
  }
}
