/**
 * The hub's shared access policies, as an Azure hub is created with them: `iothubowner` (everything), `service`
 * (ServiceConnect: twins, methods, jobs), `registryRead` and `registryReadWrite` (the identity registry). Keys are
 * made on first start and kept in the data dir, so connection strings handed out stay valid across restarts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { newDeviceKey } from '../hub-state';
import { parseSas, verifySas } from '../sas';

export type Permission = 'RegistryRead' | 'RegistryWrite' | 'ServiceConnect';

export interface Policy {
  name: string;
  primaryKey: string;
  secondaryKey: string;
  permissions: Permission[];
}

const defaults: Record<string, Permission[]> = {
  iothubowner: ['RegistryRead', 'RegistryWrite', 'ServiceConnect'],
  service: ['ServiceConnect'],
  registryRead: ['RegistryRead'],
  registryReadWrite: ['RegistryRead', 'RegistryWrite'],
};

export function loadOrCreatePolicies(dir: string): Policy[] {
  const file = path.join(dir, 'policies.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Policy[];
  const policies = Object.entries(defaults).map(([name, permissions]) => ({ name, primaryKey: newDeviceKey(), secondaryKey: newDeviceKey(), permissions }));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(policies, null, 2)}\n`, { mode: 0o600 });
  return policies;
}

export type AuthResult = { ok: true; permissions: ReadonlySet<Permission> } | { ok: false; reason: string };

/**
 * Checks a service token: signed by a key of the policy it names (`skn`), for this hub, not expired at `nowMs`
 * (pass the wall clock, not a scaled hub clock: the SDK mints tokens an hour ahead of its Date.now()).
 */
export function authenticate(header: string | undefined, policies: readonly Policy[], hostNames: readonly string[], nowMs: number): AuthResult {
  const token = parseSas(header);
  if (!token) return { ok: false, reason: 'the Authorization header is not a SharedAccessSignature' };
  const policy = policies.find((p) => p.name === token.skn);
  if (!policy) return { ok: false, reason: token.skn ? `no shared access policy named ${token.skn}` : 'the token names no shared access policy (skn)' };
  const check = verifySas(header, { keys: [policy.primaryKey, policy.secondaryKey], resources: hostNames, nowMs });
  return check.ok ? { ok: true, permissions: new Set(policy.permissions) } : { ok: false, reason: check.reason };
}
