import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportChromeTrace } from '../../../main/host/chromeTrace/chromeTraceExport.js'
import { writeChromeTraceFile } from '../../../main/host/chromeTrace/chromeTraceFile.js'
import { validateChromeTrace } from '../../../main/host/chromeTrace/chromeTraceValidate.js'
import { validateChromeTraceFile } from '../../../main/host/chromeTrace/chromeTraceValidateFile.js'
import { vcap1Run } from '../../export/perfettoRuns.js'
import type { ExportableRun } from '../../../main/host/backend/exports.js'

// The Chrome JSON written to disk a part at a time (mdwb run --trace) is the same bytes as the text
// built whole before; the streamed validator (mdwb validate) gives what the whole-text one gives.

let dir: string
let run: ExportableRun
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mdwb-chrome-stream-'))
  run = await vcap1Run(3e8)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('streamed Chrome trace JSON', () => {
  it('the streamed file is the previous whole-text export, byte for byte', async () => {
    const file = path.join(dir, 't.json')
    const metadata = { driver: 'd', scenario: 'capture', seed: 1 }
    const written = await writeChromeTraceFile(file, run.trace, { metadata })
    const text = await readFile(file, 'utf8')
    expect(text).toBe(exportChromeTrace(run.trace, { metadata }))
    expect(written.bytes).toBe(Buffer.byteLength(text))
  })

  it('the streamed validator agrees with the whole-text one, on good and broken traces', async () => {
    const good = exportChromeTrace(run.trace, { metadata: { driver: 'd' } })
    const doc = JSON.parse(good)
    const broken = structuredClone(doc)
    broken.traceEvents.push({ ph: 'X', name: 'bad', pid: 1, tid: 1, ts: 1 })
    broken.displayTimeUnit = 'us'
    const texts = [good, JSON.stringify(doc.traceEvents), JSON.stringify(broken), JSON.stringify(broken, null, 2), '{"traceEvents": [], "x": [1, {"a": "]"}]}', '[{"ph":"M","name":"process_name","pid":1,"args":{"name":"p"}}]']
    for (const [k, text] of texts.entries()) {
      const file = path.join(dir, `v${k}.json`)
      await writeFile(file, text)
      expect(await validateChromeTraceFile(file), `text ${k}`).toEqual(validateChromeTrace(text))
    }
    for (const bad of ['{"traceEvents": [1 2]}', '[1,]', '{"traceEvents": [', '{"a" 1}', '[] x', '{"events": []}']) {
      const file = path.join(dir, 'bad.json')
      await writeFile(file, bad)
      const r = await validateChromeTraceFile(file)
      expect(r.ok, bad).toBe(false)
      expect(validateChromeTrace(bad).ok).toBe(false)
    }
  })
})
