/**
 * HTTP trigger route templates with the ASP.NET Core semantics the Functions host applies:
 * case-insensitive literals, `{name}`, `{name?}`, `{name=default}`, inline constraints
 * (`{id:int:min(1)}`) and a trailing catch-all `{*rest}`. `{{` and `}}` escape braces.
 */

export interface RouteMatcher {
  template: string;
  /**
   * Higher is more specific. Modelled on ASP.NET Core's inbound route precedence, negated:
   * `-Σ digit(segment i) / 10^i` with digit 1 = literal, 2 = constrained parameter,
   * 3 = parameter, 4 = constrained catch-all, 5 = catch-all. So earlier segments dominate,
   * and where both could match, a template that ends earlier wins (`a` > `a/{id?}`).
   */
  specificity: number;
  /** `path`: request path after the route prefix, no leading/trailing slash, decoded per segment. */
  match(path: string): Record<string, string> | undefined;
}

type ConstraintTest = (value: string) => boolean;

type Segment =
  | { kind: 'literal'; text: string }
  | {
      kind: 'param';
      name: string;
      catchAll: boolean;
      optional: boolean;
      defaultValue: string | undefined;
      constraints: ConstraintTest[];
    };
type Param = Extract<Segment, { kind: 'param' }>;
type Fail = (problem: string) => never;

export function compileRoute(template: string): RouteMatcher {
  const fail: Fail = (problem) => {
    throw new Error(`Invalid route template '${template}': ${problem}`);
  };
  const segments = splitSegments(template, fail).map((parts) => toSegment(parts, fail));
  checkStructure(segments, fail);
  const specificity = segments.reduce((sum, segment, i) => sum - precedenceDigit(segment) / 10 ** i, 0);
  return { template, specificity, match: (path) => matchSegments(segments, path) };
}

function matchSegments(segments: Segment[], path: string): Record<string, string> | undefined {
  const parts = path === '' ? [] : path.split('/');
  const params: [string, string][] = [];
  for (const [i, segment] of segments.entries()) {
    if (segment.kind === 'literal') {
      if (parts[i]?.toLowerCase() !== segment.text.toLowerCase()) return undefined;
      continue;
    }
    const value = segment.catchAll ? parts.slice(i).join('/') : parts[i];
    if (value === undefined || (segment.catchAll && value === '')) {
      // Nothing left for this segment: only optional, defaulted or catch-all ones may be omitted.
      if (segment.defaultValue !== undefined) params.push([segment.name, segment.defaultValue]);
      else if (!segment.optional && !segment.catchAll) return undefined;
      continue;
    }
    if (value === '' || !segment.constraints.every((test) => test(value))) return undefined;
    params.push([segment.name, value]);
  }
  const last = segments.at(-1);
  const catchAll = last?.kind === 'param' && last.catchAll;
  if (!catchAll && parts.length > segments.length) return undefined;
  // fromEntries defines own properties, so a parameter named `__proto__` stays a plain value.
  return Object.fromEntries(params);
}

function precedenceDigit(segment: Segment): number {
  if (segment.kind === 'literal') return 1;
  const constrained = segment.constraints.length > 0;
  if (segment.catchAll) return constrained ? 4 : 5;
  return constrained ? 2 : 3;
}

// ---- parsing -------------------------------------------------------------------------------

type Part = { literal: string } | { param: string };

/** Splits on `/` outside parameters (a regex constraint may contain one) and unescapes `{{`/`}}`. */
function splitSegments(template: string, fail: Fail): Part[][] {
  const text = template.replace(/^~?\//, '').replace(/\/$/, '');
  if (text === '') return [];
  const segments: Part[][] = [[]];
  let literal = '';
  const push = (part: Part): void => {
    segments.at(-1)?.push(part);
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ((ch === '{' || ch === '}') && text[i + 1] === ch) {
      literal += ch;
      i++;
    } else if (ch === '}') {
      fail(`unbalanced '}' at position ${i}`);
    } else if (ch === '{') {
      if (literal !== '') push({ literal });
      literal = '';
      const { param, end } = readParameter(text, i + 1, fail);
      push({ param });
      i = end;
    } else if (ch === '/') {
      if (literal !== '') push({ literal });
      literal = '';
      if (segments.at(-1)?.length === 0) fail("empty segment ('//')");
      segments.push([]);
    } else {
      literal += ch;
    }
  }
  if (literal !== '') push({ literal });
  if (segments.at(-1)?.length === 0) fail("empty segment ('//')");
  return segments;
}

/** Reads a parameter body starting at `start`; `end` is the index of its closing `}`. */
function readParameter(text: string, start: number, fail: Fail): { param: string; end: number } {
  let param = '';
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    const doubled = text[i + 1] === ch;
    if (ch === '}' && !doubled) return { param, end: i };
    if (ch === '{' && !doubled) fail(`unexpected '{' inside a parameter at position ${i}`);
    if (ch === '{' || ch === '}') i++;
    param += ch;
  }
  return fail("unbalanced '{' (parameter not closed)");
}

