import { buildPreset } from '../main/client/scenario/presets.js'
import { compileDriver } from '../main/host/compile.js'
import { Sandbox } from '../main/host/sandbox/sandbox.js'

/**
 * Save-to-running for a hot swap (issue 4): compile a driver of about 1,300 lines (the VCAP-1
 * reference driver) and swap it into a session running at real-time pace in the sandbox. Returns the
 * wall milliseconds of each swap, from the start of compiling to the swap's answer.
 */
export async function hotSwapTimes(file: string, swaps: number): Promise<{ times: number[]; lines: number; replaced: number }> {
  const first = await compileDriver(file)
  if (!first.ok) throw new Error(`${file} does not compile`)
  const sandbox = new Sandbox()
  const scenario = buildPreset('capture', { durationNs: 600e9 })
  delete scenario.expect
  const run = sandbox.run({ driver: first.driver, scenario, timeLimitNs: 700e9, pace: 1 })
  await new Promise((r) => setTimeout(r, 300))
  const times: number[] = []
  let replaced = 0
  for (let i = 0; i < swaps; i++) {
    const t0 = performance.now()
    const compiled = await compileDriver(file)
    if (!compiled.ok) throw new Error('compile failed')
    const result = await run.swap(compiled.driver)
    times.push(performance.now() - t0)
    if (!result.ok) throw new Error(`swap failed: ${result.error}`)
    replaced = result.replaced.length
    await new Promise((r) => setTimeout(r, 50))
  }
  run.stop()
  await run.result
  await sandbox.close()
  const { readFileSync } = await import('node:fs')
  return { times, lines: readFileSync(file, 'utf8').split('\n').length, replaced }
}
