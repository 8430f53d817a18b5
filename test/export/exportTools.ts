/**
 * What the export suites share: `mdwb run` in this process (main/cli.ts, the sandbox included), the
 * consumers as child processes, and a small VCD reader to compare files by their value changes.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { main } from '../../main/cli.js'
import type { RunReport } from '../../main/host/reportBuilder.js'

export const ROOT = path.resolve(import.meta.dirname, '../..')
export const VCAP1_DRIVER = path.join(ROOT, 'examples/vcap1-capture.ts')

export function scratch(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'mdwb-export-'))
}

/** `mdwb run` with `args` and `--report`, quietly; the exit status and the report. */
export async function mdwbRun(args: string[], dir: string): Promise<{ code: number; report: RunReport }> {
  const reportFile = path.join(dir, `report-${Math.random().toString(36).slice(2)}.json`)
  const log = console.log
  console.log = () => {}
  let code: number
  try {
    code = await main(['run', ...args, '--quiet', '--report', reportFile])
  } finally {
    console.log = log
  }
  return { code, report: JSON.parse(await readFile(reportFile, 'utf8')) as RunReport }
}

/** Runs a program; its stdout as a Buffer (and stderr). Rejects on a non-zero exit. */
export function run(file: string, args: string[], maxBuffer = 256 * 1024 * 1024): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'buffer', maxBuffer, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stderr.toString()}`))
      else resolve({ stdout, stderr: stderr.toString() })
    })
  })
}

export async function ffprobe(file: string, extra: string[] = []): Promise<Record<string, any>> {
  const { stdout } = await run('ffprobe', ['-v', 'error', ...extra, '-show_streams', '-show_format', '-of', 'json', file])
  return JSON.parse(stdout.toString('utf8'))
}

/** A VCD read back: variables by name, and every value change as "time name value" (values as numbers). */
export interface ParsedVcd {
  timescale: string
  vars: Map<string, { name: string; width: number }>
  changes: string[]
  /** Changes per variable name: [time, value] in order. */
  byName: Map<string, [number, number][]>
}

export function parseVcd(text: string): ParsedVcd {
  const vars = new Map<string, { name: string; width: number }>()
  const tokens = text.split(/\s+/).filter((t) => t !== '')
  let i = 0
  let timescale = ''
  for (; i < tokens.length; i++) {
    const t = tokens[i]
    if (t === '$var') {
      vars.set(tokens[i + 3], { width: Number(tokens[i + 2]), name: tokens[i + 4] })
      i += 4
    } else if (t === '$timescale') {
      const end = tokens.indexOf('$end', i)
      timescale = tokens.slice(i + 1, end).join('')
      i = end
    } else if (t === '$enddefinitions') {
      i += 2
      break
    } else if (t === '$date' || t === '$version' || t === '$comment') i = tokens.indexOf('$end', i)
  }
  const changes: string[] = []
  const byName = new Map<string, [number, number][]>()
  let time = 0
  const add = (id: string, value: number) => {
    const v = vars.get(id)
    if (v === undefined) throw new Error(`value change of undeclared id ${id}`)
    changes.push(`${time} ${v.name} ${value}`)
    let list = byName.get(v.name)
    if (list === undefined) byName.set(v.name, (list = []))
    list.push([time, value])
  }
  for (; i < tokens.length; i++) {
    const t = tokens[i]
    if (t === '$dumpvars' || t === '$end') continue
    if (t[0] === '#') time = Number(t.slice(1))
    else if (t[0] === 'b' || t[0] === 'B') add(tokens[++i], parseInt(t.slice(1), 2))
    else if (t[0] === '0' || t[0] === '1') add(t.slice(1), Number(t[0]))
    else throw new Error(`unexpected VCD token ${t}`)
  }
  return { timescale, vars, changes, byName }
}
