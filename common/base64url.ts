/**
 * Strict base64url without padding (RFC 4648 §5), for signed tokens: compact JWS (devices and the service) and
 * approval links. Strict on purpose: a decoder that skipped stray characters or ignored non-zero trailing bits
 * would accept several texts for one token, so a tampered token could still decode; here one byte string has one
 * text. Written out rather than on Buffer so that common/ needs nothing but the language.
 */
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const values = new Map(Array.from(alphabet, (char, value) => [char, value]));

export function encodeBase64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const group = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const remaining = bytes.length - i;
    const chars = remaining >= 3 ? 4 : remaining + 1; // 1 byte → 2 characters, 2 → 3, 3 → 4
    for (let k = 0; k < chars; k += 1) out += alphabet[(group >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** The bytes, or undefined when `text` is not canonical unpadded base64url. */
export function decodeBase64url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined; // no byte count encodes to this length
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let length = 0;
  for (const char of text) {
    const value = values.get(char);
    if (value === undefined) return undefined;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (buffer >> bits) & 0xff;
    }
    buffer &= (1 << bits) - 1;
  }
  return buffer === 0 ? out : undefined; // leftover bits must be zero, else two texts decode alike
}
