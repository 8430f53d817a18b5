import { describe, expect, it } from 'vitest'
import { languageOf, modelUri, pathOfUri } from '../../../renderer/editor/modelPaths.js'

describe('editor model paths', () => {
  it('one model per project file at file:///<path>, so relative imports resolve', () => {
    expect(modelUri('driver.ts')).toBe('file:///driver.ts')
    expect(modelUri('src/my ring.ts')).toBe('file:///src/my%20ring.ts')
    expect(pathOfUri('file:///src/my%20ring.ts')).toBe('src/my ring.ts')
  })

  it('typings and foreign models are not project files', () => {
    expect(pathOfUri('file:///node_modules/strmini/index.d.ts')).toBeNull()
    expect(pathOfUri('inmemory://model/1')).toBeNull()
  })

  it('picks the language by extension', () => {
    expect(['a.ts', 'b.mts', 's.json', 'README.md', 'Makefile'].map(languageOf)).toEqual(['typescript', 'typescript', 'json', 'markdown', 'plaintext'])
  })
})
