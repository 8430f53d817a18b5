import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CONSUMERS } from '../helpers/consumers.js'

// .ci/run installs what .ci/apt-packages lists; a consumer missing there would fail every CI run.
describe('.ci/apt-packages', () => {
  const listed = readFileSync(new URL('../../.ci/apt-packages', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')

  it('lists the Debian package of every consumer program the suites use, and nothing else', () => {
    const needed = [...new Set(Object.values(CONSUMERS).map((c) => c.debianPackage))].sort()
    expect([...listed].sort()).toEqual(needed)
  })
})
