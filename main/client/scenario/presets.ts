import { SECOND, formatDuration } from '../../contract/time.js'
import type { Scenario, ScenarioFormat, Step } from './schema.js'

export interface PresetOptions {
  /** How long the preset streams (its main wait). */
  durationNs: number
}

/** Default main wait of a preset. */
export const DEFAULT_PRESET_DURATION = 2 * SECOND

const CAPTURE_FORMAT = { subtype: 'YUY2', width: 640, height: 480, fps: 30 } as const

function ms(ns: number): string {
  return `${Math.max(1, Math.round(ns / 1e6))}ms`
}

/** Frames a healthy driver delivers in `ns` at `fps`, with a margin for the first and last frame. */
function expectedFrames(ns: number, fps: number): number {
  return Math.max(0, Math.floor((ns / SECOND) * fps * 0.95) - 1)
}

function openAndRun(stream: 'video' | 'audio', format: ScenarioFormat, buffers: number): Step[] {
  return [
    { op: 'open-stream', stream, format },
    { op: 'indicate-master-clock', stream, clock: 'system' },
    { op: 'set-state', stream, state: 'PAUSE' },
    { op: 'read', stream, buffers, continuous: true },
    { op: 'set-state', stream, state: 'RUN' },
  ]
}

function stopAndClose(stream: 'video' | 'audio'): Step[] {
  return [
    { op: 'set-state', stream, state: 'PAUSE' },
    { op: 'set-state', stream, state: 'STOP' },
    { op: 'close-stream', stream },
  ]
}

type PresetBuilder = (o: PresetOptions) => Scenario

/**
 * The built-in scenarios (docs/presets.md). They select streams by kind ("video", "audio") so
 * they work with any driver; `capture` is the default of `mdwb run`.
 */
