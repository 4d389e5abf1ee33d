import { createRequire } from 'node:module';

/** One binary-delta tool behind the same two calls, so the service can switch tools without touching callers. */
export interface DeltaCodec {
  /** `name@version` of the library; published beside each delta so a device knows which patcher made it. */
  readonly tool: string;
  createDelta(base: Uint8Array, target: Uint8Array): Promise<Uint8Array>;
  /** May throw on a malformed delta or the wrong base, or may return wrong bytes: callers verify the signed hash. */
  applyDelta(base: Uint8Array, delta: Uint8Array): Promise<Uint8Array>;
}

// createRequire loads untyped CommonJS packages and their package.json without ambient module declarations,
// which would need delta/ in tsconfig's include list.
export const load = createRequire(__filename);

/** `name@version` as installed, so the recorded tool is the one that really ran. */
export function toolName(pkg: string): string {
  const { version } = load(`${pkg}/package.json`) as { version: string };
  return `${pkg}@${version}`;
}
