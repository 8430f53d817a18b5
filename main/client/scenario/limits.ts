import { formatDuration, SECOND } from '../../contract/time.js'

/**
 * The bounds of a scenario and of a run (docs/scenarios.md, "Limits"). They keep a mistyped number
 * (`"duration": 1e300`, `"bytes": 1e12`, a repeat nested 5,000 deep) from becoming a run that never
 * ends or exhausts memory; the wall-clock limit (setting `wallClockLimitSeconds`, SessionCore) is the
 * backstop for everything else.
 */

/**
 * The longest virtual time a run may be asked for: any one duration of a scenario, the total of its
 * waits (repeats counted), `--duration`. The run itself stops at this plus RUN_SLACK_NS (scenarioSource).
 * Why 10 minutes: the whole trace is kept in memory (and copied from the sandbox to the host), and the
 * VCAP-1 reference driver records about 4,600 rows (250 KB) per virtual second at 640x480, twice that
 * at 1080p60: 10 minutes is about 150 to 300 MB per copy, an hour would be 1 to 2 GB.
 */
export const MAX_VIRTUAL_NS = 10 * 60 * SECOND

/**
 * Times the steps of a scenario run in all, each step's `count` and enclosing `repeat`s multiplied.
 * Each is at least one request, about four trace rows: 1,000,000 is about 220 MB of trace and a few
 * seconds of wall time.
 */
export const MAX_STEP_RUNS = 1_000_000

/** How deep `repeat`s may nest (a repeat directly in `steps` is at depth 1). */
export const MAX_REPEAT_DEPTH = 10

/** JSON nesting a scenario file may have at all (the parser is recursive: this keeps its stack small). */
export const MAX_JSON_DEPTH = 64

/** The largest `bytes` of a `write`: 1 GiB, the largest buffer the client allocates (formats.ts). */
export const MAX_WRITE_BYTES = 1 << 30

/**
 * The bytes of one stream's buffers a `read` or `write` step may keep in flight (buffers x
 * headersPerSrb x the buffer size of the driver's format): 1 GiB (64 buffers of 1080p RGB32 are 530 MB).
 * The step fails at run time when the format the driver chose makes it larger.
 */
export const MAX_CLIENT_BUFFER_BYTES = 1 << 30

/** `count` of a request step, `count` of a fault, `wait-frames` count: well past what a run can do. */
export const MAX_COUNT = 100_000_000

/** "10 min" for messages. */
export function formatLimit(ns: number): string {
  return ns >= 60 * SECOND && ns % (60 * SECOND) === 0 ? `${ns / (60 * SECOND)} min` : formatDuration(ns)
}

/** The message for a virtual duration over MAX_VIRTUAL_NS, or null when it is within it. */
export function durationOverLimit(ns: number): string | null {
  return ns > MAX_VIRTUAL_NS ? `more than ${formatLimit(MAX_VIRTUAL_NS)}, the longest virtual time a run may take` : null
}
