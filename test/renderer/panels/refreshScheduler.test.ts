import { describe, expect, it } from 'vitest'
import { RefreshScheduler, type SchedulerClock } from '../../../renderer/panels/refreshScheduler.js'

/** A clock the test moves by hand. */
class ManualClock implements SchedulerClock {
  t = 0
  private timers: { at: number; fn: () => void; id: number }[] = []
  private nextId = 1
  now(): number {
    return this.t
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++
    this.timers.push({ at: this.t + ms, fn, id })
    return id
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle)
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0]
      if (due === undefined) break
      this.t = due.at
      this.timers = this.timers.filter((x) => x !== due)
      due.fn()
      await settle()
    }
    this.t = end
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A task whose answers the test releases one by one. */
function backend() {
  const calls: { startedAt: number; finish: () => void }[] = []
  let running = 0
  let maxRunning = 0
  return {
    calls,
    get maxRunning() {
      return maxRunning
    },
    task(clock: ManualClock) {
      return () =>
        new Promise<void>((resolve) => {
          running++
          maxRunning = Math.max(maxRunning, running)
          let done = false
          calls.push({
            startedAt: clock.now(),
            finish: () => {
              if (done) return
              done = true
              running--
              resolve()
            },
          })
        })
    },
  }
}

describe('RefreshScheduler', () => {
  it('runs at once when idle, then at most once per interval however often it is asked', async () => {
    const clock = new ManualClock()
    const b = backend()
    const s = new RefreshScheduler(b.task(clock), 250, clock)
    s.request()
    expect(b.calls).toHaveLength(1)
    b.calls[0].finish()
    await settle()
    // A status event every 10 ms for one second.
    for (let i = 0; i < 100; i++) {
      s.request()
      await clock.advance(10)
      b.calls.at(-1)!.finish()
      await settle()
    }
    const starts = b.calls.map((c) => c.startedAt)
    expect(starts.length).toBeGreaterThanOrEqual(4)
    expect(starts.length).toBeLessThanOrEqual(5)
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(250)
    expect(b.maxRunning).toBe(1)
  })

  it('never overlaps requests: a slow answer holds the next one back, and the last ask is not lost', async () => {
    const clock = new ManualClock()
    const b = backend()
    const s = new RefreshScheduler(b.task(clock), 250, clock)
    s.request()
    await clock.advance(1000)
    s.request()
    s.request()
    await clock.advance(1000)
    expect(b.calls).toHaveLength(1)
    expect(b.maxRunning).toBe(1)
    b.calls[0].finish()
    await settle()
    // The waiting request runs as soon as the answer is in (the interval has long passed).
    expect(b.calls).toHaveLength(2)
    expect(b.calls[1].startedAt).toBe(2000)
    b.calls[1].finish()
    await settle()
    expect(s.busy).toBe(false)
    await clock.advance(1000)
    expect(b.calls).toHaveLength(2)
  })

  it('keeps going after a failing task, and stops for good when disposed', async () => {
    const clock = new ManualClock()
    let n = 0
    const s = new RefreshScheduler(
      async () => {
        n++
        throw new Error('backend gone')
      },
      100,
      clock,
    )
    s.request()
    await settle()
    s.request()
    await clock.advance(100)
    expect(n).toBe(2)
    s.request()
    s.dispose()
    await clock.advance(1000)
    s.request()
    await clock.advance(1000)
    expect(n).toBe(2)
  })
})
