import { describe, expect, it } from 'vitest'
import type { RunStatus } from '../../../main/contract/api.js'
import { formatSpeedRatio, formatVirtualTime, statusFromReport, statusItems } from '../../../renderer/state/statusText.js'
import type { RunReport } from '../../../main/contract/report.js'

function status(over: Partial<RunStatus> = {}): RunStatus {
  return {
    runId: 1,
    state: 'running',
    virtualTimeNs: 2_345_678_901,
    wallMs: 1000,
    speedRatio: 312.4,
    frames: { delivered: 70, dropped: 0, torn: 0, stale: 0 },
    audio: { buffers: 0, bytes: 0 },
    srbs: { total: 0, byCommand: {}, completed: 0, cancelled: 0, timedOut: 0, outstanding: 0 },
    interrupts: { raised: 0, claimed: 0, spurious: 0 },
    findings: 0,
    errors: 0,
    bugcheck: null,
    ...over,
  }
}

const text = (items: ReturnType<typeof statusItems>) => Object.fromEntries(items.map((i) => [i.id, `${i.text}${i.tone === 'normal' ? '' : ` [${i.tone}]`}`]))

describe('status bar text', () => {
  it('virtual time to the microsecond, speed with sensible digits', () => {
    expect(formatVirtualTime(2_345_678_901)).toBe('2.345679 s')
    expect(formatVirtualTime(0)).toBe('0.000000 s')
    expect([0.25, 1, 12.345, 312.4, 0, NaN].map(formatSpeedRatio)).toEqual(['0.25x', '1.00x', '12.3x', '312x', '–', '–'])
  })

  it('a clean run', () => {
    expect(text(statusItems(status(), 'open'))).toEqual({
      state: 'running [good]',
      time: '2.345679 s',
      speed: '312x',
      frames: '70 frames',
      drops: '0 dropped',
      findings: '0 findings [good]',
    })
  })

  it('drops, torn frames, findings and a bug check stand out', () => {
    const s = status({ state: 'finished', frames: { delivered: 1, dropped: 3, torn: 1, stale: 0 }, findings: 5, errors: 1, bugcheck: 'IRQL_NOT_LESS_OR_EQUAL' })
    expect(text(statusItems(s, 'open'))).toMatchObject({
      state: 'bug check [bad]',
      frames: '1 frame',
      drops: '3 dropped, 1 torn [warn]',
      findings: '5 findings (1 error) [bad]',
      bugcheck: 'IRQL_NOT_LESS_OR_EQUAL [bad]',
    })
    expect(text(statusItems(status({ findings: 1 }), 'open')).findings).toBe('1 finding [warn]')
  })

  it('frames cut short by a stop are shown apart from drops, and are no warning', () => {
    const s = status({ state: 'finished', frames: { delivered: 1800, dropped: 0, abortedAtStop: 1, torn: 0, stale: 0 } })
    expect(text(statusItems(s, 'open')).drops).toBe('0 dropped, 1 aborted at stop')
    const d = status({ state: 'finished', frames: { delivered: 1800, dropped: 2, abortedAtStop: 1, torn: 0, stale: 0 } })
    expect(text(statusItems(d, 'open')).drops).toBe('2 dropped, 1 aborted at stop [warn]')
  })

  it('without a run, and with the connection lost', () => {
    expect(text(statusItems(null, 'open'))).toEqual({ state: 'no run' })
    expect(text(statusItems(null, 'lost', 'code 1006'))).toEqual({ connection: 'connection lost: code 1006 [bad]', state: 'no run' })
    expect(text(statusItems(null, 'connecting'))).toEqual({ connection: 'connecting… [warn]', state: 'no run' })
  })

  it('a run known only by its report: its figures, findings beyond the listing counted, the bug check by name', () => {
    const r = {
      virtualTimeNs: 1e9,
      wallTimeMs: 50,
      frames: { delivered: 30, dropped: 1, torn: 0, stale: 0 },
      audio: { buffers: 0, bytes: 0 },
      srbs: { total: 0, byCommand: {}, completed: 0, cancelled: 0, timedOut: 0, outstanding: 0 },
      interrupts: { raised: 0, claimed: 0, spurious: 0 },
      findingCounts: { 'double-completion': 120, 'late-completion': 3 },
      verifier: [{ rule: 'double-completion', severity: 'error', message: 'm', timeNs: 1 }],
      bugcheck: { code: '0x1E', name: 'KMODE_EXCEPTION_NOT_HANDLED', message: 'm', callback: null, location: null, stack: null, timeNs: 5 },
    } as unknown as RunReport
    expect(statusFromReport(4, r)).toMatchObject({ runId: 4, state: 'finished', speedRatio: 20, findings: 123, errors: 1, bugcheck: 'KMODE_EXCEPTION_NOT_HANDLED' })
    expect(text(statusItems(statusFromReport(4, r), 'open'))).toMatchObject({ state: 'bug check [bad]', speed: '20.0x', drops: '1 dropped [warn]' })
    // A report that counts its errors (every current one): the errors beyond the listing count too.
    expect(statusFromReport(4, { ...r, verifierErrors: 120 })).toMatchObject({ findings: 123, errors: 120 })
    expect(text(statusItems(statusFromReport(4, { ...r, verifierErrors: 120 }), 'open')).findings).toBe('123 findings (120 errors) [bad]')
  })
})
