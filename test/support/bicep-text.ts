/**
 * Reads facts out of Bicep source for the parity tests: no compiler needed, so they run on any machine (the real
 * compile and lint is scripts/check-bicep.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');

export const readRepoFile = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

/** Bicep without `//` line comments (URLs inside strings are kept: a comment starts at `//` after a space or line start). */
export function bicepSource(file: string): string {
  return readRepoFile(file).replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** The `{ ... }` block that starts at the first `opening` (e.g. `var appSettings = {`), braces balanced. */
export function blockAfter(source: string, opening: string): string {
  const start = source.indexOf(opening);
  if (start < 0) throw new Error(`'${opening}' not found`);
  let depth = 0;
  for (let i = start + opening.length - 1; i < source.length; i++) {
    if (source[i] === '{' || source[i] === '[') depth++;
    if (source[i] === '}' || source[i] === ']') depth--;
    if (depth === 0) return source.slice(start, i + 1);
  }
  throw new Error(`'${opening}' is not closed`);
}

/** Keys at the first nesting level of an object literal block, one per line as Bicep writes them. */
export function topLevelKeys(block: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (const line of block.split('\n')) {
    if (depth === 1) {
      const key = /^\s*'?([A-Za-z_][A-Za-z0-9_]*)'?\s*:/.exec(line)?.[1];
      if (key) keys.push(key);
    }
    depth += (line.match(/[{[]/g) ?? []).length - (line.match(/[}\]]/g) ?? []).length;
  }
  return keys;
}

/** `key: value` of the first nesting level, value as written (one line). */
export function topLevelEntries(block: string): Map<string, string> {
  const entries = new Map<string, string>();
  let depth = 0;
  for (const line of block.split('\n')) {
    if (depth === 1) {
      const m = /^\s*'?([A-Za-z_][A-Za-z0-9_]*)'?\s*:\s*(.*)$/.exec(line);
      if (m) entries.set(m[1]!, m[2]!.trim());
    }
    depth += (line.match(/[{[]/g) ?? []).length - (line.match(/[}\]]/g) ?? []).length;
  }
  return entries;
}
