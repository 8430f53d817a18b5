#!/usr/bin/env node
// The mdwb command: runs main/cli.ts through tsx, so the command line always runs the current sources.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../main/cli.ts')
process.exitCode = await main(process.argv.slice(2))