function toSegment(parts: Part[], fail: Fail): Segment {
  const [part] = parts;
  if (part === undefined || parts.length !== 1) {
    return fail('segments mixing literals and parameters (e.g. {name}.{ext}) are not supported by devhost');
  }
  if ('literal' in part) {
    if (part.literal.includes('?')) fail(`literal '${part.literal}' cannot contain '?'`);
    return { kind: 'literal', text: part.literal };
  }
  return parseParameter(part.param, fail);
}

/** Parameter body: `[*]name` then any `:constraint[(args)]`, then `=default` or `?`. */
function parseParameter(text: string, fail: Fail): Param {
  const where = `in parameter '{${text}}'`;
  const catchAll = text.startsWith('*');
  let pos = text.startsWith('**') ? 2 : catchAll ? 1 : 0;
  const name = /^[^:=?]*/.exec(text.slice(pos))?.[0] ?? '';
  if (name === '' || /[*/{}]/.test(name)) fail(`invalid parameter name '${name}' ${where}`);
  pos += name.length;

  const constraints: ConstraintTest[] = [];
  while (text[pos] === ':') {
    const constraintName = /^\w*/.exec(text.slice(pos + 1))?.[0] ?? '';
    pos += 1 + constraintName.length;
    let arg: string | undefined;
    if (text[pos] === '(') {
      const close = closingParen(text, pos);
      if (close < 0) fail(`unbalanced '(' ${where}`);
      arg = text.slice(pos + 1, close);
      pos = close + 1;
    }
    try {
      constraints.push(constraintFor(constraintName, arg));
    } catch (err) {
      fail(`${(err as Error).message} ${where}`);
    }
  }

  const rest = text.slice(pos);
  const optional = rest === '?';
  const defaultValue = rest.startsWith('=') ? rest.slice(1) : undefined;
  if (rest !== '' && !optional && defaultValue === undefined) fail(`unexpected '${rest}' ${where}`);
  if (defaultValue?.endsWith('?')) fail(`an optional parameter cannot have a default value ${where}`);
  if (optional && catchAll) fail(`a catch-all parameter is already optional and cannot be marked '?' ${where}`);
  if (defaultValue !== undefined && !constraints.every((test) => test(defaultValue))) {
    fail(`default value '${defaultValue}' does not satisfy the constraints ${where}`);
  }
  return { kind: 'param', name, catchAll, optional, defaultValue, constraints };
}

/** Index of the `)` closing the `(` at `open`, skipping backslash escapes and `[...]` classes; -1 if none. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

function checkStructure(segments: Segment[], fail: Fail): void {
  const seen = new Set<string>();
  let optional: string | undefined;
  for (const [i, segment] of segments.entries()) {
    if (segment.kind === 'param') {
      const key = segment.name.toLowerCase();
      if (seen.has(key)) fail(`parameter '${segment.name}' appears more than once`);
      seen.add(key);
      if (segment.catchAll && i !== segments.length - 1) fail(`catch-all parameter '${segment.name}' must be the last segment`);
    }
    const omissible = segment.kind === 'param' && (segment.optional || segment.catchAll || segment.defaultValue !== undefined);
    if (optional !== undefined && !omissible) fail(`optional parameter '${optional}' may only be followed by optional segments`);
    if (segment.kind === 'param' && segment.optional) optional ??= segment.name;
  }
}

// ---- constraints (ASP.NET Core inline constraints, invariant culture) ------------------------

type ConstraintFactory = (arg: string | undefined, name: string) => ConstraintTest;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)$/;
const FLOAT = /^(?:[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|nan|[+-]?infinity)$/i;
const GUID_D = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** Guid.TryParse formats N, D, B and P. */
const GUID = new RegExp(`^(?:[0-9a-f]{32}|${GUID_D}|\\{${GUID_D}\\}|\\(${GUID_D}\\))$`, 'i');
const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

