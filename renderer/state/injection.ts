import { inject, type InjectionKey } from 'vue'
import type { Workbench } from './workbench.js'

/** The store, provided by App.vue to every component of the page. */
export const WORKBENCH: InjectionKey<Workbench> = Symbol('workbench')

export function useWorkbench(): Workbench {
  const wb = inject(WORKBENCH)
  if (wb === undefined) throw new Error('useWorkbench: no workbench provided (App.vue provides it)')
  return wb
}

/** The dialogs the shell opens. */
export type DialogKind = 'new' | 'open' | 'save-as' | 'open-trace' | 'compare' | 'shortcuts' | 'new-file'
