import { compileCondition, compileQuery, maxNestingDepth, maxQueryBytes, QuerySyntaxError } from '../../../../local-iothub/query';
import { parseCondition, parseQuery } from '../../../../local-iothub/query/parser';

/** The AST with each field path shown as its dotted text, so the tables stay readable. */
function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (node === null || typeof node !== 'object') return node;
  if ('segments' in node) return (node as { segments: string[] }).segments.join('.');
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, simplify(value)]));
}

const compare = (left: string, operator: string, value: unknown) => ({ kind: 'compare', operator, left, right: { kind: 'literal', value } });

describe('parseQuery', () => {
  it.each<[string, unknown]>([
    ['SELECT * FROM devices', { select: '*', from: 'devices' }],
    ['select * from Devices', { select: '*', from: 'devices' }],
    ["SELECT * FROM devices.jobs WHERE status = 'failed'", { select: '*', from: 'devices.jobs', where: compare('status', '=', 'failed') }],
    ['SELECT deviceId, properties.reported.ota AS o FROM devices', {
      select: [{ kind: 'path', path: 'deviceId', name: 'deviceId' }, { kind: 'path', path: 'properties.reported.ota', name: 'o' }],
      from: 'devices',
    }],
    ['SELECT properties.reported.$version FROM devices', { select: [{ kind: 'path', path: 'properties.reported.$version', name: '$version' }], from: 'devices' }],
    ['SELECT COUNT() AS n, count() FROM devices', { select: [{ kind: 'count', name: 'n' }, { kind: 'count', name: '$1' }], from: 'devices' }],
    ['SELECT tags.site, COUNT() AS n FROM devices GROUP BY tags.site', {
      select: [{ kind: 'path', path: 'tags.site', name: 'site' }, { kind: 'count', name: 'n' }],
      from: 'devices',
      groupBy: 'tags.site',
    }],
  ])('%s', (query, expected) => {
    expect(simplify(parseQuery(query))).toEqual(expected);
  });
});

describe('parseCondition', () => {
  it.each<[string, unknown]>([
    ["tags.site = 'a'", compare('tags.site', '=', 'a')],
    ["tags.site <> 'a'", compare('tags.site', '!=', 'a')],
    ["tags.site='it''s'", compare('tags.site', '=', "it's")],
    ['tags.site = "say ""hi"""', compare('tags.site', '=', 'say "hi"')],
    ['tags.rack >= -2.5', compare('tags.rack', '>=', -2.5)],
    ['tags.rack < 1e3', compare('tags.rack', '<', 1000)],
    ['tags.on = False', compare('tags.on', '=', false)],
    ['tags.on != NULL', compare('tags.on', '!=', null)],
    ['tags.a = tags.b', { kind: 'compare', operator: '=', left: 'tags.a', right: { kind: 'path', path: 'tags.b' } }],
    ['tags.ünïcode = 1', compare('tags.ünïcode', '=', 1)],
    ["a = 1 OR b = 2 AND NOT c = 3", {
      kind: 'or',
      parts: [compare('a', '=', 1), { kind: 'and', parts: [compare('b', '=', 2), { kind: 'not', inner: compare('c', '=', 3) }] }],
    }],
    ['(a = 1 OR b = 2) AND c = 3', {
      kind: 'and',
      parts: [{ kind: 'or', parts: [compare('a', '=', 1), compare('b', '=', 2)] }, compare('c', '=', 3)],
    }],
    ["x IN ['a', 1, -2.5, true, false, null]", { kind: 'in', path: 'x', values: ['a', 1, -2.5, true, false, null], negated: false }],
    ['x nin []', { kind: 'in', path: 'x', values: [], negated: true }],
    ['IS_DEFINED(tags.x)', { kind: 'typeCheck', name: 'IS_DEFINED', path: 'tags.x' }],
    ["starts_with(deviceId, 'a')", { kind: 'stringTest', name: 'STARTSWITH', path: 'deviceId', argument: 'a' }],
    ['  \n\ttags.x\t=\n1  ', compare('tags.x', '=', 1)],
  ])('%s', (condition, expected) => {
    expect(simplify(parseCondition(condition))).toEqual(expected);
  });
});

