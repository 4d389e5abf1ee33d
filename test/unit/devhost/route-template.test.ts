import { compileRoute } from '../../../devhost/http/route-template';

type Params = Record<string, string> | undefined;

describe('compileRoute: matching', () => {
  it.each<[string, string, Params]>([
    // literals and plain parameters
    ['products', 'products', {}],
    ['products', 'PRODUCTS', {}],
    ['products', 'product', undefined],
    ['products', 'products/7', undefined],
    ['', '', {}],
    ['/products/{id}', 'products/7', { id: '7' }],
    ['products/{id}', 'products/7', { id: '7' }],
    ['products/{id}', 'products', undefined],
    ['products/{id}', 'products/7/parts', undefined],
    ['{category}/{ID}', 'tools/Hammer', { category: 'tools', ID: 'Hammer' }],
    ['{a}/{b}/{c}', 'x//z', undefined],
    // optional and default values
    ['products/{id?}', 'products', {}],
    ['products/{id?}', 'products/7', { id: '7' }],
    ['products/{id:int?}', 'products/x', undefined],
    ['{controller=Home}/{action=Index}', '', { controller: 'Home', action: 'Index' }],
    ['{controller=Home}/{action=Index}', 'shop', { controller: 'shop', action: 'Index' }],
    ['{a=x}/b', 'b', undefined],
    ['{a=x}/b', 'y/b', { a: 'y' }],
    ['items/{page:int=1}', 'items', { page: '1' }],
    // catch-all
    ['files/{*path}', 'files/a/b/c.txt', { path: 'a/b/c.txt' }],
    ['files/{*path}', 'files', {}],
    ['files/{**path}', 'files/a/b', { path: 'a/b' }],
    ['files/{*path=index.html}', 'files', { path: 'index.html' }],
    ['{*all}', '', {}],
    ['files/{*path:regex(\\.txt$)}', 'files/a/b.txt', { path: 'a/b.txt' }],
    ['files/{*path:regex(\\.txt$)}', 'files/a/b.png', undefined],
    // escaped braces are literal text
    ['{{x}}', '{x}', {}],
    ['{{x}}/{id}', '{X}/3', { id: '3' }],
    // a parameter named like an Object.prototype member is still a plain value
    ['{__proto__}/{constructor}', 'a/b', { ['__proto__']: 'a', constructor: 'b' }],
  ])('%s matches %j -> %j', (template, path, expected) => {
    const result = compileRoute(template).match(path);
    if (expected === undefined) {
      expect(result).toBeUndefined();
    } else {
      expect(result).toEqual(expected);
      expect(Object.keys(result ?? {})).toEqual(Object.keys(expected));
    }
  });
});

