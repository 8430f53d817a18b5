/** Listens to a backend event while the component is mounted (and follows a change of client). */
import { watch } from 'vue'
import type { BackendEventName, BackendEvents } from '../../main/contract/api.js'
import type { BackendClient } from '../../main/contract/rpc.js'

export function useBackendEvent<K extends BackendEventName>(client: () => BackendClient, name: K, listener: (payload: BackendEvents[K]) => void): void {
  watch(
    client,
    (c, _old, onCleanup) => {
      const off = c.on(name, listener)
      onCleanup(off)
    },
    { immediate: true },
  )
}
