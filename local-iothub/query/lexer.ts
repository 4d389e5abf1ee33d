/** Splits query text into tokens. Positions are 1-based character offsets, as error messages show them. */
import { syntaxError } from './errors';

export type Punctuation = '=' | '!=' | '<>' | '<' | '>' | '<=' | '>=' | '(' | ')' | '[' | ']' | ',' | '*';

export type Token =
  /** A name or dotted path (`deviceId`, `properties.reported.$version`), keywords included. */
  | { kind: 'word'; text: string; segments: string[]; position: number }
  | { kind: 'string'; text: string; value: string; position: number }
  | { kind: 'number'; text: string; value: number; position: number }
  | { kind: 'punctuation'; text: Punctuation; position: number }
  | { kind: 'end'; text: ''; position: number };

// Longest first, so '<=' is not read as '<' then '='.
const punctuation: readonly Punctuation[] = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', '[', ']', ',', '*'];
const name = /[\p{L}_$][\p{L}\p{N}_$]*/uy;
const number = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index] as string;
    const position = index + 1;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    if (char === "'" || char === '"') {
      const { value, end } = readString(query, index);
      tokens.push({ kind: 'string', text: query.slice(index, end), value, position });
      index = end;
      continue;
    }
    number.lastIndex = index;
    const digits = number.exec(query)?.[0];
    if (digits !== undefined) {
      tokens.push({ kind: 'number', text: digits, value: Number(digits), position });
      index += digits.length;
      continue;
    }
    const path = readPath(query, index);
    if (path) {
      tokens.push({ kind: 'word', text: query.slice(index, path.end), segments: path.segments, position });
      index = path.end;
      continue;
    }
    const symbol = punctuation.find((candidate) => query.startsWith(candidate, index));
    if (!symbol) throw syntaxError(position, `unexpected character '${char}'`);
    tokens.push({ kind: 'punctuation', text: symbol, position });
    index += symbol.length;
  }
  tokens.push({ kind: 'end', text: '', position: query.length + 1 });
  return tokens;
}

/** A quoted string from `start` (the opening quote); the quote character doubled stands for itself. */
function readString(query: string, start: number): { value: string; end: number } {
  const quote = query[start] as string;
  let value = '';
  let from = start + 1;
  for (;;) {
    const close = query.indexOf(quote, from);
    if (close < 0) throw syntaxError(start + 1, 'the string starting here has no closing quote');
    value += query.slice(from, close);
    if (query[close + 1] !== quote) return { value, end: close + 1 };
    value += quote;
    from = close + 2;
  }
}

/** name(.name)* at `start`, or undefined when no name starts there. */
function readPath(query: string, start: number): { segments: string[]; end: number } | undefined {
  const segments: string[] = [];
  let index = start;
  for (;;) {
    name.lastIndex = index;
    const segment = name.exec(query)?.[0];
    if (segment === undefined) {
      if (segments.length === 0) return undefined;
      throw syntaxError(index + 1, "expected a property name after '.'");
    }
    segments.push(segment);
    index += segment.length;
    if (query[index] !== '.') return { segments, end: index };
    index++;
  }
}
