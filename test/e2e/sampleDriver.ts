/**
 * The first-launch sample project on disk (the VCAP-1 template: driver.ts is a copy of
 * examples/vcap1-capture.ts) and the lines of its driver the tests edit, found by their text so that
 * the tests follow the reference driver when it changes.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The folder of the sample project the workbench created in the projects folder on first launch. */
export function sampleProjectRoot(projectsFolder: string): string {
  const folders = readdirSync(projectsFolder, { withFileTypes: true }).filter((d) => d.isDirectory())
  const sample = folders.find((d) => {
    try {
      return readdirSync(join(projectsFolder, d.name)).includes('workbench.json')
    } catch {
      return false
    }
  })
  if (sample === undefined) throw new Error(`no project (a folder with workbench.json) in ${projectsFolder}`)
  return join(projectsFolder, sample.name)
}

export function sampleDriverText(projectsFolder: string): string {
  return readFileSync(join(sampleProjectRoot(projectsFolder), 'driver.ts'), 'utf8')
}

/** The 1-based line of the first line containing `text` after the line that starts with `after`. */
export function lineAfter(source: string, after: string, text: string): number {
  const lines = source.split('\n')
  const start = lines.findIndex((l) => l.startsWith(after))
  if (start < 0) throw new Error(`the sample driver has no line starting with "${after}"`)
  const i = lines.findIndex((l, n) => n > start && l.includes(text))
  if (i < 0) throw new Error(`the sample driver has no "${text}" after "${after}"`)
  return i + 1
}

/** Where the tests edit the sample driver. */
export interface SampleLines {
  /** CompleteRead's call that completes the read SRB: a second copy completes it twice. */
  completeRead: number
  /** The first statement of the ISR (Vcap1Interrupt): a throw after it is a bug check at DIRQL. */
  isrFirstStatement: number
}

export function sampleLines(source: string): SampleLines {
  return {
    completeRead: lineAfter(source, 'function CompleteRead(', 'StreamClassStreamNotification(StreamRequestComplete'),
    isrFirstStatement: lineAfter(source, 'export function Vcap1Interrupt(', 'const ext = HwDeviceExtension'),
  }
}

/** The text of a 1-based line. */
export function lineText(source: string, line: number): string {
  return source.split('\n')[line - 1] ?? ''
}
