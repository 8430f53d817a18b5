import { describe, expect, it } from 'vitest'
import { probe, runDriver, START } from '../helpers/run.js'

/** docs/classdriver.md#interrupts: HwInterrupt on a shared level-triggered line, claims, storms and bug check 0xF2. */

// The STUB-1 card: INT_STATUS (W1C) at 0x04, INT_ENABLE at 0x08, INT_FORCE at 0x0C, TIMER_US at 0x10.
const CARD = `
let base = 0
function card(offset) { return base + offset }
`

/** A driver whose ISR is `isr` and which enables the card's EVENT interrupt at start. */
function withIsr(isr: string, extra = ''): string {
  return probe(
    `isr: ${isr},
    device: (srb) => {
      if (srb.Command === S.SRB_INITIALIZE_DEVICE) { base = srb.CommandData.ConfigInfo.AccessRanges[0].RangeStart; S.WRITE_REGISTER_ULONG(card(0x08), 1) }
      if (srb.Command === S.SRB_UNINITIALIZE_DEVICE) S.WRITE_REGISTER_ULONG(card(0x08), 0)
      return false
    },
    ${extra}`,
    CARD,
  )
}

const GOOD_ISR = `(ext) => {
  const pending = S.READ_REGISTER_ULONG(card(0x04)) & S.READ_REGISTER_ULONG(card(0x08))
  if (pending === 0) return false
  S.WRITE_REGISTER_ULONG(card(0x04), pending)
  log.push('isr ' + pending + ' at ' + S.KeGetCurrentIrql())
  return true
}`

const FAULT = (fault: string, count = 1) => ({ op: 'fault', fault, count })

