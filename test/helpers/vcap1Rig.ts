import { Machine } from '../../main/hw/machine.js'
import { EventKind } from '../../main/sim/trace/recorder.js'
import type { Allocation } from '../../main/hw/physicalMemory.js'
import { CollectedFindings } from '../../main/hw/vcap1/findings.js'
import { DESC_CTRL, DESCRIPTOR, INT, REGISTER_BY_NAME } from '../../main/hw/vcap1/registers.js'
import { MS } from '../../main/contract/time.js'
import { Vcap1Card, type Vcap1Options } from '../../main/hw/vcap1/vcap1.js'

const TWO_32 = 0x1_0000_0000

/** A descriptor as the test reads it back from the ring. */
export interface WrittenBack {
  ctrl: number
  status: number
  bytes: number
  timestamp: number
}

/**
 * A bench for VCAP-1 without a driver: the test plays the driver, programming registers directly and
 * writing descriptors into a ring in emulated physical memory, and moves virtual time by hand.
 * Register accesses go straight to the card (no CPU cost), at the kernel's current time.
 */
export class Vcap1Rig {
  readonly machine: Machine
  readonly card: Vcap1Card
  readonly findings = new CollectedFindings()
  readonly rings: Record<'video' | 'audio', { alloc: Allocation; count: number; tail: number } | null> = { video: null, audio: null }

  constructor(options: Vcap1Options & { seed?: number } = {}) {
    this.machine = new Machine({ seed: options.seed ?? 1 })
    this.card = new Vcap1Card(this.machine.kernel, options)
    this.machine.plug(this.card)
    this.card.setFindings(this.findings)
  }

  get now(): number {
    return this.machine.kernel.now()
  }

  offset(name: string): number {
    const r = REGISTER_BY_NAME.get(name)
    if (r === undefined) throw new Error(`no register ${name}`)
    return r.offset
  }

  read(name: string): number {
    return this.card.mmioRead(0, this.offset(name), 4)
  }

  write(name: string, value: number): void {
    this.card.mmioWrite(0, this.offset(name), 4, value >>> 0)
  }

  /** Runs virtual time forward by `ns`. */
  run(ns: number): void {
    const k = this.machine.kernel
    k.runUntil(k.now() + ns)
  }

  runUntil(t: number): void {
    this.machine.kernel.runUntil(t)
  }

  /** Allocates a ring of `count` descriptors in a contiguous common buffer and programs it. */
  ring(channel: 'video' | 'audio', count: number): Allocation {
    const alloc = this.machine.memory.allocate(count * DESCRIPTOR.SIZE, { kind: 'common-buffer', owner: `${channel} ring`, contiguous: true })
    alloc.locked = true
    alloc.mappedForDevice = true
    const base = alloc.physicalAddressOf(0).address
    const p = channel === 'video' ? 'VID' : 'AUD'
    this.write(`${p}_DESC_BASE_LO`, base % TWO_32)
    this.write(`${p}_DESC_BASE_HI`, Math.floor(base / TWO_32))
    this.write(`${p}_DESC_COUNT`, count)
    this.rings[channel] = { alloc, count, tail: 0 }
    return alloc
  }

  /**
   * A client buffer handed to the device (locked, mapped), scattered over physical pages, or one
   * physically contiguous run with `contiguous` (so that a frame fits a few descriptors, see `chunk`).
   */
  buffer(size: number, options: { above4G?: boolean; contiguous?: boolean } = {}): Allocation {
    const alloc = this.machine.memory.allocate(size, { kind: 'user-buffer', owner: `buffer ${size}`, above4G: options.above4G, contiguous: options.contiguous })
    alloc.locked = true
    alloc.mappedForDevice = true
    alloc.generation++
    return alloc
  }

  /** Writes descriptor `index` of a ring (does not ring the doorbell). */
  descriptor(channel: 'video' | 'audio', index: number, address: number, length: number, ctrl: number): void {
    const ring = this.rings[channel]!
    const v = new DataView(ring.alloc.bytes.buffer, ring.alloc.bytes.byteOffset + index * DESCRIPTOR.SIZE, DESCRIPTOR.SIZE)
    v.setUint32(0, address % TWO_32, true)
    v.setUint32(4, Math.floor(address / TWO_32), true)
    v.setUint32(DESCRIPTOR.BUF_LEN, length, true)
    for (let o = DESCRIPTOR.WB_STATUS; o < DESCRIPTOR.SIZE; o += 4) v.setUint32(o, 0, true)
    v.setUint32(DESCRIPTOR.CTRL, ctrl, true)
  }

