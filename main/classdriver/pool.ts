// The executive's pool as a minidriver sees it: ExAllocatePool(WithTag) and ExFreePool(WithTag),
// accounted per block (tag, size, pool type, call site, time) so that leaks are reported when the
// device stops or the driver unloads, and double frees and foreign frees when they happen
// (docs/classdriver.md#pool).
import type { SourceLocation } from '../sim/bugcheck.js'
import { DISPATCH_LEVEL } from '../sim/irql.js'
import type { Verifier } from './verifier/verifier.js'

/** What the pool needs of the driver: the service entry, the IRQL, the caller's line, the verifier. */
export interface PoolHost {
  readonly verifier: Verifier
  enter(service: string): void
  currentIrql(): number
  now(): number
  here(): SourceLocation | null
  callback(): string | null
}

/** One block handed out by ExAllocatePool. */
export interface PoolBlock {
  readonly bytes: Uint8Array
  readonly poolType: number
  readonly size: number
  /** The tag as poolmon shows it ('None' for ExAllocatePool). */
  readonly tag: string
  readonly service: string
  readonly location: SourceLocation | null
  readonly callback: string | null
  readonly allocatedAt: number
  /** Allocation order: blocks allocated after a device started are that device's. */
  readonly sequence: number
  freedAt: SourceLocation | null
  freed: boolean
  reported: boolean
}

/** A request larger than this fails (NULL), as an exhausted pool would. */
const MAX_BLOCK = 256 * 1024 * 1024

const POOL_TYPE_NAMES: Record<number, string> = {
  0: 'NonPagedPool', 1: 'PagedPool', 2: 'NonPagedPoolMustSucceed', 3: 'DontUseThisType', 4: 'NonPagedPoolCacheAligned',
  5: 'PagedPoolCacheAligned', 6: 'NonPagedPoolCacheAlignedMustS', 512: 'NonPagedPoolNx', 516: 'NonPagedPoolNxCacheAligned',
}

/** A ULONG tag ('Tcap' in C is 0x54636170, shown "pacT": the bytes in memory order) or a 4-character string. */
export function poolTag(tag: unknown): string {
  if (typeof tag === 'string') return tag.slice(0, 4).padEnd(4, ' ')
  const n = Number(tag) >>> 0
  return String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24).replace(/[^\x20-\x7e]/g, '.')
}

function where(loc: SourceLocation | null): string {
  return loc === null ? 'an unknown line' : `${loc.file}:${loc.line}`
}

export class PoolAllocator {
  private readonly byBytes = new WeakMap<object, PoolBlock>()
  private readonly byBuffer = new WeakMap<ArrayBufferLike, PoolBlock>()
  /** Live blocks in allocation order (deterministic reports). */
  private readonly live = new Set<PoolBlock>()
  private allocations = 0

  constructor(private readonly host: PoolHost) {}

  /** ExAllocatePool(WithTag): a zero-filled Uint8Array of NumberOfBytes, or null when the pool cannot satisfy it. */
  allocate(service: string, poolType: unknown, numberOfBytes: unknown, tag: unknown): Uint8Array | null {
    const h = this.host
    h.enter(service)
    const size = Number(numberOfBytes)
    if (!Number.isInteger(size) || size < 0) throw new TypeError(`${service}: NumberOfBytes must be a byte count, not ${String(numberOfBytes)}`)
    const type = Number(poolType) >>> 0
    this.checkIrql(service, type)
    if (POOL_TYPE_NAMES[type] === undefined || type === 3) {
      h.verifier.report('pool-misuse', `${service} with an invalid POOL_TYPE ${type} (on Windows bug check 0xC2 BAD_POOL_CALLER)`)
      return null
    }
    if (size > MAX_BLOCK) return null
    const bytes = new Uint8Array(size)
    const block: PoolBlock = {
      bytes,
      poolType: type,
      size,
      tag: poolTag(tag),
      service,
      location: h.here(),
      callback: h.callback(),
      allocatedAt: h.now(),
      sequence: ++this.allocations,
      freedAt: null,
      freed: false,
      reported: false,
    }
    this.byBytes.set(bytes, block)
    this.byBuffer.set(bytes.buffer, block)
    this.live.add(block)
    return bytes
  }

