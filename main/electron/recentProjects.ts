import type { BackendApi } from '../contract/api.js'
import { BACKEND_METHODS } from '../contract/rpc.js'

const MAX_RECENT = 10

/**
 * The recent projects the File menu lists. The backend keeps the real list (it comes with
 * `hello`); the shell follows it by watching the calls that open a project, so the menu is current
 * without a backend event for it.
 */
export class RecentProjects {
  private list: string[] = []

  constructor(private readonly changed: (list: readonly string[]) => void) {}

  get current(): readonly string[] {
    return this.list
  }

  replace(list: readonly string[]): void {
    this.list = list.slice(0, MAX_RECENT)
    this.changed(this.list)
  }

  opened(root: string): void {
    this.replace([root, ...this.list.filter((r) => r !== root)])
  }

  /** The API the page is served: the backend's, with the project-opening calls observed. */
  observe(api: BackendApi): BackendApi {
    return {
      ...bindAll(api),
      hello: async () => {
        const hello = await api.hello()
        this.replace(hello.project !== null && !hello.recent.includes(hello.project.root) ? [hello.project.root, ...hello.recent] : hello.recent)
        return hello
      },
      openProject: async (root) => this.track(await api.openProject(root)),
      newProject: async (template, root) => this.track(await api.newProject(template, root)),
      saveProjectAs: async (root, buffers) => this.track(await api.saveProjectAs(root, buffers)),
    }
  }

  private track<P extends { root: string }>(project: P): P {
    this.opened(project.root)
    return project
  }
}

/** The API's methods bound to it (the backend may be a class instance whose methods use `this`). */
function bindAll(api: BackendApi): BackendApi {
  const methods = api as unknown as Record<string, (...args: unknown[]) => unknown>
  return Object.fromEntries(BACKEND_METHODS.map((name) => [name, (...args: unknown[]) => methods[name].apply(api, args)])) as unknown as BackendApi
}
