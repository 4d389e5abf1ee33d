/**
 * The trust anchors the verifier needs, from the trust file (`{ "roots": [JWK…], "revocationList"?: "<JWS>" }`),
 * read again for every verification so that a rotated root or a new revocation list applies without a restart.
 */
import fs from 'node:fs';
import { isPublicJwk } from '../json-shape';
import type { VerifyUpdateInput } from '../verify-update';

export type PublicJwk = VerifyUpdateInput['trustedRoots'][number];

export interface Trust {
  roots: PublicJwk[];
  revocationList?: string;
}

export type TrustResult = { ok: true; trust: Trust } | { ok: false; reason: string };

export function readTrust(file: string | undefined): TrustResult {
  if (file === undefined) return { ok: false, reason: 'the agent has no trust file (--trust)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not readable JSON (${(error as Error).message})`;
    return { ok: false, reason: `the trust file ${file} ${reason}` };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, reason: `the trust file ${file} is not a JSON object` };
  const { roots, revocationList } = parsed as { roots?: unknown; revocationList?: unknown };
  if (!Array.isArray(roots) || roots.length === 0 || !roots.every(isPublicJwk)) {
    return { ok: false, reason: `the trust file ${file} has no roots: a non-empty list of EC P-256 public JWKs with kid` };
  }
  if (revocationList !== undefined && typeof revocationList !== 'string') return { ok: false, reason: `the trust file ${file} has a revocationList that is not a compact JWS string` };
  return { ok: true, trust: { roots, ...(revocationList !== undefined ? { revocationList } : {}) } };
}
