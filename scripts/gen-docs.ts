// npm run docs: writes the documentation pages generated from source tables (see main/host/docs).
import { writeFileSync } from 'node:fs'
import { generatedDocs } from '../main/host/docs/generated.js'

for (const [file, text] of Object.entries(generatedDocs())) {
  writeFileSync(new URL(`../${file}`, import.meta.url), text)
  console.log(`wrote ${file}`)
}
