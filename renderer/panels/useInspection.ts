/**
 * Keeps an inspector current with a live run without flooding the backend (RefreshScheduler): a
 * refresh when the run changes, when its virtual time moves (running: at most every `intervalMs`;
 * paused: after each step), and on demand; none while the panel's tab is hidden (one on its return).
 * Answers for a run that is no longer shown are dropped.
 */
import { onBeforeUnmount, ref, watch, type Ref } from 'vue'
import type { PanelProps } from './panelProps.js'
import { RefreshScheduler } from './refreshScheduler.js'
import { useActive } from './useActive.js'

/** About four refreshes a second while a run is going. */
export const INSPECT_INTERVAL_MS = 250

export interface Inspection {
  /** The last request failed: the backend's message. */
  error: Ref<string | null>
  /** A request is on its way. */
  loading: Ref<boolean>
  /** Ask for a refresh (it waits its turn). */
  refresh(): void
}

/** The virtual time of the shown run, or null when the status is about another run. */
export function shownRunTime(props: Pick<PanelProps, 'runId' | 'status'>): number | null {
  return props.status !== null && props.status.runId === props.runId ? props.status.virtualTimeNs : null
}

export function useInspection<T>(props: PanelProps, load: (runId: number) => Promise<T>, apply: (value: T, runId: number) => void, intervalMs = INSPECT_INTERVAL_MS): Inspection {
  const error = ref<string | null>(null)
  const loading = ref(false)
  let alive = true
  const scheduler = new RefreshScheduler(async () => {
    const runId = props.runId
    if (runId === null) return
    loading.value = true
    try {
      const value = await load(runId)
      if (alive && props.runId === runId) {
        apply(value, runId)
        error.value = null
      }
    } catch (e) {
      if (alive && props.runId === runId) error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }, intervalMs)

  const active = useActive(() => scheduler.request())
  watch(
    () => [props.runId, shownRunTime(props), props.status?.runId === props.runId ? props.status.state : null] as const,
    () => {
      if (active.value) scheduler.request()
    },
    { immediate: true },
  )
  onBeforeUnmount(() => {
    alive = false
    scheduler.dispose()
  })
  return { error, loading, refresh: () => scheduler.request() }
}
