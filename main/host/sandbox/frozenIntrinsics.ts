import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * The script that hardens the sandbox's context before anything else runs in it: the `ses` package's
 * `lockdown()` (Hardened JavaScript) freezes every intrinsic (Object, Array, JSON, Function, the
 * prototypes, ...), so a driver cannot change how they behave for the class driver, the verifier or
 * the report that share its realm (`Array.prototype.push = () => 0` throws instead of forging a pass).
 *
 * Options keep what drivers and the simulation rely on: real error stacks (the verifier maps them to
 * the driver's lines), Date and Math as they are (the simulation's clock is virtual anyway), no eval
 * (the context already forbids code generation), the minimum of override repairs (`min`: assigning
 * `error.name` or `obj.toString` on an instance still works; hot methods stay plain data properties).
 */
const LOCKDOWN_OPTIONS = {
  errorTaming: 'unsafe',
  stackFiltering: 'verbose',
  overrideTaming: 'min',
  consoleTaming: 'unsafe',
  localeTaming: 'unsafe',
  dateTaming: 'unsafe',
  mathTaming: 'unsafe',
  domainTaming: 'unsafe',
  evalTaming: 'no-eval',
  reporting: 'none',
} as const

let script: Promise<string> | null = null

/** The lockdown script and its call, as one script to evaluate in a fresh context. */
export function frozenIntrinsicsScript(): Promise<string> {
  script ??= (async () => {
    // ses exports its package.json; the standalone lockdown build sits beside it in dist/.
    const packageJson = createRequire(import.meta.url).resolve('ses/package.json')
    const source = await readFile(join(dirname(packageJson), 'dist', 'lockdown.umd.min.js'), 'utf8')
    return `${source}\n;lockdown(${JSON.stringify(LOCKDOWN_OPTIONS)});\n`
  })()
  return script
}
