import { execFile } from 'node:child_process'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'

/** `mdwb <command> --help`: the usage of that command on stdout and exit 0, never "unknown option". */

const ROOT = path.resolve(import.meta.dirname, '../..')
const MDWB = path.join(ROOT, 'bin/mdwb.mjs')

function mdwb(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MDWB, ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, MDWB_FROM_SOURCES: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('mdwb <command> --help', () => {
  it('prints the usage of check, run and validate, with -h too, wherever the flag is', async () => {
    const check = await mdwb(['check', '--help'])
    expect(check).toMatchObject({ code: 0, stderr: '' })
    expect(check.stdout).toMatch(/^Usage: mdwb check <driver\.ts> \[options\]/)
    expect(check.stdout).toContain('--report out.json')
    expect(check.stdout).toContain('capture, start-stop')
    const run = await mdwb(['run', 'examples/testcap.ts', '-h'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toMatch(/^Usage: mdwb run <driver\.ts> \[options\]/)
    expect(run.stdout).toContain('--scenario <preset|file.json>')
    const validate = await mdwb(['validate', '--help'])
    expect(validate).toMatchObject({ code: 0, stderr: '' })
    expect(validate.stdout).toMatch(/^Usage: mdwb validate <trace\.json>/)
  })

  it('still refuses an unknown option, and names the per-command help in the general usage', async () => {
    const r = await mdwb(['check', '--hlep'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown option '--hlep'")
    expect((await mdwb(['--help'])).stdout).toContain('mdwb <command> --help')
  })
})
