import type { Scenario } from '../main/client/scenario/schema.js'
import type { CompiledDriver } from '../main/host/compile.js'
import { Session } from '../main/host/session.js'

/** One data-path run: virtual time over wall time, and what the card moved. */
export interface DataPathRun {
  ratio: number
  frames: number
  dropped: number
  frameBytes: number
  /** Bytes the card's DMA engine moved per wall second spent moving them (page walk, checks, copy). */
  dmaBytesPerSecond: number
  /** Bytes moved per wall second of the whole emulation (driver, class driver, card, client). */
  systemBytesPerSecond: number
}

export function capture(width: number, height: number, fps: number, seconds: number, bandwidthMBps: number): Scenario {
  return {
    name: `vcap1 ${width}x${height}@${fps}`,
    device: { card: 'vcap1', bandwidthMBps },
    steps: [
      { op: 'start-device' },
      { op: 'open-stream', stream: 'video', format: { subtype: 'YUY2', width, height, fps } },
      { op: 'indicate-master-clock', stream: 'video', clock: 'system' },
      { op: 'set-state', stream: 'video', state: 'PAUSE' },
      { op: 'read', stream: 'video', buffers: 4, continuous: true },
      { op: 'set-state', stream: 'video', state: 'RUN' },
      { op: 'wait', duration: `${seconds}s` },
      { op: 'set-state', stream: 'video', state: 'PAUSE' },
      { op: 'set-state', stream: 'video', state: 'STOP' },
      { op: 'close-stream', stream: 'video' },
      { op: 'stop-device' },
    ],
  }
}

function run(driver: CompiledDriver, scenario: Scenario, trace: boolean, frameBytes: number): DataPathRun {
  const session = new Session({ driver, scenario, timeLimitNs: 600e9, trace })
  const port = session.card.vcap1!.port
  port.measure = true
  const report = session.run()
  if (report.result !== 'pass') throw new Error(`${scenario.name} failed: ${report.failures.join('; ')}`)
  return {
    ratio: report.virtualTimeNs / 1e6 / report.wallTimeMs,
    frames: report.frames.delivered,
    dropped: report.frames.dropped,
    frameBytes,
    dmaBytesPerSecond: port.bytesWritten / (port.busyMs / 1000),
    systemBytesPerSecond: port.bytesWritten / (report.wallTimeMs / 1000),
  }
}

/** 640x480 YUY2 at 30 fps for 10 virtual seconds at the default 400 MB/s. */
export function dataPath640(driver: CompiledDriver, trace: boolean): DataPathRun {
  return run(driver, capture(640, 480, 30, 10, 400), trace, 640 * 480 * 2)
}

/** 1920x1080 YUY2 at 60 fps for 5 virtual seconds at 400 MB/s. */
export function dataPath1080(driver: CompiledDriver): DataPathRun {
  return run(driver, capture(1920, 1080, 60, 5, 400), false, 1920 * 1080 * 2)
}

/**
 * The yardstick: bytes per second of a plain Uint8Array.set copying `frames` whole frames of
 * `frameBytes` from a source frame into four rotating destination buffers (like four capture buffers).
 */
export function memcpyBytesPerSecond(frameBytes: number, frames: number): number {
  const source = new Uint8Array(frameBytes).map((_, i) => i & 0xff)
  const targets = [0, 1, 2, 3].map(() => new Uint8Array(frameBytes))
  const t0 = performance.now()
  for (let f = 0; f < frames; f++) targets[f % 4].set(source)
  const seconds = (performance.now() - t0) / 1000
  return (frameBytes * frames) / seconds
}
