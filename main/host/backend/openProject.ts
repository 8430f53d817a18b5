/**
 * The project the workbench has open, for all pages at once: opening a folder (with its drafts and
 * trust answer), creating one from a template, the launch (the folder asked for, else the most
 * recent project that opens, else the VCAP-1 sample), and restricted mode's refusal to run code.
 */
import * as path from 'node:path'
import type { Problem, Project, ProjectTrust, TemplateId, WorkbenchSettings } from '../../contract/api.js'
import { DraftStore } from './drafts.js'
import { exists, loadProject } from './projects.js'
import { SETTINGS_FILE } from './projectSchema.js'
import type { RecentProjects } from './recent.js'
import { createFromTemplate } from './templates.js'
import { untrustedProblem, type TrustStore } from './workspaceTrust.js'

/** The folder the first launch creates (or reopens) in the projects folder. */
export const SAMPLE_FOLDER = 'vcap1-sample'

/** The project that is open: its folder, settings and drafts. */
export interface OpenProject {
  root: string
  settings: WorkbenchSettings
  drafts: DraftStore
}

export class ProjectHolder {
  current: OpenProject | null = null
  /** Why the launch opened nothing, if it did not. */
  launchError: Error | null = null
  /** Settles when the launch has opened its project (or failed to). */
  readonly ready: Promise<void>

  constructor(
    private readonly stateDir: string,
    private readonly recent: RecentProjects,
    private readonly trust: TrustStore,
    /** Called before another folder replaces the open one (the runs of the old one stop). */
    private readonly beforeSwitch: () => Promise<void>,
    launch: { open?: string | null; projectsFolder: string },
  ) {
    this.ready = this.launch(launch.open ?? null, launch.projectsFolder)
  }

  async open(root: string): Promise<Project> {
    const abs = path.resolve(root)
    const drafts = new DraftStore(this.stateDir, abs)
    const project = await loadProject(abs, drafts)
    if (this.current !== null && this.current.root !== abs) await this.beforeSwitch()
    this.current = { root: abs, settings: project.settings, drafts }
    await this.recent.add(abs)
    return { ...project, trust: await this.trust.check(abs) }
  }

  async newProject(template: TemplateId, root: string): Promise<Project> {
    await createFromTemplate(template, path.resolve(root))
    // Made here from the workbench's own template: trusted.
    await this.trust.trust(root)
    return this.open(root)
  }

  /** The open project once the launch is over, or an error saying why there is none. */
  async project(): Promise<OpenProject> {
    await this.ready
    if (this.current === null) throw new Error(this.launchError ? `no project is open (${this.launchError.message})` : 'no project is open')
    return this.current
  }

  /** Restricted mode: the refusal of anything that would evaluate the project's code, or null when it is trusted. */
  async refusal(p: OpenProject): Promise<{ problem: Problem; untrusted: ProjectTrust } | null> {
    const answer = await this.trust.check(p.root)
    return answer.trusted ? null : { problem: untrustedProblem(answer), untrusted: answer }
  }

  private async launch(open: string | null, projectsFolder: string): Promise<void> {
    try {
      if (open) {
        await this.open(open)
        return
      }
      for (const root of await this.recent.list()) {
        try {
          await this.open(root)
          return
        } catch {
          // A recent project that no longer opens: try the next.
        }
      }
      const sample = path.join(projectsFolder, SAMPLE_FOLDER)
      if (await exists(path.join(sample, SETTINGS_FILE))) await this.open(sample)
      else await this.newProject('vcap1', sample)
    } catch (e) {
      this.launchError = e as Error
    }
  }
}
