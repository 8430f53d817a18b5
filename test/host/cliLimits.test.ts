import { execFile } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../main/cli.js'
import { compileDriver } from '../../main/host/compile.js'
import { resolveScenario } from '../../main/host/scenarioSource.js'
import { Session } from '../../main/host/session.js'
import { parseServerArgs } from '../../main/server.js'

/**
 * Option values and the bounds of a run (docs/scenarios.md "Limits"): every bad value gets a message
 * that says what a valid one is, a run that takes too long ends as not completed, with the reason.
 */

const ROOT = path.resolve(import.meta.dirname, '../..')
const MDWB = path.join(ROOT, 'bin/mdwb.mjs')

function mdwb(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MDWB, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** `mdwb run examples/testcap.ts <args>` in this process: the exit status and the first line of stderr. */
async function run(...args: string[]): Promise<{ code: number; message: string }> {
  const errors: string[] = []
  const spy = vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)))
  try {
    const code = await main(['run', 'examples/testcap.ts', ...args])
    return { code, message: errors.join('\n').split('\n')[0] }
  } finally {
    spy.mockRestore()
  }
}

describe('mdwb run option values', () => {
  let cwd: string
  beforeEach(() => {
    cwd = process.cwd()
    process.chdir(ROOT)
  })
  afterEach(() => process.chdir(cwd))

  it('says what a valid value is for a value that starts with a dash, instead of "argument is ambiguous"', async () => {
    expect(await run('--seed', '-1')).toEqual({ code: 2, message: "mdwb: --seed must be an integer from 0 to 4294967295, got '-1'" })
    expect(await run('--duration', '-5s')).toEqual({ code: 2, message: "mdwb: --duration must be a duration such as 2s or 500ms, at most 10 min, got '-5s'" })
    expect(await run('--speed', '-1')).toEqual({ code: 2, message: "mdwb: --speed must be a positive number (virtual seconds per wall second) or fast, got '-1'" })
    expect(await run('--loop-budget', '-5')).toEqual({ code: 2, message: "mdwb: --loop-budget must be wall milliseconds from 10 to 600000, got '-5'" })
    expect(await run('--sync', '-1')).toEqual({ code: 2, message: "mdwb: --sync must be on or off, got '-1'" })
    expect(await run('--card', '-1')).toEqual({ code: 2, message: "mdwb: --card must be vcap1, stub or none, got '-1'" })
    expect(await run('--watch', '--reload', '-1')).toEqual({ code: 2, message: "mdwb: --reload must be replay or swap, got '-1'" })
    expect(await run('--fault', 'frame-drop,count=-1')).toEqual({ code: 2, message: "mdwb: --fault frame-drop,count=-1: field 'count' must be at least 1" })
    expect(await run('--setting', 'wallClockLimitSeconds=-1')).toEqual({ code: 2, message: 'mdwb: --setting wallClockLimitSeconds=-1: wallClockLimitSeconds must be a positive number of seconds' })
    expect(await run('--setting', '-x')).toEqual({ code: 2, message: expect.stringMatching(/^mdwb: --setting -x: expected key=value with a key of: deviceTimeoutSeconds, /) })
  })

  it('says what a valid value is for other bad values', async () => {
    expect(await run('--seed', '1.5')).toEqual({ code: 2, message: "mdwb: --seed must be an integer from 0 to 4294967295, got '1.5'" })
    expect(await run('--seed=')).toEqual({ code: 2, message: "mdwb: --seed must be an integer from 0 to 4294967295, got ''" })
    expect(await run('--seed', '4294967296')).toEqual({ code: 2, message: "mdwb: --seed must be an integer from 0 to 4294967295, got '4294967296'" })
    expect(await run('--speed', '0')).toEqual({ code: 2, message: "mdwb: --speed must be a positive number (virtual seconds per wall second) or fast, got '0'" })
    expect(await run('--loop-budget', '1e12')).toEqual({ code: 2, message: "mdwb: --loop-budget must be wall milliseconds from 10 to 600000, got '1e12'" })
    expect(await run('--fault', 'frame-drop,probability=2')).toEqual({ code: 2, message: "mdwb: --fault frame-drop,probability=2: field 'probability' must be at most 1" })
    expect(await run('--fault', 'frame-drop,bogus=1')).toEqual({ code: 2, message: "mdwb: --fault frame-drop,bogus=1: unknown key 'bogus' (keys: count, probability, duration, register, access, scope, value)" })
    expect(await run('--fault', 'frame-drop@-5ms')).toEqual({ code: 2, message: 'mdwb: --fault frame-drop@-5ms: field \'at\' is not a duration such as "2s", "500ms" or "250us": "-5ms"' })
    expect(await run('--fault', '')).toEqual({ code: 2, message: expect.stringMatching(/^mdwb: --fault '': needs a fault name first \(a fault: name\[@time\]/) })
    expect(await run('--setting', 'dataTimeoutSeconds=abc')).toEqual({ code: 2, message: 'mdwb: --setting dataTimeoutSeconds=abc: dataTimeoutSeconds must be a number of at least 0, like its default 30' })
    expect(await run('--setting', 'poisonCompletedSrbs=yes')).toEqual({ code: 2, message: 'mdwb: --setting poisonCompletedSrbs=yes: poisonCompletedSrbs must be a boolean, like its default true' })
    expect(await run('--setting', 'initialStatus=maybe')).toEqual({ code: 2, message: "mdwb: --setting initialStatus=maybe: initialStatus must be one of 'poison', 'pending'" })
    expect(await run('--quiet=yes')).toEqual({ code: 2, message: "mdwb: --quiet takes no value, got 'yes'" })
    expect(await run('--sed', '1')).toEqual({ code: 2, message: "mdwb: unknown option '--sed' (did you mean '--seed'?)" })
    expect(await run('-s', '1')).toEqual({ code: 2, message: "mdwb: unknown option '-s' (options are spelled out: --seed, --duration...)" })
  })

  it('says which value is missing: at the end, or another option in its place', async () => {
    expect(await run('--duration')).toEqual({ code: 2, message: 'mdwb: --duration needs a value: a duration such as 2s or 500ms, at most 10 min' })
    expect(await run('--trace', '--report', 'r.json')).toEqual({ code: 2, message: "mdwb: --trace needs a value: a file name such as out.json, got the option '--report'" })
    expect(await run('--scenario=')).toEqual({ code: 2, message: expect.stringMatching(/^mdwb: --scenario needs a value: a preset \(capture, /) })
  })

  it('refuses a --duration past the 10 minute maximum of virtual time', async () => {
    expect(await run('--duration', '99999999999999999999ns')).toEqual({ code: 2, message: 'mdwb: --duration 99999999999999999999ns is more than 10 min, the longest virtual time a run may take' })
    expect(await run('--duration', '11m')).toEqual({ code: 2, message: 'mdwb: --duration 11m is more than 10 min, the longest virtual time a run may take' })
  })
})

describe('npm run web -- --port', () => {
  it('says what a port is for a negative, fractional, empty or missing value', () => {
    for (const bad of ['-1', '1.5', '', '65536', '0x50']) expect(() => parseServerArgs(['--port', bad]), bad).toThrow(`--port ${bad}: not a port number (0-65535)`)
    expect(() => parseServerArgs(['--port'])).toThrow('--port needs a value (a port number, 0-65535)')
    expect(() => parseServerArgs(['--port', '--open'])).toThrow('--port needs a value (a port number, 0-65535)')
    expect(parseServerArgs(['--port', '0']).options.port).toBe(0)
  })
})

describe('the wall-clock limit', () => {
  it('ends an in-process run that takes longer, as not completed, with the reason in the report', async () => {
    const compiled = await compileDriver(path.join(ROOT, 'examples/testcap.ts'))
    if (!compiled.ok) throw new Error('testcap does not compile')
    const { scenario, timeLimitNs } = await resolveScenario('capture', 600e9)
    const started = performance.now()
    const report = new Session({ driver: compiled.driver, scenario, timeLimitNs, settings: { wallClockLimitSeconds: 0.05 } }).run()
    expect(performance.now() - started).toBeLessThan(20_000)
    expect(report.exitCode).toBe(1)
    expect(report.run.completed).toBe(false)
    expect(report.virtualTimeNs).toBeLessThan(600e9)
    expect(report.run.reason).toMatch(/^the run reached its wall-clock limit of 0\.05 s \(setting wallClockLimitSeconds\) at [\d.]+ s of virtual time, during step 7 \(wait\)$/)
    expect(report.failures[0]).toBe(report.run.reason)
  })

  it('ends a sandboxed mdwb run the same way: exit 1, the reason printed and in the report', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mdwb-limits-'))
    const reportFile = path.join(dir, 'r.json')
    const r = await mdwb(['run', 'examples/testcap.ts', '--duration', '10m', '--setting', 'wallClockLimitSeconds=0.05', '--report', reportFile])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^ {2}-> the run reached its wall-clock limit of 0\.05 s \(setting wallClockLimitSeconds\) at [\d.]+ s of virtual time, during step 7 \(wait\)$/m)
    const report = JSON.parse(await readFile(reportFile, 'utf8'))
    expect(report.run).toMatchObject({ completed: false, reason: expect.stringMatching(/^the run reached its wall-clock limit/) })
  })
})

