/**
 * Parser for IoT Hub's query language as far as twin and job queries use it:
 *   query      := SELECT ( * | item (, item)* ) FROM ( devices | devices.jobs ) [WHERE condition] [GROUP BY path]
 *   item       := path [AS name] | COUNT() [AS name]
 *   condition  := condition OR condition | condition AND condition | NOT condition | ( condition )
 *               | path op operand | path IN [literal, …] | path NIN [literal, …]
 *               | IS_DEFINED(path) | IS_NULL(path) | … | STARTSWITH(path, 'text') | ENDSWITH(…) | CONTAINS(…)
 *   op         := = | != | <> | < | > | <= | >=         operand := literal | path
 *   literal    := 'text' | "text" | number | true | false | null
 * Keywords and function names are case-insensitive; field names are not. AND binds tighter than OR.
 */
import type { ComparisonOperator, Condition, Literal, Operand, Path, Projection, Query, StringTest, TypeCheck } from './ast';
import { QuerySyntaxError, syntaxError } from './errors';
import { tokenize, type Punctuation, type Token } from './lexer';

/** IoT Hub refuses queries over 8 KB. */
export const maxQueryBytes = 8192;
/** Parentheses and NOTs deeper than this are refused, which also bounds the parser's recursion. */
export const maxNestingDepth = 32;

export function parseQuery(text: string): Query {
  return new Parser(tokenize(checkSize(text))).query();
}

/** A bare condition, as in a job's `queryCondition` (the WHERE clause without SELECT … WHERE). */
export function parseCondition(text: string): Condition {
  return new Parser(tokenize(checkSize(text))).bareCondition();
}

function checkSize(text: string): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxQueryBytes) {
    throw new QuerySyntaxError(`Query syntax error: the query is ${bytes} bytes long; IoT Hub accepts at most ${maxQueryBytes} bytes`);
  }
  return text;
}

