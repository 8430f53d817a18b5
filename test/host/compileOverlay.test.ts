import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compileDriver, DEFAULT_MODULE_EXPORTS } from '../../main/host/compile.js'

const root = mkdtempSync(path.join(tmpdir(), 'mdwb-overlay-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('compiling a project with unsaved buffers', () => {
  it('reads buffers instead of files, finds files that exist only as buffers, and names files relative to the project', async () => {
    writeFileSync(path.join(root, 'driver.ts'), "export function DriverEntry() { return 1 }\n")
    const overlay = new Map([
      [path.join(root, 'driver.ts'), "import { VALUE } from './lib/value.js'\nexport function DriverEntry() { for (;;) { return VALUE } }\n"],
      [path.join(root, 'lib', 'value.ts'), 'export const VALUE = 42\n'],
    ])
    const result = await compileDriver(path.join(root, 'driver.ts'), DEFAULT_MODULE_EXPORTS, { overlay, root })
    if (!result.ok) throw new Error(JSON.stringify(result.errors))
    expect(result.driver.name).toBe('driver.ts')
    expect(result.driver.code).toContain('42')
    expect([...result.driver.map.sources].sort()).toEqual(['driver.ts', 'lib/value.ts'])
    // Loop sites (where the watchdog points) name the project file too.
    expect(result.driver.loopSites).toEqual([{ file: 'driver.ts', line: 2, column: expect.any(Number) }])
  })

  it('reports a syntax error of a buffer at its project-relative file and line', async () => {
    writeFileSync(path.join(root, 'driver.ts'), "import './lib/util.js'\nexport function DriverEntry() { return 1 }\n")
    const overlay = new Map([[path.join(root, 'lib', 'util.ts'), 'export const a = 1\nexport const = 2\n']])
    const result = await compileDriver(path.join(root, 'driver.ts'), DEFAULT_MODULE_EXPORTS, { overlay, root })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual([expect.objectContaining({ file: 'lib/util.ts', line: 2 })])
  })
})