function asInteger(value: string, range: { min: bigint; max: bigint }): bigint | undefined {
  if (!INTEGER.test(value)) return undefined;
  const n = BigInt(value);
  return n >= range.min && n <= range.max ? n : undefined;
}

const plain =
  (test: ConstraintTest): ConstraintFactory =>
  (arg, name) => {
    if (arg !== undefined) throw new Error(`constraint '${name}' takes no argument`);
    return test;
  };

/** Parses `(a)` or `(a,b)` integer arguments into inclusive bounds; one argument gives lo = hi = a. */
function intArgs(name: string, arg: string | undefined, counts: number[]): { lo: bigint; hi: bigint } {
  const values = arg === undefined ? [] : arg.split(',').map((v) => v.trim());
  if (!counts.includes(values.length) || !values.every((v) => /^-?\d+$/.test(v))) {
    throw new Error(`constraint '${name}' expects ${counts.join(' or ')} integer argument(s), got '${arg ?? ''}'`);
  }
  const [lo = 0n, hi = lo] = values.map(BigInt);
  if (lo > hi) throw new Error(`constraint '${name}' has a minimum greater than its maximum`);
  return { lo, hi };
}

const lengthWithin = (lo: bigint | undefined, hi: bigint | undefined): ConstraintTest => {
  if ((lo ?? 0n) < 0n || (hi ?? 0n) < 0n) throw new Error('a length cannot be negative');
  return (v) => (lo === undefined || BigInt(v.length) >= lo) && (hi === undefined || BigInt(v.length) <= hi);
};

const longWithin =
  (lo: bigint | undefined, hi: bigint | undefined): ConstraintTest =>
  (v) => {
    const n = asInteger(v, INT64);
    return n !== undefined && (lo === undefined || n >= lo) && (hi === undefined || n <= hi);
  };

const CONSTRAINTS = new Map<string, ConstraintFactory>([
  ['int', plain((v) => asInteger(v, INT32) !== undefined)],
  ['long', plain((v) => asInteger(v, INT64) !== undefined)],
  ['double', plain((v) => FLOAT.test(v))],
  ['float', plain((v) => FLOAT.test(v))],
  ['decimal', plain((v) => DECIMAL.test(v))],
  ['bool', plain((v) => /^(?:true|false)$/i.test(v))],
  ['guid', plain((v) => GUID.test(v))],
  ['alpha', plain((v) => /^[a-z]*$/i.test(v))],
  ['required', plain((v) => v !== '')],
  ['minlength', (arg, name) => lengthWithin(intArgs(name, arg, [1]).lo, undefined)],
  ['maxlength', (arg, name) => lengthWithin(undefined, intArgs(name, arg, [1]).hi)],
  ['length', (arg, name) => {
    const { lo, hi } = intArgs(name, arg, [1, 2]);
    return lengthWithin(lo, hi);
  }],
  ['min', (arg, name) => longWithin(intArgs(name, arg, [1]).lo, undefined)],
  ['max', (arg, name) => longWithin(undefined, intArgs(name, arg, [1]).hi)],
  ['range', (arg, name) => {
    const { lo, hi } = intArgs(name, arg, [2]);
    return longWithin(lo, hi);
  }],
  ['regex', (arg, name) => regexTest(name, arg)],
]);

function regexTest(name: string, pattern: string | undefined): ConstraintTest {
  if (pattern === undefined) throw new Error(`constraint '${name}' needs a pattern`);
  let regex: RegExp;
  try {
    // Like ASP.NET: case-insensitive and NOT anchored, so `regex(a+)` also accepts "xay"; write ^...$.
    regex = new RegExp(pattern, 'i');
  } catch (err) {
    throw new Error(`constraint '${name}' has an invalid pattern: ${(err as Error).message}`);
  }
  return (v) => regex.test(v);
}

function constraintFor(name: string, arg: string | undefined): ConstraintTest {
  // Constraint names are case-insensitive in ASP.NET (`{id:INT}` works).
  const factory = CONSTRAINTS.get(name.toLowerCase());
  if (!factory) {
    throw new Error(`unknown constraint '${name}' (supported: ${[...CONSTRAINTS.keys()].join(', ')})`);
  }
  return factory(arg, name);
}
