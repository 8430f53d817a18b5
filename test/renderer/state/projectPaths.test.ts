import { describe, expect, it } from 'vitest'
import { baseName, joinPath, pushRecent, suggestFolder } from '../../../renderer/state/projectPaths.js'

describe('project paths', () => {
  it('names folders and joins paths with the separator they use', () => {
    expect(baseName('/home/u/projects/cap/')).toBe('cap')
    expect(baseName('C:\\Users\\u\\cap')).toBe('cap')
    expect(joinPath('/home/u', 'x')).toBe('/home/u/x')
    expect(joinPath('C:\\Users', 'x')).toBe('C:\\Users\\x')
  })

  it('suggests a folder for a new project that no recent project uses', () => {
    expect(suggestFolder('/p', 'vcap1', [])).toBe('/p/vcap1')
    expect(suggestFolder('/p', 'vcap1', ['/p/vcap1', '/p/vcap1-2/'])).toBe('/p/vcap1-3')
  })

  it('keeps recent projects newest first without duplicates', () => {
    expect(pushRecent(['/a', '/b', '/c'], '/b')).toEqual(['/b', '/a', '/c'])
    expect(pushRecent(['/a', '/b'], '/z', 2)).toEqual(['/z', '/a'])
  })
})
