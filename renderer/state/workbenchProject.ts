// The open project in the store: opening, making and saving it elsewhere; its files as buffers and
// tabs, edited (drafts, scenario checks), saved, and the reload of the run that follows a save.
import { markRaw } from 'vue'
import type { Project, TemplateId } from '../../main/contract/api.js'
import { normalizeProjectPath } from './buffers.js'
import { pushRecent } from './projectPaths.js'
import { applySettingsText, runOptionsFromSettings } from './runOptions.js'
import { WorkbenchRuns } from './workbenchRuns.js'

export abstract class WorkbenchProject extends WorkbenchRuns {
  // ------------------------------------------------------------------------------------ projects

  async openProject(root: string): Promise<boolean> {
    return this.projectCall(`Could not open ${root}`, () => this.api().openProject(root))
  }

  async newProject(template: TemplateId, root: string): Promise<boolean> {
    return this.projectCall(`Could not create a project in ${root}`, () => this.api().newProject(template, root))
  }

  async saveProjectAs(root: string): Promise<boolean> {
    return this.projectCall(`Could not save the project to ${root}`, () => this.api().saveProjectAs(root, this.buffers.dirty()))
  }

  /** Asks the native folder picker (Electron) for a folder; null in web mode or when cancelled. */
  async chooseFolder(purpose: 'open' | 'new' | 'save-as'): Promise<string | null> {
    if (this.hello?.nativeDialogs !== true) return null
    try {
      return await this.api().chooseFolder(purpose)
    } catch (e) {
      this.fail('The folder picker failed', e)
      return null
    }
  }

  private async projectCall(what: string, call: () => Promise<Project>): Promise<boolean> {
    try {
      this.loadProject(await call())
      return true
    } catch (e) {
      this.fail(what, e)
      return false
    }
  }

  /** Shows a project: its files as buffers, its drafts recovered, its settings as the run options. */
  loadProject(project: Project): void {
    this.drafts?.reset()
    this.cancelTrustPrompt()
    this.project = markRaw(project)
    this.trust = project.trust ?? null
    if (project.trust?.problem) this.notify('error', `Workspace trust: ${project.trust.problem}`)
    this.buffers.load(project.files)
    this.tabs.clear()
    this.forgetProjectProblems()
    const s = project.settings
    this.options = runOptionsFromSettings(s, this.options.stepNs)
    this.recent = pushRecent(this.recent, project.root)
    const recovered = this.buffers.recover(project.drafts)
    const first = this.buffers.has(s.driver) ? s.driver : (this.buffers.order.find((p) => this.buffers.get(p)?.kind === 'driver') ?? this.buffers.order[0])
    if (first !== undefined) this.tabs.show(first)
    for (const p of recovered) this.tabs.show(p)
    if (recovered.length > 0) {
      this.tabs.show(recovered[0])
      this.notify('info', `Recovered ${recovered.length} unsaved file(s): ${recovered.join(', ')}`)
    }
    for (const p of this.buffers.order) if (this.buffers.get(p)?.kind === 'scenario') this.scheduleScenarioCheck(p)
  }

  // --------------------------------------------------------------------------------------- files

  openFile(path: string): void {
    if (!this.buffers.has(path)) {
      this.notify('error', `${path} is not a file of this project`)
      return
    }
    this.tabs.show(path)
  }

  closeTab(path: string): void {
    this.tabs.close(path)
  }

  /** A new, empty file in the project (saved on Ctrl+S). Returns its normalised path, or null. */
  createFile(input: string): string | null {
    try {
      const path = normalizeProjectPath(input)
      this.buffers.create(path)
      this.tabs.show(path)
      return path
    } catch (e) {
      this.fail('Could not make the file', e)
      return null
    }
  }

  /** The editor changed a buffer. */
  edit(path: string, content: string): void {
    const b = this.buffers.get(path)
    if (b === undefined || b.content === content) return
    const dirty = this.buffers.edit(path, content)
    // Without a connection a draft cannot be kept (the status bar says so once; no notice per keystroke).
    if (this.connected) this.drafts?.changed(path, content, dirty)
    if (b.kind === 'scenario') this.scheduleScenarioCheck(path)
  }

  /** Ctrl+S: saves one file (the active one by default), then reloads the run with it. */
  async save(path: string | null = this.tabs.active): Promise<boolean> {
    if (path === null) return false
    const saved = await this.saveFiles([path])
    if (saved.length === 0) return false
    await this.reloadAfterSave(saved)
    return true
  }

  /** Ctrl+Shift+S: saves every dirty file, then reloads once. */
  async saveAll(): Promise<boolean> {
    const dirty = this.buffers.order.filter((p) => this.buffers.isDirty(p))
    const saved = await this.saveFiles(dirty)
    if (saved.length > 0) await this.reloadAfterSave(saved)
    return saved.length === dirty.length
  }

  private async saveFiles(paths: string[]): Promise<string[]> {
    const saved: string[] = []
    for (const path of paths) {
      const b = this.buffers.get(path)
      if (b === undefined) continue
      const content = b.content
      try {
        await this.api().saveFile(path, content)
        this.buffers.markSaved(path, content)
        await this.drafts?.saved(path)
        saved.push(path)
        if (b.kind === 'settings') applySettingsText(this.options, content)
      } catch (e) {
        this.fail(`Could not save ${path}`, e)
      }
    }
    return saved
  }

  private async reloadAfterSave(saved: string[]): Promise<void> {
    const run = this.currentRun
    const driverSaved = saved.some((p) => this.buffers.get(p)?.kind === 'driver')
    if (run === null || run.origin === 'file' || !driverSaved || !this.connected) return
    await this.reload()
  }
}
