// Workspace trust in the store: the open project's trust, restricted mode, the question "Run code
// from this folder?" (one at a time) and the actions that run the project's code only once it is trusted.
import type { ProjectTrust } from '../../main/contract/api.js'
import { WorkbenchCore } from './workbenchCore.js'

/** The question "Run code from this folder?" on screen (workspace trust, restricted mode). */
export interface TrustPrompt {
  /** The folder it names (its real path) and the project root the answer goes to. */
  folder: string
  root: string
  /** Why nothing is trusted (the trust file was unreadable), when that is the case. */
  problem: string | null
}

export abstract class WorkbenchTrust extends WorkbenchCore {
  /** Workspace trust of the open project (null: the backend did not say, it decides at every run). */
  trust: ProjectTrust | null = null
  /** The trust question while it is on screen. */
  trustPrompt: TrustPrompt | null = null
  /** The pending answer to the trust question (one question at a time). */
  private trustAnswer: ((trust: boolean) => void) | null = null
  private trustAsked: Promise<boolean> | null = null

  /** Restricted mode: the open project's folder is not trusted, so nothing runs its code until the user trusts it. */
  get restricted(): boolean {
    return this.project !== null && this.trust?.trusted === false
  }

  /** True when the open project's code may run: trusted already, or the user answers Trust now. */
  async ensureTrusted(): Promise<boolean> {
    if (!this.restricted) return true
    return this.askTrust()
  }

  /** Shows the question "Run code from this folder?" (one at a time); resolves with whether it is trusted now. */
  askTrust(): Promise<boolean> {
    if (this.trustAsked !== null) return this.trustAsked
    const project = this.project
    if (project === null) return Promise.resolve(false)
    if (!this.restricted) return Promise.resolve(true)
    this.trustPrompt = { folder: this.trust?.folder ?? project.root, root: project.root, problem: this.trust?.problem ?? null }
    const asked = new Promise<boolean>((resolve) => (this.trustAnswer = resolve))
    this.trustAsked = asked
    return asked
  }

  /** The question's answer: Trust (remembered by the backend for the folder) or Cancel (nothing changes). */
  async answerTrust(trust: boolean): Promise<void> {
    const prompt = this.trustPrompt
    const answer = this.trustAnswer
    if (prompt === null || answer === null) return
    let trusted = false
    if (trust) {
      try {
        const t = await this.api().trustProject(prompt.root)
        if (this.project?.root === prompt.root) this.trust = t
        trusted = t.trusted
      } catch (e) {
        this.fail(`Could not trust ${prompt.folder}`, e)
      }
    }
    if (this.trustAnswer !== answer) return
    this.trustPrompt = null
    this.trustAnswer = null
    this.trustAsked = null
    answer(trusted)
  }

  /** Another project opens: a question about the one before is answered Cancel. */
  protected cancelTrustPrompt(): void {
    const answer = this.trustAnswer
    this.trustPrompt = null
    this.trustAnswer = null
    this.trustAsked = null
    answer?.(false)
  }

  /**
   * Runs `attempt` (which sends the project's code to the backend) once the project is trusted; `notDone`
   * opens the notice when the user cancels. A backend that refuses all the same (the answer changed
   * elsewhere) gets the question, then the request, once more.
   */
  protected async whenTrusted(notDone: string, attempt: () => Promise<boolean | 'untrusted'>): Promise<boolean> {
    for (let tries = 0; ; tries++) {
      if (!(await this.ensureTrusted())) {
        this.notify('info', `${notDone}: ${this.trust?.folder ?? 'the folder'} is in restricted mode (its code runs once you trust the folder)`)
        return false
      }
      const r = await attempt()
      if (r === 'untrusted' && tries === 0) continue
      return r === true
    }
  }
}
