import { readdirSync, readFileSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { generatedDocs } from '../main/host/docs/generated.js'

/**
 * The layer rules drawn in each folder's README: imports point one way only, the simulation core uses
 * no Node or Electron, and nothing the tests or the CLI load imports electron.
 */

const ROOT = path.resolve(import.meta.dirname, '..')
const LAYERS = ['contract', 'sim', 'hw', 'classdriver', 'client', 'host'] as const

function files(dir: string, extensions: readonly string[] = ['.ts']): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? files(full, extensions) : extensions.some((e) => full.endsWith(e)) ? [full] : []
  })
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1])
}

/** npm packages each layer may use (besides its own and lower layers). */
const PACKAGES: Record<(typeof LAYERS)[number], RegExp> = {
  contract: /^$/,
  sim: /^$/,
  hw: /^$/,
  classdriver: /^$/,
  client: /^(@sinclair\/typebox|ajv|jsonc-parser)$/,
  host: /^(node:.*|esbuild|typescript|ajv|@sinclair\/typebox|jsonc-parser|protobufjs(\/.*)?)$/,
}

describe('architecture', () => {
  for (const layer of LAYERS) {
    it(`main/${layer} imports only ${LAYERS.slice(0, LAYERS.indexOf(layer) + 1).join(', ')}${layer === 'host' ? ' and Node' : ''}`, () => {
      const allowed = LAYERS.slice(0, LAYERS.indexOf(layer) + 1)
      const problems: string[] = []
      for (const file of files(path.join(ROOT, 'main', layer))) {
        for (const spec of imports(file)) {
          if (spec.startsWith('.')) {
            const target = path.relative(path.join(ROOT, 'main'), path.resolve(path.dirname(file), spec)).split(path.sep)[0]
            if (!allowed.includes(target as never)) problems.push(`${path.relative(ROOT, file)} imports ${spec} (layer ${target})`)
          } else if (!PACKAGES[layer].test(spec)) {
            problems.push(`${path.relative(ROOT, file)} imports '${spec}'`)
          }
        }
      }
      expect(problems).toEqual([])
    })
  }

  it('the renderer and the preload reach main/ only through main/contract, and the renderer never imports the preload', () => {
    const problems: string[] = []
    for (const dir of ['renderer', 'preload']) {
      for (const file of files(path.join(ROOT, dir), ['.ts', '.vue'])) {
        for (const spec of imports(file)) {
          if (!spec.startsWith('.')) continue
          const target = path.relative(ROOT, path.resolve(path.dirname(file), spec))
          if (target.startsWith(`main${path.sep}`) && !target.startsWith(path.join('main', 'contract'))) problems.push(`${path.relative(ROOT, file)} imports ${spec}`)
          // One contract: what the page shares with the preload lives in main/contract too.
          if (dir === 'renderer' && target.startsWith(`preload${path.sep}`)) problems.push(`${path.relative(ROOT, file)} imports ${spec}`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('imports electron only in the Electron shell (main/index.ts and main/electron/)', () => {
    const shell = (rel: string) => rel === 'main/index.ts' || rel.startsWith('main/electron/')
    const importers = [...files(path.join(ROOT, 'main')), ...files(path.join(ROOT, 'test')), ...files(path.join(ROOT, 'bench'))]
      .filter((f) => imports(f).includes('electron'))
      .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
    expect(importers.filter((f) => !shell(f))).toEqual([])
    expect(importers).toContain('main/index.ts')
  })

  it('keeps what both shells share to serve the page (main/pageServing) on Node and main/contract only', () => {
    const problems: string[] = []
    for (const file of files(path.join(ROOT, 'main', 'pageServing'))) {
      for (const spec of imports(file)) {
        const target = spec.startsWith('.') ? path.relative(path.join(ROOT, 'main'), path.resolve(path.dirname(file), spec)).split(path.sep)[0] : null
        if (target === null ? !spec.startsWith('node:') : target !== 'contract' && target !== 'pageServing') problems.push(`${path.relative(ROOT, file)} imports ${spec}`)
      }
    }
    expect(problems).toEqual([])
  })

  /** The entries and their folders: what each may import (main/ folders by name, packages by pattern). */
  const ENTRIES: { dir: string; main: readonly string[]; packages: RegExp }[] = [
    { dir: 'main/web', main: ['contract', 'pageServing', 'web'], packages: /^(node:.*|ws)$/ },
    { dir: 'main/electron', main: ['contract', 'host', 'pageServing', 'electron'], packages: /^(node:.*|electron|@electron\/fuses)$/ },
    { dir: 'main/cli.ts', main: [...LAYERS], packages: /^node:.*$/ },
    { dir: 'main/server.ts', main: ['contract', 'host', 'pageServing', 'web'], packages: /^(node:.*|ws)$/ },
    { dir: 'main/index.ts', main: ['contract', 'host', 'pageServing', 'electron'], packages: /^(node:.*|electron)$/ },
  ]
  for (const { dir, main, packages } of ENTRIES) {
    it(`${dir} imports only ${main.map((m) => `main/${m}`).join(', ')} and ${packages.source}`, () => {
      const problems: string[] = []
      const full = path.join(ROOT, dir)
      for (const file of statSync(full).isDirectory() ? files(full) : [full]) {
        for (const spec of imports(file)) {
          if (spec.startsWith('.')) {
            const target = path.relative(path.join(ROOT, 'main'), path.resolve(path.dirname(file), spec)).split(path.sep)[0]
            if (!main.includes(target)) problems.push(`${path.relative(ROOT, file)} imports ${spec}`)
          } else if (!packages.test(spec)) problems.push(`${path.relative(ROOT, file)} imports '${spec}'`)
        }
      }
      expect(problems).toEqual([])
    })
  }

  it('bench/ runs in plain Node: it imports main/ (not the shells), renderer/ .ts modules, test/ fixtures, scripts/ and Node only', () => {
    // Benchmarks measure the code the CLI, the backend and the page run, outside Electron and web mode's server.
    const problems: string[] = []
    for (const file of files(path.join(ROOT, 'bench'))) {
      for (const spec of imports(file)) {
        if (spec.startsWith('.')) {
          const target = path.relative(ROOT, path.resolve(path.dirname(file), spec)).split(path.sep).join('/')
          const top = target.split('/')[0]
          const shell = /^main\/(electron|web|pageServing)\/|^main\/(index|server)\.[jt]s$/.test(target)
          if (!['bench', 'main', 'renderer', 'test', 'scripts'].includes(top) || shell || target.endsWith('.vue')) problems.push(`${path.relative(ROOT, file)} imports ${spec}`)
        } else if (!/^(node:.*|strmini|vcap1)$/.test(spec)) problems.push(`${path.relative(ROOT, file)} imports '${spec}'`)
      }
    }
    expect(problems).toEqual([])
  })

  it('nothing in main/ imports the electron folder but main/index.ts, and nothing imports bench/', () => {
    const problems: string[] = []
    for (const file of [...files(path.join(ROOT, 'main')), ...files(path.join(ROOT, 'test')), ...files(path.join(ROOT, 'renderer'), ['.ts', '.vue'])]) {
      const rel = path.relative(ROOT, file).split(path.sep).join('/')
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue
        const target = path.relative(ROOT, path.resolve(path.dirname(file), spec)).split(path.sep).join('/')
        if (target.startsWith('main/electron/') && rel !== 'main/index.ts' && !rel.startsWith('main/electron/') && !rel.startsWith('test/electron/')) problems.push(`${rel} imports ${spec}`)
        if (target.startsWith('bench/')) problems.push(`${rel} imports ${spec}`)
      }
    }
    expect(problems).toEqual([])
  })

  it('has a README stating the rule in every layer folder', () => {
    for (const layer of LAYERS) expect(readFileSync(path.join(ROOT, 'main', layer, 'README.md'), 'utf8')).toMatch(/\*\*Layer rule:\*\*/)
  })

  it('keeps the generated documentation pages current (npm run docs)', () => {
    for (const [file, text] of Object.entries(generatedDocs())) expect(readFileSync(path.join(ROOT, file), 'utf8'), file).toBe(text)
  })

  it('no class driver helper imports the whole device', () => {
    // Helpers get the narrow view of the device they use (deviceParts.ts, or an interface next to them);
    // only the driver, which creates devices, imports StreamClassDevice from device.ts.
    const dir = path.join(ROOT, 'main', 'classdriver')
    const device = path.join(dir, 'device.ts')
    const importers = files(dir)
      .filter((f) => f !== device && imports(f).some((spec) => spec.startsWith('.') && path.resolve(path.dirname(f), spec) === path.join(dir, 'device.js')))
      .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
    expect(importers.sort()).toEqual(['main/classdriver/driver.ts'])
  })
})