const typeChecks: readonly TypeCheck[] = ['IS_DEFINED', 'IS_NULL', 'IS_STRING', 'IS_NUMBER', 'IS_BOOL', 'IS_OBJECT', 'IS_ARRAY', 'IS_PRIMITIVE'];
const stringTests: Readonly<Record<string, StringTest>> = {
  STARTSWITH: 'STARTSWITH', STARTS_WITH: 'STARTSWITH', ENDSWITH: 'ENDSWITH', ENDS_WITH: 'ENDSWITH', CONTAINS: 'CONTAINS',
};
const comparisons: ReadonlySet<Punctuation> = new Set<Punctuation>(['=', '!=', '<>', '<', '>', '<=', '>=']);
// Words that end or structure a clause are never read as field names, so `WHERE AND …` reports a missing condition.
const reserved = new Set(['SELECT', 'TOP', 'FROM', 'WHERE', 'GROUP', 'BY', 'ORDER', 'AS', 'AND', 'OR', 'NOT', 'IN', 'NIN', 'TRUE', 'FALSE', 'NULL']);
const conditionHint = "a condition (a field, a function such as IS_DEFINED(…), NOT or '(')";

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  query(): Query {
    this.expectKeyword('SELECT', 'SELECT');
    if (this.isKeyword('TOP')) throw syntaxError(this.peek().position, 'TOP is not supported by the local hub');
    const select = this.selectList();
    this.expectKeyword('FROM', 'FROM after the SELECT list');
    const from = this.collection();
    const where = this.acceptKeyword('WHERE') ? this.condition() : undefined;
    let groupBy: Path | undefined;
    if (this.acceptKeyword('GROUP')) {
      this.expectKeyword('BY', 'BY after GROUP');
      groupBy = this.path('a field after GROUP BY');
    }
    this.expectEnd(groupBy ? 'the end of the query' : where ? 'AND, OR, GROUP BY or the end of the query' : 'WHERE, GROUP BY or the end of the query');
    checkAggregation(select, groupBy);
    return { select, from, ...(where && { where }), ...(groupBy && { groupBy }) };
  }

  bareCondition(): Condition {
    const condition = this.condition();
    this.expectEnd('AND, OR or the end of the condition');
    return condition;
  }

  private selectList(): '*' | Projection[] {
    if (this.acceptPunctuation('*')) return '*';
    const items: Projection[] = [];
    const names = new Set<string>();
    let unnamed = 0;
    do {
      const start = this.peek();
      let item: Projection;
      if (this.isKeyword('COUNT') && this.isPunctuationAt(1, '(')) {
        this.index += 2;
        this.expectPunctuation(')', "')' after COUNT(");
        item = { kind: 'count', name: this.alias() ?? `$${++unnamed}` };
      } else {
        const path = this.path("'*', a field or COUNT() in the SELECT list");
        item = { kind: 'path', path, name: this.alias() ?? (path.segments[path.segments.length - 1] as string) };
      }
      if (names.has(item.name)) throw syntaxError(start.position, `the SELECT list has two items named '${item.name}'; rename one with AS`);
      names.add(item.name);
      items.push(item);
    } while (this.acceptPunctuation(','));
    return items;
  }

  private alias(): string | undefined {
    if (!this.acceptKeyword('AS')) return undefined;
    const token = this.peek();
    if (token.kind !== 'word' || token.segments.length > 1 || reserved.has(token.text.toUpperCase())) this.fail('a name after AS');
    this.index++;
    return token.text;
  }

  private collection(): Query['from'] {
    const token = this.peek();
    const name = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (name !== 'devices' && name !== 'devices.jobs') this.fail('devices or devices.jobs after FROM');
    this.index++;
    return name;
  }

  private condition(): Condition {
    const parts = [this.conjunction()];
    while (this.acceptKeyword('OR')) parts.push(this.conjunction());
    return parts.length === 1 ? (parts[0] as Condition) : { kind: 'or', parts };
  }

  private conjunction(): Condition {
    const parts = [this.unary()];
    while (this.acceptKeyword('AND')) parts.push(this.unary());
    return parts.length === 1 ? (parts[0] as Condition) : { kind: 'and', parts };
  }

  private unary(): Condition {
    const start = this.peek();
    if (this.acceptKeyword('NOT')) return this.nested(start, () => ({ kind: 'not', inner: this.unary() }));
    if (this.acceptPunctuation('(')) {
      return this.nested(start, () => {
        const inner = this.condition();
        this.expectPunctuation(')', `AND, OR or ')' to close the '(' at ${start.position}`);
        return inner;
      });
    }
    return this.predicate();
  }

  private nested(start: Token, parse: () => Condition): Condition {
    if (++this.depth > maxNestingDepth) throw syntaxError(start.position, `conditions nest deeper than ${maxNestingDepth} levels`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private predicate(): Condition {
    const token = this.peek();
    if (token.kind === 'word' && this.isPunctuationAt(1, '(')) return this.functionCall(token);
    const path = this.path(conditionHint);
    const negated = this.isKeyword('NIN');
    if (negated || this.isKeyword('IN')) {
      const keyword = this.peek().text.toUpperCase();
      this.index++;
      return { kind: 'in', path, values: this.list(keyword), negated };
    }
    const operator = this.peek();
    if (operator.kind !== 'punctuation' || !comparisons.has(operator.text)) {
      this.fail(`a comparison (=, !=, <>, <, >, <=, >=), IN or NIN after ${path.text}`);
    }
    this.index++;
    const right = this.literalOrPath(`a value after '${operator.text}'`);
    return { kind: 'compare', operator: operator.text === '<>' ? '!=' : (operator.text as ComparisonOperator), left: path, right };
  }

  private functionCall(token: Token & { kind: 'word' }): Condition {
    const upper = token.text.toUpperCase();
    const typeCheck = typeChecks.find((name) => name === upper);
    const stringTest = stringTests[upper];
    if (!typeCheck && !stringTest) {
      throw syntaxError(token.position, `unknown function '${token.text}'; supported: ${[...typeChecks, ...Object.keys(stringTests)].join(', ')}`);
    }
    this.index += 2;
    const path = this.path(`a field as the first argument of ${token.text}(`);
    let argument: string | undefined;
    if (stringTest) {
      this.expectPunctuation(',', `',' and a string after the field in ${token.text}(`);
      const value = this.peek();
      if (value.kind !== 'string') this.fail(`a quoted string as the second argument of ${token.text}(`);
      this.index++;
      argument = value.value;
    }
    this.expectPunctuation(')', `')' to close ${token.text}(`);
    if (stringTest) return { kind: 'stringTest', name: stringTest, path, argument: argument as string };
    return { kind: 'typeCheck', name: typeCheck as TypeCheck, path };
  }

  private list(keyword: string): Literal[] {
    this.expectPunctuation('[', `'[' after ${keyword}`);
    const values: Literal[] = [];
    if (this.acceptPunctuation(']')) return values;
    do values.push(this.literal(`a string, number, true, false or null in the ${keyword} list`));
    while (this.acceptPunctuation(','));
    this.expectPunctuation(']', `',' or ']' in the ${keyword} list`);
    return values;
  }

  private literalOrPath(expected: string): Operand {
    const value = this.tryLiteral();
    if (value !== undefined) return { kind: 'literal', value };
    return { kind: 'path', path: this.path(expected) };
  }

  private literal(expected: string): Literal {
    const value = this.tryLiteral();
    if (value === undefined) this.fail(expected);
    return value;
  }

  private tryLiteral(): Literal | undefined {
    const token = this.peek();
    let value: Literal | undefined;
    if (token.kind === 'string' || token.kind === 'number') value = token.value;
    else if (this.isKeyword('TRUE')) value = true;
    else if (this.isKeyword('FALSE')) value = false;
    else if (this.isKeyword('NULL')) value = null;
    if (value !== undefined) this.index++;
    return value;
  }

  private path(expected: string): Path {
    const token = this.peek();
    if (token.kind !== 'word' || (token.segments.length === 1 && reserved.has(token.text.toUpperCase()))) this.fail(expected);
    this.index++;
    return { segments: token.segments, text: token.text, position: token.position };
  }

  private peek(): Token {
    return this.tokens[this.index] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private isPunctuationAt(offset: number, text: Punctuation): boolean {
    const token = this.tokens[this.index + offset];
    return token?.kind === 'punctuation' && token.text === text;
  }

  private isKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.segments.length === 1 && token.text.toUpperCase() === keyword;
  }

  private acceptKeyword(keyword: string): boolean {
    if (!this.isKeyword(keyword)) return false;
    this.index++;
    return true;
  }

  private expectKeyword(keyword: string, expected: string): void {
    if (!this.acceptKeyword(keyword)) this.fail(expected);
  }

  private acceptPunctuation(text: Punctuation): boolean {
    if (!this.isPunctuationAt(0, text)) return false;
    this.index++;
    return true;
  }

  private expectPunctuation(text: Punctuation, expected: string): void {
    if (!this.acceptPunctuation(text)) this.fail(expected);
  }

  private expectEnd(expected: string): void {
    if (this.peek().kind !== 'end') this.fail(expected);
  }

  private fail(expected: string): never {
    const token = this.peek();
    const found = token.kind === 'end' ? 'the end of the query' : token.kind === 'string' ? token.text : `'${token.text}'`;
    throw syntaxError(token.position, `expected ${expected}, found ${found}`);
  }
}

/** As in IoT Hub: with COUNT() or GROUP BY, every other SELECT item must be the grouped field. */
function checkAggregation(select: Query['select'], groupBy: Path | undefined): void {
  if (select === '*') {
    if (groupBy) throw syntaxError(groupBy.position, 'GROUP BY needs a SELECT list of the grouped field and COUNT(), not SELECT *');
    return;
  }
  if (!groupBy && !select.some((item) => item.kind === 'count')) return;
  for (const item of select) {
    if (item.kind !== 'path' || item.path.text === groupBy?.text) continue;
    const fix = groupBy ? `select ${groupBy.text} or COUNT()` : `add GROUP BY ${item.path.text} or select only COUNT()`;
    throw syntaxError(item.path.position, `${item.path.text} is neither grouped nor counted; ${fix}`);
  }
}
