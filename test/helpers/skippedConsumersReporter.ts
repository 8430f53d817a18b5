/**
 * A Vitest reporter that ends the run with the suites skipped because a consumer program is not
 * installed here, each with the Debian package that enables it (test/helpers/consumers.ts marks their
 * names). Under CI none are skipped: they fail instead.
 */
import type { Reporter, TestModule } from 'vitest/node'
import { SKIP_MARKER } from './consumers.js'

export default class SkippedConsumersReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = []
    for (const module of testModules) {
      const entities = [...module.children.allSuites(), ...module.children.allTests()]
      for (const e of entities) {
        const at = e.name.indexOf(SKIP_MARKER)
        // A skipped suite's tests carry no marker of their own, so each suite is listed once.
        if (at >= 0) skipped.push(`  ${module.moduleId.replace(`${process.cwd()}/`, '')}: ${e.name.slice(0, at)} (apt-get install -y ${e.name.slice(at + SKIP_MARKER.length, -1)})`)
      }
    }
    if (skipped.length === 0) return
    process.stdout.write(`\nSkipped: ${skipped.length} suite(s) or test(s) whose consumer program is not installed here (under CI=true they fail instead):\n${skipped.join('\n')}\n`)
  }
}
