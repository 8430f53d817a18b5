import { execFile, spawn } from 'node:child_process'
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'

/** The mdwb command line as a user runs it: exit statuses 0/1/2, messages, files written. */

const ROOT = path.resolve(import.meta.dirname, '../..')
const MDWB = path.join(ROOT, 'bin/mdwb.mjs')

function mdwb(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MDWB, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

async function scratch(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'mdwb-cli-'))
}

describe('mdwb run', () => {
  it('runs testcap for 10 s: exit 0, about 300 frames and none dropped, a trace that validates', async () => {
    const dir = await scratch()
    const trace = path.join(dir, 't.json')
    const reportFile = path.join(dir, 'r.json')
    const csv = path.join(dir, 's.csv')
    const run = await mdwb(['run', 'examples/testcap.ts', '--duration', '10s', '--trace', trace, '--report', reportFile, '--srb-csv', csv])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^PASS {2}examples\/testcap\.ts {2}scenario capture/)
    const report = JSON.parse(await readFile(reportFile, 'utf8'))
    expect(report.frames.delivered).toBeGreaterThanOrEqual(295)
    expect(report.frames.delivered).toBeLessThanOrEqual(301)
    expect(report.frames.dropped).toBe(0)
    expect(report.verifier).toEqual([])
    expect(report.bugcheck).toBeNull()
    for (const key of ['driver', 'scenario', 'seed', 'virtualTimeNs', 'wallTimeMs', 'frames', 'srbs', 'interrupts', 'verifier', 'bugcheck']) expect(report).toHaveProperty(key)
    expect(report.srbs).toMatchObject({ outstanding: 0, timedOut: 0 })
    const validate = await mdwb(['validate', trace])
    expect(validate.code).toBe(0)
    expect(validate.stdout).toMatch(/^valid: /m)
    const rows = (await readFile(csv, 'utf8')).trim().split('\n')
    expect(rows[0]).toBe('srb,command,stream,queue,submitted_ns,delivered_ns,completed_ns,latency_ns,status,bytes')
    expect(rows.length - 1).toBe(report.srbs.total)
  })

  it('runs the VCAP-1 reference driver for 10 s: exit 0, 300 frames, none dropped or torn', async () => {
    const dir = await scratch()
    const reportFile = path.join(dir, 'r.json')
    const run = await mdwb(['run', 'examples/vcap1-capture.ts', '--scenario', 'capture', '--duration', '10s', '--report', reportFile])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/card vcap1/)
    const report = JSON.parse(await readFile(reportFile, 'utf8'))
    expect(report.frames).toEqual({ delivered: 300, dropped: 0, abortedAtStop: 0, torn: 0, stale: 0 })
    expect(report.verifier).toEqual([])
  })

  it('injects VCAP-1 faults from --fault, and names the catalogue for an unknown one', async () => {
    const dir = await scratch()
    const reportFile = path.join(dir, 'r.json')
    const run = await mdwb(['run', 'examples/vcap1-capture.ts', '--duration', '1s', '--fault', 'frame-drop@300ms,count=3', '--report', reportFile])
    expect(run.code).toBe(0)
    const report = JSON.parse(await readFile(reportFile, 'utf8'))
    expect(report.frames.dropped).toBe(3)
    const unknown = await mdwb(['run', 'examples/vcap1-capture.ts', '--duration', '100ms', '--fault', 'no-such-fault'])
    expect(unknown.code).not.toBe(0)
    expect(unknown.stdout + unknown.stderr).toMatch(/VCAP-1 has no fault 'no-such-fault' \(faults: frame-drop, drop-percent/)
  })

  it('--watch replays on a save and says where the new run diverged; Ctrl+C ends it', async () => {
    const dir = await scratch()
    const file = path.join(dir, 'stubcap.ts')
    await copyFile(path.join(ROOT, 'examples/stubcap.ts'), file)
    const child = spawn(process.execPath, [MDWB, 'run', file, '--card', 'stub', '--duration', '300ms', '--watch'], { cwd: ROOT })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const until = async (pattern: RegExp, count = 1): Promise<void> => {
      const deadline = Date.now() + 30_000
      while ((out.match(new RegExp(pattern, 'g')) ?? []).length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${out}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    try {
      await until(/waiting for changes/)
      expect(out).toMatch(/^PASS {2}/m)
      // Save a change that breaks the ISR: the replay runs at once and names the divergence.
      const source = await readFile(file, 'utf8')
      await writeFile(file, source.replace('if ((pending & STUB_INT_TIMER) !== 0 &&', 'if ((pending & STUB_INT_TIMER) === 0 &&'))
      await until(/waiting for changes/, 2)
      expect(out).toMatch(/replay: first divergence at \d+\.\d{3} ms on "/)
      expect(out).toMatch(/frames: \d+ -> 0 delivered/)
    } finally {
      child.kill('SIGINT')
    }
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(0)
  })

  it('exits 2 naming the file and line of a syntax error', async () => {
    const dir = await scratch()
    const file = path.join(dir, 'broken.ts')
    await writeFile(file, "import * as S from 'strmini'\nexport function DriverEntry(a: unknown, b: unknown) {\n  return S.StreamClassRegisterMinidriver(a, b, {\n}\n")
    const run = await mdwb(['run', file], dir)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^broken\.ts:5:\d+: error: /m)
  })

  it('exits 1 with double-completion in the report for a driver that completes an SRB twice', async () => {
    const dir = await scratch()
    const source = (await readFile(path.join(ROOT, 'examples/testcap.ts'), 'utf8')).replace(
      "  StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)\n}\n\nfunction VideoGetProperty",
      "  StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)\n  StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)\n}\n\nfunction VideoGetProperty",
    )
    expect(source).toContain('pSrb)\n  StreamClassStreamNotification(StreamRequestComplete, pSrb.StreamObject!, pSrb)\n}\n\nfunction VideoGetProperty')
    await writeFile(path.join(dir, 'twice.ts'), source)
    const run = await mdwb(['run', 'twice.ts', '--report', 'r.json'], dir)
    expect(run.code).toBe(1)
    const report = JSON.parse(await readFile(path.join(dir, 'r.json'), 'utf8'))
    expect(report.verifier.map((f: { rule: string }) => f.rule)).toContain('double-completion')
    const f = report.verifier.find((x: { rule: string }) => x.rule === 'double-completion')
    expect(f.location.file).toBe('twice.ts')
    expect(run.stdout).toMatch(/double-completion: .* at twice\.ts:\d+:\d+/)
  })

  it('exits 2 for an invalid scenario, naming the step and the field', async () => {
    const dir = await scratch()
    await writeFile(path.join(dir, 's.json'), JSON.stringify({ name: 'bad', steps: [{ op: 'start-device' }, { op: 'set-state', stream: 0, state: 'RUNNING' }, { op: 'opne-stream' }] }))
    const run = await mdwb(['run', path.join(ROOT, 'examples/testcap.ts'), '--scenario', 's.json'], dir)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`step 2 (set-state): field 'state' must be one of "STOP", "ACQUIRE", "PAUSE", "RUN"`)
    expect(run.stderr).toContain("step 3: unknown op 'opne-stream' (did you mean 'open-stream'?)")
  })

  it('exits 2 for usage errors', async () => {
    expect((await mdwb(['run', 'examples/testcap.ts', '--sync', 'maybe'])).code).toBe(2)
    expect((await mdwb(['run', 'examples/testcap.ts', '--scenario', 'no-such-preset'])).stderr).toMatch(/not a preset/)
    expect((await mdwb(['frobnicate'])).code).toBe(2)
  })
})

describe('mdwb validate', () => {
  it('exits 1 and lists the problems of a broken trace', async () => {
    const dir = await scratch()
    const file = path.join(dir, 'bad.json')
    await writeFile(file, JSON.stringify({ traceEvents: [{ ph: 'e', cat: 'srb', name: 'x', id: 1, pid: 1, ts: 1 }] }))
    const run = await mdwb(['validate', file])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/without a begin/)
    expect(run.stdout).toMatch(/no process_name/)
  })
})