describe('interrupts', () => {
  it('calls HwInterrupt at DIRQL for the card interrupt; a claimed, dismissed interrupt is counted', async () => {
    const { driver: d, report } = await runDriver(withIsr(GOOD_ISR), [...START, FAULT('interrupt', 3), { op: 'wait', duration: '1ms' }, { op: 'close-stream', stream: 0 }, { op: 'stop-device' }] as never, { card: 'stub' })
    expect(report.bugcheck).toBeNull()
    expect(d.log.filter((l: string) => l.startsWith('isr'))).toEqual(['isr 1 at 5', 'isr 1 at 5', 'isr 1 at 5'])
    expect(report.interrupts).toEqual({ raised: 3, claimed: 3, spurious: 0 })
    expect(report.verifier).toEqual([])
  })

  it('returns FALSE for a neighbour on the shared line, which its own ISR then services', async () => {
    const { report, session } = await runDriver(withIsr(GOOD_ISR), [...START, FAULT('neighbour-interrupt', 2), { op: 'wait', duration: '1ms' }] as never, { card: 'stub' })
    expect(report.verifier).toEqual([])
    expect(report.interrupts).toMatchObject({ claimed: 0, spurious: 2 })
    expect(session.machine.intaVector.claimed).toBe(2)
  })

  it('reports an ISR that claims a neighbour interrupt it did not raise, which then storms', async () => {
    // This ISR dismisses nothing and claims everything: the neighbour is never serviced.
    const { report, rules } = await runDriver(withIsr(`() => { S.READ_REGISTER_ULONG(card(0x04)); return true }`), [...START, FAULT('neighbour-interrupt'), { op: 'wait', duration: '1s' }] as never, {
      card: 'stub',
      settings: { stormThreshold: 50 },
    })
    expect(rules).toContain('interrupt-stolen')
    expect(rules).toContain('interrupt-storm')
    expect(report.bugcheck).toMatchObject({ code: '0x000000F2', name: 'HARDWARE_INTERRUPT_STORM', callback: 'isr' })
  })

  it('bug-checks 0xF2 when the ISR never acknowledges the card, pointing at a line of the ISR', async () => {
    const lazy = `(ext) => {
  const pending = S.READ_REGISTER_ULONG(card(0x04))
  return pending !== 0
}`
    const { report, rules } = await runDriver(withIsr(lazy), [...START, FAULT('interrupt'), { op: 'wait', duration: '1s' }] as never, { card: 'stub', settings: { stormThreshold: 100 } })
    expect(rules).toEqual(['interrupt-storm'])
    const storm = report.verifier[0]
    expect(storm.message).toMatch(/100 consecutive invocations/)
    // The ISR's register read (line 1 of the ISR text sits on the driver's "isr:" line + 1).
    expect(storm.location).toMatchObject({ file: 'test/drivers/probe.ts' })
    expect(report.bugcheck?.name).toBe('HARDWARE_INTERRUPT_STORM')
    expect(report.bugcheck?.message).toMatch(/stayed asserted/)
    expect(report.exitCode).toBe(1)
    // The run stopped at the storm, long before the wait ended.
    expect(report.virtualTimeNs).toBeLessThan(0.1e9)
  })

  it('warns when the ISR refuses an interrupt its card raised', async () => {
    // It refuses once, then services: the level line brings it straight back.
    const once = `(ext) => {
  if (!handles.refused) { handles.refused = true; return false }
  const pending = S.READ_REGISTER_ULONG(card(0x04))
  S.WRITE_REGISTER_ULONG(card(0x04), pending)
  return pending !== 0
}`
    const { rules, report } = await runDriver(withIsr(once), [...START, FAULT('interrupt'), { op: 'wait', duration: '1ms' }] as never, { card: 'stub' })
    expect(rules).toEqual(['interrupt-unclaimed'])
    expect(report.bugcheck).toBeNull()
  })

  it('storms on a status bit stuck on (fault), even with a correct ISR', async () => {
    const { report, rules } = await runDriver(withIsr(GOOD_ISR), [...START, FAULT('stuck-interrupt'), { op: 'wait', duration: '1s' }] as never, { card: 'stub', settings: { stormThreshold: 20 } })
    expect(rules).toEqual(['interrupt-storm'])
    expect(report.bugcheck?.code).toBe('0x000000F2')
  })

  it('reports card interrupts left enabled after SRB_UNINITIALIZE_DEVICE', async () => {
    const leaky = probe(
      `isr: ${GOOD_ISR},
      device: (srb) => { if (srb.Command === S.SRB_INITIALIZE_DEVICE) { base = srb.CommandData.ConfigInfo.AccessRanges[0].RangeStart; S.WRITE_REGISTER_ULONG(card(0x08), 1) } return false },`,
      CARD,
    )
    const { rules } = await runDriver(leaky, [...START, { op: 'close-stream', stream: 0 }, { op: 'stop-device' }] as never, { card: 'stub' })
    expect(rules).toEqual(['interrupts-left-enabled'])
  })

  it('warns when the ISR runs too long at DIRQL', async () => {
    const slow = GOOD_ISR.replace("log.push('isr '", "S.KeStallExecutionProcessor(40); log.push('isr '")
    const { rules } = await runDriver(withIsr(slow), [...START, FAULT('interrupt'), { op: 'wait', duration: '1ms' }] as never, { card: 'stub' })
    expect(rules).toEqual(['raised-irql-budget'])
  })

  it('lets KeSynchronizeExecution hold the ISR off from PASSIVE code, and bug-checks it from synchronized code', async () => {
    const sync = `control: (srb) => {
      if (srb.Command !== S.SRB_GET_STREAM_STATE) return false
      const interrupt = handles.interrupt
      S.KeSynchronizeExecution(interrupt, () => { S.WRITE_REGISTER_ULONG(card(0x0c), 1); S.KeStallExecutionProcessor(10); log.push('sync done at ' + S.KeGetCurrentIrql()); return true }, null)
      srb.Status = S.STATUS_SUCCESS; srb.CommandData.StreamState = 0; srb.ActualBytesTransferred = 4
      completeControl(srb)
      return true
    },`
    const driver = withIsr(GOOD_ISR, sync).replace(
      "base = srb.CommandData.ConfigInfo.AccessRanges[0].RangeStart;",
      'base = srb.CommandData.ConfigInfo.AccessRanges[0].RangeStart; handles.interrupt = srb.CommandData.ConfigInfo.InterruptObject;',
    )
    const off = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }, { op: 'wait', duration: '1ms' }] as never, { card: 'stub', sync: 'off' })
    expect(off.report.bugcheck).toBeNull()
    expect(off.driver.log.filter((l: string) => l.startsWith('sync') || l.startsWith('isr'))).toEqual(['sync done at 5', 'isr 1 at 5'])
    const on = await runDriver(driver, [...START, { op: 'get-state', stream: 0 }] as never, { card: 'stub' })
    expect(on.report.bugcheck?.name).toBe('SPIN_LOCK_ALREADY_OWNED')
    expect(on.report.bugcheck?.location?.file).toBe('test/drivers/probe.ts')
  })
})
