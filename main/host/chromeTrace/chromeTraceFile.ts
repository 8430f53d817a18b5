/**
 * A Chrome trace JSON written to a file a part at a time, atomically (ExportFile), for `mdwb run
 * --trace`: the text of a part (a few thousand events) is written and dropped before the next is
 * built, so a trace of millions of events never becomes one string (it did: about 2.7 GB of memory
 * for a million events).
 */
import type { TraceRecorder } from '../../sim/trace/recorder.js'
import { ExportFile } from '../backend/exportFile.js'
import { chromeTraceParts, type ChromeTraceOptions } from './chromeTraceExport.js'

/** Bytes gathered before a write: fewer, larger writes (a part is a few hundred KB of text). */
const WRITE_BYTES = 1 << 20

export async function writeChromeTraceFile(file: string, recorder: TraceRecorder, options: ChromeTraceOptions = {}): Promise<{ path: string; bytes: number }> {
  const out = await ExportFile.create(file)
  try {
    let pending = ''
    for (const part of chromeTraceParts(recorder, options)) {
      pending += part.text
      if (pending.length >= WRITE_BYTES) {
        await out.write(pending)
        pending = ''
      }
    }
    await out.write(pending)
    return await out.commit()
  } catch (e) {
    await out.abandon()
    throw e
  }
}
