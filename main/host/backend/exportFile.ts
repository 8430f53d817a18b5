import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { existingMode, TEMP_SUFFIX } from './atomicWrite.js'

/**
 * A file written atomically, in pieces (writeFileAtomic of atomicWrite.ts for a file written a part at a
 * time): the pieces go to a temporary file next to the target (same folder, so the rename cannot cross
 * file systems, and named like writeFileAtomic's), which is flushed to disk and renamed over the
 * target only when everything was written. A reader sees the old file or the whole new one, never a
 * half-written export; a failed or abandoned write leaves no temporary file behind.
 */
export class ExportFile {
  /** Bytes written so far. */
  bytes = 0
  private constructor(
    readonly target: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Creates the folder if missing and opens the temporary file. `target` is the real target (symbolic
   * links resolved by the caller, safePaths.ts); an existing file keeps its mode.
   */
  static async create(target: string): Promise<ExportFile> {
    const file = path.resolve(target)
    try {
      await mkdir(path.dirname(file), { recursive: true })
      const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`)
      const mode = await existingMode(file)
      const handle = await open(temp, 'wx')
      if (mode !== null) await handle.chmod(mode).catch(() => {})
      return new ExportFile(file, temp, handle)
    } catch (e) {
      throw new Error(`cannot write ${file}: ${(e as Error).message}`)
    }
  }

  async write(text: string | Uint8Array): Promise<void> {
    if (text.length === 0) return
    const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text
    try {
      let at = 0
      while (at < data.length) at += (await this.handle.write(data, at, data.length - at)).bytesWritten
    } catch (e) {
      await this.abandon()
      throw new Error(`cannot write ${this.target}: ${(e as Error).message}`)
    }
    this.bytes += data.length
  }

  /**
   * Overwrites bytes already written at `position` (a header whose sizes are known only at the end,
   * as WAV's RIFF and data chunk sizes). Does not change `bytes`.
   */
  async patch(data: Uint8Array, position: number): Promise<void> {
    if (position < 0 || position + data.length > this.bytes) throw new Error(`cannot patch ${this.target}: bytes ${position}..${position + data.length} were not written`)
    try {
      let at = 0
      while (at < data.length) at += (await this.handle.write(data, at, data.length - at, position + at)).bytesWritten
    } catch (e) {
      await this.abandon()
      throw new Error(`cannot write ${this.target}: ${(e as Error).message}`)
    }
  }

  /** Flushes, closes and renames the temporary file over the target. */
  async commit(): Promise<{ path: string; bytes: number }> {
    try {
      await this.handle.sync()
      await this.handle.close()
      await rename(this.temp, this.target)
    } catch (e) {
      await this.abandon()
      throw new Error(`cannot write ${this.target}: ${(e as Error).message}`)
    }
    await syncFolder(path.dirname(this.target))
    return { path: this.target, bytes: this.bytes }
  }

  /** Closes and removes the temporary file; the target is untouched. */
  async abandon(): Promise<void> {
    await this.handle.close().catch(() => {})
    await unlink(this.temp).catch(() => {})
  }
}

/** Makes the rename durable (a folder's entries are flushed by fsync on the folder; not on Windows). */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(folder, 'r').catch(() => null)
  if (handle === null) return
  await handle.sync().catch(() => {})
  await handle.close().catch(() => {})
}
