import { cp, mkdir, readFile } from 'node:fs/promises'
import * as path from 'node:path'
import type { TemplateId, TemplateInfo } from '../../contract/api.js'
import { writeFileAtomic } from './atomicWrite.js'
import { isEmptyFolder } from './projects.js'
import { workbenchRoot } from './workbenchRoot.js'

export const TEMPLATE_IDS: readonly TemplateId[] = ['vcap1', 'testcap', 'blank']

/** `templates/<id>/template.json`: what the template is, and files it takes from elsewhere in the workbench. */
interface TemplateManifest {
  name: string
  description: string
  /** Project path -> workbench path: copied at creation, so the examples stay the one source. */
  copy: Record<string, string>
}

const MANIFEST = 'template.json'

function templateFolder(id: TemplateId): string {
  if (!TEMPLATE_IDS.includes(id)) throw new Error(`unknown template '${String(id)}' (templates: ${TEMPLATE_IDS.join(', ')})`)
  return path.join(workbenchRoot(), 'templates', id)
}

async function manifest(id: TemplateId): Promise<TemplateManifest> {
  const file = path.join(templateFolder(id), MANIFEST)
  const m = JSON.parse(await readFile(file, 'utf8')) as Partial<TemplateManifest>
  if (typeof m.name !== 'string' || typeof m.description !== 'string' || typeof m.copy !== 'object' || m.copy === null) {
    throw new Error(`${file}: needs "name", "description" and "copy"`)
  }
  return m as TemplateManifest
}

/** The templates a new project can start from. */
export async function templateInfos(): Promise<TemplateInfo[]> {
  return Promise.all(
    TEMPLATE_IDS.map(async (id) => {
      const m = await manifest(id)
      return { id, name: m.name, description: m.description }
    }),
  )
}

/**
 * Creates a project in `root` (missing or empty) from a template: the template folder's files, then
 * the files its manifest copies from the workbench (the example drivers).
 */
export async function createFromTemplate(id: TemplateId, root: string): Promise<void> {
  const m = await manifest(id)
  const dst = path.resolve(root)
  if (!(await isEmptyFolder(dst))) throw new Error(`${dst}: the folder is not empty; a new project needs a new or empty folder`)
  await mkdir(dst, { recursive: true })
  const src = templateFolder(id)
  await cp(src, dst, { recursive: true, filter: (source) => path.relative(src, source) !== MANIFEST })
  for (const [to, from] of Object.entries(m.copy)) {
    const content = await readFile(path.join(workbenchRoot(), from))
    await writeFileAtomic(path.join(dst, ...to.split('/')), content)
  }
}
