/// <reference types="vite/client" />

// .vue single-file components, for tsc (which does not read .vue files itself).
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

// window.workbench, set by preload/index.ts inside Electron; absent when the page is opened any other way.
interface Window {
  workbench?: import('../main/contract/shellBridge').WorkbenchBridge
}
