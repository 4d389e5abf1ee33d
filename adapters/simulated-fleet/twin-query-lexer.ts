/** Splits an IoT Hub-style twin query into tokens; positions are 1-based character offsets for error messages. */
import { InvalidTargetQueryError } from '../../domain/fleet/fleet-port';

export type Token =
  | { kind: 'word'; text: string; position: number }
  | { kind: 'string'; text: string; value: string; position: number }
  | { kind: 'punctuation'; text: Punctuation; position: number }
  | { kind: 'end'; text: ''; position: number };

export type Punctuation = '=' | '!=' | '<>' | '(' | ')' | '[' | ']' | ',' | '*';

const punctuation: readonly Punctuation[] = ['!=', '<>', '=', '(', ')', '[', ']', ',', '*'];
// Names, dotted paths and keywords; digits and '-' included so a bare 5 or plant-a is reported as "expected a string".
const word = /[\w$.-]+/y;

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index] as string;
    const position = index + 1;
    if (/\s/.test(char)) {
      index++;
    } else if (char === "'") {
      const close = query.indexOf("'", index + 1);
      if (close < 0) throw new InvalidTargetQueryError(`Invalid target query: the string starting at position ${position} has no closing quote`);
      tokens.push({ kind: 'string', text: query.slice(index, close + 1), value: query.slice(index + 1, close), position });
      index = close + 1;
    } else {
      const symbol = punctuation.find((candidate) => query.startsWith(candidate, index));
      word.lastIndex = index;
      const name = symbol ? undefined : word.exec(query)?.[0];
      if (symbol) tokens.push({ kind: 'punctuation', text: symbol, position });
      else if (name) tokens.push({ kind: 'word', text: name, position });
      else throw new InvalidTargetQueryError(`Invalid target query: unexpected character '${char}' at position ${position}`);
      index += (symbol ?? name ?? '').length;
    }
  }
  tokens.push({ kind: 'end', text: '', position: query.length + 1 });
  return tokens;
}