describe('compileRoute: constraints', () => {
  it.each<[string, string, boolean]>([
    ['int', '42', true],
    ['int', '-7', true],
    ['int', '+7', true],
    ['int', '2147483647', true],
    ['int', '2147483648', false],
    ['int', '4.2', false],
    ['int', 'abc', false],
    ['INT', '5', true],
    ['long', '9223372036854775807', true],
    ['long', '9223372036854775808', false],
    ['alpha', 'abcXYZ', true],
    ['alpha', 'abc1', false],
    ['bool', 'TRUE', true],
    ['bool', 'false', true],
    ['bool', 'yes', false],
    ['guid', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', true],
    ['guid', '3F2504E04F8911D39A0C0305E82C3301', true],
    ['guid', '{3f2504e0-4f89-11d3-9a0c-0305e82c3301}', true],
    ['guid', '(3f2504e0-4f89-11d3-9a0c-0305e82c3301)', true],
    ['guid', '3f2504e0-4f89-11d3-9a0c', false],
    ['double', '3.14', true],
    ['double', '-1e10', true],
    ['double', '.5', true],
    ['double', '1,000.5', true],
    ['double', 'NaN', true],
    ['double', '1.2.3', false],
    ['decimal', '3.14', true],
    ['decimal', '1e3', false],
    ['float', '2.5', true],
    ['minlength(2)', 'ab', true],
    ['minlength(2)', 'a', false],
    ['maxlength(5)', 'abcde', true],
    ['maxlength(5)', 'abcdef', false],
    ['length(3)', 'abc', true],
    ['length(3)', 'abcd', false],
    ['length(2,4)', 'abcd', true],
    ['length(2,4)', 'a', false],
    ['min(1)', '1', true],
    ['min(1)', '0', false],
    ['min(1)', 'x', false],
    ['max(9)', '9', true],
    ['max(9)', '10', false],
    ['range(1,9)', '5', true],
    ['range(1, 9)', '10', false],
    ['range(-5,-1)', '-3', true],
    ['regex(^a+$)', 'aaa', true],
    ['regex(^a+$)', 'AAA', true],
    ['regex(^a+$)', 'aab', false],
    ['regex(a+)', 'xay', true],
    ['regex(^(ab|cd)$)', 'cd', true],
    ['regex(^[(]x$)', '(x', true],
    ['regex(^\\d{{3}}$)', '123', true],
    ['regex(^\\d{{3}}$)', '1234', false],
    ['required', 'x', true],
    ['int:min(1)', '0', false],
    ['int:min(1)', '3', true],
    ['int:range(1,9)', '5', true],
    ['alpha:maxlength(3)', 'abcd', false],
  ])('{x:%s} with %j -> %s', (constraint, value, matches) => {
    const result = compileRoute(`v/{x:${constraint}}`).match(`v/${value}`);
    expect(result).toEqual(matches ? { x: value } : undefined);
  });
});

describe('compileRoute: specificity', () => {
  const order = (templates: string[]): string[] =>
    [...templates].sort((a, b) => compileRoute(b).specificity - compileRoute(a).specificity);

  it.each<[string, string]>([
    ['products/new', 'products/{id}'],
    ['products/{id:int}', 'products/{id}'],
    ['products/{id}', 'products/{*rest}'],
    ['products/{*rest:regex(x)}', 'products/{*rest}'],
    ['products/{id}', '{kind}/new'],
    ['products', 'products/{id?}'],
    ['products/{id}/parts', 'products/{*rest}'],
  ])('%s is more specific than %s', (winner, loser) => {
    expect(compileRoute(winner).specificity).toBeGreaterThan(compileRoute(loser).specificity);
  });

  it('documents the formula: -(sum of digit_i / 10^i)', () => {
    expect(compileRoute('a/{b:int}/{c}/{*d}').specificity).toBeCloseTo(-(1 + 0.2 + 0.03 + 0.005), 12);
    expect(compileRoute('').specificity).toBe(0);
  });

  it('orders a route table so the first match is the most specific', () => {
    expect(order(['{*all}', 'products/{id}', 'products/{id:int}', 'products/new', '{kind}/{id}'])).toEqual([
      'products/new',
      'products/{id:int}',
      'products/{id}',
      '{kind}/{id}',
      '{*all}',
    ]);
  });
});

describe('compileRoute: invalid templates', () => {
  it.each<[string, RegExp]>([
    ['products/{id', /unbalanced '\{'/],
    ['products/id}', /unbalanced '\}'/],
    ['products/{a{b}', /unexpected '\{'/],
    ['{*rest}/more', /catch-all parameter 'rest' must be the last segment/],
    ['{id:foo}', /unknown constraint 'foo'/],
    ['{id:}', /unknown constraint ''/],
    ['{id:int(3)}', /'int' takes no argument/],
    ['{id:min}', /'min' expects 1 integer argument/],
    ['{id:min(x)}', /'min' expects 1 integer argument/],
    ['{id:range(1)}', /'range' expects 2 integer argument/],
    ['{id:range(9,1)}', /minimum greater than its maximum/],
    ['{id:minlength(-1)}', /cannot be negative/],
    ['{id:regex(()}', /unbalanced '\('/],
    ['{id:regex([)}', /unbalanced '\('/],
    ['{id:regex(a))}', /unexpected '\)'/],
    ['{}', /invalid parameter name ''/],
    ['{a*b}', /invalid parameter name 'a\*b'/],
    ['{id}/{ID}', /parameter 'ID' appears more than once/],
    ['{id?}/details', /optional parameter 'id' may only be followed by optional segments/],
    ['{id?}/{name}', /optional parameter 'id' may only be followed/],
    ['{*rest?}', /catch-all parameter is already optional/],
    ['{id=5?}', /optional parameter cannot have a default/],
    ['{id:int=abc}', /default value 'abc' does not satisfy/],
    ['{id?x}', /unexpected '\?x'/],
    ['a//b', /empty segment/],
    ['files/{name}.{ext}', /mixing literals and parameters/],
    ['what?', /literal 'what\?' cannot contain '\?'/],
  ])('%s', (template, message) => {
    expect(() => compileRoute(template)).toThrow(message);
    expect(() => compileRoute(template)).toThrow(`Invalid route template '${template}'`);
  });
});
