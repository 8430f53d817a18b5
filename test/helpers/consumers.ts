/**
 * The real programs that read our exports (a trace viewer, ffprobe, gtkwave, ...), which only
 * Debian's packages bring. `.ci/run` installs every package named here (a test keeps
 * .ci/apt-packages in step with this table). Outside CI a suite whose consumer is missing is skipped
 * and named at the end of the run with the package to install (test/helpers/skippedConsumersReporter.ts);
 * under CI (`CI=true`) it fails instead, so a green CI always means the consumers ran.
 */
import { accessSync, constants, existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { describe, it, type TestFunction } from 'vitest'

export interface Consumer {
  /** What it is, for messages. */
  what: string
  /** Debian package that installs it. */
  debianPackage: string
  /** Files it needs (absolute paths). */
  files?: readonly string[]
  /** Commands it needs on PATH. */
  commands?: readonly string[]
}

export const CATAPULT_DIR = '/usr/share/go-1.19/src/cmd/trace/static'

export const CONSUMERS = {
  catapult: {
    what: "the Catapult trace viewer (chrome://tracing's importer)",
    debianPackage: 'golang-1.19-src',
    files: [join(CATAPULT_DIR, 'trace_viewer_full.html'), join(CATAPULT_DIR, 'webcomponents.min.js')],
  },
  ffprobe: { what: 'ffprobe (FFmpeg)', debianPackage: 'ffmpeg', commands: ['ffprobe', 'ffmpeg'] },
  gtkwave: { what: "gtkwave's vcd2fst and fst2vcd", debianPackage: 'gtkwave', commands: ['vcd2fst', 'fst2vcd'] },
  sigrok: { what: 'sigrok-cli', debianPackage: 'sigrok-cli', commands: ['sigrok-cli'] },
  protoc: { what: 'protoc (the protobuf compiler)', debianPackage: 'protobuf-compiler', commands: ['protoc'] },
} as const satisfies Record<string, Consumer>

export type ConsumerId = keyof typeof CONSUMERS

/** The marker a skipped suite's or test's name carries; the reporter lists every name with it. */
export const SKIP_MARKER = ' [consumer missing: '

export const underCi = (): boolean => /^(1|true|yes)$/i.test(process.env['CI'] ?? '')

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)))
}

/** What is missing of a consumer ("missing /usr/bin/x, y"), or null when it can run here. */
export function consumerMissing(id: ConsumerId): string | null {
  const c: Consumer = CONSUMERS[id]
  const missing = [...(c.files ?? []).filter((f) => !existsSync(f)), ...(c.commands ?? []).filter((cmd) => !onPath(cmd)).map((cmd) => `${cmd} on PATH`)]
  return missing.length === 0 ? null : `missing ${missing.join(', ')}`
}

function missingMessage(id: ConsumerId, missing: string): string {
  const c: Consumer = CONSUMERS[id]
  return `${c.what} is not installed (${missing}): apt-get install -y ${c.debianPackage} (.ci/run installs it)`
}

/**
 * A describe block that needs a consumer: runs where it is installed; fails under CI where it is not;
 * elsewhere is skipped with the package to install in its name.
 */
export function describeWithConsumer(id: ConsumerId, name: string, body: () => void): void {
  const missing = consumerMissing(id)
  if (missing === null) describe(name, body)
  else if (underCi()) describe(name, () => it(`has ${CONSUMERS[id].what}`, () => { throw new Error(missingMessage(id, missing)) }))
  else describe.skip(`${name}${SKIP_MARKER}${CONSUMERS[id].debianPackage}]`, body)
}

/** One test that needs a consumer, with the same rules as describeWithConsumer. */
export function itWithConsumer(id: ConsumerId, name: string, body: TestFunction, timeout?: number): void {
  const missing = consumerMissing(id)
  if (missing === null) it(name, body, timeout)
  else if (underCi()) it(name, () => { throw new Error(missingMessage(id, missing)) })
  else it.skip(`${name}${SKIP_MARKER}${CONSUMERS[id].debianPackage}]`, body)
}

/**
 * For a check at the end of a longer test: true where the consumer is installed; under CI a missing
 * one throws; elsewhere false, with a warning naming the package.
 */
export function consumerPresentOrFail(id: ConsumerId): boolean {
  const missing = consumerMissing(id)
  if (missing === null) return true
  if (underCi()) throw new Error(missingMessage(id, missing))
  console.warn(`skipped the ${CONSUMERS[id].what} check: ${missingMessage(id, missing)}`)
  return false
}
