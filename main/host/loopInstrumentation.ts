import { createRequire } from 'node:module'
import type * as ts from 'typescript'
import type { SourceLocation } from '../sim/bugcheck.js'

let typescript: typeof ts | null = null
/**
 * TypeScript, loaded at the first compile rather than at start-up: it is 9 MB of JavaScript, and a
 * command that compiles nothing (`mdwb --help`, `mdwb validate`) should not wait for it.
 */
function loadTypeScript(): typeof ts {
  return (typescript ??= createRequire(import.meta.url)('typescript') as typeof ts)
}

/**
 * Instruments the loops of user code: every `for`, `while` and `do` body starts with
 * `__mdwb_loop(id)`, where `id` indexes `sites` (the loop's place in the TypeScript source). The
 * sandbox's guard counts iterations and checks the wall clock every few thousand, so an infinite loop
 * ends in a bug check that names the loop's line, instead of a frozen workbench. Everything else is
 * left as it was; the output keeps an inline source map to the original. Returns null when the source
 * does not parse, so that the bundler reports the syntax error itself, at its place.
 */
export function guardLoops(source: string, fileName: string, displayName: string, sites: SourceLocation[], functions: Record<string, SourceLocation> = {}): string | null {
  const ts = loadTypeScript()
  const transformer: ts.TransformerFactory<ts.SourceFile> = (context) => (file) => {
    const f = context.factory
    const at = (node: ts.Node): SourceLocation => {
      const start = ts.getLineAndCharacterOfPosition(file, node.getStart(file))
      return { file: displayName, line: start.line + 1, column: start.character + 1 }
    }
    // Where each named function is defined: a bug check that has no user frame on the stack (a
    // callback that returned a promise, a worker that ran out of memory) points at the function.
    const noteFunction = (name: ts.Node | undefined, node: ts.Node): void => {
      if (name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name)) && !(name.text in functions)) functions[name.text] = at(node)
    }
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) noteFunction(node.name, node)
      else if ((ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node)) && node.initializer !== undefined && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) noteFunction(node.name, node)
      const visited = ts.visitEachChild(node, visit, context)
      if (!ts.isIterationStatement(visited, false)) return visited
      const start = ts.getLineAndCharacterOfPosition(file, node.getStart(file))
      const id = sites.push({ file: displayName, line: start.line + 1, column: start.character + 1 }) - 1
      const guard = f.createExpressionStatement(f.createCallExpression(f.createIdentifier('__mdwb_loop'), undefined, [f.createNumericLiteral(id)]))
      const body = visited.statement
      const block = f.createBlock([guard, ...(ts.isBlock(body) ? body.statements : [body])], true)
      if (ts.isForStatement(visited)) return f.updateForStatement(visited, visited.initializer, visited.condition, visited.incrementor, block)
      if (ts.isForOfStatement(visited)) return f.updateForOfStatement(visited, visited.awaitModifier, visited.initializer, visited.expression, block)
      if (ts.isForInStatement(visited)) return f.updateForInStatement(visited, visited.initializer, visited.expression, block)
      if (ts.isWhileStatement(visited)) return f.updateWhileStatement(visited, visited.expression, block)
      if (ts.isDoStatement(visited)) return f.updateDoStatement(visited, block, visited.expression)
      return visited
    }
    return ts.visitNode(file, visit) as ts.SourceFile
  }
  const out = ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      inlineSourceMap: true,
      inlineSources: true,
      isolatedModules: true,
      useDefineForClassFields: true,
    },
    transformers: { before: [transformer] },
    reportDiagnostics: true,
  })
  if ((out.diagnostics ?? []).some((d) => d.category === ts.DiagnosticCategory.Error)) return null
  return out.outputText
}
