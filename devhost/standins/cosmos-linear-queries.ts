/**
 * Makes the Cosmos stand-in's queries linear in the container's size.
 *
 * @zeit/cosmosdb-query (the query engine of @vercel/cosmosdb-server) compiles a query to JavaScript that gathers the
 * documents with `collection.reduce(($, c) => [...$, { c }], [])`: each step copies everything gathered so far, so a
 * query over n documents copies n²/2 entries. On a container of 20,000 device health documents that is 200 million
 * copies, about a second of the stand-in's thread, for every health check of every rollout, however few documents
 * the query returns. Cosmos DB itself answers such a query from its index.
 *
 * The compiled code is rewritten as it is generated: each accumulating spread `[...$, X]` becomes `($.push(X), $)`.
 * The accumulator `$` is the reduce's own array (its initial value is a fresh `[]`), so appending to it in place
 * gives the same result. Queries whose code has no such spread are left as they are.
 */
import { createRequire } from 'node:module';

/** The engine exactly as the server loads it (its own dependency, whatever else is installed). */
const createQuery = createRequire(require.resolve('@vercel/cosmosdb-server'))('@zeit/cosmosdb-query') as { default: (query: string) => object };

const spread = '[...$, ';

/** The index just past the string or template literal starting at `open`. */
function pastLiteral(code: string, open: number): number {
  let i = open + 1;
  for (; i < code.length && code[i] !== code[open]; i++) if (code[i] === '\\') i++;
  return i + 1;
}

const isQuote = (char: string | undefined) => char === '"' || char === "'" || char === '`';

/** The index of the bracket closing the one at `open`, skipping literals; -1 when there is none. */
function closingBracket(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const char = code[i];
    if (isQuote(char)) {
      i = pastLiteral(code, i) - 1;
    } else if (char === '[' || char === '(' || char === '{') {
      depth++;
    } else if (char === ']' || char === ')' || char === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** `[...$, X]` → `($.push(X), $)` everywhere in the code outside literals; unchanged when one cannot be matched. */
export function linearized(code: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < code.length; i++) {
    if (isQuote(code[i])) {
      i = pastLiteral(code, i) - 1;
    } else if (code.startsWith(spread, i)) {
      const close = closingBracket(code, i);
      if (close === -1) return code;
      out += `${code.slice(copied, i)}($.push(${linearized(code.slice(i + spread.length, close))}), $)`;
      copied = close + 1;
      i = close;
    }
  }
  return out + code.slice(copied);
}

let installed = false;

/** Installs the rewrite on the engine's Query class (once per thread: the stand-in runs in its own). */
export function installLinearQueries(): void {
  if (installed) return;
  const prototype = Object.getPrototypeOf(createQuery.default('SELECT * FROM c')) as object;
  const code = Object.getOwnPropertyDescriptor(prototype, 'code');
  const generate = code?.get;
  if (!generate) throw new Error('@zeit/cosmosdb-query: Query has no `code` getter to rewrite; check the version');
  const rewritten = new WeakMap<object, string>();
  Object.defineProperty(prototype, 'code', {
    configurable: true,
    get(this: object): string {
      let cached = rewritten.get(this);
      if (cached === undefined) {
        cached = linearized(generate.call(this) as string);
        rewritten.set(this, cached);
      }
      return cached;
    },
  });
  installed = true;
}
