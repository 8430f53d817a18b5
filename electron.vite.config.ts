// electron-vite configuration. Our sources live in top-level main/, preload/ and renderer/
// (not electron-vite's default src/*), so every entry is named explicitly. Output goes to out/.
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * The sandbox bundles its worker and simulation from TypeScript sources with esbuild at run time
 * (main/host/sandbox/sandbox.ts, `sandboxBundles()`); the built app has no sources next to it. This
 * runs the same function once at build time (the sources loaded through tsx) and writes the three
 * scripts beside out/main/index.js, where main/index.ts tells the sandbox to take them from.
 */
function sandboxBundlesPlugin(): Plugin {
  let outDir = ''
  return {
    name: 'mdwb-sandbox-bundles',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    async closeBundle() {
      const { tsImport } = await import('tsx/esm/api')
      const bundlesModule = pathToFileURL(join(root, 'main/host/sandbox/bundles.ts')).href
      const sandboxModule = pathToFileURL(join(root, 'main/host/sandbox/sandbox.ts')).href
      const { SANDBOX_BUNDLE_FILES } = (await tsImport(bundlesModule, import.meta.url)) as typeof import('./main/host/sandbox/bundles.js')
      const { sandboxBundles } = (await tsImport(sandboxModule, import.meta.url)) as typeof import('./main/host/sandbox/sandbox.js')
      // From the sources, whatever MDWB_SANDBOX_BUNDLES says in this shell.
      delete process.env['MDWB_SANDBOX_BUNDLES']
      const { process: entry, worker, simulation } = await sandboxBundles()
      await writeFile(join(outDir, SANDBOX_BUNDLE_FILES.process), entry)
      await writeFile(join(outDir, SANDBOX_BUNDLE_FILES.worker), worker)
      await writeFile(join(outDir, SANDBOX_BUNDLE_FILES.simulation), simulation)
    },
  }
}

export default defineConfig({
  main: {
    // ESM (package.json "type": "module") -> out/main/index.js, which package.json "main" points at.
    plugins: [sandboxBundlesPlugin()],
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
      // electron-vite leaves minification off; Monaco and its TypeScript worker halve with it.
      minify: true,
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
})