describe('syntax errors name the position and what was expected', () => {
  it.each<[string, string]>([
    ['', "at 1: expected SELECT, found the end of the query"],
    ["SELECT * FROM devices WHERE tags.site =", "at 40: expected a value after '=', found the end of the query"],
    ["SELECT * FROM devices WHERE tags.site == 'a'", "at 40: expected a value after '=', found '='"],
    ["SELECT * FROM devices WHERE tags.site = plant-a", "at 46: unexpected character '-'"],
    ["SELECT * FROM devices WHERE tags.site 'a'", "at 39: expected a comparison (=, !=, <>, <, >, <=, >=), IN or NIN after tags.site, found 'a'"],
    ['SELECT * FROM devices WHERE tags.enabled', 'at 41: expected a comparison (=, !=, <>, <, >, <=, >=), IN or NIN after tags.enabled, found the end of the query'],
    ["SELECT * FROM devices WHERE tags.site = 'a' AND", 'at 48: expected a condition (a field, a function such as IS_DEFINED(…), NOT or \'(\'), found the end of the query'],
    ["SELECT * FROM devices WHERE AND tags.site = 'a'", "at 29: expected a condition (a field, a function such as IS_DEFINED(…), NOT or '('), found 'AND'"],
    ["SELECT * FROM devices WHERE (tags.site = 'a'", "at 45: expected AND, OR or ')' to close the '(' at 29, found the end of the query"],
    ["SELECT * FROM devices WHERE tags.site IN 'a'", "at 42: expected '[' after IN, found 'a'"],
    ["SELECT * FROM devices WHERE tags.site NIN ('a')", "at 43: expected '[' after NIN, found '('"],
    ["SELECT * FROM devices WHERE tags.site IN ['a' 'b']", "at 47: expected ',' or ']' in the IN list, found 'b'"],
    ["SELECT * FROM devices WHERE tags.site IN ['a',]", "at 47: expected a string, number, true, false or null in the IN list, found ']'"],
    ["SELECT * FROM devices WHERE tags.site IN [tags.x]", "at 43: expected a string, number, true, false or null in the IN list, found 'tags.x'"],
    ["SELECT * FROM devices WHERE tags.site = 'a", 'at 41: the string starting here has no closing quote'],
    ["SELECT * FROM devices WHERE tags. = 'a'", "at 34: expected a property name after '.'"],
    ["SELECT * FROM devices WHERE tags.site ~ 'a'", "at 39: unexpected character '~'"],
    ["SELECT * FROM devices WHERE tags.site = 'a' tags.model = 'b'", "at 45: expected AND, OR, GROUP BY or the end of the query, found 'tags.model'"],
    ["SELECT * FROM devices WHERE tags.site = 'a' ORDER BY deviceId", "at 45: expected AND, OR, GROUP BY or the end of the query, found 'ORDER'"],
    ["SELECT * FROM devices tags.site = 'a'", "at 23: expected WHERE, GROUP BY or the end of the query, found 'tags.site'"],
    ['SELECT * devices', "at 10: expected FROM after the SELECT list, found 'devices'"],
    ['SELECT * FROM modules', "at 15: expected devices or devices.jobs after FROM, found 'modules'"],
    ['SELECT * FROM devices.modules', "at 15: expected devices or devices.jobs after FROM, found 'devices.modules'"],
    ['SELECT TOP 5 * FROM devices', 'at 8: TOP is not supported by the local hub'],
    ['SELECT FROM devices', "at 8: expected '*', a field or COUNT() in the SELECT list, found 'FROM'"],
    ['SELECT deviceId, FROM devices', "at 18: expected '*', a field or COUNT() in the SELECT list, found 'FROM'"],
    ['SELECT deviceId AS FROM devices', "at 20: expected a name after AS, found 'FROM'"],
    ['SELECT deviceId AS a.b FROM devices', "at 20: expected a name after AS, found 'a.b'"],
    ['SELECT tags.site, properties.reported.site FROM devices', "at 19: the SELECT list has two items named 'site'; rename one with AS"],
    ['SELECT COUNT( AS n FROM devices', "at 15: expected ')' after COUNT(, found 'AS'"],
    ['SELECT * FROM devices GROUP BY tags.site', 'at 32: GROUP BY needs a SELECT list of the grouped field and COUNT(), not SELECT *'],
    ['SELECT * FROM devices GROUP tags.site', "at 29: expected BY after GROUP, found 'tags.site'"],
    ['SELECT deviceId, COUNT() AS n FROM devices', 'at 8: deviceId is neither grouped nor counted; add GROUP BY deviceId or select only COUNT()'],
    ['SELECT deviceId, COUNT() AS n FROM devices GROUP BY tags.site', 'at 8: deviceId is neither grouped nor counted; select tags.site or COUNT()'],
    ['SELECT tags.site AS s FROM devices GROUP BY tags.site, tags.model', "at 54: expected the end of the query, found ','"],
    ['SELECT * FROM devices WHERE FOO(tags.site)', "at 29: unknown function 'FOO'; supported: IS_DEFINED, IS_NULL"],
    ["SELECT * FROM devices WHERE IS_DEFINED('a')", "at 40: expected a field as the first argument of IS_DEFINED(, found 'a'"],
    ['SELECT * FROM devices WHERE STARTSWITH(deviceId)', "at 48: expected ',' and a string after the field in STARTSWITH(, found ')'"],
    ['SELECT * FROM devices WHERE STARTSWITH(deviceId, 5)', "at 50: expected a quoted string as the second argument of STARTSWITH(, found '5'"],
    ['SELECT * FROM devices WHERE IS_DEFINED(deviceId', "at 48: expected ')' to close IS_DEFINED(, found the end of the query"],
  ])('%s', (query, message) => {
    expect(() => compileQuery(query)).toThrow(QuerySyntaxError);
    expect(() => compileQuery(query)).toThrow(`Query syntax error ${message}`);
  });

  it.each<[string, string]>([
    ['', "at 1: expected a condition (a field, a function such as IS_DEFINED(…), NOT or '('), found the end of the query"],
    ["SELECT * FROM devices WHERE tags.site = 'a'", "at 1: expected a condition (a field, a function such as IS_DEFINED(…), NOT or '('), found 'SELECT'"],
    ["tags.site = 'a' GROUP BY tags.site", "at 17: expected AND, OR or the end of the condition, found 'GROUP'"],
    ["tags.site = 'a' )", "at 17: expected AND, OR or the end of the condition, found ')'"],
  ])('condition %j', (condition, message) => {
    expect(() => compileCondition(condition)).toThrow(QuerySyntaxError);
    expect(() => compileCondition(condition)).toThrow(`Query syntax error ${message}`);
  });

  it('carries the position', () => {
    const error = catchError(() => compileQuery("SELECT * FROM devices WHERE tags.site ="));
    expect(error).toMatchObject({ name: 'QuerySyntaxError', position: 40 });
    expect(error.message).toBe("Query syntax error at 40: expected a value after '=', found the end of the query");
  });
});

