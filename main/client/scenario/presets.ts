import { SECOND, formatDuration } from '../../contract/time.js'
import type { Scenario, ScenarioFormat, Step } from './schema.js'

export interface PresetOptions {
  /** How long the preset streams (its main wait). */
  durationNs: number
}

/** Default main wait of a preset. */
export const DEFAULT_PRESET_DURATION = 2 * SECOND

/**
 * The video format the presets prefer. They open the driver's range that offers it, or else the
 * driver's first video range (the report's `run.formats` says which ran): a preset never builds a
 * range of its own, so an exact-match intersection (DDK testcap's) matches too.
 */
const CAPTURE_FORMAT = { subtype: 'YUY2', width: 640, height: 480, fps: 30 } as const
const AUDIO_FORMAT = { subtype: 'PCM', channels: 2, sampleRate: 48000, bits: 16 } as const

/** How a preset opens its stream: a preferred format, or the driver's range N (with at least `needs` ranges, else not applicable). */
type Open = { prefer: Exclude<ScenarioFormat, { range: number }> } | { range: number; needs?: number }

function openStep(stream: 'video' | 'audio', open: Open): Step {
  if ('prefer' in open) return { op: 'open-stream', stream, prefer: open.prefer }
  return { op: 'open-stream', stream, range: open.range, ...(open.needs !== undefined ? { needsRanges: open.needs } : {}) }
}

function ms(ns: number): string {
  return `${Math.max(1, Math.round(ns / 1e6))}ms`
}

/** Frames a healthy driver delivers in `ns` at `fps`, with a margin for the first and last frame. */
function expectedFrames(ns: number, fps: number): number {
  return Math.max(0, Math.floor((ns / SECOND) * fps * 0.95) - 1)
}

function openAndRun(stream: 'video' | 'audio', open: Open, buffers: number): Step[] {
  return [
    openStep(stream, open),
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
 * The built-in scenarios (docs/presets.md). They select streams by kind ("video", "audio") and formats
 * from the driver's own data ranges, so they run against any driver that has the stream; one that
 * needs what the driver lacks (an audio stream, a second format) is not applicable. `capture` is the
 * default of `mdwb run`.
 */
export const PRESETS: Record<string, { description: string; build: PresetBuilder }> = {
  capture: {
    description: "YUY2 640x480 at 30 fps when the driver offers it (else its first video range) with 4 buffers in flight for the duration; every frame delivered",
    build: ({ durationNs }) => ({
      name: 'capture',
      steps: [
        { op: 'start-device' },
        ...openAndRun('video', { prefer: CAPTURE_FORMAT }, 4),
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
        openStep('video', { prefer: CAPTURE_FORMAT }),
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
        ...openAndRun('video', { prefer: CAPTURE_FORMAT }, 4),
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
      steps: [{ op: 'start-device' }, ...openAndRun('video', { prefer: CAPTURE_FORMAT }, 1), { op: 'wait', duration: ms(durationNs) }, ...stopAndClose('video'), { op: 'stop-device' }],
      expect: { maxTorn: 0, maxStale: 0 },
    }),
  },
  'cancel-storm': {
    description: 'reads cancelled again and again while streaming',
    build: ({ durationNs }) => ({
      name: 'cancel-storm',
      steps: [
        { op: 'start-device' },
        ...openAndRun('video', { prefer: CAPTURE_FORMAT }, 4),
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
      steps: [{ op: 'start-device' }, ...openAndRun('video', { prefer: CAPTURE_FORMAT }, 4), { op: 'wait', duration: ms(durationNs) }, { op: 'close-stream', stream: 'video' }, { op: 'stop-device' }],
      expect: { maxTorn: 0, maxStale: 0 },
    }),
  },
  'surprise-removal': {
    description: 'the card disappears while streaming; the driver must cancel everything and not hang',
    build: ({ durationNs }) => ({
      name: 'surprise-removal',
      steps: [
        { op: 'start-device' },
        ...openAndRun('video', { prefer: CAPTURE_FORMAT }, 4),
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
        ...openAndRun('video', { prefer: CAPTURE_FORMAT }, 4),
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
    description: "capture in the driver's first video range, propose its second, then reopen in it; not applicable with one range",
    build: ({ durationNs }) => ({
      name: 'format-change',
      steps: [
        { op: 'start-device' },
        // A driver with one format has nothing to change to: not applicable.
        ...openAndRun('video', { range: 0, needs: 2 }, 4),
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
    description: '48 kHz stereo 16-bit PCM when the driver offers it (else its first audio range) with 4 buffers in flight for the duration; not applicable without an audio stream',
    build: ({ durationNs }) => ({
      name: 'audio-capture',
      steps: [
        { op: 'start-device' },
        ...openAndRun('audio', { prefer: AUDIO_FORMAT }, 4),
        { op: 'wait', duration: ms(durationNs) },
        ...stopAndClose('audio'),
        { op: 'stop-device' },
      ],
      expect: { maxDropped: 0 },
    }),
  },
}

/**
 * The paragraph docs/presets.md opens with (main/host/docs/generated.ts writes the page): what the
 * presets assume of a driver, kept beside the table it describes.
 */
export const PRESETS_INTRO = [
  'Run one with `mdwb run <driver.ts> --scenario <name> [--duration 2s]`; `--duration` sets its main wait',
  '(default 2 s). `mdwb check <driver.ts>` runs them all. Presets address streams by kind ("video",',
  '"audio") and take formats from the driver\'s own data ranges: each names a preferred format (YUY2',
  '640x480 at 30 fps, 48 kHz stereo 16-bit PCM) and opens the driver\'s range that offers it, or else the',
  'stream\'s first range of its kind; the report\'s `run.formats` says which format ran',
  '([scenarios.md](scenarios.md#formats)). The frame counts they expect assume about 30 fps. A preset',
  'that needs what the driver lacks (an audio stream, a second video range for `format-change`) is not',
  'applicable: `mdwb check` skips it.',
].join('\n')

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
