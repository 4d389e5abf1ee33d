/** Equal bytes (a link's HMAC against the expected one), in time that depends on the length only (so a signature cannot be guessed byte by byte). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
