/**
 * A Perfetto trace written to a file a part at a time, atomically (ExportFile: a temporary file
 * renamed over the target), for `mdwb run --perfetto`. The backend's exportRun does the same with
 * progress and turns of the event loop between parts.
 */
import type { TraceRecorder } from '../../sim/trace/recorder.js'
import { ExportFile } from '../backend/exportFile.js'
import { perfettoTraceParts, type PerfettoOptions } from './perfettoExport.js'

export async function writePerfettoFile(file: string, recorder: TraceRecorder, options: PerfettoOptions = {}): Promise<{ path: string; bytes: number }> {
  const out = await ExportFile.create(file)
  try {
    for (const part of perfettoTraceParts(recorder, options)) await out.write(part.bytes)
    return await out.commit()
  } catch (e) {
    await out.abandon()
    throw e
  }
}
