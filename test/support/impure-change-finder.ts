/**
 * A lint-like check for read-modify-write: the change function handed to a store's `update` / `updateBatch` (or to
 * the Cosmos adapter's `readModifyWrite`) may run again after an etag conflict, so it must not write to anything
 * declared outside it: no assignments, no `++`, no `push` / `set` / … on outer arrays, maps and sets.
 * Found by syntax, so an alias can hide a write; it catches the usual slip (an outer array filled in the change).
 */
import ts from 'typescript';

export interface ImpureChange {
  file: string;
  line: number;
  /** The offending expression, as written. */
  text: string;
}

const storeMethods = new Set(['update', 'updateBatch']);
const mutators = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear']);

type FunctionLike = ts.ArrowFunction | ts.FunctionExpression;
const isFunctionLike = (node: ts.Node | undefined): node is FunctionLike => node !== undefined && (ts.isArrowFunction(node) || ts.isFunctionExpression(node));

/** The change functions in a call: the last argument of `x.update(…)` / `x.updateBatch(…)`, any of `readModifyWrite(…)`. */
function changesIn(call: ts.CallExpression): FunctionLike[] {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee) && storeMethods.has(callee.name.text)) {
    const last = call.arguments[call.arguments.length - 1];
    return isFunctionLike(last) ? [last] : [];
  }
  if (ts.isIdentifier(callee) && callee.text === 'readModifyWrite') return call.arguments.filter(isFunctionLike);
  return [];
}

/** Every name declared anywhere inside the function (its parameters included). */
function declaredIn(fn: FunctionLike): Set<string> {
  const names = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  const visit = (node: ts.Node) => {
    if (ts.isParameter(node) || ts.isVariableDeclaration(node)) bind(node.name);
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.name) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(fn);
  return names;
}

/** `a` of `a`, `a.b.c`, `a[i].b`, `(a)`; undefined for anything else (a call result, a literal: nothing outer). */
function rootName(expression: ts.Expression): string | undefined {
  let node = expression;
  while (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) node = node.expression;
  return ts.isIdentifier(node) ? node.text : undefined;
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** The expressions in `fn` that write to a name declared outside it. */
function outerWrites(fn: FunctionLike): ts.Node[] {
  const local = declaredIn(fn);
  const isOuter = (target: ts.Expression) => {
    const name = rootName(target);
    return name !== undefined && !local.has(name);
  };
  const writes: ts.Node[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind) && isOuter(node.left)) writes.push(node);
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node))
      && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) && isOuter(node.operand)) writes.push(node);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && mutators.has(node.expression.name.text) && isOuter(node.expression.expression)) writes.push(node);
    ts.forEachChild(node, visit);
  };
  visit(fn.body);
  return writes;
}

/** Writes to outer names from change functions in one source file. */
export function findImpureChanges(file: string, source: string): ImpureChange[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: ImpureChange[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      for (const change of changesIn(node)) {
        for (const write of outerWrites(change)) {
          found.push({ file, line: sourceFile.getLineAndCharacterOfPosition(write.getStart()).line + 1, text: write.getText() });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}
