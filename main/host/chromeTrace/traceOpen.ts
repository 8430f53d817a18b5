/**
 * *Open trace* (BackendApi.openTrace): which importer a file goes to, told by its content rather than
 * its name: JSON (an object or array, after any byte order mark and white space) is Chrome Trace
 * Event JSON, a protobuf whose first field is Trace.packet is a Perfetto trace; anything else is
 * refused naming both. The same limits apply to both (chromeTraceImportFile.ts: regular files only,
 * MDWB_IMPORT_MAX_MB, gzip inflated as a capped stream).
 */
import { importPerfettoTraceAsync, looksLikePerfetto } from '../export/perfettoImport.js'
import { importLimitsFrom } from '../backend/importLimits.js'
import { importChromeTraceAsync, type ImportedTrace, type ReadTraceOptions } from './chromeTraceImport.js'
import { readTraceBytes } from './chromeTraceImportFile.js'
import { pauseEvery } from './chromeTraceImportParse.js'

export type TraceFormat = 'chrome-json' | 'perfetto' | 'unknown'

/** The format of a trace file's (inflated) bytes. */
export function traceFormatOf(data: Uint8Array): TraceFormat {
  let i = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0
  while (i < data.length && (data[i] === 0x20 || data[i] === 0x0a || data[i] === 0x0d || data[i] === 0x09)) i++
  if (data[i] === 0x7b || data[i] === 0x5b) return 'chrome-json'
  if (looksLikePerfetto(data)) return 'perfetto'
  return 'unknown'
}

/** Reads and imports a trace file of either format; errors name the file. */
export async function readTraceFile(file: string, options: ReadTraceOptions = {}): Promise<ImportedTrace & { format: TraceFormat }> {
  const limits = options.limits ?? importLimitsFrom()
  const data = await readTraceBytes(file, limits.maxBytes)
  const pause = options.pause ?? pauseEvery()
  await pause()
  const format = traceFormatOf(data)
  if (format === 'perfetto') return { ...(await importPerfettoTraceAsync(data, file, pause)), format }
  try {
    // A byte order mark (some editors write one) is not part of the JSON.
    const bom = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0
    return { ...(await importChromeTraceAsync(data.toString('utf8', bom), file, pause)), format }
  } catch (e) {
    // Neither format: the JSON error says where the text goes wrong; say the other format was considered too.
    if (format === 'unknown' && data.length > 0) throw new Error(`${(e as Error).message} (nor is it a Perfetto protobuf trace: those start with a packet, byte 0x0a)`)
    throw e
  }
}
