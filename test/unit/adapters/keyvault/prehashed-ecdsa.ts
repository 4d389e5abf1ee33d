/**
 * ECDSA P-256 over a digest the caller already hashed, as Key Vault's `sign` does. node:crypto always hashes what
 * it signs, so this test-only stand-in does the curve arithmetic itself (slow, not constant time: tests only).
 */
import { randomBytes, type KeyObject } from 'node:crypto';

const p = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const G = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};
type Point = { x: bigint; y: bigint } | undefined; // undefined: the point at infinity

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
function inverse(a: bigint, m: bigint): bigint {
  let [result, base, exponent] = [1n, mod(a, m), m - 2n];
  for (; exponent > 0n; exponent >>= 1n, base = (base * base) % m) if (exponent & 1n) result = (result * base) % m;
  return result;
}

function add(a: Point, b: Point): Point {
  if (!a) return b;
  if (!b) return a;
  if (a.x === b.x && mod(a.y + b.y, p) === 0n) return undefined;
  const slope = a.x === b.x ? mod(3n * a.x * a.x - 3n, p) * inverse(2n * a.y, p) : mod(b.y - a.y, p) * inverse(b.x - a.x, p);
  const x = mod(slope * slope - a.x - b.x, p);
  return { x, y: mod(slope * (a.x - x) - a.y, p) };
}

function multiply(k: bigint, point: Point): Point {
  let result: Point;
  for (let addend = point; k > 0n; k >>= 1n, addend = add(addend, addend)) if (k & 1n) result = add(result, addend);
  return result;
}

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const to32Bytes = (value: bigint) => Buffer.from(value.toString(16).padStart(64, '0'), 'hex');

/** Raw r‖s over a 32-byte SHA-256 digest with a P-256 private key. */
export function signDigest(privateKey: KeyObject, digest: Uint8Array): Uint8Array {
  const d = toBigInt(Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url'));
  const z = toBigInt(digest);
  for (;;) {
    const k = mod(toBigInt(randomBytes(32)), n);
    const r = mod(multiply(k, G)?.x ?? 0n, n);
    const s = mod(inverse(k, n) * (z + r * d), n);
    if (k !== 0n && r !== 0n && s !== 0n) return new Uint8Array(Buffer.concat([to32Bytes(r), to32Bytes(s)]));
  }
}
