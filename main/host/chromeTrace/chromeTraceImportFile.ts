/**
 * A trace file's bytes for the import: regular files only, at most the import limit (MDWB_IMPORT_MAX_MB),
 * gzip inflated as a stream that stops at the limit. docs/security.md says why each check is there.
 */
import { constants, type Stats } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { megabytes, WORKBENCH_SETTINGS } from '../backend/importLimits.js'

const LIMIT_NAME = WORKBENCH_SETTINGS.importMaxMB.env

/** What a non-file is called in errors. */
function notAFile(st: Stats): string | null {
  if (st.isFile()) return null
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

/** The file's bytes (gunzipped when it is gzip), refusing what is not a regular file or is over `max`. */
export async function readTraceBytes(file: string, max: number): Promise<Buffer> {
  let st: Stats
  try {
    st = await stat(file)
  } catch (e) {
    throw new Error(`cannot open ${file}: ${(e as Error).message}`)
  }
  const refuse = (what: string) => new Error(`cannot open ${file}: it is ${what}, not a file; a trace is a .json or .json.gz file`)
  const kind = notAFile(st)
  if (kind !== null) throw refuse(kind)
  let handle: FileHandle
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, opening it does not wait for a writer.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (e) {
    throw new Error(`cannot open ${file}: ${(e as Error).message}`)
  }
  try {
    const opened = await handle.stat()
    const openedKind = notAFile(opened)
    if (openedKind !== null) throw refuse(openedKind)
    if (opened.size > max) throw new Error(`cannot open ${file}: it is ${megabytes(opened.size)}, over the import limit of ${megabytes(max)} (${LIMIT_NAME})`)
    const head = Buffer.alloc(2)
    const { bytesRead } = await handle.read(head, 0, 2, 0)
    if (bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b) return await gunzipCapped(handle, file, max)
    return await readCapped(handle, file, max)
  } finally {
    await handle.close().catch(() => {})
  }
}

/** Reads to the end, at most `max` bytes (a file that grows while it is read stops there). */
async function readCapped(handle: FileHandle, file: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for (;;) {
    const chunk = Buffer.allocUnsafe(4 * 1024 * 1024)
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, total)
    if (bytesRead === 0) break
    total += bytesRead
    if (total > max) throw new Error(`cannot open ${file}: it grew past the import limit of ${megabytes(max)} (${LIMIT_NAME}) while it was read`)
    chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead))
  }
  return Buffer.concat(chunks, total)
}

class InflateLimit extends Error {}

/** Gunzip as a stream (off the main thread, a chunk at a time), stopped as soon as the output passes `max`. */
async function gunzipCapped(handle: FileHandle, file: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  let over = false
  try {
    await pipeline(handle.createReadStream({ start: 0, autoClose: false }), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        total += chunk.length
        if (total > max) {
          over = true
          throw new InflateLimit()
        }
        chunks.push(chunk)
      }
    })
  } catch (e) {
    // (pipeline may reject with its own AbortError once the sink threw.)
    if (over || e instanceof InflateLimit) throw new Error(`${file}: inflates past ${megabytes(max)}, the import limit (${LIMIT_NAME}); not opened`)
    throw new Error(`${file}: not a valid gzip file: ${(e as Error).message}`)
  }
  return Buffer.concat(chunks, total)
}
