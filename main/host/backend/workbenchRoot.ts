import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

let found: string | null = null

/**
 * The workbench's own folder (package.json, templates/, examples/, main/): found by walking up from
 * this file, so it is the same whether this runs from the sources (tests, tsx) or from a bundle in out/.
 */
export function workbenchRoot(): string {
  if (found !== null) return found
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = path.join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'minidriver-workbench') return (found = dir)
    const up = path.dirname(dir)
    if (up === dir) throw new Error(`the workbench's package.json was not found above ${fileURLToPath(import.meta.url)}`)
    dir = up
  }
}

/** The workbench's version (package.json). */
export function workbenchVersion(): string {
  return (JSON.parse(readFileSync(path.join(workbenchRoot(), 'package.json'), 'utf8')) as { version: string }).version
}
