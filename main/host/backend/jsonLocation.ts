import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser'

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - before.lastIndexOf('\n') }
}

/**
 * Where the value at a JSON pointer (`/steps/2/duration`) sits in the text, so a problem can point at
 * its line; the nearest existing parent when the value itself is missing; null for unparsable text.
 */
export function locatePointer(text: string, pointer: string): { line: number; column: number } | null {
  const root = parseTree(text)
  if (root === undefined) return null
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
  for (let n = segments.length; n >= 0; n--) {
    const node: Node | undefined = findNodeAtLocation(root, segments.slice(0, n))
    if (node === undefined) continue
    // A property's value: point at its key, which is where people look.
    const at = node.parent?.type === 'property' ? node.parent.offset : node.offset
    return lineColumn(text, at)
  }
  return null
}