  /**
   * Queues a whole buffer as one frame chain (SOF on the first, EOF|IOC on the last, or no framing
   * in mapping mode) from the ring's tail, optionally ringing the doorbell. Returns the indices used.
   * `chunk` splits the scatter/gather runs into descriptors of at most that many bytes; `length`
   * queues only the first bytes of the buffer; `iocEach` sets IOC on every descriptor.
   */
  queue(
    channel: 'video' | 'audio',
    buffer: Allocation,
    options: { framing?: boolean; doorbell?: boolean; ioc?: boolean; iocEach?: boolean; own?: boolean; chunk?: number; length?: number } = {},
  ): number[] {
    const ring = this.rings[channel]!
    const runs: { PhysicalAddress: number; Length: number }[] = []
    for (const run of buffer.scatterGather(0, options.length ?? buffer.size)) {
      const chunk = options.chunk ?? run.Length
      for (let o = 0; o < run.Length; o += chunk) runs.push({ PhysicalAddress: run.PhysicalAddress + o, Length: Math.min(chunk, run.Length - o) })
    }
    const used: number[] = []
    runs.forEach((run, i) => {
      let ctrl = options.own === false ? 0 : DESC_CTRL.OWN
      if (options.framing !== false && channel === 'video') {
        if (i === 0) ctrl |= DESC_CTRL.SOF
        if (i === runs.length - 1) ctrl |= DESC_CTRL.EOF
      }
      if ((i === runs.length - 1 && options.ioc !== false) || options.iocEach === true) ctrl |= DESC_CTRL.IOC
      this.descriptor(channel, ring.tail, run.PhysicalAddress, run.Length, ctrl)
      used.push(ring.tail)
      ring.tail = (ring.tail + 1) % ring.count
    })
    if (options.doorbell !== false) this.doorbell(channel)
    return used
  }

  doorbell(channel: 'video' | 'audio'): void {
    this.write(channel === 'video' ? 'VID_DESC_TAIL' : 'AUD_DESC_TAIL', this.rings[channel]!.tail)
  }

  writtenBack(channel: 'video' | 'audio', index: number): WrittenBack {
    const ring = this.rings[channel]!
    const v = new DataView(ring.alloc.bytes.buffer, ring.alloc.bytes.byteOffset + index * DESCRIPTOR.SIZE, DESCRIPTOR.SIZE)
    return {
      ctrl: v.getUint32(DESCRIPTOR.CTRL, true),
      status: v.getUint32(DESCRIPTOR.WB_STATUS, true),
      bytes: v.getUint32(DESCRIPTOR.WB_BYTES, true),
      timestamp: v.getUint32(DESCRIPTOR.WB_TIMESTAMP, true) + v.getUint32(DESCRIPTOR.WB_TIMESTAMP + 4, true) * TWO_32,
    }
  }

  rules(): string[] {
    return this.findings.findings.map((f) => f.rule)
  }

  /** Findings of one rule, as their messages. */
  messages(rule: string): string[] {
    return this.findings.findings.filter((f) => f.rule === rule).map((f) => f.message)
  }

  /** Instants recorded on a trace track (e.g. 'VCAP-1 faults'): time, name and detail text. */
  instants(trackName: string): { t: number; name: string; detail: string }[] {
    const trace = this.machine.kernel.trace
    const track = trace.tracks.findIndex((t) => t.name === trackName)
    const c = trace.columns()
    const out: { t: number; name: string; detail: string }[] = []
    for (let i = 0; i < trace.count; i++) {
      if (c.track[i] !== track || c.kind[i] !== EventKind.Instant) continue
      const detail = trace.detailOf(i)
      out.push({ t: c.ts[i], name: trace.strings.get(c.name[i]), detail: typeof detail === 'string' ? detail : '' })
    }
    return out
  }

  /**
   * Writes VID_CTRL (RUN, by default with PATTERN_EN) and runs to the run's first SOF (frame 0 starts
   * now; frame n at about now + n × T). Returns that time.
   */
  startVideo(ctrl = 0x101): number {
    this.write('VID_CTRL', ctrl)
    return this.runToSof()
  }

  /**
   * Runs to exactly the next video SOF (the moment the card latches VID_SOF), or at most `limit` ns.
   * Returns the time. The kernel's stop flag ends the run right after that event.
   */
  runToSof(limit = 100 * MS): number {
    const k = this.machine.kernel
    const irq = this.card.irq
    const raise = irq.raise
    irq.raise = (bits: number) => {
      raise.call(irq, bits)
      if ((bits & INT.VID_SOF) !== 0) k.stopped = true
    }
    try {
      k.runUntil(k.now() + limit)
    } finally {
      irq.raise = raise
      k.stopped = false
    }
    return this.now
  }

  /**
   * Programs the video format registers (a halted channel): YUY2 unless `format` says otherwise,
   * stride = width × 2 for YUY2/UYVY, interval in 100 ns units.
   */
  videoFormat(width: number, height: number, interval: number, format = 0, stride = width * 2): void {
    this.write('VID_FORMAT', format)
    this.write('VID_SIZE', (height << 16) | width)
    this.write('VID_STRIDE', stride)
    this.write('VID_INTERVAL', interval)
  }
}
