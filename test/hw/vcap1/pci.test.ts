import { describe, expect, it } from 'vitest'
import { CMD_BUS_MASTER, CMD_INTX_DISABLE, CMD_MEMORY_SPACE, PCI_COMMAND, PCI_MSI, PCI_STATUS, STATUS_RECEIVED_MASTER_ABORT } from '../../../main/hw/vcap1/pci.js'
import { MS } from '../../../main/contract/time.js'
import { Vcap1Rig } from '../../helpers/vcap1Rig.js'

/** VCAP-1's PCI function as StreamClassReadWriteConfig sees it (vcap1.md 7.1). */

function config(rig: Vcap1Rig, offset: number, length: number): DataView {
  const bytes = new Uint8Array(length)
  rig.card.configRead(offset, bytes, length)
  return new DataView(bytes.buffer)
}

function writeConfig16(rig: Vcap1Rig, offset: number, value: number): void {
  const bytes = new Uint8Array(2)
  new DataView(bytes.buffer).setUint16(0, value, true)
  rig.card.configWrite(offset, bytes, 2)
}

describe('VCAP-1 PCI configuration space', () => {
  it('identifies a multimedia function with BAR0, INTA# and an MSI capability; the bus driver enabled memory and bus mastering', () => {
    const rig = new Vcap1Rig()
    const c = config(rig, 0, 0x60)
    expect(c.getUint16(0x00, true)).toBe(0x5643)
    expect(c.getUint8(0x0b)).toBe(0x04) // class: multimedia
    expect(c.getUint8(0x0a)).toBe(0x80) // subclass: other
    expect(c.getUint32(0x10, true)).toBe(rig.card.resources().memory[0].physical)
    expect(c.getUint8(0x3d)).toBe(1) // interrupt pin A
    expect(c.getUint16(PCI_COMMAND, true) & (CMD_MEMORY_SPACE | CMD_BUS_MASTER)).toBe(CMD_MEMORY_SPACE | CMD_BUS_MASTER)
    const cap = c.getUint8(0x34)
    expect(cap).toBe(PCI_MSI)
    expect(c.getUint8(cap)).toBe(0x05) // MSI capability id
  })

  it('Interrupt Disable in the Command register keeps INTA# low while events are pending', () => {
    const rig = new Vcap1Rig()
    rig.write('INT_ENABLE', 1 << 30)
    rig.write('GCTRL', 2)
    writeConfig16(rig, PCI_COMMAND, CMD_MEMORY_SPACE | CMD_BUS_MASTER | CMD_INTX_DISABLE)
    rig.write('INT_FORCE', 1 << 30)
    rig.run(1 * MS)
    expect(rig.read('INT_PENDING')).toBe(1 << 30)
    expect(rig.machine.intaVector.asserted).toBe(false)
    writeConfig16(rig, PCI_COMMAND, CMD_MEMORY_SPACE | CMD_BUS_MASTER)
    rig.run(1 * MS)
    expect(rig.machine.intaVector.asserted).toBe(true)
  })

  it('a driver that clears Bus Master Enable gets a master abort on the next descriptor fetch, latched in Status', () => {
    const rig = new Vcap1Rig()
    rig.ring('video', 8)
    rig.queue('video', rig.buffer(614400))
    writeConfig16(rig, PCI_COMMAND, CMD_MEMORY_SPACE)
    rig.write('VID_CTRL', 0x101)
    rig.run(40 * MS)
    expect(rig.read('VID_ERROR')).toBe(1 << 0) // DESC_FETCH_ABORT
    expect(config(rig, PCI_STATUS, 2).getUint16(0, true) & STATUS_RECEIVED_MASTER_ABORT).not.toBe(0)
    // Status abort bits are write-1-to-clear.
    writeConfig16(rig, PCI_STATUS, STATUS_RECEIVED_MASTER_ABORT)
    expect(config(rig, PCI_STATUS, 2).getUint16(0, true) & STATUS_RECEIVED_MASTER_ABORT).toBe(0)
  })

  it('reads all ones after a surprise removal', () => {
    const rig = new Vcap1Rig()
    rig.card.surpriseRemove()
    expect(config(rig, 0, 4).getUint32(0, true)).toBe(0xffffffff)
  })
})
