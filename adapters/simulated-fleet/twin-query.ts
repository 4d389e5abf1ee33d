/**
 * The subset of IoT Hub's twin query language that rollout targets use, compiled to a predicate:
 *   [SELECT * FROM devices WHERE] <condition>
 *   condition := condition OR condition | condition AND condition | NOT condition | ( condition )
 *              | field = 'text' | field != 'text' | field <> 'text' | field IN [ 'text', … ]
 *   field     := deviceId | tags.<name> | properties.reported.installedVersion
 * Keywords are case-insensitive, field names are not. As in IoT Hub, a comparison with a missing tag is
 * undefined rather than false, so neither `tags.x = 'a'` nor `NOT tags.x = 'a'` selects a device without tag x.
 */
import { InvalidTargetQueryError } from '../../domain/fleet/fleet-port';
import { tokenize, type Punctuation, type Token } from './twin-query-lexer';

/** What a query can see of a device twin. */
export interface TwinFields {
  deviceId: string;
  tags: Readonly<Record<string, string>>;
  installedVersion: string;
}

export type TwinQuery = (twin: TwinFields) => boolean;

/** true, false, or undefined when a field is missing (SQL-style three-valued logic). */
type Condition = (twin: TwinFields) => boolean | undefined;
type FieldReader = (twin: TwinFields) => string | undefined;

export function parseTwinQuery(query: string): TwinQuery {
  const condition = new Parser(tokenize(query)).query();
  return (twin) => condition(twin) === true;
}

const fieldHint = "deviceId, tags.<name> or properties.reported.installedVersion";

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  query(): Condition {
    if (this.isKeyword('SELECT')) {
      this.index++;
      this.expectPunctuation('*');
      this.expectKeyword('FROM');
      if (!this.isKeyword('devices')) this.fail("'devices'");
      this.index++;
      if (this.peek().kind === 'end') return () => true;
      this.expectKeyword('WHERE');
    }
    const condition = this.or();
    if (this.peek().kind !== 'end') this.fail('AND, OR or the end of the query');
    return condition;
  }

  private or(): Condition {
    const parts = [this.and()];
    while (this.acceptKeyword('OR')) parts.push(this.and());
    if (parts.length === 1) return parts[0] as Condition;
    return (twin) => {
      let result: boolean | undefined = false;
      for (const part of parts) {
        const value = part(twin);
        if (value === true) return true;
        if (value === undefined) result = undefined;
      }
      return result;
    };
  }

  private and(): Condition {
    const parts = [this.unary()];
    while (this.acceptKeyword('AND')) parts.push(this.unary());
    if (parts.length === 1) return parts[0] as Condition;
    return (twin) => {
      let result: boolean | undefined = true;
      for (const part of parts) {
        const value = part(twin);
        if (value === false) return false;
        if (value === undefined) result = undefined;
      }
      return result;
    };
  }

  private unary(): Condition {
    if (this.acceptKeyword('NOT')) {
      const inner = this.unary();
      return (twin) => {
        const value = inner(twin);
        return value === undefined ? undefined : !value;
      };
    }
    if (this.acceptPunctuation('(')) {
      const inner = this.or();
      this.expectPunctuation(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const token = this.peek();
    const read = token.kind === 'word' ? fieldReader(token.text) : undefined;
    if (!read) this.fail(`a condition on ${fieldHint}`);
    this.index++;
    if (this.acceptKeyword('IN')) {
      const values = new Set(this.stringList());
      return (twin) => {
        const value = read(twin);
        return value === undefined ? undefined : values.has(value);
      };
    }
    const operator = this.peek();
    if (operator.kind !== 'punctuation' || !['=', '!=', '<>'].includes(operator.text)) this.fail(`'=', '!=' or IN after ${token.text}`);
    this.index++;
    const expected = this.string();
    const equal = operator.text === '=';
    return (twin) => {
      const value = read(twin);
      return value === undefined ? undefined : (value === expected) === equal;
    };
  }

  private stringList(): string[] {
    this.expectPunctuation('[');
    const values = [this.string()];
    while (this.acceptPunctuation(',')) values.push(this.string());
    if (!this.acceptPunctuation(']')) this.fail("',' or ']'");
    return values;
  }

  private string(): string {
    const token = this.peek();
    if (token.kind !== 'string') this.fail("a single-quoted string such as 'plant-a'");
    this.index++;
    return token.value;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private isKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toUpperCase() === keyword.toUpperCase();
  }

  private acceptKeyword(keyword: string): boolean {
    if (!this.isKeyword(keyword)) return false;
    this.index++;
    return true;
  }

  private expectKeyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) this.fail(keyword);
  }

  private acceptPunctuation(text: Punctuation): boolean {
    const token = this.peek();
    if (token.kind !== 'punctuation' || token.text !== text) return false;
    this.index++;
    return true;
  }

  private expectPunctuation(text: Punctuation): void {
    if (!this.acceptPunctuation(text)) this.fail(`'${text}'`);
  }

  private fail(expected: string): never {
    const token = this.peek();
    const found = token.kind === 'end' ? 'the end of the query' : `'${token.text}'`;
    throw new InvalidTargetQueryError(`Invalid target query: expected ${expected} at position ${token.position}, found ${found}`);
  }
}

function fieldReader(name: string): FieldReader | undefined {
  if (name === 'deviceId') return (twin) => twin.deviceId;
  if (name === 'properties.reported.installedVersion') return (twin) => twin.installedVersion;
  const tag = /^tags\.([\w$]+)$/.exec(name)?.[1];
  // hasOwn: a tag named like an Object.prototype member (tags.constructor) must not read the prototype.
  if (tag !== undefined) return (twin) => (Object.hasOwn(twin.tags, tag) ? twin.tags[tag] : undefined);
  return undefined;
}