describe('limits', () => {
  const prefix = "SELECT * FROM devices WHERE tags.site = '";

  it(`accepts a query of ${maxQueryBytes} bytes and refuses one byte more`, () => {
    const fill = (bytes: number, char: string) => prefix + char.repeat((bytes - prefix.length - 1) / Buffer.byteLength(char)) + "'";
    expect(() => compileQuery(fill(maxQueryBytes, 'a'))).not.toThrow();
    expect(() => compileQuery(fill(maxQueryBytes + 1, 'a'))).toThrow(
      new QuerySyntaxError('Query syntax error: the query is 8193 bytes long; IoT Hub accepts at most 8192 bytes'),
    );
    // Bytes, not characters: 'é' takes two in UTF-8.
    const wide = fill(maxQueryBytes + 2, 'é');
    expect(wide.length).toBeLessThan(maxQueryBytes);
    expect(() => compileQuery(wide)).toThrow('the query is 8194 bytes long');
    expect(() => compileCondition('x = 1 OR '.repeat(1000) + 'x = 1')).toThrow('the query is 9005 bytes long');
  });

  it(`accepts ${maxNestingDepth} nested parentheses or NOTs and refuses deeper ones`, () => {
    const parens = (depth: number) => `${'('.repeat(depth)}x = 1${')'.repeat(depth)}`;
    expect(compileCondition(parens(maxNestingDepth))({ x: 1 })).toBe(true);
    expect(() => compileCondition(parens(maxNestingDepth + 1))).toThrow(`Query syntax error at 33: conditions nest deeper than ${maxNestingDepth} levels`);
    expect(compileCondition(`${'NOT '.repeat(maxNestingDepth)}x = 1`)({ x: 1 })).toBe(true);
    expect(() => compileCondition(`${'NOT '.repeat(maxNestingDepth + 1)}x = 1`)).toThrow('at 129: conditions nest deeper than 32 levels');
    expect(() => compileCondition(`${'('.repeat(8000)}x = 1`)).toThrow(QuerySyntaxError); // no stack overflow
  });

  it('keeps long flat conditions flat', () => {
    const condition = Array.from({ length: 500 }, (_, i) => `x = ${i}`).join(' OR ');
    expect(compileCondition(condition)({ x: 499 })).toBe(true);
  });
});

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}
