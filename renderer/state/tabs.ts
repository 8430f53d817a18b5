/**
 * The editor's open tabs: which files, in what order, and which one shows. Closing the active tab
 * shows its right neighbour (its left one at the end), as VS Code does.
 */
export class Tabs {
  readonly open: string[] = []
  active: string | null = null

  /** Opens (or just shows) a file. */
  show(path: string): void {
    if (!this.open.includes(path)) this.open.push(path)
    this.active = path
  }

  close(path: string): void {
    const i = this.open.indexOf(path)
    if (i < 0) return
    this.open.splice(i, 1)
    if (this.active === path) this.active = this.open[Math.min(i, this.open.length - 1)] ?? null
  }

  /** The tab `delta` places from the active one, wrapping (Ctrl+Tab / Ctrl+Shift+Tab). */
  cycle(delta: number): void {
    if (this.open.length === 0) return
    const i = this.active === null ? 0 : this.open.indexOf(this.active)
    const n = this.open.length
    this.active = this.open[(((i + delta) % n) + n) % n]
  }

  /** Forgets tabs of files that are gone (a project was opened), keeping the order of the rest. */
  retain(exists: (path: string) => boolean): void {
    const kept = this.open.filter(exists)
    this.open.splice(0, this.open.length, ...kept)
    if (this.active !== null && !exists(this.active)) this.active = kept[0] ?? null
  }

  clear(): void {
    this.open.length = 0
    this.active = null
  }
}
