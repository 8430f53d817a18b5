#!/usr/bin/env node
// Writes the workbench's Electron fuses (main/electron/fuses.ts) into a packaged binary:
//   node scripts/flip-fuses.mjs <path to the packaged Electron executable or .app>
// Run it on the packaged app before signing it. It prints the fuse wire before and after.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { FuseState, FuseV1Options, flipFuses, getCurrentFuseWire } from '@electron/fuses'
import { tsImport } from 'tsx/esm/api'

const target = process.argv[2]
if (target === undefined || process.argv.length > 3) {
  console.error('usage: node scripts/flip-fuses.mjs <packaged Electron executable>')
  process.exit(2)
}
const binary = resolve(target)
if (!existsSync(binary)) {
  console.error(`${binary}: no such file`)
  process.exit(2)
}

const { FUSES } = await tsImport('../main/electron/fuses.ts', import.meta.url)
const STATES = { [FuseState.ENABLE]: 'on', [FuseState.DISABLE]: 'off', [FuseState.REMOVED]: 'removed', [FuseState.INHERIT]: 'inherit' }
const show = (wire) =>
  Object.entries(wire)
    .filter(([key]) => key !== 'version')
    .map(([key, state]) => `${FuseV1Options[key] ?? `fuse ${key}`}=${STATES[state] ?? state}`)
    .join(' ')
console.log(`before: ${show(await getCurrentFuseWire(binary))}`)
// On macOS, flipping invalidates the ad-hoc signature of an unsigned arm64 build: re-sign it ad hoc.
await flipFuses(binary, { ...FUSES, resetAdHocDarwinSignature: process.platform === 'darwin' })
console.log(`after:  ${show(await getCurrentFuseWire(binary))}`)
