/**
 * Whether the component is on screen. The side panel keeps its tabs alive (<KeepAlive>) when another
 * tab is shown; a hidden panel must not keep polling the backend or decoding frames, so panels check
 * this, and catch up in `onShown` when their tab comes back.
 */
import { onActivated, onDeactivated, ref, type Ref } from 'vue'

export function useActive(onShown?: () => void): Ref<boolean> {
  const active = ref(true)
  onDeactivated(() => {
    active.value = false
  })
  onActivated(() => {
    // Also called once on first mount inside a KeepAlive: only a return from hiding needs a catch-up.
    if (active.value) return
    active.value = true
    onShown?.()
  })
  return active
}
