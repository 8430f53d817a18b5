/**
 * Where a write really lands. A project folder may come from someone else, with symbolic links in
 * it: `exports -> /home/me/.ssh`, `driver.ts -> ../../.bashrc`. Before the workbench writes a file
 * (a save, a Save As buffer, an export) it resolves the real path of the target, symbolic links
 * included, and refuses one that leaves the folder the write belongs to (the project, or the folder
 * the user chose for an export). A symbolic link whose real path stays inside is written through:
 * the link stays a link and the file it names gets the new text (atomically, keeping its mode).
 * docs/security.md has the user's view.
 */
import { lstat, readlink, realpath } from 'node:fs/promises'
import * as path from 'node:path'

/** A write refused because its target's real path is outside the folder it must stay in. */
export class OutsideFolderError extends Error {
  constructor(
    message: string,
    /** The real path the write would have gone to. */
    readonly realPath: string,
  ) {
    super(message)
  }
}

/** True when `p` is `folder` itself or inside it (both absolute, resolved the same way). */
export function isInside(folder: string, p: string, allowSelf = false): boolean {
  const rel = path.relative(folder, p)
  if (rel === '') return allowSelf
  return rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel)
}

/**
 * The real path of `p` (absolute) as it would be after a write creates it: symbolic links of the
 * existing part followed, the missing rest appended as it is. A link to a missing file is refused
 * (where it would land is not known until it is created); a folder or a device is not a file.
 */
export async function realWritePath(p: string, shown: string): Promise<string> {
  let st
  try {
    st = await lstat(p)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'ENOENT') throw new Error(`${shown}: cannot write (${code ?? (e as Error).message})`)
    const parent = path.dirname(p)
    if (parent === p) return p
    return path.join(await realWritePath(parent, shown), path.basename(p))
  }
  if (st.isSymbolicLink()) {
    try {
      return await realWritePath(await realpath(p), shown)
    } catch (e) {
      if (e instanceof OutsideFolderError) throw e
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ELOOP') {
        const to = await readlink(p).catch(() => '?')
        throw new Error(`${shown}: a symbolic link to ${to}, which ${code === 'ELOOP' ? 'loops' : 'does not exist'}; not written`)
      }
      throw e
    }
  }
  // An existing folder on the way is fine (the caller appends to it); the target itself is checked by the caller.
  return realpath(p)
}

/**
 * The real path to write `file` at, checked to stay inside `folder` (its real path): `what` names the
 * folder in the error ("the project"). Throws OutsideFolderError naming both paths when a symbolic
 * link leads out; throws when the target is a folder or not a regular file.
 */
export async function resolveWriteTarget(file: string, folder: string, shown: string, what: string): Promise<string> {
  const realFolder = await realWritePath(path.resolve(folder), shown)
  const real = await realWritePath(path.resolve(file), shown)
  if (!isInside(realFolder, real)) {
    const via = real === path.resolve(file) ? '' : ` (through a symbolic link: its real path is ${real})`
    throw new OutsideFolderError(`${shown}: refused: it leads outside ${what} (${realFolder})${via}`, real)
  }
  try {
    const st = await lstat(real)
    if (st.isDirectory()) throw new Error(`${shown}: is a folder, not a file`)
    if (!st.isFile()) throw new Error(`${shown}: not a regular file (a device, a FIFO or a socket); not written`)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  return real
}
