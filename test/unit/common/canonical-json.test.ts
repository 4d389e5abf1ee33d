import { canonicalJson, canonicalJsonBytes } from '../../../common/canonical-json';

describe('canonicalJson', () => {
  it.each([
    ['key order does not matter', { b: 1, a: [true, null, 'x'] }, '{"a":[true,null,"x"],"b":1}'],
    ['nested objects are sorted too', { z: { y: 1, x: 2 } }, '{"z":{"x":2,"y":1}}'],
    ['keys sort by UTF-16 code units', { b: 0, B: 0, é: 0, '1': 0 }, '{"1":0,"B":0,"b":0,"é":0}'],
    ['undefined members are left out, as storage leaves them out', { a: undefined, b: 2 }, '{"b":2}'],
    ['numbers take their shortest round-trip form', [1.5, 1e21, -0, 0.1], '[1.5,1e+21,0,0.1]'],
    ['strings are escaped as JSON.stringify does', ['a"b\\c\n', 'ü'], '["a\\"b\\\\c\\n","ü"]'],
    ['an object without prototype is plain data', Object.assign(Object.create(null) as object, { a: 1 }), '{"a":1}'],
  ])('%s', (_what, value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('gives the same text however the value was built, at every depth (what a signature covers)', () => {
    const a = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } };
    const b = { a: { c: 'x', d: [3, { y: null, z: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('signs UTF-8 bytes', () => {
    expect(Buffer.from(canonicalJsonBytes({ s: 'ü' })).toString('hex')).toBe(Buffer.from('{"s":"ü"}', 'utf8').toString('hex'));
  });

  it('gives what a round trip through JSON gives', () => {
    const value = { n: 3, list: [{ y: 'x', x: 'y' }], nested: { deep: { a: null } } };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  it.each([
    ['NaN', { n: NaN }],
    ['Infinity', [Infinity]],
    ['a bigint', { n: BigInt(1) }],
    ['a function', { f: () => 1 }],
    ['undefined in an array', [1, undefined]],
    ['undefined on its own', undefined],
    ['a Date', { at: new Date(0) }],
    ['a class instance', { m: new Map() }],
    ['a bare Date', new Date(0)],
  ])('refuses %s: it would be stored differently from how it was hashed', (_what, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});
