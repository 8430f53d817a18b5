import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A fresh secret for one launch of the web server: 24 random bytes, base64url. */
export function newLaunchToken(): string {
  return randomBytes(24).toString('base64url')
}

/**
 * Compares a presented token with the launch token in constant time. Both are hashed first so
 * that the comparison takes the same time whatever the presented length.
 */
export function tokenMatches(presented: string, token: string): boolean {
  const a = createHash('sha256').update(presented).digest()
  const b = createHash('sha256').update(token).digest()
  return timingSafeEqual(a, b)
}
