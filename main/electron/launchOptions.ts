import { join, resolve } from 'node:path'

export interface LaunchOptions {
  /** Replaces Electron's userData folder (the backend's state too): MDWB_STATE_DIR. */
  stateDir: string | null
  /** Where new projects go: MDWB_PROJECTS, else Documents/MinidriverWorkbench. */
  projectsFolder: string
  /** `--project <folder>` (or `--project=<folder>`) on the command line. */
  project: string | null
}

/** The shell's command line and environment (the e2e launcher isolates a run with the two variables). */
export function launchOptions(argv: readonly string[], env: NodeJS.ProcessEnv, documents: () => string): LaunchOptions {
  let project: string | null = null
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--project' && argv[i + 1] !== undefined) project = resolve(argv[i + 1])
    else if (argv[i].startsWith('--project=')) project = resolve(argv[i].slice('--project='.length))
  }
  return {
    stateDir: env['MDWB_STATE_DIR'] || null,
    projectsFolder: env['MDWB_PROJECTS'] || join(documents(), 'MinidriverWorkbench'),
    project,
  }
}
