import { describe, expect, it } from 'vitest'
import type { FaultInfo } from '../../../main/contract/api.js'
import { FAULTS } from '../../../main/hw/vcap1/faultCatalogue.js'
import { buildFaultRequest, emptyFaultForm, faultParameters, searchFaults } from '../../../renderer/panels/faultForm.js'
import { FaultLog } from '../../../renderer/panels/faultLog.js'

// The real catalogue, as hello() sends it.
const catalogue: FaultInfo[] = FAULTS.map((f) => ({ ...f }))
const byId = (id: string) => catalogue.find((f) => f.id === id)!

describe('fault parameters', () => {
  it('offers count and probability for frame faults, duration and count for modes, only the value for actions', () => {
    expect(faultParameters(byId('frame-drop'))).toEqual({ count: true, probability: true, duration: false, value: null })
    expect(faultParameters(byId('lost-interrupt'))).toMatchObject({ count: true, probability: false, duration: true })
    expect(faultParameters(byId('dma-timeout'))).toEqual({ count: false, probability: false, duration: false, value: { meaning: 'ms until DMA_TIMEOUT is raised (0: never)', default: 50 } })
  })
})

describe('buildFaultRequest', () => {
  it('sends only what was filled in, at the chosen time', () => {
    expect(buildFaultRequest(byId('frame-drop'), emptyFaultForm())).toEqual({ ok: true, request: { fault: 'frame-drop' } })
    expect(buildFaultRequest(byId('frame-drop'), { ...emptyFaultForm(), count: '3' }, 1_500_000_000)).toEqual({ ok: true, request: { fault: 'frame-drop', count: 3, atNs: 1_500_000_000 } })
    expect(buildFaultRequest(byId('drop-percent'), { ...emptyFaultForm(), probability: '25%' })).toEqual({ ok: true, request: { fault: 'drop-percent', probability: 0.25 } })
    expect(buildFaultRequest(byId('interrupt-storm'), { ...emptyFaultForm(), duration: '2ms', value: '7' })).toEqual({ ok: true, request: { fault: 'interrupt-storm', duration: '2000000ns', value: 7 } })
    expect(buildFaultRequest(byId('stuck-status-bit'), { ...emptyFaultForm(), value: '0x10' })).toEqual({ ok: true, request: { fault: 'stuck-status-bit', value: 16 } })
  })

  it('ignores inputs the fault does not take', () => {
    expect(buildFaultRequest(byId('spurious-interrupt'), { count: '4', probability: '0.5', duration: '1s', value: '3' })).toEqual({ ok: true, request: { fault: 'spurious-interrupt' } })
  })

  it('names the field that is wrong', () => {
    expect(buildFaultRequest(byId('frame-drop'), { ...emptyFaultForm(), count: '0' })).toEqual({ ok: false, error: 'count "0" must be a whole number of at least 1' })
    expect(buildFaultRequest(byId('frame-drop'), { ...emptyFaultForm(), count: '2.5' })).toMatchObject({ ok: false })
    expect(buildFaultRequest(byId('drop-percent'), { ...emptyFaultForm(), probability: '1.5' })).toMatchObject({ ok: false, error: expect.stringMatching(/^probability "1.5"/) })
    expect(buildFaultRequest(byId('frame-drop'), { ...emptyFaultForm(), count: '2', probability: '0.5' })).toEqual({ ok: false, error: 'give a count or a probability, not both' })
    expect(buildFaultRequest(byId('lost-interrupt'), { ...emptyFaultForm(), duration: 'soon' })).toMatchObject({ ok: false, error: expect.stringMatching(/^duration: "soon" is not a time/) })
    expect(buildFaultRequest(byId('dma-timeout'), { ...emptyFaultForm(), value: 'lots' })).toMatchObject({ ok: false, error: expect.stringMatching(/value "lots" is not a number \(ms until DMA_TIMEOUT/) })
    expect(buildFaultRequest(byId('frame-drop'), emptyFaultForm(), -5)).toMatchObject({ ok: false })
  })
})

describe('searchFaults', () => {
  it('matches every word against id, number, scope, kind and the descriptions', () => {
    expect(searchFaults(catalogue, '')).toHaveLength(catalogue.length)
    expect(searchFaults(catalogue, 'timestamp').map((f) => f.id)).toEqual(expect.arrayContaining(['timestamp-jump', 'timestamp-freeze', 'timestamp-wrap', 'timestamp-drift', 'torn-timestamp']))
    expect(searchFaults(catalogue, 'audio mode').map((f) => f.id)).toEqual(['audio-drift', 'audio-jitter'])
    expect(searchFaults(catalogue, '#11').map((f) => f.id)).toEqual(['lost-interrupt'])
    expect(searchFaults(catalogue, 'watchdog OWN').map((f) => f.id)).toEqual(['lost-interrupt'])
    expect(searchFaults(catalogue, 'no such thing')).toEqual([])
  })
})

describe('FaultLog', () => {
  it('keeps successful injections per run in firing order and tells its listeners', () => {
    const log = new FaultLog()
    let calls = 0
    const off = log.subscribe(() => calls++)
    log.add(1, 'frame-drop', { ok: true, error: null, timeNs: 2e9 }, true, 10)
    log.add(1, 'lost-interrupt', { ok: true, error: null, timeNs: 1e9 }, false, 20)
    log.add(1, 'bad', { ok: false, error: 'unknown fault', timeNs: 0 }, false, 30)
    log.add(2, 'signal-loss', { ok: true, error: null, timeNs: 5 }, false, 40)
    expect(log.list(1).map((e) => [e.fault, e.timeNs])).toEqual([
      ['lost-interrupt', 1e9],
      ['frame-drop', 2e9],
    ])
    expect(log.list(2)).toHaveLength(1)
    expect(log.list(null)).toEqual([])
    expect(calls).toBe(3)
    off()
    log.add(2, 'x', { ok: true, error: null, timeNs: 6 }, false, 50)
    expect(calls).toBe(3)
  })
})
