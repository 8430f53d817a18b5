/**
 * The renderer build that web mode serves (out/renderer), made at most once at a time. Vitest runs
 * test files in parallel processes, and on a fresh clone (no out/) every e2e file would otherwise
 * start `electron-vite build` into the same folder at once. The lock is a directory (mkdir is atomic)
 * holding the builder's pid; whoever gets it checks again whether a build is still needed, so a file
 * that waited finds the build done and does nothing.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureRendererBuilt, rendererStaleness, root } from '../../scripts/rendererBuild.mjs'

/** Longer than a cold build on the 2-core CI machine (about 10 s, more while other tests run). */
const WAIT_LIMIT_MS = 240_000
const POLL_MS = 100
/** A lock without a pid file this old was left by a process killed between mkdir and writing it. */
const PIDLESS_STALE_MS = 10_000

/** One lock per checkout (two checkouts build into two out/ folders). */
export const BUILD_LOCK = join(tmpdir(), `mdwb-renderer-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.lock`)

function holderIsGone(): boolean {
  let pid: number
  try {
    pid = Number(readFileSync(join(BUILD_LOCK, 'pid'), 'utf8'))
  } catch {
    try {
      return Date.now() - statSync(BUILD_LOCK).mtimeMs > PIDLESS_STALE_MS
    } catch {
      return false // released meanwhile: the next mkdir decides
    }
  }
  try {
    process.kill(pid, 0)
    return false
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/** Builds out/renderer when it is missing or older than its sources, never two builds at once. */
export async function ensureRendererBuiltLocked(): Promise<void> {
  if (rendererStaleness() === null) return
  const deadline = Date.now() + WAIT_LIMIT_MS
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK)
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    if (holderIsGone()) {
      rmSync(BUILD_LOCK, { recursive: true, force: true })
      continue
    }
    if (Date.now() > deadline) throw new Error(`waited ${WAIT_LIMIT_MS / 1000} s for another process building the renderer (lock ${BUILD_LOCK}); remove the lock if no build is running`)
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  try {
    writeFileSync(join(BUILD_LOCK, 'pid'), String(process.pid))
    ensureRendererBuilt()
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true })
  }
}
