// electron-vite configuration. Our sources live in top-level main/, preload/ and renderer/
// (not electron-vite's default src/*), so every entry is named explicitly. Output goes to out/.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  main: {
    // ESM (package.json "type": "module") -> out/main/index.js, which package.json "main" points at.
    build: {
      externalizeDeps: true,
      lib: { entry: resolve(root, 'main/index.ts') },
    },
  },
  preload: {
    // Sandboxed preloads cannot be ES modules: force CommonJS, and bundle everything the preload
    // imports (only `electron` stays external) -> out/preload/index.cjs.
    build: {
      externalizeDeps: false,
      lib: { entry: resolve(root, 'preload/index.ts'), formats: ['cjs'] },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
})
