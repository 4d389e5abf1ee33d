/**
 * Key rotation and revocation on the local stack, as an operator would do them with `npm run keys`: devices keep
 * trusting the same root; a manifest of a revoked key is refused, one of the new key is accepted.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verifySignedManifest } from '../../../device-agent/verify-update';
import { repoRoot } from '../../support/devhost-process';
import { startLocalStack, writeProfile, type LocalStack } from '../../support/local-stack';
import { twoSiteFleet } from '../rollouts/fixtures';

let stack: LocalStack | undefined;
let dataDir: string;
const profile = writeProfile(twoSiteFleet());
beforeAll(() => { dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ota-keys-e2e-')); });
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const keys = (...args: string[]) => execFileSync(process.execPath, [path.join(repoRoot, 'dist/scripts/keys.js'), ...args], { encoding: 'utf8' });

async function publish(s: LocalStack, eventId: string, tag: string): Promise<any> {
  await fetch(`${s.url}/runtime/webhooks/eventgrid?functionName=onImagePushed`, {
    method: 'POST', headers: { 'aeg-event-type': 'Notification', 'content-type': 'application/json' },
    body: JSON.stringify([{
      id: eventId, subject: `edge/line-controller:${tag}`, eventType: 'Microsoft.ContainerRegistry.ImagePushed', eventTime: '2026-11-25T10:00:00Z', dataVersion: '1', metadataVersion: '1',
      data: { target: { repository: 'edge/line-controller', tag, digest: `sha256:${createHash('sha256').update(eventId).digest('hex')}`, size: 10 }, request: { host: 'contoso.azurecr.io' }, actor: { name: 'ci' } },
    }]),
  });
  for (let i = 0; i < 200; i++) {
    const { body } = await s.api('GET', `imports/${eventId}`);
    if (body?.status === 'Imported') return (await s.api('GET', `updates/contoso/line-controller/${tag}`)).body;
    if (body?.status === 'Failed' || body?.status === 'Ignored') throw new Error(JSON.stringify(body));
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${eventId} was not imported`);
}

async function deviceCheck(s: LocalStack, signedManifest: string) {
  const jwks = (await s.api('GET', 'signing-keys')).body;
  return verifySignedManifest({ signedManifest, trustedRoots: jwks.roots, revocationList: jwks.revocationList, device: { model: 'ctl-a', installed: {} }, now: new Date().toISOString() });
}

it('rotates the signing key and revokes the old one without touching devices', async () => {
  stack = await startLocalStack({ fleet: profile, dataDir });
  await stack.api('PUT', 'import-rules/lc', { source: { repository: 'edge/line-controller' }, update: { provider: 'contoso', name: 'line-controller' }, compatibility: [{ model: 'ctl-a' }] });
  const first = await publish(stack, 'evt-key-1', '2.1.0');
  const oldKid = first.manifest.provenance.signerKeyId;
  const root = (await stack.api('GET', 'signing-keys')).body.roots;
  await stack.stop();

  // Rotation: retire the current key, issue a new one certified by the same root.
  const keyDir = path.join(dataDir, 'keys');
  fs.mkdirSync(path.join(keyDir, 'retired'), { recursive: true });
  fs.renameSync(path.join(keyDir, 'signing'), path.join(keyDir, 'retired', oldKid));
  keys('issue', '--root', path.join(keyDir, 'root'), '--out', path.join(keyDir, 'signing'), '--days', '365');

  stack = await startLocalStack({ fleet: profile, dataDir });
  const second = await publish(stack, 'evt-key-2', '2.2.0');
  const newKid = second.manifest.provenance.signerKeyId;
  expect(newKid).not.toBe(oldKid);
  const rotated = (await stack.api('GET', 'signing-keys')).body;
  expect(rotated.roots).toEqual(root);
  expect(rotated.keys.map((k: any) => [k.kid, k.status])).toEqual(expect.arrayContaining([[newKid, 'active'], [oldKid, 'retired']]));
  expect(await deviceCheck(stack, first.signedManifest)).toMatchObject({ ok: true });
  expect(await deviceCheck(stack, second.signedManifest)).toMatchObject({ ok: true });

  // Revocation: the old key goes on the root-signed list the service publishes.
  keys('revoke', '--root', path.join(keyDir, 'root'), '--kid', oldKid, '--list', path.join(keyDir, 'revocation-list.jws'));
  const revoked = (await stack.api('GET', 'signing-keys')).body;
  expect(revoked.keys.find((k: any) => k.kid === oldKid).status).toBe('revoked');
  expect(await deviceCheck(stack, first.signedManifest)).toMatchObject({ ok: false, code: 'revoked-key' });
  expect(await deviceCheck(stack, second.signedManifest)).toMatchObject({ ok: true });
});
