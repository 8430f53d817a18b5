// Where the Electron executable is, found the way the `electron` package finds it (its path.txt,
// or ELECTRON_OVERRIDE_DIST_PATH); null when the package was installed without its binary.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const electronDir = fileURLToPath(new URL('../node_modules/electron/', import.meta.url))

export function findElectron() {
  const pathTxt = join(electronDir, 'path.txt')
  const exe = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : ''
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const candidate = override ? join(override, exe || 'electron') : exe ? join(electronDir, 'dist', exe) : ''
  return candidate && existsSync(candidate) ? candidate : null
}
