import { canonicalJson } from '../../../common/canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace, whatever order the value was built in', () => {
    const a = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } };
    const b = { a: { c: 'x', d: [3, { y: null, z: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('escapes strings as JSON does and leaves out undefined properties', () => {
    expect(canonicalJson({ s: 'ü"\n', gone: undefined })).toBe('{"s":"ü\\"\\n"}');
  });

  it.each([[Number.NaN], [Infinity], [new Date(0)], [new Map()], [10n], [[undefined]]])('refuses %p rather than guess its form', (value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});