describe('mdwb run with scenario files at the limits', () => {
  it('exits 2 naming the file and the step for a 1e300 duration, 1e12 bytes and a 5,000-deep repeat; runs a file with a BOM', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mdwb-limits-'))
    await writeFile(path.join(dir, 'huge.json'), JSON.stringify({ name: 'huge', steps: [{ op: 'start-device' }, { op: 'open-stream', stream: 0 }, { op: 'wait', duration: 1e300 }, { op: 'write', stream: 0, buffers: 1, bytes: 1e12 }] }))
    let inner = '{"op":"wait","duration":"1ms"}'
    for (let i = 0; i < 5000; i++) inner = `{"op":"repeat","times":1,"steps":[${inner}]}`
    await writeFile(path.join(dir, 'deep.json'), `{"name":"deep","steps":[{"op":"start-device"},${inner}]}`)
    await writeFile(path.join(dir, 'bom.json'), `\uFEFF${JSON.stringify({ name: 'bom', steps: [{ op: 'start-device' }, { op: 'stop-device' }] }, null, 2)}`)
    const testcap = path.join(ROOT, 'examples/testcap.ts')
    const [huge, deep, bom] = await Promise.all([mdwb(['run', testcap, '--scenario', 'huge.json'], dir), mdwb(['run', testcap, '--scenario', 'deep.json'], dir), mdwb(['run', testcap, '--scenario', 'bom.json'], dir)])
    expect(huge.code).toBe(2)
    expect(huge.stderr).toContain("huge.json: invalid scenario\n  - step 3 (wait): field 'duration' is 1e+300, more than 10 min, the longest virtual time a run may take\n  - step 4 (write): field 'bytes' must be at most 1,073,741,824")
    expect(deep.code).toBe(2)
    expect(deep.stderr).toMatch(/^deep\.json: invalid scenario\n {2}- line 1, column \d+: step 2\.1\.1\.1\.1\.1\.1\.1\.1\.1\.1 \(repeat\): repeats nest at most 10 deep/)
    expect(deep.stderr).not.toMatch(/call stack/)
    expect(bom.stderr).toBe('')
    expect(bom.code).toBe(0)
    expect(bom.stdout).toMatch(/^PASS {2}.*scenario bom/)
  })
})
