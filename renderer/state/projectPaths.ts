/**
 * Folder paths as the user types and sees them (POSIX or Windows; the backend resolves them): the
 * last part for display, a default folder for a new project, the recent-projects list.
 */

export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '')
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'))
  return i < 0 ? trimmed : trimmed.slice(i + 1)
}

/** `folder` + `name` with the separator the folder already uses. */
export function joinPath(folder: string, name: string): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/'
  return folder.endsWith(sep) ? folder + name : `${folder}${sep}${name}`
}

/** `<projectsFolder>/<base>`, or `<base>-2`, `-3`… when a recent project already has that folder. */
export function suggestFolder(projectsFolder: string, base: string, taken: readonly string[]): string {
  const used = new Set(taken.map((p) => p.replace(/[\\/]+$/, '')))
  let candidate = joinPath(projectsFolder, base)
  for (let n = 2; used.has(candidate); n++) candidate = joinPath(projectsFolder, `${base}-${n}`)
  return candidate
}

/** The recent list with `root` first, without duplicates, at most `max` long. */
export function pushRecent(recent: readonly string[], root: string, max = 10): string[] {
  return [root, ...recent.filter((r) => r !== root)].slice(0, max)
}
