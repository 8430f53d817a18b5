import { defineConfig } from 'vitest/config'
import { fileURLToPath } from 'node:url'

export default defineConfig({
  resolve: {
    alias: {
      strmini: fileURLToPath(new URL('./main/classdriver/strmini.ts', import.meta.url)),
      vcap1: fileURLToPath(new URL('./main/hw/vcap1/driverApi.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // bin/mdwb.mjs runs main/cli.ts from the sources (through tsx) rather than the prebuilt out/cli:
    // the tests test the sources. test/host/cliBin.test.ts tests the prebuilt path.
    env: { MDWB_FROM_SOURCES: '1' },
    // The browser from @sparticuz/chromium is unpacked once here, before the parallel files need it.
    globalSetup: ['./test/helpers/globalSetup.ts'],
    reporters: ['default', './test/helpers/skippedConsumersReporter.ts'],
  },
})