  /** ExFreePool(WithTag). `tag` is undefined for ExFreePool. */
  free(service: string, p: unknown, tag?: unknown): void {
    const h = this.host
    h.enter(service)
    if (h.currentIrql() > DISPATCH_LEVEL) h.verifier.report('pool-misuse', `${service} at IRQL ${h.currentIrql()} (above DISPATCH_LEVEL)`)
    if (p === null || p === undefined) {
      h.verifier.report('pool-misuse', `${service}(NULL) (on Windows bug check 0xC2 BAD_POOL_CALLER)`)
      return
    }
    const block = typeof p === 'object' ? this.byBytes.get(p) : undefined
    if (block === undefined) {
      const inside = p instanceof Uint8Array ? this.byBuffer.get(p.buffer) : undefined
      h.verifier.report(
        'pool-misuse',
        inside !== undefined
          ? `${service} of a pointer ${p instanceof Uint8Array ? p.byteOffset : 0} bytes into the '${inside.tag}' block allocated at ${where(inside.location)}, not the block itself`
          : `${service} of memory ExAllocatePool did not return (${describe(p)}) (on Windows bug check 0xC2 BAD_POOL_CALLER)`,
      )
      return
    }
    if (block.freed) {
      h.verifier.report('pool-misuse', `${service}: double free of the '${block.tag}' block of ${block.size} bytes allocated at ${where(block.location)}, already freed at ${where(block.freedAt)} (on Windows bug check 0xC2 BAD_POOL_CALLER)`)
      return
    }
    if (tag !== undefined && poolTag(tag) !== block.tag) {
      h.verifier.report('pool-misuse', `${service} with tag '${poolTag(tag)}' of a block allocated with tag '${block.tag}' at ${where(block.location)} (on Windows bug check 0xC2 BAD_POOL_CALLER)`)
    }
    if (block.poolType & 1 && h.currentIrql() >= DISPATCH_LEVEL) h.verifier.report('pool-misuse', `${service} of a PagedPool block at IRQL ${h.currentIrql()}`)
    block.freed = true
    block.freedAt = h.here()
    this.live.delete(block)
  }

  private checkIrql(service: string, type: number): void {
    const irql = this.host.currentIrql()
    if (irql > DISPATCH_LEVEL || (type & 1 && irql >= DISPATCH_LEVEL)) {
      this.host.verifier.report('pool-misuse', `${service}(${POOL_TYPE_NAMES[type] ?? type}) at IRQL ${irql}: ${type & 1 ? 'PagedPool needs IRQL below DISPATCH_LEVEL' : 'no pool above DISPATCH_LEVEL'}`)
    }
  }

  /** The pool block `p` is, or null. */
  blockOf(p: unknown): PoolBlock | null {
    return p !== null && typeof p === 'object' ? (this.byBytes.get(p) ?? null) : null
  }

  /** Blocks not freed yet, oldest first. */
  outstanding(): PoolBlock[] {
    return [...this.live]
  }

  /** The allocations made so far: blocks allocated later have a higher `sequence`. */
  mark(): number {
    return this.allocations
  }

  /** Live blocks, as objects (the roots CONTAINING_RECORD searches). */
  *liveBlocks(): Iterable<Uint8Array> {
    for (const b of this.live) yield b.bytes
  }

  /** Reports each block allocated after `mark` and not freed nor reported yet, as `pool-leak`. */
  reportLeaks(mark: number, when: string): void {
    for (const b of this.live) {
      if (b.reported || b.sequence <= mark) continue
      b.reported = true
      this.host.verifier.report(
        'pool-leak',
        `${b.service}(${POOL_TYPE_NAMES[b.poolType]}, ${b.size}, '${b.tag}') at ${where(b.location)}${b.callback ? ` in ${b.callback}` : ''} was never freed before ${when}`,
        { location: b.location, callback: b.callback },
      )
    }
  }
}

function describe(p: unknown): string {
  if (p instanceof Uint8Array) return `a ${p.length}-byte Uint8Array`
  if (typeof p === 'object') return `an object (${Object.keys(p as object).slice(0, 3).join(', ') || 'empty'})`
  return `${typeof p} ${String(p)}`
}
