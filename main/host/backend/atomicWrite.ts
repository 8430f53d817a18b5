import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises'
import * as path from 'node:path'

/** Temp files of an atomic write: hidden, in the target's own folder (a rename never crosses file systems). */
export const TEMP_SUFFIX = '.mdwb-tmp'

/**
 * Writes `content` to `file` so that a crash leaves either the old file or the new one, never a torn
 * one: write a temp file in the same folder, fsync it, rename it over the target, fsync the folder
 * (so the rename itself survives a power cut). A file that exists keeps its mode (an executable script
 * stays executable); a new one gets 0644 less the umask. `file` is the real target: callers resolve
 * symbolic links first (safePaths.ts), since the rename replaces whatever entry is at `file`.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<number> {
  const dir = path.dirname(file)
  await mkdir(dir, { recursive: true })
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`)
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  const mode = await existingMode(file)
  try {
    const handle = await open(temp, 'wx', 0o644)
    try {
      if (mode !== null) await handle.chmod(mode)
      await handle.writeFile(bytes)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw error
  }
  await syncFolder(dir)
  return bytes.byteLength
}

/** The permission bits of an existing regular file, else null. */
export async function existingMode(file: string): Promise<number | null> {
  try {
    const st = await stat(file)
    return st.isFile() ? st.mode & 0o7777 : null
  } catch {
    return null
  }
}

/** fsync of a directory; Windows cannot open one for it, and there the rename is already durable enough. */
async function syncFolder(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error
  } finally {
    await handle?.close()
  }
}