export const PRESETS: Record<string, { description: string; build: PresetBuilder }> = {
  capture: {
    description: 'YUY2 640x480 at 30 fps with 4 buffers in flight for the duration; every frame delivered',
    build: ({ durationNs }) => ({
      name: 'capture',
      steps: [
        { op: 'start-device' },
        ...openAndRun('video', CAPTURE_FORMAT, 4),
        { op: 'wait', duration: ms(durationNs) },
        ...stopAndClose('video'),
        { op: 'stop-device' },
      ],
      expect: { minFrames: expectedFrames(durationNs, 30), maxDropped: 0, maxTorn: 0, maxStale: 0 },
    }),
  },
  'start-stop': {
    description: '100 cycles of PAUSE, RUN, PAUSE, STOP with reads in flight',
    build: ({ durationNs }) => ({
      name: 'start-stop',
      steps: [
        { op: 'start-device' },
        { op: 'open-stream', stream: 'video', format: CAPTURE_FORMAT },
        { op: 'indicate-master-clock', stream: 'video', clock: 'system' },
        {
          op: 'repeat',
          times: 100,
          steps: [
            { op: 'set-state', stream: 'video', state: 'PAUSE' },
            { op: 'read', stream: 'video', buffers: 4, continuous: true },
            { op: 'set-state', stream: 'video', state: 'RUN' },
            { op: 'wait', duration: ms(durationNs / 100) },
            { op: 'set-state', stream: 'video', state: 'PAUSE' },
            { op: 'set-state', stream: 'video', state: 'STOP' },
          ],
        },
        { op: 'close-stream', stream: 'video' },
        { op: 'stop-device' },
      ],
      expect: { maxTorn: 0, maxStale: 0 },
    }),
  },
  'pause-run': {
    description: 'RUN and PAUSE alternate while streaming: counters and time stamps must carry on',
    build: ({ durationNs }) => ({
      name: 'pause-run',
      steps: [
        { op: 'start-device' },
        ...openAndRun('video', CAPTURE_FORMAT, 4),
        {
          op: 'repeat',
          times: 5,
          steps: [
            { op: 'wait', duration: ms(durationNs / 10) },
            { op: 'set-state', stream: 'video', state: 'PAUSE' },
            { op: 'wait', duration: ms(durationNs / 10) },
            { op: 'set-state', stream: 'video', state: 'RUN' },
          ],
        },
        ...stopAndClose('video'),
        { op: 'stop-device' },
      ],
      // Half the time is spent paused, and a driver may re-base its frame clock on each resume.
      expect: { minFrames: Math.floor((durationNs / 2 / SECOND) * 30 * 0.8), maxTorn: 0, maxStale: 0 },
    }),
  },
  starvation: {
    description: 'one buffer in flight: frames are dropped, and the drops must be reported',
    build: ({ durationNs }) => ({
      name: 'starvation',
      steps: [{ op: 'start-device' }, ...openAndRun('video', CAPTURE_FORMAT, 1), { op: 'wait', duration: ms(durationNs) }, ...stopAndClose('video'), { op: 'stop-device' }],
      expect: { maxTorn: 0, maxStale: 0 },
    }),
  },
  'cancel-storm': {
    description: 'reads cancelled again and again while streaming',
    build: ({ durationNs }) => ({
      name: 'cancel-storm',
      steps: [
        { op: 'start-device' },
        ...openAndRun('video', CAPTURE_FORMAT, 4),
        {
          op: 'repeat',
          times: 50,
          steps: [
            { op: 'wait', duration: ms(durationNs / 50) },
            { op: 'cancel', stream: 'video', which: 'all' },
            { op: 'read', stream: 'video', buffers: 4, continuous: true },
          ],
        },
        ...stopAndClose('video'),
        { op: 'stop-device' },
      ],
      expect: { maxTorn: 0, maxStale: 0 },
    }),
  },
  'close-while-running': {
    description: 'the stream is closed in RUN with reads outstanding (an application crash)',
    build: ({ durationNs }) => ({
      name: 'close-while-running',
      steps: [{ op: 'start-device' }, ...openAndRun('video', CAPTURE_FORMAT, 4), { op: 'wait', duration: ms(durationNs) }, { op: 'close-stream', stream: 'video' }, { op: 'stop-device' }],
      expect: { maxTorn: 0, maxStale: 0 },
    }),
  },
  'surprise-removal': {
    description: 'the card disappears while streaming; the driver must cancel everything and not hang',
    build: ({ durationNs }) => ({
      name: 'surprise-removal',
      steps: [
        { op: 'start-device' },
        ...openAndRun('video', CAPTURE_FORMAT, 4),
        { op: 'wait', duration: ms(durationNs) },
        { op: 'surprise-removal' },
        { op: 'close-stream', stream: 'video' },
        { op: 'stop-device' },
      ],
      expect: { maxTorn: 0, maxStale: 0 },
    }),
  },
  'power-cycle': {
    description: 'D3 and back to D0 with nothing open, then a capture; the driver restores the card',
    build: ({ durationNs }) => ({
      name: 'power-cycle',
      steps: [
        { op: 'start-device' },
        { op: 'power', state: 'D3' },
        { op: 'power', state: 'D0' },
        ...openAndRun('video', CAPTURE_FORMAT, 4),
        { op: 'wait', duration: ms(durationNs) },
        ...stopAndClose('video'),
        { op: 'power', state: 'D3' },
        { op: 'power', state: 'D0' },
        { op: 'stop-device' },
      ],
      expect: { minFrames: expectedFrames(durationNs, 30), maxDropped: 0, maxTorn: 0, maxStale: 0 },
    }),
  },
  'format-change': {
    description: "capture in the driver's first format, propose its second, then reopen in it",
    build: ({ durationNs }) => ({
      name: 'format-change',
      steps: [
        { op: 'start-device' },
        ...openAndRun('video', { range: 0 }, 4),
        { op: 'wait', duration: ms(durationNs / 2) },
        { op: 'propose-format', stream: 'video', format: { range: 1 } },
        ...stopAndClose('video'),
        ...openAndRun('video', { range: 1 }, 4),
        { op: 'wait', duration: ms(durationNs / 2) },
        ...stopAndClose('video'),
        { op: 'stop-device' },
      ],
      expect: { minFrames: expectedFrames(durationNs, 30) - 2, maxDropped: 0, maxTorn: 0, maxStale: 0 },
    }),
  },
  'audio-capture': {
    description: '48 kHz stereo 16-bit PCM with 4 buffers in flight for the duration',
    build: ({ durationNs }) => ({
      name: 'audio-capture',
      steps: [
        { op: 'start-device' },
        ...openAndRun('audio', { subtype: 'PCM', channels: 2, sampleRate: 48000, bits: 16 }, 4),
        { op: 'wait', duration: ms(durationNs) },
        ...stopAndClose('audio'),
        { op: 'stop-device' },
      ],
      expect: { maxDropped: 0 },
    }),
  },
}

export function presetNames(): string[] {
  return Object.keys(PRESETS)
}

export function buildPreset(name: string, options: PresetOptions): Scenario {
  const p = PRESETS[name]
  if (!p) throw new Error(`unknown preset '${name}' (presets: ${presetNames().join(', ')})`)
  const scenario = p.build(options)
  scenario.description = `${p.description} (${formatDuration(options.durationNs)})`
  return scenario
}
