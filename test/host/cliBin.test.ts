import { execFile } from 'node:child_process'
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * bin/mdwb.mjs as installed: it runs the prebuilt out/cli (scripts/cliBuild.mjs), building it when it
 * is missing or no longer matches the sources. Every other test runs the sources (MDWB_FROM_SOURCES=1,
 * vitest.config.ts); these run the bin without it, in a copy of the checkout (bin/, scripts/, main/,
 * an example; node_modules linked), so that the real out/cli is left alone.
 */

const ROOT = path.resolve(import.meta.dirname, '../..')
let copy = ''

function mdwb(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env['MDWB_FROM_SOURCES']
  delete env['MDWB_SANDBOX_BUNDLES']
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(copy, 'bin/mdwb.mjs'), ...args], { cwd: copy, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

beforeAll(async () => {
  copy = await mkdtemp(path.join(tmpdir(), 'mdwb-bin-'))
  for (const dir of ['bin', 'scripts', 'main']) await cp(path.join(ROOT, dir), path.join(copy, dir), { recursive: true })
  await mkdir(path.join(copy, 'examples'))
  await cp(path.join(ROOT, 'examples/testcap.ts'), path.join(copy, 'examples/testcap.ts'))
  await cp(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'))
  await symlink(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir')
})

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true })
})

describe('bin/mdwb.mjs runs the prebuilt out/cli', () => {
  it('builds out/cli when it is missing, saying so on stderr, then prints the usage', async () => {
    expect(existsSync(path.join(copy, 'out/cli'))).toBe(false)
    const r = await mdwb(['--help'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^mdwb: building out\/cli \(out\/cli does not exist yet\)\.\.\. done in \d+\.\d s\n$/)
    expect(r.stdout).toMatch(/^Usage:\n {2}mdwb run <driver\.ts>/)
    const stamp = JSON.parse(await readFile(path.join(copy, 'out/cli/stamp.json'), 'utf8')) as { outputs: string[]; files: Record<string, unknown> }
    expect(stamp.outputs).toContain('mdwb.mjs')
    expect(stamp.outputs.some((f) => f.startsWith('sandbox-'))).toBe(true)
    for (const file of stamp.outputs) expect(existsSync(path.join(copy, 'out/cli', file))).toBe(true)
    expect(stamp.files).toHaveProperty(['main/cli.ts'])
  })

  it('starts from the current build with nothing on stderr', async () => {
    const r = await mdwb(['--help'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^Usage:/)
  })

  it('runs a driver in the sandbox from the build (its worker and simulation prebuilt beside it)', async () => {
    const r = await mdwb(['run', 'examples/testcap.ts', '--duration', '200ms', '--quiet'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^PASS {2}examples\/testcap\.ts/)
  })

  it('rebuilds when a source changed since the build, naming the file', async () => {
    await appendFile(path.join(copy, 'main/cli.ts'), '\n// changed\n')
    const r = await mdwb(['--help'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^mdwb: building out\/cli \(main\/cli\.ts changed since the last build\)\.\.\. done in \d+\.\d s\n$/)
    expect(r.stdout).toMatch(/^Usage:/)
    expect((await mdwb(['--help'])).stderr).toBe('')
  })

  it('rebuilds when a source file is added', async () => {
    await writeFile(path.join(copy, 'main/extra.ts'), 'export const extra = 1\n')
    const r = await mdwb(['--help'])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/\(main\/extra\.ts is new since the last build\)/)
  })

  it('refuses to run a stale build when the sources do not build: the error with its place, exit 2', async () => {
    const cli = path.join(copy, 'main/cli.ts')
    const good = await readFile(cli, 'utf8')
    await writeFile(cli, `${good}\nexport const broken = (\n`)
    const r = await mdwb(['--help'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^mdwb: building out\/cli \(main\/cli\.ts changed since the last build\)\.\.\. failed\nmdwb: the command line does not build from its sources:\n/)
    expect(r.stderr).toMatch(/main\/cli\.ts:\d+:\d+/)
    await writeFile(cli, good)
  })
})
