import { decodeBase64url, encodeBase64url } from '../../../common/base64url';

describe('base64url', () => {
  it('agrees with Node for every length up to 40 bytes, both ways', () => {
    for (let length = 0; length <= 40; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length * 13) % 256);
      const expected = Buffer.from(bytes).toString('base64url');

      expect(encodeBase64url(bytes)).toBe(expected);
      expect(Buffer.from(decodeBase64url(expected)!)).toEqual(Buffer.from(bytes));
    }
  });

  it('has one spelling for each byte string: no padding, no base64 characters, no stray trailing bits', () => {
    expect(decodeBase64url('AQID')).toEqual(new Uint8Array([1, 2, 3]));
    expect(decodeBase64url('AQID=')).toBeUndefined();
    expect(decodeBase64url('AQ+D')).toBeUndefined();
    expect(decodeBase64url('AR')).toBeUndefined(); // non-canonical trailing bits (AQ is the one spelling of 0x01)
  });

  it.each(['a', 'ab=', 'a+b/', 'AB', 'AAB'])('refuses %p', (text) => {
    expect(decodeBase64url(text)).toBeUndefined();
  });
});
