import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PublicJwk } from '../../../../domain/packages/signing';
import { decodeCertificate } from '../../../../device-agent/key-chain';
import { verifyUpdatePackage } from '../../../../device-agent/verify-update';
import { loadLocalKeySigner } from '../../../../adapters/signing/local-key-signer';
import { keysProgram } from '../../../../scripts/keys';
import { daysFromNow, now, validInput } from '../../device-agent/update-package-fixture';

describe('npm run keys', () => {
  let dir: string;
  const lines: string[] = [];
  const keys = (...args: string[]) => keysProgram((line) => lines.push(line), () => now).parseAsync(args, { from: 'user' });
  const signerIn = (keyDir: string) =>
    loadLocalKeySigner({ privateKeyPath: path.join(keyDir, 'signing-private.pem'), certificatePath: path.join(keyDir, 'signing-certificate.jws') });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ota-keys-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a root, issues signing keys, revokes one, and devices then refuse exactly that key', async () => {
    const [rootDir, firstDir, secondDir, list] = ['root', 'signing-1', 'signing-2', 'revocation-list.jws'].map((name) => path.join(dir, name)) as [string, string, string, string];
    await keys('create-root', '--out', rootDir);
    await keys('issue', '--root', rootDir, '--out', firstDir, '--days', '90');
    await keys('issue', '--root', rootDir, '--out', secondDir);
    const root = JSON.parse(await readFile(path.join(rootDir, 'root-public.jwk.json'), 'utf8')) as PublicJwk;
    expect((await stat(path.join(rootDir, 'root-private.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(firstDir, 'signing-private.pem'))).mode & 0o777).toBe(0o600);

    const first = await signerIn(firstDir);
    const second = await signerIn(secondDir);
    const certificate = decodeCertificate(first.certificate);
    expect(certificate.ok && certificate.value.claims.notAfter).toBe(daysFromNow(90).toISOString());

    await keys('revoke', '--root', rootDir, '--kid', first.keyId, '--list', list);
    const revocationList = (await readFile(list, 'utf8')).trim();
    const byFirst = { ...(await validInput({ jwk: root }, first)), revocationList };
    expect(verifyUpdatePackage(byFirst)).toMatchObject({ ok: false, code: 'revoked-key', reason: `signing key ${first.keyId} is revoked by revocation list 1` });
    // Rotation: the other key of the same root still verifies, with no change on the device but the new list.
    const bySecond = { ...(await validInput({ jwk: root }, second)), revocationList };
    expect(verifyUpdatePackage(bySecond).ok).toBe(true);

    await keys('revoke', '--root', rootDir, '--kid', second.keyId, '--list', list);
    await keys('revoke', '--root', rootDir, '--kid', first.keyId, '--list', list);
    expect(lines.slice(-2)).toEqual([`key ${second.keyId} revoked: ${list} is now serial 2`, `key ${first.keyId} was revoked already (serial 2)`]);
  });

  it('never overwrites keys', async () => {
    const rootDir = path.join(dir, 'root-2');
    await keys('create-root', '--out', rootDir);
    const pem = await readFile(path.join(rootDir, 'root-private.pem'), 'utf8');
    await expect(keys('create-root', '--out', rootDir)).rejects.toThrow(/already holds keys/);
    await keys('issue', '--root', rootDir, '--out', path.join(dir, 'signing-3'));
    await expect(keys('issue', '--root', rootDir, '--out', path.join(dir, 'signing-3'))).rejects.toThrow(/already holds keys/);
    expect(await readFile(path.join(rootDir, 'root-private.pem'), 'utf8')).toBe(pem);
  });

  it('refuses a revocation list that another root signed', async () => {
    const [rootA, rootB, list] = ['root-a', 'root-b', 'list-ab.jws'].map((name) => path.join(dir, name)) as [string, string, string];
    await keys('create-root', '--out', rootA);
    await keys('create-root', '--out', rootB);
    await keys('revoke', '--root', rootA, '--kid', 'k', '--list', list);
    await expect(keys('revoke', '--root', rootB, '--kid', 'k2', '--list', list)).rejects.toThrow(/is not a revocation list of root/);
  });

  it('certifies a key held elsewhere, named by its thumbprint (the output of az keyvault key show)', async () => {
    const rootDir = path.join(dir, 'root-kv');
    await keys('create-root', '--out', rootDir);
    await keys('issue', '--root', rootDir, '--out', path.join(dir, 'stand-in'));
    const jwk = JSON.parse(await readFile(path.join(dir, 'stand-in', 'signing-public.jwk.json'), 'utf8')) as PublicJwk;
    const bundle = path.join(dir, 'kv-key.json');
    await writeFile(bundle, JSON.stringify({ key: { ...jwk, kid: 'https://vault.example/keys/signing/0123', key_ops: ['sign'] }, attributes: {} }));
    const out = path.join(dir, 'kv-certificate.jws');
    await keys('certify', '--root', rootDir, '--public-jwk', bundle, '--out', out, '--days', '30');
    const certificate = decodeCertificate((await readFile(out, 'utf8')).trim());
    expect(certificate.ok && certificate.value.claims).toMatchObject({ kid: jwk.kid, jwk, notAfter: daysFromNow(30).toISOString() });
  });

  it('refuses a validity that is not a positive number of days', async () => {
    await expect(keys('issue', '--root', dir, '--out', path.join(dir, 'x'), '--days', '0')).rejects.toThrow(/positive whole number/);
  });
});
