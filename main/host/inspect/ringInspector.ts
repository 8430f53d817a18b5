import type { DescriptorView, RingView } from '../../contract/api.js'
import type { PhysicalMemory } from '../../hw/physicalMemory.js'
import type { DescriptorRing } from '../../hw/vcap1/descriptorRing.js'
import { DESC_CTRL, DESC_WB, DESCRIPTOR, ERR } from '../../hw/vcap1/registers.js'
import type { Vcap1Card } from '../../hw/vcap1/vcap1.js'

const TWO_32 = 0x1_0000_0000

const CTRL_FLAGS: [string, number][] = [
  ['OWN', DESC_CTRL.OWN],
  ['IOC', DESC_CTRL.IOC],
  ['SOF', DESC_CTRL.SOF],
  ['EOF', DESC_CTRL.EOF],
]
const WB_FLAGS: [string, number][] = Object.entries(DESC_WB)
const ERROR_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ERR).map(([name, bit]) => [31 - Math.clz32(bit), name]))

/**
 * Both channels' descriptor rings as the card sees them (*context*): base, size, HEAD and TAIL from the
 * card, and every descriptor read from physical memory (without side effects) and parsed per the
 * datasheet (vcap1.md 7.4): buffer address and length, CTRL flags, and the writeback (DONE and the
 * other status bits, the error code, the frame sequence, bytes written).
 */
export function inspectRings(card: Vcap1Card, memory: PhysicalMemory): RingView[] {
  return [ringView('video', card.video.ring, card.video.running, memory), ringView('audio', card.audio.ring, card.audio.running, memory)]
}

function ringView(channel: 'video' | 'audio', ring: DescriptorRing, running: boolean, memory: PhysicalMemory): RingView {
  const header = { channel, base: ring.base, entries: ring.count, head: ring.head, tail: ring.tail, running }
  // After the device stopped, the ring registers still point at memory the driver gave back: reading
  // it would show bus noise (all ones) as if it were descriptors.
  const home = ring.count > 0 ? memory.allocationAt(ring.base) : null
  if (ring.count > 0 && (home === null || home.freed)) {
    const why = home === null ? 'is not allocated (freed when the device stopped, or never allocated)' : `was freed (allocation ${home.id}, ${home.owner})`
    return { ...header, descriptors: [], note: `the ring's memory at 0x${ring.base.toString(16)} ${why}` }
  }
  const raw = new Uint8Array(ring.count * DESCRIPTOR.SIZE)
  if (raw.length > 0) memory.read(ring.base, raw)
  const view = new DataView(raw.buffer)
  const descriptors: DescriptorView[] = []
  for (let index = 0; index < ring.count; index++) {
    const at = index * DESCRIPTOR.SIZE
    const ctrl = view.getUint32(at + DESCRIPTOR.CTRL, true)
    const status = view.getUint32(at + DESCRIPTOR.WB_STATUS, true)
    const flags = CTRL_FLAGS.filter(([, bit]) => (ctrl & bit) !== 0).map(([name]) => name)
    if ((ctrl & DESC_CTRL.RESERVED) !== 0) flags.push(`reserved 0x${((ctrl & DESC_CTRL.RESERVED) >>> 0).toString(16)}`)
    const wbStatus = WB_FLAGS.filter(([, bit]) => (status & bit) !== 0).map(([name]) => name)
    const code = (status >>> 8) & 0xff
    if (code !== 0 || (status & DESC_WB.ERROR) !== 0) wbStatus.push(`error ${ERROR_NAMES[code] ?? code}`)
    if (channel === 'video' && (status & DESC_WB.DONE) !== 0) wbStatus.push(`sequence ${status >>> 16}`)
    descriptors.push({
      index,
      address: view.getUint32(at + DESCRIPTOR.BUF_ADDR, true) + view.getUint32(at + DESCRIPTOR.BUF_ADDR + 4, true) * TWO_32,
      length: view.getUint32(at + DESCRIPTOR.BUF_LEN, true),
      flags,
      own: (ctrl & DESC_CTRL.OWN) !== 0,
      done: (status & DESC_WB.DONE) !== 0,
      wbBytes: view.getUint32(at + DESCRIPTOR.WB_BYTES, true),
      wbStatus,
    })
  }
  return { ...header, descriptors }
}
